/**
 * What reconciliation does, decided without I/O: from one snapshot of Asterisk and a view of our
 * own state, one action per channel that needs one. Pure, so each case is unit-tested without
 * Asterisk (test/calls/reconcile-plan.test.ts); reconcile.ts carries the actions out, each on
 * its own (a failure is retried without stopping the others).
 */
import type { CallState } from '../db/schema.js';
import type { AsteriskSnapshot, QueueEntry, StasisChannel } from '../telephony/switchboard.js';
import type { LiveState } from './live-calls.js';

/** Runs `fn` for one channel (`key`) on its own: a failure is recorded for the retry, never thrown. */
export type Guard = (key: string, step: string, fn: () => Promise<void> | void) => Promise<void>;

/** Our side, as the plan needs to see it. */
export interface ReconcileView {
  /** The live call of a caller channel. */
  call(channelId: string): { callId: string; state: LiveState; directTo: number | null; priority: number } | undefined;
  /** The calls row of a caller channel (live or not). */
  record(channelId: string): { id: string; state: CallState } | undefined;
  /** A caller we resumed or adopted at the front door and must still send on to the queue. */
  toSendOn(channelId: string): { callId: string; priority: number } | undefined;
  isAgentLeg(channelId: string): boolean;
  isUnitLeg(channelId: string): boolean;
  surveying(channelId: string): boolean;
  /** Caller channels of the live calls that were live when the snapshot was asked for. */
  liveChannels(): string[];
}

export type ReconcileAction =
  /** A live call whose caller channel Asterisk no longer has (it restarted): finish it. */
  | { do: 'finish_lost'; channelId: string }
  /** A caller of ours in Stasis: on to the queue under its call. */
  | { do: 'send_on'; channelId: string; callId: string; priority: number }
  /** A caller in Stasis we have no record of: a call and a draft order, then on to the queue. */
  | { do: 'adopt_in_stasis'; channel: StasisChannel; dialled: string }
  /** A citizen's channel of an outbound call this process does not handle (outbound.ts leftInStasis). */
  | { do: 'outbound_left'; channelId: string; callId: string | null }
  /** A caller in the post-call survey nobody is surveying: ask again. */
  | { do: 'survey'; channelId: string; callId: string | null }
  | { do: 'hang_up'; channelId: string; reason: 'busy' | 'normal'; why: string }
  /**
   * A three-way call's unit leg no call of ours holds when the plan is made: planned after every
   * other action and hung up then, unless a call taken over meanwhile took it (an outbound call's
   * takeover finds its unit in the `outbound_left` action).
   */
  | { do: 'unit_left'; channelId: string }
  /** A resumed front-door caller is already in app_queue (our drain sent it): it joined. */
  | { do: 'joined'; channelId: string }
  /** A caller in app_queue we have no record of (the dialplan's fallback while we were down). */
  | { do: 'adopt_queued'; entry: QueueEntry }
  /** Nothing to do, but worth a line in the log. */
  | { do: 'leave'; channelId: string; why: string };

/** `queue`: the 12345 queue's number, the hotline of a caller whose dialled number is unknown. */
export function planReconcile(snap: AsteriskSnapshot, view: ReconcileView, queue: string): ReconcileAction[] {
  const plan: ReconcileAction[] = [];
  for (const channelId of view.liveChannels()) if (!snap.channels.has(channelId)) plan.push({ do: 'finish_lost', channelId });
  const late: ReconcileAction[] = [];
  for (const ch of snap.stasis) {
    const action = forStasisChannel(ch, view, queue);
    if (action?.do === 'unit_left') late.push(action);
    else if (action) plan.push(action);
  }
  for (const entry of snap.queue) {
    const id = entry.channelId;
    if (view.toSendOn(id)) plan.push({ do: 'joined', channelId: id });
    else if (view.call(id)) continue;
    else if (view.record(id)) plan.push({ do: 'leave', channelId: id, why: 'a queued caller with a call record we do not track is not adopted again' });
    else plan.push({ do: 'adopt_queued', entry });
  }
  return [...plan, ...late];
}

function forStasisChannel(ch: StasisChannel, view: ReconcileView, queue: string): ReconcileAction | null {
  const id = ch.channelId;
  switch (ch.kind) {
    case 'inbound': {
      const resumed = view.toSendOn(id);
      if (resumed) return { do: 'send_on', channelId: id, ...resumed };
      if (view.call(id)) return null; // at our front door now
      const known = view.record(id);
      // A record but not live (it ended while the caller stayed): queue it under that id, no second record.
      if (known) return { do: 'send_on', channelId: id, callId: known.id, priority: 0 };
      return { do: 'adopt_in_stasis', channel: ch, dialled: ch.arg || queue };
    }
    case 'survey':
      // The post-call survey of our previous process: ask again (the caller is still there).
      return view.surveying(id) ? null : { do: 'survey', channelId: id, callId: ch.arg || null };
    case 'withdrawn': {
      const call = view.call(id);
      if (call && call.directTo !== null) return null; // its direct offer is under way in this process
      // Withdrawn for an agent by our previous process: the direct offer died with it.
      const callId = call?.callId ?? view.record(id)?.id;
      return callId ? { do: 'send_on', channelId: id, callId, priority: call?.priority ?? 0 } : { do: 'adopt_in_stasis', channel: ch, dialled: queue };
    }
    case 'agent':
      // An agent leg of an offer we no longer know: app_queue rings again.
      return view.isAgentLeg(id) ? null : { do: 'hang_up', channelId: id, reason: 'busy', why: 'an agent leg we do not know' };
    case 'unit':
      return view.isUnitLeg(id) ? null : { do: 'unit_left', channelId: id };
    case 'outbound':
      // A citizen we dialled: ours while its call or survey runs here; else outbound.ts decides.
      return view.surveying(id) ? null : { do: 'outbound_left', channelId: id, callId: ch.arg || null };
    case 'direct':
    case 'media':
      return null; // ours: in a bridge (the sweep removes leftovers) or about to be
    default:
      return { do: 'leave', channelId: id, why: `a channel in our app with an unknown purpose (${ch.kind})` };
  }
}
