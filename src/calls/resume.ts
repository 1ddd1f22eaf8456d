/**
 * After our restart (a deploy, a crash) Asterisk still holds the calls the previous process
 * was handling, and the database holds them as in progress (calls.state <> 'ended'). They are
 * taken over as they were, so a caller keeps its call and its work order:
 *  - at the front door (greeting) or in the queue: tracked live again under the same call id
 *    (the channel still carries SUNLINE_CALL_ID, so the agent legs app_queue rings name it);
 *    reconcile then sends a caller left in our Stasis on to the queue;
 *  - ringing an agent: back to waiting (agents log in again after a restart; the agent leg
 *    left in Stasis is hung up by reconcile and app_queue rings again);
 *  - answered: its audio ran through the previous process's media worker and its agent is
 *    logged out, so the conversation is over: the call is ended as `server_restart`, and the
 *    caller goes on as after any agent hang-up (the survey).
 * Calls whose channel is gone are then finished by reconcile like any lost channel.
 */
import type { CallCenter } from './call-center.js';
import type { UnfinishedCall } from './calls-repository.js';
import type { LiveCall, LiveState } from './live-calls.js';

const LIVE_STATE: Record<Exclude<UnfinishedCall['state'], 'answered'>, LiveState> = {
  entered: 'front_door',
  queued: 'queued',
  offered: 'queued',
};

/** Takes over the calls the database holds as in progress and we do not track; returns them by caller channel. */
export function resumeUnfinished(cc: CallCenter): Map<string, LiveCall> {
  const resumed = new Map<string, LiveCall>();
  const log = cc.log.child({ component: 'resume' });
  const now = cc.o.now ?? Date.now;
  for (const row of cc.o.repo.unfinished()) {
    if (cc.live.get(row.callId) || cc.live.byCallerChannel(row.channelId)) continue;
    if (row.state === 'answered') {
      cc.o.repo.ended(row.callId, now(), 'server_restart');
      log.info({ callId: row.callId, agentId: row.agentId }, 'a call answered before our restart is over');
      continue;
    }
    const call = cc.track({
      callId: row.callId, channelId: row.channelId, callerNumber: row.callerPhone, callerId: row.callerId, dialled: row.dialled,
      enteredAt: row.enteredAt, orderId: row.orderId, orderNumber: row.orderNumber, state: LIVE_STATE[row.state],
    });
    resumed.set(row.channelId, call);
    log.info({ callId: call.callId, state: call.state }, 'resumed a call left in progress by our previous process');
  }
  return resumed;
}
