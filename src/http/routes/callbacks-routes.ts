/**
 * The callback worklist (calls/callbacks.ts) for agents and shift leads: missed callers (one
 * entry per caller) and orders waiting for evaluation by callback, with their attempts and when
 * each may be tried next (SUNLINE_CALLBACK_*, within ivr.yaml hours). Read at each request.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CallbackWorklist as CallbackWorklistView } from '../../contract/http-callbacks.js';
import type { Db } from '../../db/connection.js';
import type { IvrConfig } from '../../config/files/index.js';
import type { CallbackPolicy } from '../../calls/callback-policy.js';
import { CallbackWorklist } from '../../calls/callbacks.js';
import { frontDoorPlan } from '../../calls/office-hours.js';
import { deadlineConfigFrom } from '../../workorders/deadlines/scheduler.js';
import type { CalendarConfig, SlaConfig } from '../../workorders/deadlines/index.js';
import { requireRole } from '../auth.js';

export interface CallbacksRoutesOptions {
  readonly db: Db;
  readonly config: () => { readonly ivr: IvrConfig; readonly sla: SlaConfig; readonly calendar: CalendarConfig };
  readonly policy: CallbackPolicy;
}

export const callbacksRoutes: FastifyPluginAsyncZod<CallbacksRoutesOptions> = async (app, opts) => {
  const calendarOf = deadlineConfigFrom(opts.config);
  const worklist = new CallbackWorklist(
    opts.db,
    () => opts.policy,
    (at) => frontDoorPlan(opts.config().ivr, calendarOf().calendar, at).open,
  );
  app.get(
    '/api/callbacks',
    {
      schema: {
        tags: ['calls'],
        description:
          'The callback worklist: missed callers (one entry per caller, every open missed-call order) and orders waiting for evaluation by callback, with the attempts made and the next try (due at, or done: reached, wrong_number, attempts_used), the due ones first.',
        response: { 200: CallbackWorklistView },
      },
      preHandler: requireRole('agent', 'shift_lead'),
    },
    async () => ({ entries: worklist.list() }),
  );
};
