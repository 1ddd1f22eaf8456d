/** The callback worklist's write calls, shared by the agent console's worklist and the lead page. */
import type { CallbackEntry } from '../contract/index.js';
import { call } from './api.js';

/** Assigns the entry of `orderId` to `agentId` (a lead), picks it for oneself (an agent), or frees it (null). */
export async function assignCallback(orderId: number, agentId: number | null): Promise<CallbackEntry> {
  const r = await call<{ entry: CallbackEntry }>('PUT', `/api/callbacks/${orderId}/assignee`, { agentId });
  return r.entry;
}
