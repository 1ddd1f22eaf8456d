/**
 * Callbacks a citizen asks for (issue 12 item 2: "callbacks a citizen asked for"): while waiting
 * in the queue the caller hears every 30 s that key 1 asks for a callback (queues.conf
 * periodic-announce); the key takes the caller out of app_queue into the dialplan's
 * [sunline-queue-keys], which hands the channel to us (Stasis … callback,<call id>).
 *
 * We end the call as unanswered (an abandon in the queue, as the figures count it) with a
 * `callback_requested` event, and its order becomes a missed call with a callback duty: the
 * worklist lists it as asked for (kind `requested`, callbacks.ts). The caller hears that the
 * callback is registered and is hung up. A channel we do not know as waiting (e.g. after our
 * restart, before adoption) goes back into the queue: no caller is lost for pressing a key.
 */
import type { SurveyChannel } from '../telephony/switchboard.js';
import type { CallContext } from './call-context.js';

/** Played after the key (dialplan/sounds/sunline/callback-confirm.wav, scripts/gen-prompts.sh). */
export const CALLBACK_CONFIRM = 'sunline/callback-confirm';

export class CallbackRequests {
  constructor(private readonly o: CallContext) {}

  /** The caller on `ch` pressed the callback key while waiting. */
  requested(ch: SurveyChannel): void {
    this.run(ch).catch((err: unknown) => this.o.log.error({ err, channelId: ch.channelId }, 'callback request failed'));
  }

  private async run(ch: SurveyChannel): Promise<void> {
    const { live, switchboard: sw, repo, events } = this.o;
    const call = live.byCallerChannel(ch.channelId);
    if (!call || (call.state !== 'queued' && call.state !== 'offered') || (ch.callId !== null && ch.callId !== call.callId)) {
      this.o.log.warn({ channelId: ch.channelId, callId: ch.callId, state: call?.state }, 'callback key from a caller not waiting with us: back to the queue');
      await sw.releaseToDialplan(ch.channelId);
      return;
    }
    const at = this.o.now();
    live.remove(call);
    if (call.agentLeg) await sw.hangup(call.agentLeg).catch(() => undefined); // an agent's phone was ringing for this caller
    repo.callbackRequested(call.callId, call.draft, at, this.o.systemActor);
    this.o.log.info({ callId: call.callId, waitMs: at - call.enteredAt }, 'caller asked to be called back');
    const agentId = call.offeredTo;
    events.emit('call.updated', { callId: call.callId, state: 'ended', agentId, at, reason: 'callback_requested' });
    events.emit('queue.changed', { at, removeWaiting: [call.callId] });
    if (agentId !== null) await this.o.agents.settleCall(agentId, call.callId);
    try {
      await sw.playFirst(ch.channelId, [CALLBACK_CONFIRM], 15_000).catch(() => false);
    } finally {
      await sw.hangup(ch.channelId).catch((err: unknown) => this.o.log.warn({ err, callId: call.callId }, 'hang-up after the callback request failed'));
    }
  }
}
