/**
 * The console's look-ups: a caller's history (agents and shift leads), the units agents may
 * transfer to or dispatch to, and the dispatch suggestion (org.yaml, read at each request so a
 * hot reload applies at once).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import type { OrgConfig } from '../../config/files/schemas/org.js';
import { callerHistory } from '../../calls/caller-history.js';
import { suggestDispatch } from '../../workorders/dispatch/index.js';
import { ORDER_CATEGORIES } from '../../workorders/lifecycle/types.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface CallersRoutesOptions {
  readonly db: Db;
  readonly org: () => OrgConfig;
}

export const callersRoutes: FastifyPluginAsyncZod<CallersRoutesOptions> = async (app, opts) => {
  const Params = z.object({ callerId: z.coerce.number().int().positive() });
  const Query = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(10) });

  app.get(
    '/api/callers/:callerId/history',
    { schema: { tags: ['callers'], params: Params, querystring: Query }, preHandler: requireRole('agent', 'shift_lead', 'admin') },
    async (req) => {
      const page = callerHistory(opts.db, req.params.callerId, req.query.page, req.query.pageSize);
      if (!page) throw appError('NOT_FOUND', `caller ${req.params.callerId} not found`);
      return page;
    },
  );

  /** The dispatch suggestion (派单建议) from org.yaml's responsibility catalogue, for the order form. */
  const SuggestBody = z.object({
    category: z.enum(ORDER_CATEGORIES),
    subject: z.string().max(200).default(''),
    content: z.string().max(5000).default(''),
    areaId: z.string().max(64).optional(),
  });
  app.post('/api/dispatch/suggestion', { schema: { tags: ['units'], body: SuggestBody }, preHandler: requireRole('agent', 'shift_lead', 'admin') }, async (req) => ({
    suggestion: suggestDispatch(opts.org(), req.body),
  }));

  /** Units for the console: transfer / three-way targets (with a phone) and dispatch targets. */
  app.get('/api/units', { schema: { tags: ['units'] }, preHandler: requireRole('agent', 'shift_lead', 'admin') }, async () =>
    opts.org().units.map((u) => ({ id: u.id, name: u.name, area: u.area, kind: u.kind, phone: u.phone ?? null })),
  );
};
