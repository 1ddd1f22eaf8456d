import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PauseReasons } from '../../contract/http-agents.js';
import type { PauseReasonConfig } from '../../config/agents/agents-config.js';
import { requireRole } from '../auth.js';

/** The pause reasons of config/agents.yaml as the consoles offer them (agents, shift leads, admins); read per request, so a hot reload shows at the next load. */
export const pauseReasonsRoutes: FastifyPluginAsyncZod<{ reasons: () => readonly PauseReasonConfig[] }> = async (app, opts) => {
  app.get(
    '/api/agents/pause-reasons',
    {
      schema: {
        tags: ['agents'],
        description:
          'The pause reasons of config/agents.yaml: code (what a pause sends and the server stores) and label per language. Any other reason is refused (400 UNKNOWN_PAUSE_REASON).',
        response: { 200: PauseReasons },
      },
      preHandler: requireRole('agent', 'shift_lead', 'admin'),
    },
    async () => ({ reasons: opts.reasons().map((r) => ({ code: r.code, label: { zh: r.label.zh, en: r.label.en } })) }),
  );
};
