/**
 * The front door: a citizen's call arrives (Stasis `inbound`), is recorded with its work-order
 * draft in one transaction, hears its hotline's greeting and goes on to the 12345 queue — whatever
 * fails on the way (no call is lost: the watchdog and AMI take over when ARI does not answer).
 * Also the registry of new and resumed calls (register, track) and of their queue joins.
 */
import { randomUUID } from 'node:crypto';
import { hotlineFor } from '../config/files/index.js';
import type { IvrConfig } from '../config/files/schemas/ivr.js';
import type { InboundChannel } from '../telephony/switchboard.js';
import { deadlineConfigFrom } from '../workorders/deadlines/scheduler.js';
import type { CallContext } from './call-context.js';
import { waitingView } from './call-views.js';
import type { FrontDoorWatchdog } from './front-door-watchdog.js';
import type { LiveCall, NewLiveCall } from './live-calls.js';
import { frontDoorPlan } from './office-hours.js';

/** A repeat caller with an open order is answered first (priority added in app_queue). */
export const REPEAT_CALLER_BOOST = 10;

/**
 * How long after a call is tracked its repeat-caller priority may still be decided: the read
 * (the database, after the call path's queued writes; on PostgreSQL a round trip) starts as the
 * call is tracked and runs while the greeting plays; the front door waits for it only before
 * sending the caller to the queue, never longer than this from the start. A read that fails or
 * comes later counts as "no open order": the caller goes on with the hotline's priority.
 */
export const REPEAT_CALLER_READ_DEADLINE_MS = 500;

export class FrontDoor {
  private closing = false;
  /** The repeat-caller read of each tracked call: resolves once its priority is decided. */
  private readonly prioritising = new WeakMap<LiveCall, Promise<void>>();
  /** calendar.yaml's WorkCalendar, rebuilt only when the file changed. */
  private readonly calendar = deadlineConfigFrom(() => this.o.config.current());

  constructor(
    private readonly o: CallContext,
    private readonly watchdog: FrontDoorWatchdog,
  ) {}

  inbound(ch: InboundChannel): void {
    this.greetAndQueue(ch).catch((err: unknown) => {
      this.o.log.error({ err, channelId: ch.channelId }, 'front door failed');
      // Not even recorded (the database failed): the dialplan's own fallback queues the caller and
      // keeps a record of it for us (as when we are down). A recorded caller is the watchdog's.
      if (this.o.live.byCallerChannel(ch.channelId)) return;
      this.o.switchboard
        .releaseToDialplan(ch.channelId)
        .catch((e: unknown) => this.o.log.error({ err: e, channelId: ch.channelId }, 'caller not released to the dialplan'));
    });
  }

  private async greetAndQueue(ch: InboundChannel): Promise<void> {
    const { live, switchboard: sw } = this.o;
    const watchdog = this.watchdog;
    const call = this.register(ch.channelId, ch.callerNumber, ch.callerName, ch.dialled, 'front_door');
    const cfg = this.o.config.current();
    try {
      await sw.answer(ch.channelId);
      watchdog.progress(call.callId);
      const plan = frontDoorPlan(cfg.ivr, this.calendar().calendar, this.o.now());
      if (!plan.open) {
        // Outside hours: the closed prompt instead of the greeting, then the queue or the end.
        const played = plan.closedPrompt ? await sw.playFirst(ch.channelId, [plan.closedPrompt]) : false;
        if (!live.get(call.callId) || this.closing) return;
        watchdog.progress(call.callId);
        this.o.repo.event(call.callId, 'closed', this.o.now(), null, { prompt: plan.closedPrompt ?? null, played, then: plan.then });
        if (plan.then === 'hangup') return await this.endClosed(call);
      } else {
        if (plan.before.length > 0) await sw.playFirst(ch.channelId, plan.before); // the holiday announcement
        if (!live.get(call.callId) || this.closing) return;
        const prompts = [call.hotline.greeting.prompt, call.hotline.greeting.fallback, cfg.ivr.greeting.default, cfg.ivr.greeting.fallback];
        const sounds = prompts.filter((p): p is string => !!p);
        // With a menu, a key during the greeting is the caller's choice (type-ahead): the greeting
        // stops and the menu prompt is skipped.
        const { played, digit } = cfg.ivr.menu
          ? await sw.playFirstOrKey(ch.channelId, sounds)
          : { played: await sw.playFirst(ch.channelId, sounds), digit: null };
        if (!live.get(call.callId) || this.closing) return; // hung up during the greeting, or drained
        watchdog.progress(call.callId);
        this.o.repo.event(call.callId, 'greeted', this.o.now(), null, {
          played,
          ...(plan.before.length > 0 ? { announced: plan.before } : {}),
          ...(digit !== null ? { typeAhead: true } : {}),
        });
        if (cfg.ivr.menu) await this.menu(call, cfg.ivr.menu, digit);
      }
    } catch (err) {
      if (!live.get(call.callId)) return;
      this.o.log.warn({ err, callId: call.callId }, 'greeting failed; queueing anyway');
    }
    // Whatever happened above, the caller goes on to the queue: no call is lost — with its
    // priority decided (the read ran during the greeting; bounded by its deadline).
    await this.prioritised(call);
    if (call.state !== 'front_door') return; // the watchdog sent it on meanwhile (and it joined)
    try {
      await sw.sendToQueue(ch.channelId, { callId: call.callId, priority: call.priority });
    } catch (err) {
      if (!live.get(call.callId)) return; // hung up
      // ARI failed even after its retries: AMI is another connection (front-door-watchdog.ts).
      this.o.log.warn({ err, callId: call.callId }, 'caller not queued over ARI; sending it on over AMI');
      await watchdog.sendOn(call, 'front_door_failed');
    }
  }

  /**
   * ivr.yaml `menu`: one key within `timeoutSeconds` after the prompt; a listed key routes the
   * call as if its number had been dialled (hotline, priority boost), any other key or none
   * keeps the number dialled. The caller goes on to the queue either way. `typed`: the key pressed
   * during the greeting, which is the choice without the menu prompt.
   */
  private async menu(call: LiveCall, menu: NonNullable<IvrConfig['menu']>, typed: string | null): Promise<void> {
    const got = typed !== null ? { digit: typed } : await this.o.switchboard.collectDigit(call.channelId, menu.prompt, menu.timeoutSeconds * 1000);
    if (!this.o.live.get(call.callId) || this.closing || got.digit === null) return;
    const option = menu.options.find((o) => o.digit === got.digit);
    const hotline = option ? hotlineFor(this.o.config.current().numbers, option.number) : null;
    this.o.repo.menuChoice(call.callId, this.o.now(), got.digit, hotline?.number ?? null);
    this.watchdog.progress(call.callId);
    if (!hotline) return;
    this.o.live.reroute(call, hotline, call.priority - call.hotline.priorityBoost + hotline.priorityBoost);
    this.o.events.emit('queue.changed', { at: this.o.now(), upsertWaiting: [waitingView(call)] });
  }

  /**
   * `hours.outsideHours: hangup`: the call ends after the closed prompt — recorded with the
   * outcome `closed` and its order a missed call with a callback duty (the citizen called and
   * nobody took it), then the channel hung up. Removed from the live calls first, so that the
   * hang-up is not also counted as an abandon.
   */
  private async endClosed(call: LiveCall): Promise<void> {
    const at = this.o.now();
    this.o.live.remove(call);
    this.o.repo.closedLine(call.callId, call.draft, at, this.o.systemActor);
    this.o.log.info({ callId: call.callId }, 'call ended outside hours');
    this.o.events.emit('call.updated', { callId: call.callId, state: 'ended', agentId: null, at, reason: 'closed' });
    this.o.events.emit('queue.changed', { at, removeWaiting: [call.callId] });
    await this.o.switchboard.hangup(call.channelId).catch((err: unknown) => this.o.log.warn({ err, callId: call.callId }, 'closed-line hang-up failed'));
  }

  /** Records a new call (and its draft order) and tracks it live. */
  register(channelId: string, callerNumber: string, callerName: string, dialled: string, state: 'front_door' | 'queued'): LiveCall {
    const hotline = hotlineFor(this.o.config.current().numbers, dialled);
    const callId = randomUUID();
    const at = this.o.now();
    // Queued, not awaited (call-writes.ts): the call is tracked at once, its ids follow with the write.
    const draft = this.o.repo.createInbound({
      callId,
      channelId,
      callerPhone: callerNumber || 'anonymous',
      callerName: callerName || null,
      dialled,
      hotline: hotline.number,
      at,
      state: state === 'queued' ? 'queued' : 'entered',
    });
    const call = this.track({ callId, channelId, callerNumber, callerId: 0, dialled, enteredAt: at, orderId: 0, orderNumber: '', state, draft });
    draft.then(
      (d) => {
        this.o.live.drafted(call, d);
        this.o.log.info({ callId, orderId: d.orderId }, 'call recorded with its draft order');
      },
      (err: unknown) => this.o.log.error({ err, callId }, 'call and its draft order not recorded'),
    );
    this.o.log.info({ callId, dialled, hotline: call.hotline.number, priority: call.priority }, 'call entered');
    return call;
  }

  /**
   * Tracks a call in progress — new, or left by our previous process (resume.ts) — with the
   * hotline it dialled and its priority (a repeat caller with an open order comes first), and
   * shows a waiting one to the shift leads.
   */
  track(c: Omit<NewLiveCall, 'hotline' | 'priority'>): LiveCall {
    const hotline = hotlineFor(this.o.config.current().numbers, c.dialled);
    const call = this.o.live.add({ ...c, hotline, priority: hotline.priorityBoost });
    if (call.state !== 'answered') this.o.events.emit('queue.changed', { at: this.o.now(), upsertWaiting: [waitingView(call)] });
    this.prioritising.set(call, this.repeatCaller(call));
    return call;
  }

  /**
   * Resolves once the call's repeat-caller priority is decided (at most
   * REPEAT_CALLER_READ_DEADLINE_MS after it was tracked; never rejects): before a caller is sent
   * to the queue with `call.priority`.
   */
  prioritised(call: LiveCall): Promise<void> {
    return this.prioritising.get(call) ?? Promise.resolve();
  }

  /** A caller with an open order other than this call's gets REPEAT_CALLER_BOOST, if the read answers in time. */
  private async repeatCaller(call: LiveCall): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let repeat = false;
    try {
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`repeat caller not read within ${REPEAT_CALLER_READ_DEADLINE_MS} ms`)), REPEAT_CALLER_READ_DEADLINE_MS);
      });
      // By the caller's number: a new call's caller and draft may not be written yet (its own order is left out by its call id).
      repeat = await Promise.race([this.o.repo.hasOpenOrders(call.callerNumber || 'anonymous', call.callId), late]);
    } catch (err) {
      this.o.log.warn({ err, callId: call.callId }, 'repeat caller not read; the hotline’s priority only');
    } finally {
      clearTimeout(timer);
    }
    if (!repeat || this.o.live.get(call.callId) !== call) return;
    this.o.live.setPriority(call, call.priority + REPEAT_CALLER_BOOST);
    if (call.state !== 'answered') this.o.events.emit('queue.changed', { at: this.o.now(), upsertWaiting: [waitingView(call)] });
  }

  /**
   * AMI's QueueCallerJoin of a call we know (false: not ours — the dialplan's fallback queued it
   * while we were away). AMI and ARI's agent-leg StasisStart come on different connections: the
   * offer may have come first and recorded the join already.
   */
  queueJoined(channelId: string): boolean {
    const call = this.o.live.byCallerChannel(channelId);
    if (!call) return false;
    if (!call.inQueue) this.joined(call);
    return true;
  }

  /** The caller is in app_queue: recorded once per join (by the join or the first offer, whichever comes first). */
  joined(call: LiveCall): void {
    this.o.live.joined(call, this.o.now());
    this.o.repo.queued(call.callId, this.o.now());
    this.o.events.emit('queue.changed', { at: this.o.now(), upsertWaiting: [waitingView(call)] });
  }

  /**
   * Shutting down: callers still at the front door go on to the queue now (Asterisk keeps a
   * channel whose Stasis app went away in silence), so no call is lost while we are down.
   */
  async drain(): Promise<void> {
    this.closing = true;
    for (const call of this.o.live.all()) {
      if (call.state !== 'front_door') continue;
      await this.o.switchboard
        .sendToQueue(call.channelId, { callId: call.callId, priority: call.priority })
        .catch((err: unknown) => this.o.log.warn({ err, callId: call.callId }, 'drain failed'));
    }
  }
}
