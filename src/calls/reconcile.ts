/**
 * After a (re)connect, or when a caller shows up in the queue without our front door, make our
 * live state match Asterisk's (decision 0009 #2), from ONE snapshot of Asterisk per run (one
 * channel list, one bridge list, one QueueStatus):
 *  - calls the database holds as in progress and we do not track (our previous process's) are
 *    taken over under their own call id (resume.ts);
 *  - every channel in our Stasis app and every caller in the queue gets what reconcile-plan.ts
 *    decides for it (a caller left at the front door goes on to the queue, a survey is asked
 *    again, unknown legs are hung up, callers the dialplan queued without us are adopted, …);
 *  - calls that began and ended while we were down are imported from Asterisk's record of the
 *    fallback path (outage-calls.ts), with missed-call orders;
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
import { backoffDelay } from '../lib/backoff.js';
import type { AsteriskSnapshot, QueueEntry, StasisChannel, SurveyChannel } from '../telephony/switchboard.js';
import type { CallContext } from './call-context.js';
import type { ChannelCall } from './calls-repository.js';
import type { LiveCall } from './live-calls.js';
import { importOutageCalls } from './outage-calls.js';
import { planReconcile, type Guard, type ReconcileAction, type ReconcileView } from './reconcile-plan.js';
import { resumeUnfinished, type ResumeDeps } from './resume.js';

/** A channel (or a whole step, keyed by its name) whose handling failed and is retried. */
export interface ReconcileFailure {
  /** What we were doing with it (e.g. 'adopt_queued', 'survey'). */
  step: string;
  /** The error's fixed code, or its message. */
  reason: string;
  attempts: number;
  since: number;
}

/** What reconcile uses of the other call modules. */
export interface ReconcileDeps extends ResumeDeps {
  register(channelId: string, callerNumber: string, callerName: string, dialled: string, state: 'front_door' | 'queued'): LiveCall;
  /** Resolves once a tracked call's repeat-caller priority is decided (front-door.ts; bounded, never rejects). */
  prioritised(call: LiveCall): Promise<void>;
  queueJoined(channelId: string): void;
  startSurvey(ch: SurveyChannel): void;
  surveying(channelId: string): boolean;
  /** A citizen's channel of an outbound call that this process does not handle (outbound.ts), with the run's snapshot. */
  outboundLeft(channelId: string, callId: string | null, snap: AsteriskSnapshot): Promise<void>;
  isUnitLeg(channelId: string): boolean;
  /** A channel of a live call is gone: the hang-up handling. */
  channelGone(channelId: string, cause: string): void;
}

const RETRY = { initialMs: 500, maxMs: 30_000 } as const;

/** The caller channels whose calls rows the plan may ask for (ReconcileView.record): in our app as inbound or withdrawn, or in the queue, and not live. */
function channelsToLookUp(snap: AsteriskSnapshot, live: CallContext['live']): string[] {
  const ids = [
    ...snap.stasis.filter((ch) => ch.kind === 'inbound' || ch.kind === 'withdrawn').map((ch) => ch.channelId),
    ...snap.queue.map((e) => e.channelId),
  ];
  return [...new Set(ids)].filter((id) => !live.byCallerChannel(id));
}

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
  private readonly firstRead: Promise<void>;
  private markFirstRead: () => void = () => undefined;

  constructor(
    private readonly o: CallContext,
    private readonly deps: ReconcileDeps,
  ) {
    this.log = o.log.child({ component: 'reconcile' });
    this.firstRead = new Promise((resolve) => (this.markFirstRead = resolve));
  }

  /**
   * Resolves once a run has read Asterisk and handled what it holds (the first after a start is
   * the takeover of a previous process's calls, decision 0007): cluster/call-control-node.ts times
   * a failover by it. Channels whose handling failed are retried after that, as always.
   */
  reconciled(): Promise<void> {
    return this.firstRead;
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
        const code = (err as { code?: unknown }).code;
        const reason = typeof code === 'string' ? code : err instanceof Error ? err.message : 'unknown error';
        const f = { step, reason, attempts: (before?.attempts ?? 0) + 1, since: before?.since ?? this.o.now() };
        this.failing.set(key, f);
        this.log.warn({ err, key, step, attempts: f.attempts }, 'reconcile failed for one channel; will retry');
      }
    };
    // Only calls we had before asking can be missing from the answer: one that arrives while
    // Asterisk answers is not in it, and is not lost.
    const before = new Set(this.o.live.all().map((c) => c.channelId));
    let snap: AsteriskSnapshot | undefined;
    await guard('step:snapshot', 'read Asterisk', async () => {
      snap = await this.o.switchboard.snapshot();
    });
    if (snap) {
      await this.reconcile(snap, before, guard);
      this.markFirstRead();
    }
    // Channels gone since their failure need no retry.
    for (const key of this.failing.keys()) if (!seen.has(key)) this.failing.delete(key);
    this.scheduleRetry();
  }

  private async reconcile(snap: AsteriskSnapshot, before: ReadonlySet<string>, guard: Guard): Promise<void> {
    // Calls resumed from the database are judged by this snapshot too (a caller gone while we were down).
    const judged = new Set(before);
    const resumed = await resumeUnfinished(this.o, this.deps, snap, guard);
    for (const [channelId, call] of resumed) {
      judged.add(channelId);
      if (call.state === 'front_door') this.sendOn.set(channelId, call);
    }
    // The plan is made without I/O: the resumed callers' priorities (sent on with them) and the
    // calls rows of the channels it may ask about are read first.
    await Promise.all([...resumed.values()].map((call) => this.deps.prioritised(call)));
    let records: ReadonlyMap<string, ChannelCall> | undefined;
    await guard('step:records', 'read the calls of the channels', async () => {
      records = await this.o.repo.findByChannels(channelsToLookUp(snap, this.o.live));
    });
    if (!records) return;
    for (const action of planReconcile(snap, this.view(judged, records), this.o.switchboard.queue)) {
      const key = action.do === 'adopt_in_stasis' ? action.channel.channelId : action.do === 'adopt_queued' ? action.entry.channelId : action.channelId;
      await guard(key, action.do, () => this.carryOut(action, snap));
    }
    await guard('step:outage', 'import the calls of our outage', () => importOutageCalls(this.o, snap.channels, guard));
    if (!this.swept) {
      await guard('step:agents', 'settle agents back after a restart', () => this.settleRestoredAgents());
      await guard('step:sweep', 'remove what our previous process left', () => this.sweepLeftovers(snap));
      if (!this.failing.has('step:agents') && !this.failing.has('step:sweep')) this.swept = true;
    }
  }

  /** `before`: the caller channels of the calls live when the snapshot was asked for; `records`: their calls rows, read before. */
  private view(before: ReadonlySet<string>, records: ReadonlyMap<string, ChannelCall>): ReconcileView {
    const { live } = this.o;
    return {
      call: (id) => live.byCallerChannel(id),
      record: (id) => records.get(id),
      toSendOn: (id) => {
        const call = this.sendOn.get(id);
        if (call && call.state === 'front_door' && live.get(call.callId) === call) return call;
        this.sendOn.delete(id);
        return undefined;
      },
      isAgentLeg: (id) => live.leg(id) !== undefined,
      isUnitLeg: (id) => this.deps.isUnitLeg(id),
      surveying: (id) => this.deps.surveying(id),
      liveChannels: () =>
        live
          .all()
          .map((c) => c.channelId)
          .filter((id) => before.has(id)),
    };
  }

  private async carryOut(a: ReconcileAction, snap: AsteriskSnapshot): Promise<void> {
    const sw = this.o.switchboard;
    switch (a.do) {
      case 'finish_lost':
        this.deps.channelGone(a.channelId, 'lost');
        return;
      case 'send_on':
        this.log.info({ callId: a.callId }, 'a caller left in Stasis goes on to the queue');
        await sw.sendToQueue(a.channelId, { callId: a.callId, priority: a.priority });
        this.sendOn.delete(a.channelId);
        return;
      case 'adopt_in_stasis':
        return this.adoptInStasis(a.channel, a.dialled);
      case 'survey':
        this.log.info({ callId: a.callId }, 'a caller left in the survey gets it again');
        this.deps.startSurvey({ channelId: a.channelId, callId: a.callId });
        return;
      case 'outbound_left':
        await this.deps.outboundLeft(a.channelId, a.callId, snap);
        return;
      case 'hang_up':
        this.log.info({ channelId: a.channelId, why: a.why }, 'hanging up a leg left in our app');
        await sw.hangup(a.channelId, a.reason);
        return;
      case 'unit_left':
        if (this.deps.isUnitLeg(a.channelId)) return; // taken over with its call (an outbound call's three-way)
        this.log.info({ channelId: a.channelId }, "hanging up a three-way call's unit leg whose call did not survive");
        await sw.hangup(a.channelId, 'normal');
        return;
      case 'joined':
        // It joined the queue while we were away (drain() sent it there).
        this.deps.queueJoined(a.channelId);
        this.sendOn.delete(a.channelId);
        return;
      case 'adopt_queued':
        return this.adoptQueued(a.entry);
      case 'leave':
        this.log.warn({ channelId: a.channelId }, a.why);
    }
  }

  private async adoptInStasis(ch: StasisChannel, dialled: string): Promise<void> {
    const call = this.deps.register(ch.channelId, ch.callerNumber, ch.callerName, dialled, 'front_door');
    this.log.info({ callId: call.callId, kind: ch.kind }, 'adopted a caller left in Stasis');
    // Kept until sent on: if this fails, the retry must not take it for our front door's.
    this.sendOn.set(ch.channelId, call);
    await this.deps.prioritised(call);
    await this.o.switchboard.sendToQueue(ch.channelId, { callId: call.callId, priority: call.priority });
    this.sendOn.delete(ch.channelId);
  }

  private async adoptQueued(entry: QueueEntry): Promise<void> {
    const sw = this.o.switchboard;
    const dialled = (await sw.getVar(entry.channelName, 'SUNLINE_DIALLED').catch(() => undefined)) ?? sw.queue;
    const call = this.deps.register(entry.channelId, entry.callerNumber, '', dialled, 'queued');
    await sw.markForAgents(entry.channelName, call.callId, entry.channelId);
    this.log.info({ callId: call.callId, waitSecs: entry.waitSecs }, 'adopted a caller from the queue');
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
      if (this.o.switchboard.isUp()) void this.run();
    }, delay);
    this.retryTimer.unref();
  }

  /** Agents back after our restart (agent_sessions) on a call or an offer that did not survive it. */
  private async settleRestoredAgents(): Promise<void> {
    const { live, agents } = this.o;
    for (const a of agents.loggedIn()) {
      if ((a.state !== 'ringing' && a.state !== 'on_call') || a.callId === null) continue;
      const call = live.get(a.callId);
      const theirs = a.state === 'on_call' ? call?.state === 'answered' && call.answeredBy === a.agentId : call?.offeredTo === a.agentId;
      if (!theirs) await agents.settleCall(a.agentId, a.callId);
    }
  }

  private async sweepLeftovers(snap: AsteriskSnapshot): Promise<void> {
    const { live, switchboard: sw } = this.o;
    const tracked = (id: string) => live.byCallerChannel(id) || live.leg(id) || this.deps.isUnitLeg(id);
    const inUse = new Set(live.all().flatMap((c) => [c.bridgeId, c.callerBridgeId]));
    for (const bridge of snap.bridges) {
      if (inUse.has(bridge.bridgeId) || bridge.channels.some((ch) => tracked(ch.id))) continue;
      for (const ch of bridge.channels) if (ch.helper) await sw.hangup(ch.id).catch(() => undefined);
      await sw.destroyBridge(bridge.bridgeId);
      this.log.info({ bridgeId: bridge.bridgeId, channels: bridge.channels.length }, 'removed a bridge left by our previous process');
    }
  }
}
