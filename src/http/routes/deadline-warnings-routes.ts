/** Today's deadline warnings (Asia/Shanghai day) for shift leads and admins: the lead page lists them on load. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { shanghaiDayStart } from '../../lib/shanghai-time.js';
import { TodayWarnings } from '../../contract/http-lead.js';
import type { WarningsStore } from '../../workorders/deadlines/warnings-store.js';
import { requireRole } from '../auth.js';

/** At most this many rows, newest first (the page shows 20). */
export const MAX_TODAY_WARNINGS = 50;

export const deadlineWarningsRoutes: FastifyPluginAsyncZod<{ warnings: WarningsStore; now?: () => number }> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.get(
    '/api/deadline-warnings/today',
    { schema: { tags: ['workorders'], response: { 200: TodayWarnings } }, preHandler: requireRole('shift_lead', 'admin') },
    async () => ({ items: await opts.warnings.read((q) => q.warningsSince(shanghaiDayStart(now()), MAX_TODAY_WARNINGS)) }),
  );
};
