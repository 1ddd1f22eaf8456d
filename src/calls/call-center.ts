/**
 * The call centre: every inbound call from the front door to hang-up. It reacts to the
 * switchboard's signals, drives agents through their states, writes the call log and the
 * call's work order, and publishes domain events for the consoles. It also serves the console
 * commands (answer, reject, pause, …) that realtime/ receives.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { hotlineFor, type ConfigStore } from '../config/files/index.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { AgentsService } from '../agents/agents-service.js';
import type { AgentView, CallControlsView, QueueSnapshot, ScreenPop, WaitingCaller } from '../realtime/contract.js';
import type { ConsoleCommands } from '../realtime/commands.js';
import type { AgentLeg, InboundChannel, SurveyChannel, Switchboard, SwitchboardListener } from '../telephony/switchboard.js';
import type { Actor } from '../workorders/lifecycle/index.js';
import type { CallMedia } from './call-media.js';
import { CallControls } from './call-controls.js';
import { AgentPresence } from '../agents/presence.js';
import type { CallsRepository } from './calls-repository.js';
import { LiveCalls, type LiveCall } from './live-calls.js';
import { FrontDoorWatchdog } from './front-door-watchdog.js';
import { Reconciler } from './reconcile.js';
import { ringWithdrawn, withdrawToAgent } from './direct-offer.js';
import { hangUp } from './hang-ups.js';
import { runSurvey } from './survey.js';
import { screenPop, waitingView } from './call-views.js';

/** A repeat caller with an open order is answered first (priority added in app_queue). */
export const REPEAT_CALLER_BOOST = 10;

/**
 * Saving the call's order in one of these ways ends the agent's wrap-up. Not `accept`: the
 * console saves in two steps (accept with the fields, then answer on the spot or dispatch), and
 * the agent is done only after the second.
 */
const SAVE_ACTIONS = new Set(['answer_on_spot', 'dispatch', 'close', 'merge_into']);

export class CallError extends Error {
  constructor(
    readonly code: 'CALL_NOT_FOUND' | 'CALL_NOT_OFFERED' | 'CALL_NOT_WAITING' | 'AGENT_NOT_AVAILABLE' | 'ASTERISK_UNAVAILABLE',
    message: string,
    readonly statusCode = code === 'CALL_NOT_FOUND' ? 404 : code === 'ASTERISK_UNAVAILABLE' ? 503 : 409,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

export interface CallCenterOptions {
  switchboard: Switchboard;
  agents: AgentsService;
  repo: CallsRepository;
  config: ConfigStore;
  events: DomainEvents;
  systemActor: Actor;
  log: Logger;
  /** The agents' browser audio; absent without media (calls still connect in Asterisk). */
  media?: CallMedia;
  /** An agent without a console this long is paused (presence.ts); 0 or absent: never. */
  awayMs?: number;
  /** A caller at the front door this long without progress is sent on (front-door-watchdog.ts). Default 20 s. */
  stasisWatchdogMs?: number;
  now?: () => number;
}

export class CallCenter implements SwitchboardListener, ConsoleCommands {
  readonly live = new LiveCalls();
  /** Hang up, hold, mute, DTMF, transfer, three-way call (call-controls.ts). */
  readonly controls: CallControls;
  /** Which agents have a console open (presence.ts). */
  readonly presence: AgentPresence;
  /** Sends on callers the front door could not queue or that sit there without progress. */
  readonly frontDoorWatchdog: FrontDoorWatchdog;
  /** Makes our state match Asterisk's after a (re)connect (reconcile.ts). */
  readonly reconciler: Reconciler;
  /** Caller channels in the post-call survey now (survey.ts). */
  private readonly surveys = new Set<string>();
  private closing = false;
  readonly now: () => number;
  readonly log: Logger;

  constructor(readonly o: CallCenterOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.log.child({ component: 'calls' });
    this.controls = new CallControls(this);
    this.reconciler = new Reconciler(this);
    this.presence = new AgentPresence({
      awayMs: o.awayMs ?? 0, view: (id) => o.agents.view(id), loggedIn: () => o.agents.loggedIn(),
      pause: (id, reason) => this.agentPause(id, reason), unpause: (id) => this.agentUnpause(id), log: this.log,
    });
    this.presence.start();
    this.frontDoorWatchdog = new FrontDoorWatchdog({
      live: this.live, switchboard: o.switchboard, log: this.log, thresholdMs: o.stasisWatchdogMs ?? 20_000,
      gone: (channelId) => this.channelGone(channelId, 'gone'), now: () => this.now(),
    });
    this.frontDoorWatchdog.start();
    o.switchboard.listen(this);
    // Wrap-up ends when the agent saves the call's order (or by the timer in AgentsService).
    o.events.on('workorder.applied', (c) => {
      const agent = c.actorRole === 'agent' ? this.o.agents.view(c.actorId) : undefined;
      if (agent?.state === 'wrap_up' && c.callId !== null && agent.callId === c.callId && SAVE_ACTIONS.has(c.action)) {
        this.o.agents.wrapUpDone(agent.agentId).catch((err: unknown) => this.log.warn({ err }, 'wrap-up end on save failed'));
      }
    });
  }

  // ---- front door ---------------------------------------------------------------------------

  inbound(ch: InboundChannel): void {
    this.frontDoor(ch).catch((err: unknown) => {
      this.log.error({ err, channelId: ch.channelId }, 'front door failed');
      // Not even recorded (the database failed): the dialplan's own fallback queues the caller and
      // keeps a record of it for us (as when we are down). A recorded caller is the watchdog's.
      if (this.live.byCallerChannel(ch.channelId)) return;
      this.o.switchboard.releaseToDialplan(ch.channelId).catch((e: unknown) => this.log.error({ err: e, channelId: ch.channelId }, 'caller not released to the dialplan'));
    });
  }

  private async frontDoor(ch: InboundChannel): Promise<void> {
    const call = this.register(ch.channelId, ch.callerNumber, ch.callerName, ch.dialled, 'front_door');
    const cfg = this.o.config.current();
    const sw = this.o.switchboard;
    const watchdog = this.frontDoorWatchdog;
    try {
      await sw.answer(ch.channelId);
      watchdog.progress(call.callId);
      const prompts = [call.hotline.greeting.prompt, call.hotline.greeting.fallback, cfg.ivr.greeting.default, cfg.ivr.greeting.fallback];
      const played = await sw.playFirst(ch.channelId, prompts.filter((p): p is string => !!p));
      if (!this.live.get(call.callId) || this.closing) return; // hung up during the greeting, or drained
      watchdog.progress(call.callId);
      this.o.repo.event(call.callId, 'greeted', this.now(), null, { played });
    } catch (err) {
      if (!this.live.get(call.callId)) return;
      this.log.warn({ err, callId: call.callId }, 'greeting failed; queueing anyway');
    }
    // Whatever happened above, the caller goes on to the queue: no call is lost.
    if (call.state !== 'front_door') return; // the watchdog sent it on meanwhile (and it joined)
    try {
      await sw.sendToQueue(ch.channelId, { callId: call.callId, priority: call.priority });
    } catch (err) {
      if (!this.live.get(call.callId)) return; // hung up
      // ARI failed even after its retries: AMI is another connection (front-door-watchdog.ts).
      this.log.warn({ err, callId: call.callId }, 'caller not queued over ARI; sending it on over AMI');
      await watchdog.sendOn(call, 'front_door_failed');
    }
  }

  /** Records a new call (and its draft order) and tracks it live. */
  register(channelId: string, callerNumber: string, callerName: string, dialled: string, state: 'front_door' | 'queued'): LiveCall {
    const hotline = hotlineFor(this.o.config.current().numbers, dialled);
    const callId = randomUUID();
    const at = this.now();
    const created = this.o.repo.createInbound({
      callId, channelId, callerPhone: callerNumber || 'anonymous', callerName: callerName || null, dialled, hotline: hotline.number, at,
      state: state === 'queued' ? 'queued' : 'entered',
    });
    const call = this.track({ callId, channelId, callerNumber, callerId: created.callerId, dialled, enteredAt: at, orderId: created.orderId, orderNumber: created.orderNumber, state });
    this.log.info({ callId, dialled, hotline: call.hotline.number, orderId: created.orderId, priority: call.priority }, 'call entered');
    return call;
  }

  /**
   * Tracks a call in progress — new, or left by our previous process (resume.ts) — with the
   * hotline it dialled and its priority (a repeat caller with an open order comes first), and
   * shows a waiting one to the shift leads.
   */
  track(c: Pick<LiveCall, 'callId' | 'channelId' | 'callerNumber' | 'callerId' | 'dialled' | 'enteredAt' | 'orderId' | 'orderNumber' | 'state'>): LiveCall {
    const hotline = hotlineFor(this.o.config.current().numbers, c.dialled);
    const repeat = this.o.repo.openOrders(c.callerId, c.orderId, 1).length > 0;
    const call: LiveCall = {
      ...c, hotline, priority: hotline.priorityBoost + (repeat ? REPEAT_CALLER_BOOST : 0),
      offeredTo: null, agentLeg: null, offeredAt: null, bridgeId: null, answeredBy: null, directTo: null, directLeg: null, callerBridgeId: null,
      inQueue: c.state !== 'front_door',
    };
    this.live.add(call);
    if (call.state !== 'answered') this.o.events.emit('queue.changed', { at: this.now(), upsertWaiting: [this.waitingView(call)] });
    return call;
  }

  queueJoined(channelId: string): void {
    const call = this.live.byCallerChannel(channelId);
    if (!call) {
      // Not through our front door: the dialplan's fallback while we were away.
      this.reconcile().catch((err: unknown) => this.log.warn({ err }, 'adoption failed'));
      return;
    }
    // AMI's QueueCallerJoin and ARI's agent-leg StasisStart come on different connections: the
    // offer may have come first and recorded the join already.
    if (!call.inQueue) this.joinedQueue(call);
  }

  /** The caller is in app_queue: recorded once per join (by the join or the first offer, whichever comes first). */
  private joinedQueue(call: LiveCall): void {
    call.inQueue = true;
    if (call.state === 'front_door') call.state = 'queued';
    this.o.repo.queued(call.callId, this.now());
    this.o.events.emit('queue.changed', { at: this.now(), upsertWaiting: [this.waitingView(call)] });
  }

  // ---- agents' legs -------------------------------------------------------------------------

  agentLeg(leg: AgentLeg): void {
    this.offer(leg).catch((err: unknown) => this.log.error({ err, agentId: leg.agentId }, 'offer failed'));
  }

  private async offer(leg: AgentLeg): Promise<void> {
    const call = (leg.callId && this.live.get(leg.callId)) || (leg.callerChannelId ? this.live.byCallerChannel(leg.callerChannelId) : undefined);
    const agent = this.o.agents.view(leg.agentId);
    const notForThisAgent = call?.directTo !== null && call?.directTo !== undefined && call.directTo !== leg.agentId;
    if (!call || agent.state !== 'available' || call.state === 'answered' || notForThisAgent) {
      // app_queue rang an agent who cannot take it (state raced, unknown call): decline; the
      // queue rings someone else. Device states normally prevent this.
      this.log.info({ agentId: leg.agentId, callId: call?.callId, state: agent.state }, 'agent leg declined');
      await this.o.switchboard.hangup(leg.channelId, 'busy');
      return;
    }
    // app_queue rang before AMI told us the caller joined: the join happened first.
    if (!call.inQueue && call.directTo === null) this.joinedQueue(call);
    this.live.setLeg(leg.channelId, call.callId, leg.agentId);
    call.agentLeg = leg.channelId;
    call.offeredAt = leg.at;
    call.offeredTo = leg.agentId;
    call.state = 'offered';
    await this.o.agents.apply(leg.agentId, { type: 'offer', callId: call.callId });
    const at = this.now();
    this.o.repo.offered(call.callId, leg.agentId, at);
    this.o.events.emit('call.offered', leg.agentId, this.screenPop(call));
    this.o.events.emit('call.updated', { callId: call.callId, state: 'offered', agentId: leg.agentId, at });
    this.o.events.emit('queue.changed', { at, upsertWaiting: [this.waitingView(call)] });
  }

  async answer(agentId: number, callId: string): Promise<void> {
    const call = this.offeredTo(agentId, callId);
    const leg = call.agentLeg!;
    call.bridgeId = await this.o.switchboard.connectAgentLeg(leg);
    // Rung directly (not by app_queue): we connect the caller ourselves.
    if (call.directLeg) call.callerBridgeId = await this.o.switchboard.bridgeCaller(call.channelId, call.directLeg);
    if (this.o.media) {
      // The browser's audio joins the agent leg's bridge; a media failure does not drop the call.
      await this.o.media.attach({ callId, agentId, bridgeId: call.bridgeId }).catch((err: unknown) => {
        // No browser session (a desk phone, a bot, a console still connecting): the media service
        // attaches later if the microphone comes; anything else is worth a warning.
        if ((err as { code?: unknown }).code === 'MEDIA_NOT_READY') this.log.info({ callId, agentId }, 'agent has no browser audio yet');
        else this.log.warn({ err, callId, agentId }, 'agent audio not connected');
      });
    }
    call.state = 'answered';
    call.answeredBy = agentId;
    await this.o.agents.apply(agentId, { type: 'answer' });
    const at = this.now();
    this.o.repo.answered(call.callId, call.orderId, agentId, at);
    this.log.info({ callId, agentId, waitMs: at - call.enteredAt }, 'call answered');
    this.o.events.emit('call.updated', { callId, state: 'answered', agentId, at });
    this.o.events.emit('queue.changed', { at, removeWaiting: [callId] });
  }

  async reject(agentId: number, callId: string): Promise<void> {
    const call = this.offeredTo(agentId, callId);
    this.o.repo.event(callId, 'rejected', this.now(), agentId);
    // The leg's hang-up ends the offer (channelGone); app_queue rings the next agent.
    await this.o.switchboard.hangup(call.agentLeg!, 'busy');
  }

  private offeredTo(agentId: number, callId: string): LiveCall {
    const call = this.live.get(callId);
    if (!call) throw new CallError('CALL_NOT_FOUND', `call ${callId} is not in progress`);
    if (call.state !== 'offered' || call.offeredTo !== agentId || !call.agentLeg) {
      throw new CallError('CALL_NOT_OFFERED', `call ${callId} is not ringing for you`);
    }
    return call;
  }

  // ---- hang-ups -----------------------------------------------------------------------------

  channelGone(channelId: string, cause: string): void {
    hangUp(this, channelId, cause).catch((err: unknown) => this.log.error({ err, channelId }, 'hang-up handling failed'));
  }

  /** A caller the dialplan queued while we were away hung up: import it now (outage-calls.ts). */
  outageCallEnded(): void {
    this.reconcile().catch((err: unknown) => this.log.warn({ err }, 'outage import failed'));
  }

  queueAbandoned(channelId: string): void {
    // app_queue may report a caller withdrawn for a chosen agent (QueueWithdrawCaller) as abandoned;
    // a real hang-up still ends the call through channelGone.
    if (this.live.byCallerChannel(channelId)?.directTo != null) return;
    this.channelGone(channelId, 'abandoned');
  }

  // ---- console commands (agents and shift leads) ----------------------------------------------

  agentView(agentId: number): AgentView {
    return this.o.agents.view(agentId);
  }

  pendingOffer(agentId: number): ScreenPop | null {
    const a = this.o.agents.view(agentId);
    const call = a.state === 'ringing' && a.callId ? this.live.get(a.callId) : undefined;
    return call ? this.screenPop(call) : null;
  }

  /** The call the agent is talking on: a console reloaded mid-call gets its screen-pop back. */
  callInProgress(agentId: number): ScreenPop | null {
    const a = this.o.agents.view(agentId);
    const call = a.state === 'on_call' && a.callId ? this.live.get(a.callId) : undefined;
    return call && call.state === 'answered' && call.answeredBy === agentId ? this.screenPop(call) : null;
  }

  queueSnapshot(): QueueSnapshot {
    return { at: this.now(), waiting: this.live.waiting().map((c) => this.waitingView(c)), agents: this.o.agents.loggedIn() };
  }

  telephonyUp(): boolean {
    return this.o.switchboard.isUp();
  }

  agentLogin(agentId: number, displayName: string, opts: { penalty?: number }): Promise<AgentView> {
    return this.o.agents.login(agentId, displayName, opts.penalty ?? 0);
  }

  async agentLogout(agentId: number): Promise<AgentView> {
    await this.declineRinging(agentId);
    return this.o.agents.logout(agentId);
  }

  async agentPause(agentId: number, reason: string): Promise<AgentView> {
    await this.declineRinging(agentId);
    return this.o.agents.pause(agentId, reason);
  }

  consoleConnected(agentId: number): void {
    this.presence.connected(agentId);
  }

  consoleClosed(agentId: number): void {
    this.presence.disconnected(agentId);
  }

  agentUnpause(agentId: number): Promise<AgentView> {
    return this.o.agents.unpause(agentId);
  }

  wrapUpDone(agentId: number): Promise<AgentView> {
    return this.o.agents.wrapUpDone(agentId);
  }

  async setPriority(callId: string, priority: number): Promise<void> {
    const call = this.live.get(callId);
    if (!call || call.state === 'answered' || call.state === 'front_door') throw new CallError('CALL_NOT_WAITING', `call ${callId} is not waiting in the queue`);
    const entry = (await this.o.switchboard.queueEntries()).find((e) => e.channelId === call.channelId);
    if (!entry) throw new CallError('CALL_NOT_WAITING', `call ${callId} is not waiting in the queue`);
    await this.o.switchboard.changePriority(entry.channelName, priority);
    call.priority = priority;
    this.o.repo.event(callId, 'priority_changed', this.now(), null, { priority });
    this.o.events.emit('queue.changed', { at: this.now(), upsertWaiting: [this.waitingView(call)] });
  }

  withdraw(callId: string, agentId: number): Promise<void> {
    return withdrawToAgent(this, callId, agentId);
  }

  withdrawn(channelId: string, agentId: number): void {
    ringWithdrawn(this, channelId, agentId).catch((err: unknown) => this.log.error({ err, agentId }, 'direct offer failed'));
  }

  unitAnswered(channelId: string, callId: string): void {
    this.controls.unitAnswered(channelId, callId).catch((err: unknown) => this.log.error({ err, callId }, 'unit leg failed'));
  }

  // In-call controls: the agent's own answered call (call-controls.ts).
  callControls = (agentId: number): CallControlsView | null => this.controls.current(agentId);
  hangup = (agentId: number, callId: string) => this.controls.hangup(agentId, callId);
  hold = (agentId: number, callId: string, held: boolean) => this.controls.hold(agentId, callId, held);
  mute = (agentId: number, callId: string, muted: boolean) => this.controls.mute(agentId, callId, muted);
  sendDtmf = (agentId: number, callId: string, digits: string) => this.controls.sendDtmf(agentId, callId, digits);
  transfer = (agentId: number, callId: string, unitId: string) => this.controls.transfer(agentId, callId, unitId);
  conference = (agentId: number, callId: string, unitId: string) => this.controls.conference(agentId, callId, unitId);
  dropConference = (agentId: number, callId: string) => this.controls.dropConference(agentId, callId);

  survey(ch: SurveyChannel): void {
    if (this.surveys.has(ch.channelId)) return;
    this.surveys.add(ch.channelId);
    runSurvey(this, ch)
      .catch((err: unknown) => this.log.error({ err, channelId: ch.channelId }, 'survey failed'))
      .finally(() => this.surveys.delete(ch.channelId));
  }

  /** Whether this caller channel is in a survey we are running. */
  surveying(channelId: string): boolean {
    return this.surveys.has(channelId);
  }

  // ---- telephony up / down ------------------------------------------------------------------

  /** Re-reads Asterisk and corrects our state (reconcile.ts); failures are retried there, never thrown. */
  reconcile(): Promise<void> {
    return this.reconciler.run();
  }

  disconnected(): void {
    this.o.events.emit('telephony.status', { telephony: 'down', at: this.now() });
  }

  /** Both gateways (re)connected: correct our state from Asterisk's, then tell the consoles. */
  connected(): void {
    this.reconcile()
      .then(() => this.o.agents.resync())
      .catch((err: unknown) => this.log.warn({ err }, 'resync after reconnect failed'))
      .finally(() => this.o.events.emit('telephony.status', { telephony: 'up', at: this.now() }));
  }

  /**
   * Shutting down: callers still at the front door go on to the queue now (Asterisk keeps a
   * channel whose Stasis app went away in silence), so no call is lost while we are down.
   */
  async drain(): Promise<void> {
    this.closing = true;
    for (const call of this.live.all()) {
      if (call.state !== 'front_door') continue;
      await this.o.switchboard.sendToQueue(call.channelId, { callId: call.callId, priority: call.priority }).catch((err: unknown) => this.log.warn({ err, callId: call.callId }, 'drain failed'));
    }
  }

  // ---- views --------------------------------------------------------------------------------

  private async declineRinging(agentId: number): Promise<void> {
    const a = this.o.agents.view(agentId);
    const call = a.state === 'ringing' && a.callId ? this.live.get(a.callId) : undefined;
    if (call?.agentLeg) await this.o.switchboard.hangup(call.agentLeg, 'busy');
  }

  waitingView(c: LiveCall): WaitingCaller {
    return waitingView(c);
  }

  screenPop(c: LiveCall): ScreenPop {
    return screenPop(c, this.o.repo, this.now());
  }
}
