import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ConfigStore } from '../../config/files/index.js';
import { formatProblem } from '../../config/files/index.js';
import { requireRole } from '../auth.js';

/** Administrators see which configuration is serving and why the last edit was refused. */
export const adminConfigRoutes: FastifyPluginAsyncZod<{ config: ConfigStore }> = async (app, opts) => {
  app.addHook('onRequest', requireRole('admin'));

  app.get('/api/admin/config', { schema: { tags: ['admin'] } }, async () => {
    const status = opts.config.status();
    return {
      ...status,
      lastError: status.lastError && { ...status.lastError, lines: status.lastError.problems.map(formatProblem) },
      warningLines: status.warnings.map(formatProblem),
    };
  });

  app.post('/api/admin/config/reload', { schema: { tags: ['admin'] } }, async (_req, reply) => {
    const res = await opts.config.reload();
    if (res.ok) return { ok: true, changed: res.changed, version: res.version, warnings: res.warnings.map(formatProblem) };
    return reply.status(422).send({
      error: { code: 'CONFIG_INVALID', message: 'configuration refused; the last good version keeps serving', details: res.problems.map(formatProblem) },
    });
  });
};
