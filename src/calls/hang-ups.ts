/**
 * Hang-ups: a channel of a call is gone (caller, agent leg, a three-way call's unit leg) and the
 * call centre's state follows — an offer ends and the caller waits again, an answered call is
 * finished (its media, controls, bridges and legs torn down), a waiting caller is abandoned (a
 * missed-call order) — once, whichever of the several hang-up events comes first.
 */
import type { CallContext } from './call-context.js';
import type { CallControls } from './call-controls.js';
import { waitingView } from './call-views.js';
import type { LeadActions } from './lead-actions.js';
import type { LiveCall } from './live-calls.js';

export class HangUps {
  constructor(
    private readonly o: CallContext,
    private readonly controls: CallControls,
    private readonly lead: LeadActions,
  ) {}

  /** A channel we care about is gone, in or out of Stasis. */
  channelGone(channelId: string, cause: string): void {
    this.hangUp(channelId, cause).catch((err: unknown) => this.o.log.error({ err, channelId }, 'hang-up handling failed'));
  }

  /** The caller hung up while waiting in app_queue. */
  queueAbandoned(channelId: string): void {
    // app_queue may report a caller withdrawn for a chosen agent (QueueWithdrawCaller) as abandoned;
    // a real hang-up still ends the call through channelGone.
    if (this.o.live.byCallerChannel(channelId)?.directTo != null) return;
    this.channelGone(channelId, 'abandoned');
  }

  private async hangUp(channelId: string, cause: string): Promise<void> {
    const { live, agents, events } = this.o;
    if (this.controls.channelGone(channelId)) return; // a three-way call's unit leg
    const leg = live.leg(channelId);
    if (leg) {
      const call = live.get(leg.callId);
      const agent = agents.view(leg.agentId);
      const ringing = agent.state === 'ringing' && agent.callId === leg.callId;
      const backToWaiting = live.legGone(call, channelId, ringing);
      if (ringing) {
        if (call && backToWaiting) events.emit('queue.changed', { at: this.o.now(), upsertWaiting: [waitingView(call)] });
        events.emit('call.updated', { callId: leg.callId, state: 'ended', agentId: leg.agentId, at: this.o.now(), reason: 'offer_ended' });
        // Only the direct leg's end sends the caller back (not app_queue's leg ended by the withdrawal).
        if (call && call.directLeg && call.directTo === leg.agentId) await this.lead.directOfferEnded(call);
      } else if (call && call.state === 'answered' && agent.callId === leg.callId) {
        await this.finish(call, this.controls.transferredTo(call.callId) ? 'transferred' : 'agent_hangup');
      }
      await agents.settleCall(leg.agentId, leg.callId);
      return;
    }
    const call = live.byCallerChannel(channelId);
    if (call) await this.finish(call, cause);
  }

  private async finish(call: LiveCall, cause: string): Promise<void> {
    const { live, switchboard: sw, repo } = this.o;
    if (!live.get(call.callId)) return;
    live.remove(call);
    const at = this.o.now();
    if (call.state === 'answered') {
      repo.ended(call.callId, at, cause);
      await this.o.media?.detach(call.callId);
      await this.controls.teardown(call);
      if (call.bridgeId) await sw.destroyBridge(call.bridgeId).catch(() => undefined);
      if (call.callerBridgeId) await sw.destroyBridge(call.callerBridgeId).catch(() => undefined);
      if (call.agentLeg) await sw.hangup(call.agentLeg).catch(() => undefined);
      // A direct call whose agent hung up: the caller goes on to the survey, as after the queue.
      if (call.directLeg && cause === 'agent_hangup') await sw.afterAgent(call.channelId).catch(() => undefined);
    } else {
      if (call.agentLeg) await sw.hangup(call.agentLeg).catch(() => undefined); // stop the ringing
      repo.abandoned(call.callId, call.draft, at, this.o.systemActor, call.state === 'front_door' ? 'front_door' : 'queue');
      this.o.log.info({ callId: call.callId, waitMs: at - call.enteredAt }, 'call abandoned');
    }
    const agentId = call.answeredBy ?? call.offeredTo;
    this.o.events.emit('call.updated', { callId: call.callId, state: 'ended', agentId, at, reason: call.state === 'answered' ? cause : 'abandoned' });
    this.o.events.emit('queue.changed', { at, removeWaiting: [call.callId] });
    // Whichever hang-up event comes first, the agent leaves the call once.
    if (agentId !== null) await this.o.agents.settleCall(agentId, call.callId);
  }
}
