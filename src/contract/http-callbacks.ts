/**
 * The callback worklist's reply (GET /api/callbacks, src/http/routes/callbacks-routes.ts): the
 * route replies through this schema (and OpenAPI describes it); its type is exactly the socket
 * contract's CallbackEntry (outbound.ts; test/contract/http-responses.test.ts checks it at compile
 * time), which the web app's outbound panel reads.
 */
import { z } from 'zod';
import { MAX_ROW_ID } from './bounds.js';

export const CALLBACK_ATTEMPT_OUTCOMES = ['reached', 'busy', 'no_answer', 'wrong_number', 'failed'] as const;

/** An attempt of a callback duty: what an outbound call made for it came to. */
export const CallbackAttempt = z.object({ at: z.number(), outcome: z.enum(CALLBACK_ATTEMPT_OUTCOMES) }).readonly();

/** When a duty may be tried next (the retry policy), or why nobody needs to call any more. */
export const CallbackNextTry = z.discriminatedUnion('state', [
  z.object({ state: z.literal('due'), at: z.number() }).readonly(),
  z.object({ state: z.literal('done'), why: z.enum(['reached', 'wrong_number', 'attempts_used']) }).readonly(),
]);

/** Who should make a callback: assigned by a shift lead or picked by the agent (`byId`), since `at`. */
export const CallbackAssignee = z.object({ agentId: z.number(), displayName: z.string(), byId: z.number(), at: z.number() }).readonly();

/** PUT /api/callbacks/:orderId/assignee: an agent's id, or null to free the entry. */
export const AssignCallbackBody = z
  .object({
    agentId: z.number().int().positive().max(MAX_ROW_ID).nullable(),
  })
  .strict();

/** One entry of the worklist: a missed caller (回拨, every open missed-call order) or an order waiting for evaluation by callback (回访). */
export const CallbackEntry = z
  .object({
    kind: z.enum(['missed', 'requested', 'evaluation']),
    orderId: z.number(),
    orderNumber: z.string(),
    orderIds: z.array(z.number()).readonly(),
    callerPhone: z.string().nullable(),
    dueAt: z.number(),
    attempts: z.array(CallbackAttempt).readonly(),
    next: CallbackNextTry,
    assignee: CallbackAssignee.nullable(),
  })
  .readonly();

/** GET /api/callbacks: the due entries first. */
export const CallbackWorklist = z.object({ entries: z.array(CallbackEntry) });
export type CallbackWorklist = z.output<typeof CallbackWorklist>;

/** PUT /api/callbacks/:orderId/assignee: the entry as it is now. */
export const AssignedCallback = z.object({ entry: CallbackEntry });
export type AssignedCallback = z.output<typeof AssignedCallback>;
