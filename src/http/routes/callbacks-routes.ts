/**
 * The callback worklist (calls/callbacks.ts) for agents and shift leads: missed callers (one
 * entry per caller) and orders waiting for evaluation by callback, with their attempts and when
 * each may be tried next (SUNLINE_CALLBACK_*, within ivr.yaml hours). Read at each request.
 * Shift leads assign an entry to an agent or free it; an agent picks a free entry or gives back
 * their own (callback-assignments.ts: append-only, the audit trail); each change is published as
 * `callback.assigned` for the lead pages and the consoles of the agents concerned.
 */

const Params = z.object({ orderId: z.coerce.number().int().positive().max(2_147_483_647) });
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AssignCallbackBody, AssignedCallback, CallbackWorklist as CallbackWorklistView } from '../../contract/http-callbacks.js';
import type { IvrConfig } from '../../config/files/index.js';
import type { CallbackPolicy } from '../../calls/callback-policy.js';
import { CallbackWorklist } from '../../calls/callbacks.js';
import { CallbackAssignments } from '../../calls/callback-assignments.js';
import type { CallbacksStore } from '../../calls/callbacks-store.js';
import { CallError } from '../../calls/errors.js';
import { frontDoorPlan } from '../../calls/office-hours.js';
import { deadlineConfigFrom } from '../../workorders/deadlines/scheduler.js';
import type { CalendarConfig, SlaConfig } from '../../workorders/deadlines/index.js';
import type { DomainEvents } from '../../events/domain-events.js';
import { requireRole } from '../auth.js';

export interface CallbacksRoutesOptions {
  /** The worklist's orders and calls, and the assignments (callbacks-store.ts). */
  readonly store: CallbacksStore;
  readonly config: () => { readonly ivr: IvrConfig; readonly sla: SlaConfig; readonly calendar: CalendarConfig };
  readonly policy: CallbackPolicy;
  /** Publishes `callback.assigned` (live on the lead pages and the assignees' consoles). */
  readonly events: DomainEvents;
}

export const callbacksRoutes: FastifyPluginAsyncZod<CallbacksRoutesOptions> = async (app, opts) => {
  const calendarOf = deadlineConfigFrom(opts.config);
  const assignments = new CallbackAssignments(opts.store);
  const worklist = new CallbackWorklist(
    opts.store,
    () => opts.policy,
    (at) => frontDoorPlan(opts.config().ivr, calendarOf().calendar, at).open,
    assignments,
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
    async () => ({ entries: await worklist.list() }),
  );

  app.put(
    '/api/callbacks/:orderId/assignee',
    {
      schema: {
        tags: ['calls'],
        description:
          'Assign the worklist entry of an order (any of its orders) to an agent, or free it with {"agentId": null}. Shift leads assign any entry to any enabled agent or shift lead; an agent picks a free entry for themselves or gives back their own (409 CALLBACK_TAKEN otherwise). 404 CALLBACK_NOT_FOUND when the order is not on the worklist; 400 CALLBACK_ASSIGNEE_INVALID for anyone but an enabled agent or shift lead. Every change is kept (who, when, to whom).',
        params: Params,
        body: AssignCallbackBody,
        response: { 200: AssignedCallback },
      },
      preHandler: requireRole('agent', 'shift_lead'),
    },
    async (req) => {
      const user = req.user!;
      const entry = await worklist.entryOf(req.params.orderId);
      if (!entry) throw new CallError('CALLBACK_NOT_FOUND', `order ${req.params.orderId} is not on the callback worklist`);
      const assignee = await assignments.assign(entry.orderIds, req.body.agentId, { id: user.id, role: user.role });
      req.log.info({ actorId: user.id, orderId: entry.orderId, agentId: req.body.agentId }, 'callback assigned');
      const previousAgentId = entry.assignee?.agentId ?? null;
      opts.events.emit('callback.assigned', { orderId: entry.orderId, orderIds: entry.orderIds, assignee, previousAgentId, at: assignee?.at ?? Date.now() });
      return { entry: { ...entry, assignee } };
    },
  );
};
