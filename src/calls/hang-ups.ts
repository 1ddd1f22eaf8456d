/**
 * Hang-ups: a channel of a call is gone (caller, agent leg, a three-way call's unit leg) and the
 * call centre's state follows — an offer ends and the caller waits again, an answered call is
 * finished (its media, controls, bridges and legs torn down), a waiting caller is abandoned (a
 * missed-call order) — once, whichever of the several hang-up events comes first.
 */
import type { CallCenter } from './call-center.js';
import { directOfferEnded } from './direct-offer.js';
import type { LiveCall } from './live-calls.js';

export async function hangUp(cc: CallCenter, channelId: string, cause: string): Promise<void> {
  if (cc.controls.channelGone(channelId)) return; // a three-way call's unit leg
  const leg = cc.live.leg(channelId);
  if (leg) {
    cc.live.dropLeg(channelId);
    const call = cc.live.get(leg.callId);
    const agent = cc.o.agents.view(leg.agentId);
    if (call && call.agentLeg === channelId) call.agentLeg = null;
    if (agent.state === 'ringing' && agent.callId === leg.callId) {
      if (call && call.state === 'offered') {
        call.state = 'queued';
        call.offeredTo = null;
        cc.o.events.emit('queue.changed', { at: cc.now(), upsertWaiting: [cc.waitingView(call)] });
      }
      cc.o.events.emit('call.updated', { callId: leg.callId, state: 'ended', agentId: leg.agentId, at: cc.now(), reason: 'offer_ended' });
      // Only the direct leg's end sends the caller back (not app_queue's leg ended by the withdrawal).
      if (call && call.directLeg && call.directTo === leg.agentId) await directOfferEnded(cc, call);
    } else if (call && call.state === 'answered' && agent.callId === leg.callId) {
      await finish(cc, call, cc.controls.transferredTo(call.callId) ? 'transferred' : 'agent_hangup');
    }
    await cc.o.agents.settleCall(leg.agentId, leg.callId);
    return;
  }
  const call = cc.live.byCallerChannel(channelId);
  if (call) await finish(cc, call, cause);
}

async function finish(cc: CallCenter, call: LiveCall, cause: string): Promise<void> {
  if (!cc.live.get(call.callId)) return;
  cc.live.remove(call);
  const at = cc.now();
  if (call.state === 'answered') {
    cc.o.repo.ended(call.callId, at, cause);
    await cc.o.media?.detach(call.callId);
    await cc.controls.teardown(call);
    if (call.bridgeId) await cc.o.switchboard.destroyBridge(call.bridgeId).catch(() => undefined);
    if (call.callerBridgeId) await cc.o.switchboard.destroyBridge(call.callerBridgeId).catch(() => undefined);
    if (call.agentLeg) await cc.o.switchboard.hangup(call.agentLeg).catch(() => undefined);
    // A direct call whose agent hung up: the caller goes on to the survey, as after the queue.
    if (call.directLeg && cause === 'agent_hangup') await cc.o.switchboard.afterAgent(call.channelId).catch(() => undefined);
  } else {
    if (call.agentLeg) await cc.o.switchboard.hangup(call.agentLeg).catch(() => undefined); // stop the ringing
    cc.o.repo.abandoned(call.callId, call.orderId, at, cc.o.systemActor, call.state === 'front_door' ? 'front_door' : 'queue');
    cc.log.info({ callId: call.callId, waitMs: at - call.enteredAt }, 'call abandoned');
  }
  const agentId = call.answeredBy ?? call.offeredTo;
  cc.o.events.emit('call.updated', { callId: call.callId, state: 'ended', agentId, at, reason: call.state === 'answered' ? cause : 'abandoned' });
  cc.o.events.emit('queue.changed', { at, removeWaiting: [call.callId] });
  // Whichever hang-up event comes first, the agent leaves the call once.
  if (agentId !== null) await cc.o.agents.settleCall(agentId, call.callId);
}
