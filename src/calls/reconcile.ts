/**
 * After a (re)connect, or when a caller shows up in the queue without our front door, make our
 * live state match Asterisk's (CONVENTIONS.md #2):
 *  - calls the database holds as in progress and we do not track (our previous process's) are
 *    taken over under their own call id (resume.ts); one left at the front door goes on to the
 *    queue, or is marked queued if it is there already;
 *  - every channel in our Stasis app is handled by what it is there for (its Stasis arguments),
 *    never taken for a new caller unless it is one: an inbound caller left there (our websocket
 *    dropped mid-greeting) goes on to the queue; a caller in the post-call survey gets the
 *    survey again (its result still reaches the order); a caller withdrawn for a chosen agent
 *    whose direct offer died with our previous process goes back to the queue; agent legs and
 *    three-way unit legs we do not know are hung up (app_queue rings again);
 *  - callers waiting in the queue that we do not know (the dialplan's fallback while we were
 *    down) are adopted: a call record and a draft order, marked so their agent legs name them —
 *    unless the channel already has a call record;
 *  - calls that began and ended while we were down are imported from Asterisk's record of the
 *    fallback path (outage-calls.ts), with missed-call orders;
 *  - live calls whose channels no longer exist (Asterisk restarted) are finished;
 *  - once per process, at its first reconcile: agents back (agent_sessions) on a call or an
 *    offer that did not survive are settled (wrap-up, available); the bridges our previous
 *    process made (agent leg, direct offer, hold) that hold nothing we track are destroyed, and
 *    the externalMedia / snoop channels in them hung up (nothing of ours is in flight before
 *    the first reconcile).
 *
 * One channel can never stop the others: each is handled on its own, a failure is logged with
 * the channel and the reason, kept for /health/ready's detail, and retried with backoff.
 */
import type { Logger } from 'pino';
import { backoffDelay } from '../telephony/backoff.js';
import type { StasisChannel } from '../telephony/switchboard.js';
import type { CallCenter } from './call-center.js';
import { resumeUnfinished } from './resume.js';
import type { LiveCall } from './live-calls.js';
import { importOutageCalls } from './outage-calls.js';

/** A channel (or a whole step, keyed by its name) whose handling failed and is retried. */
export interface ReconcileFailure {
  /** What we were doing with it (e.g. 'adopt a queued caller', 'resume the survey'). */
  step: string;
  /** The error's fixed code, or its message. */
  reason: string;
  attempts: number;
  since: number;
}

/** Runs `fn` for one channel; a failure is the caller's to record. */
export type Guard = (key: string, step: string, fn: () => Promise<void> | void) => Promise<void>;

const RETRY = { initialMs: 500, maxMs: 30_000 } as const;

export class Reconciler {
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private swept = false;
  /**
   * Callers in Stasis that reconcile must send on to the queue (resumed at the front door, or
   * adopted there), kept until that succeeded: a run may fail halfway.
   */
  private readonly sendOn = new Map<string, LiveCall>();
  private readonly failing = new Map<string, ReconcileFailure>();
  private retries = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly cc: CallCenter) {
    this.log = cc.log.child({ component: 'reconcile' });
  }

  /** One run now, or the next one if a run is under way (runs never overlap; waiting callers share one). */
  run(): Promise<void> {
    if (this.next) return this.next;
    if (this.current) {
      this.next = this.current.then(() => {
        this.next = null;
        return this.start();
      });
      return this.next;
    }
    return this.start();
  }

  /** For /health/ready: ok while no channel's handling has failed; the failures as detail. */
  health(): { ok: boolean; state: string; failing: ({ key: string } & ReconcileFailure)[] } {
    const failing = [...this.failing].map(([key, f]) => ({ key, ...f }));
    return { ok: true, state: failing.length ? 'retrying' : 'ok', failing };
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private start(): Promise<void> {
    this.current = this.once().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async once(): Promise<void> {
    const seen = new Set<string>();
    const guard: Guard = async (key, step, fn) => {
      seen.add(key);
      try {
        await fn();
        this.failing.delete(key);
      } catch (err) {
        const before = this.failing.get(key);
        const reason = (err as { code?: unknown }).code ?? (err as Error).message;
        const f = { step, reason: String(reason), attempts: (before?.attempts ?? 0) + 1, since: before?.since ?? this.cc.now() };
        this.failing.set(key, f);
        this.log.warn({ err, key, step, attempts: f.attempts }, 'reconcile failed for one channel; will retry');
      }
    };
    await guard('step:resume', 'take over the calls left in progress', () => this.resume(guard));
    await guard('step:lost', 'finish calls whose channels are gone', () => this.finishLost());
    await guard('step:stasis', 'list the channels in our app', async () => {
      for (const ch of await this.cc.o.switchboard.stasisChannels()) await guard(ch.channelId, `stasis ${ch.kind}`, () => this.stasisChannel(ch));
    });
    await guard('step:queue', 'list the callers in the queue', async () => {
      for (const entry of await this.cc.o.switchboard.queueEntries()) await guard(entry.channelId, 'adopt a queued caller', () => this.queueEntry(entry));
    });
    await guard('step:outage', 'import the calls of our outage', () => importOutageCalls(this.cc, guard));
    if (!this.swept) {
      await guard('step:agents', 'settle agents back after a restart', () => this.settleRestoredAgents());
      await guard('step:sweep', 'remove what our previous process left', () => this.sweepLeftovers());
      if (!this.failing.has('step:agents') && !this.failing.has('step:sweep')) this.swept = true;
    }
    // Channels gone since their failure need no retry.
    for (const key of this.failing.keys()) if (!seen.has(key)) this.failing.delete(key);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    if (this.failing.size === 0) {
      this.retries = 0;
      return;
    }
    const delay = backoffDelay(this.retries++, RETRY);
    this.log.info({ failing: this.failing.size, delayMs: delay }, 'reconcile retry scheduled');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.cc.telephonyUp()) void this.run();
    }, delay);
    this.retryTimer.unref();
  }

  private async resume(guard: Guard): Promise<void> {
    for (const [channelId, call] of await resumeUnfinished(this.cc, guard)) if (call.state === 'front_door') this.sendOn.set(channelId, call);
  }

  /** A caller of ours still to send on, at the front door. */
  private atFrontDoor(channelId: string): LiveCall | undefined {
    const call = this.sendOn.get(channelId);
    if (call && call.state === 'front_door' && this.cc.live.get(call.callId) === call) return call;
    this.sendOn.delete(channelId);
    return undefined;
  }

  private async finishLost(): Promise<void> {
    const existing = await this.cc.o.switchboard.channelIds();
    for (const call of this.cc.live.all()) if (!existing.has(call.channelId)) this.cc.channelGone(call.channelId, 'lost');
  }

  private async stasisChannel(ch: StasisChannel): Promise<void> {
    const { cc } = this;
    const sw = cc.o.switchboard;
    switch (ch.kind) {
      case 'inbound': {
        const left = this.atFrontDoor(ch.channelId);
        if (left) {
          // Our previous process stopped during its greeting: the queue now, as drain() would have.
          this.log.info({ callId: left.callId }, 'a resumed caller left in Stasis goes on to the queue');
          await sw.sendToQueue(ch.channelId, { callId: left.callId, priority: left.priority });
          this.sendOn.delete(ch.channelId);
          return;
        }
        if (cc.live.byCallerChannel(ch.channelId)) return; // at our front door now
        const known = cc.o.repo.findByChannel(ch.channelId);
        if (known) {
          // A record but not live (it ended while the caller stayed): queue it under that id, no second record.
          this.log.warn({ callId: known.id, state: known.state }, 'a caller in Stasis with an ended call record goes on to the queue');
          await sw.sendToQueue(ch.channelId, { callId: known.id, priority: 0 });
          return;
        }
        const call = cc.register(ch.channelId, ch.callerNumber, ch.callerName, ch.arg || sw.queue, 'front_door');
        this.log.info({ callId: call.callId }, 'adopted a caller left in Stasis');
        // Kept until sent on: if this fails, the retry must not take it for our front door's.
        this.sendOn.set(ch.channelId, call);
        await sw.sendToQueue(ch.channelId, { callId: call.callId, priority: call.priority });
        this.sendOn.delete(ch.channelId);
        return;
      }
      case 'survey':
        // The post-call survey of our previous process: ask again (the caller is still there).
        if (!cc.surveying(ch.channelId)) {
          this.log.info({ callId: ch.arg || null }, 'a caller left in the survey gets it again');
          cc.survey({ channelId: ch.channelId, callId: ch.arg || null });
        }
        return;
      case 'withdrawn': {
        const call = cc.live.byCallerChannel(ch.channelId);
        if (call?.directTo != null) return; // its direct offer is under way in this process
        // Withdrawn for an agent by our previous process: the direct offer died with it.
        const callId = call?.callId ?? cc.o.repo.findByChannel(ch.channelId)?.id ?? cc.register(ch.channelId, ch.callerNumber, ch.callerName, sw.queue, 'front_door').callId;
        this.log.info({ callId }, 'a withdrawn caller without its direct offer goes back to the queue');
        await sw.sendToQueue(ch.channelId, { callId, priority: call?.priority ?? 0 });
        return;
      }
      case 'agent':
        if (cc.live.leg(ch.channelId)) return;
        // An agent leg of an offer we no longer know: app_queue rings again.
        await sw.hangup(ch.channelId, 'busy');
        return;
      case 'unit':
        if (cc.controls.isUnitLeg(ch.channelId)) return;
        // A three-way call's unit leg whose call did not survive.
        await sw.hangup(ch.channelId);
        return;
      case 'direct':
      case 'media':
        return; // ours: in a bridge (the sweep removes leftovers) or about to be
      default:
        this.log.warn({ kind: ch.kind }, 'a channel in our app with an unknown purpose is left alone');
    }
  }

  private async queueEntry(entry: { channelId: string; channelName: string; callerNumber: string; waitSecs: number }): Promise<void> {
    const { cc } = this;
    // It joined the queue while we were away (drain() sent it there).
    if (this.atFrontDoor(entry.channelId)) cc.queueJoined(entry.channelId);
    if (cc.live.byCallerChannel(entry.channelId)) return;
    const known = cc.o.repo.findByChannel(entry.channelId);
    if (known) {
      this.log.warn({ callId: known.id, state: known.state }, 'a queued caller with a call record we do not track is not adopted again');
      return;
    }
    const sw = cc.o.switchboard;
    const dialled = (await sw.getVar(entry.channelName, 'SUNLINE_DIALLED').catch(() => undefined)) ?? sw.queue;
    const call = cc.register(entry.channelId, entry.callerNumber, '', dialled, 'queued');
    await sw.markForAgents(entry.channelName, call.callId, entry.channelId);
    this.log.info({ callId: call.callId, waitSecs: entry.waitSecs }, 'adopted a caller from the queue');
  }

  /** Agents back after our restart (agent_sessions) on a call or an offer that did not survive it. */
  private async settleRestoredAgents(): Promise<void> {
    const { cc } = this;
    for (const a of cc.o.agents.loggedIn()) {
      if ((a.state !== 'ringing' && a.state !== 'on_call') || a.callId === null) continue;
      const call = cc.live.get(a.callId);
      const theirs = a.state === 'on_call' ? call?.state === 'answered' && call.answeredBy === a.agentId : call?.offeredTo === a.agentId;
      if (!theirs) await cc.o.agents.settleCall(a.agentId, a.callId);
    }
  }

  private async sweepLeftovers(): Promise<void> {
    const { cc } = this;
    const sw = cc.o.switchboard;
    const tracked = (id: string) => cc.live.byCallerChannel(id) || cc.live.leg(id) || cc.controls.isUnitLeg(id);
    const inUse = new Set(cc.live.all().flatMap((c) => [c.bridgeId, c.callerBridgeId]));
    for (const bridge of await sw.ownBridges()) {
      if (inUse.has(bridge.bridgeId) || bridge.channels.some((ch) => tracked(ch.id))) continue;
      for (const ch of bridge.channels) if (ch.helper) await sw.hangup(ch.id).catch(() => undefined);
      await sw.destroyBridge(bridge.bridgeId);
      this.log.info({ bridgeId: bridge.bridgeId, channels: bridge.channels.length }, 'removed a bridge left by our previous process');
    }
  }
}
