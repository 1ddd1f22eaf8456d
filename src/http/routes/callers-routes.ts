/**
 * The console's look-ups: a caller's history (agents and shift leads), the units agents may
 * transfer to or dispatch to, and the dispatch suggestion (org.yaml, read at each request so a
 * hot reload applies at once).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowIdParam } from '../../contract/bounds.js';
import { CallerHistory, DispatchAdvice, Units } from '../../contract/http-console.js';
import type { OrgConfig } from '../../config/files/schemas/org.js';
import { callerHistory, type CallerHistoryStore } from '../../calls/caller-history.js';
import { suggestDispatch } from '../../workorders/dispatch/index.js';
import { handlingDeadline, signForDeadline } from '../../workorders/deadlines/index.js';
import { deadlineConfigFrom } from '../../workorders/deadlines/scheduler.js';
import type { CalendarConfig, SlaConfig } from '../../workorders/deadlines/index.js';
import { ORDER_CATEGORIES } from '../../workorders/lifecycle/types.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface CallersRoutesOptions {
  /** The caller history's reads (caller-history.ts). */
  readonly history: CallerHistoryStore;
  /** The current configuration: org.yaml, and sla.yaml + calendar.yaml for the deadlines. */
  readonly config: () => { readonly org: OrgConfig; readonly sla: SlaConfig; readonly calendar: CalendarConfig };
  readonly now?: () => number;
}

export const callersRoutes: FastifyPluginAsyncZod<CallersRoutesOptions> = async (app, opts) => {
  // The work calendar is rebuilt only when calendar.yaml changes.
  const calendarOf = deadlineConfigFrom(opts.config);
  const Params = z.object({ callerId: rowIdParam() });
  const Query = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(10) });

  app.get(
    '/api/callers/:callerId/history',
    {
      schema: { tags: ['callers'], params: Params, querystring: Query, response: { 200: CallerHistory } },
      preHandler: requireRole('agent', 'shift_lead', 'admin'),
    },
    async (req) => {
      const page = await callerHistory(opts.history, req.params.callerId, req.query.page, req.query.pageSize);
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
  app.post(
    '/api/dispatch/suggestion',
    {
      schema: { tags: ['units'], body: SuggestBody, response: { 200: DispatchAdvice } },
      preHandler: requireRole('agent', 'shift_lead', 'admin', 'dispatcher'),
    },
    async (req) => {
      const sla = opts.config().sla;
      const { calendar } = calendarOf();
      const at = (opts.now ?? Date.now)();
      return {
        suggestion: suggestDispatch(opts.config().org, req.body),
        // If dispatched now: the handling limit of the category (working days) and the sign-for limit.
        deadlines: {
          workingDays: sla.timeLimits[req.body.category],
          deadlineAt: handlingDeadline(req.body.category, at, sla, calendar),
          signDeadlineAt: signForDeadline(at, sla, calendar),
        },
      };
    },
  );

  /** Units for the console: transfer / three-way targets (with a phone) and dispatch targets. */
  // The directory of units and their public phone numbers: platform staff and unit handlers.
  app.get(
    '/api/units',
    { schema: { tags: ['units'], response: { 200: Units } }, preHandler: requireRole('agent', 'shift_lead', 'admin', 'dispatcher', 'unit_handler') },
    async () => opts.config().org.units.map((u) => ({ id: u.id, name: u.name, area: u.area, kind: u.kind, phone: u.phone ?? null })),
  );
};
