/**
 * The outbound calls a previous process left unfinished (outbound.ts `recover`, after a restart):
 * each is ended as `server_restart`, the citizen's channel hung up if Asterisk still has it, the
 * end announced like any other (the agent's console; the recorder stores the recording) and the
 * agent settled: wrap-up after an answered call, else available.
 */
import type { CallContext } from './call-context.js';
import { leftoverView } from './outbound-call.js';
import type { OutboundRecords } from './outbound-records.js';

/** Ends every unfinished outbound call this process does not hold (`ours`); resolves with how many. */
export async function endLeftovers(o: CallContext, records: OutboundRecords, ours: (callId: string) => boolean): Promise<number> {
  let leftovers = 0;
  for (const r of await records.unfinished()) {
    if (ours(r.callId)) continue;
    leftovers++;
    if (r.channelId) await o.switchboard.hangup(r.channelId).catch((err: unknown) => o.log.warn({ err, callId: r.callId }, 'outbound leftover not hung up'));
    const result = r.answeredAt === null ? 'failed' : 'answered';
    records.ended(r.callId, o.now(), { result, reason: 'server_restart', cause: null });
    o.log.info({ callId: r.callId, agentId: r.agentId }, 'outbound call of the previous process ended');
    if (r.agentId === null) continue;
    const number = r.orderId === null ? '' : ((await records.orderNumber(r.orderId)) ?? '');
    o.events.emit('call.outbound', leftoverView(r, r.agentId, number, result, o.now()));
    const v = await o.agents.settleCall(r.agentId, r.callId);
    if (r.answeredAt === null && v.state === 'wrap_up' && v.callId === r.callId) await o.agents.wrapUpDone(r.agentId);
  }
  return leftovers;
}
