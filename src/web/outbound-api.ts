/** The callback worklist's write calls, shared by the agent console's worklist and the lead page. */
import type { CallbackAssignedView, CallbackEntry } from '../contract/index.js';
import type { AssignedCallback } from '../contract/http-callbacks.js';
import { call } from './api.js';

/** PUT /api/callbacks/:orderId/assignee's reply: the contract's type (the route replies through the same schema). */
export type { AssignedCallback };

/** Assigns the entry of `orderId` to `agentId` (a lead), picks it for oneself (an agent), or frees it (null). */
export async function assignCallback(orderId: number, agentId: number | null): Promise<CallbackEntry> {
  const r = await call<AssignedCallback>('PUT', `/api/callbacks/${orderId}/assignee`, { agentId });
  return r.entry;
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
