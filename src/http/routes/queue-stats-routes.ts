import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { QueueStats } from '../../contract/http-calls.js';
import type { QueueStatsSource } from '../../realtime/routes-lead.js';
import { requireRole } from '../auth.js';

/** Today's queue statistics (Asia/Shanghai day) for shift leads and admins: the wallboard's figures. */
export const queueStatsRoutes: FastifyPluginAsyncZod<{ stats: QueueStatsSource }> = async (app, opts) => {
  app.get('/api/queue/stats', { schema: { tags: ['queue'], response: { 200: QueueStats } }, preHandler: requireRole('shift_lead', 'admin') }, () =>
    opts.stats.fresh(),
  );
};
