/** The callback worklist's write calls, shared by the agent console's worklist and the lead page. */
import type { CallbackAssignedView, CallbackEntry, DeskChange } from '../contract/index.js';
import type { AssignedCallback } from '../contract/http-callbacks.js';
import { call } from './api.js';

/** PUT /api/callbacks/:orderId/assignee's reply: the contract's type (the route replies through the same schema). */
export type { AssignedCallback };

/** Assigns the entry of `orderId` to `agentId` (a lead), picks it for oneself (an agent), or frees it (null). */
export async function assignCallback(orderId: number, agentId: number | null): Promise<CallbackEntry> {
  const r = await call<AssignedCallback>('PUT', `/api/callbacks/${orderId}/assignee`, { agentId });
  return r.entry;
}

/** The statuses of the orders the worklist holds (calls/callbacks.ts): missed calls, and reviewed orders waiting for 回访. */
const WORKLIST_STATUSES: ReadonlySet<string> = new Set(['missed_call', 'reviewed']);

/**
 * Whether a `desk:changed` note can change the worklist shown (`entries`; null: not read yet):
 * an order that is now a missed call or waits for its evaluation — a new missed call (`create`)
 * or a call abandoned (`abandon`) included — or one of the listed orders moving on.
 */
export function touchesWorklist(entries: readonly CallbackEntry[] | null, c: DeskChange): boolean {
  return WORKLIST_STATUSES.has(c.status) || entries === null || entries.some((e) => e.orderIds.includes(c.orderId));
}

/**
 * The worklist after a live `callback:assigned`: the entry holding any of its orders gets the new
 * assignee. Null when no entry holds them (a list read before the entry existed): read it again.
 */
export function applyAssigned(entries: readonly CallbackEntry[], v: CallbackAssignedView): CallbackEntry[] | null {
  let found = false;
  const next = entries.map((e) => {
    if (!e.orderIds.some((id) => v.orderIds.includes(id))) return e;
    found = true;
    return { ...e, assignee: v.assignee };
  });
  return found ? next : null;
}
