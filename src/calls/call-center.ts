/**
 * The call centre: builds the call path's modules around one CallContext and dispatches the
 * switchboard's signals to them — the front door (front-door.ts), offers and answers
 * (offers.ts), hang-ups (hang-ups.ts), shift-lead actions (lead-actions.ts), in-call controls
 * (call-controls.ts), the survey (survey.ts), reconciliation (reconcile.ts) and agent presence.
 * It decides nothing itself. The console commands are composed from the modules in
 * console-commands.ts.
 */
import type { Logger } from 'pino';
import type { AgentsService } from '../agents/agents-service.js';
import { AgentPresence } from '../agents/presence.js';
import type { AgentSkillsSource } from '../agents/skills.js';
import type { ConfigStore } from '../config/files/index.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { AgentLeg, InboundChannel, SurveyChannel, Switchboard, SwitchboardListener } from '../telephony/switchboard.js';
import type { Actor } from '../workorders/lifecycle/index.js';
import type { CallContext } from './call-context.js';
import { CallControls } from './call-controls.js';
import type { CallMedia } from './call-media.js';
import type { CallsRepository } from './calls-repository.js';
import { FrontDoor } from './front-door.js';
import { FrontDoorWatchdog } from './front-door-watchdog.js';
import { HangUps } from './hang-ups.js';
import { LeadActions } from './lead-actions.js';
import { LiveCalls } from './live-calls.js';
import { Offers } from './offers.js';
import { OutboundCalls, type OutboundSettings } from './outbound.js';
import type { OutboundRecords } from './outbound-records.js';
import { Reconciler } from './reconcile.js';
import { Surveys } from './survey.js';
import { CallbackRequests } from './callback-requests.js';

/**
 * Saving the call's order in one of these ways ends the agent's wrap-up. Not `accept`: the
 * console saves in two steps (accept with the fields, then answer on the spot or dispatch), and
 * the agent is done only after the second.
 */
const SAVE_ACTIONS = new Set(['answer_on_spot', 'dispatch', 'close', 'merge_into']);

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
  /** Outbound calls (outbound.ts): where their rows go and how they are dialled; absent: none can be made. */
  outbound?: { records: OutboundRecords; settings: OutboundSettings };
  /** An agent without a console this long is paused (presence.ts); 0 or absent: never. */
  awayMs?: number;
  /** A caller at the front door this long without progress is sent on (front-door-watchdog.ts). Default 20 s. */
  stasisWatchdogMs?: number;
  /** Agents' skills for skill routing (decision 0015); absent: skills are not used. */
  skills?: AgentSkillsSource;
  now?: () => number;
}

export class CallCenter implements SwitchboardListener {
  readonly ctx: CallContext;
  readonly frontDoor: FrontDoor;
  readonly offers: Offers;
  readonly hangUps: HangUps;
  readonly lead: LeadActions;
  /** Hang up, hold, mute, DTMF, transfer, three-way call (call-controls.ts). */
  readonly controls: CallControls;
  readonly surveys: Surveys;
  private readonly callbackRequests: CallbackRequests;
  /** Which agents have a console open (presence.ts). */
  readonly presence: AgentPresence;
  /** Sends on callers the front door could not queue or that sit there without progress. */
  readonly frontDoorWatchdog: FrontDoorWatchdog;
  /** Calls the agents place to citizens (outbound.ts); null when not configured. */
  readonly outbound: OutboundCalls | null;
  /** Makes our state match Asterisk's after a (re)connect (reconcile.ts). */
  readonly reconciler: Reconciler;

  constructor(o: CallCenterOptions) {
    const log = o.log.child({ component: 'calls' });
    const ctx: CallContext = {
      switchboard: o.switchboard,
      agents: o.agents,
      repo: o.repo,
      config: o.config,
      events: o.events,
      systemActor: o.systemActor,
      media: o.media,
      live: new LiveCalls(),
      log,
      now: o.now ?? Date.now,
    };
    this.ctx = ctx;
    this.controls = new CallControls(ctx);
    this.lead = new LeadActions(ctx);
    this.hangUps = new HangUps(ctx, this.controls, this.lead);
    this.frontDoorWatchdog = new FrontDoorWatchdog({
      live: ctx.live,
      switchboard: o.switchboard,
      log,
      thresholdMs: o.stasisWatchdogMs ?? 20_000,
      gone: (channelId) => this.hangUps.channelGone(channelId, 'gone'),
      now: () => ctx.now(),
    });
    this.frontDoor = new FrontDoor(ctx, this.frontDoorWatchdog);
    this.offers = new Offers(ctx, this.frontDoor, o.skills);
    this.surveys = new Surveys(ctx);
    this.callbackRequests = new CallbackRequests(ctx);
    this.outbound = o.outbound ? new OutboundCalls(ctx, this.controls, o.outbound.records, o.outbound.settings, this.surveys) : null;
    if (this.outbound) o.switchboard.outbound.listen(this.outbound);
    this.reconciler = new Reconciler(ctx, {
      register: (...a) => this.frontDoor.register(...a),
      prioritised: (call) => this.frontDoor.prioritised(call),
      track: (c) => this.frontDoor.track(c),
      queueJoined: (channelId) => void this.frontDoor.queueJoined(channelId),
      startSurvey: (ch) => this.surveys.start(ch),
      surveying: (channelId) => this.surveys.isRunning(channelId),
      // Without outbound calls configured no such channel is ours to keep.
      outboundLeft: (channelId, callId, snap) => (this.outbound ? this.outbound.leftInStasis(channelId, callId, snap) : o.switchboard.hangup(channelId)),
      isUnitLeg: (channelId) => this.controls.isUnitLeg(channelId),
      restoreControls: (callId, r) => this.controls.restore(callId, r),
      channelGone: (channelId, cause) => this.channelGone(channelId, cause),
    });
    this.presence = new AgentPresence({
      awayMs: o.awayMs ?? 0,
      view: (id) => o.agents.view(id),
      loggedIn: () => o.agents.loggedIn(),
      pause: async (id, reason) => {
        await this.offers.declineRinging(id);
        return o.agents.pause(id, reason);
      },
      unpause: (id) => o.agents.unpause(id),
      log,
    });
    this.presence.start();
    this.frontDoorWatchdog.start();
    o.switchboard.listen(this);
    // Wrap-up ends when the agent saves the call's order (or by the timer in AgentsService).
    o.events.on('workorder.applied', (c) => {
      const agent = c.actorRole === 'agent' && c.actorId !== null ? o.agents.view(c.actorId) : undefined;
      if (agent?.state === 'wrap_up' && c.callId !== null && agent.callId === c.callId && SAVE_ACTIONS.has(c.action)) {
        o.agents.wrapUpDone(agent.agentId).catch((err: unknown) => log.warn({ err }, 'wrap-up end on save failed'));
      }
    });
  }

  get live(): LiveCalls {
    return this.ctx.live;
  }

  /** Re-reads Asterisk and corrects our state (reconcile.ts); failures are retried there, never thrown. */
  reconcile(): Promise<void> {
    // Outbound calls of a previous process are ended after the inbound ones are taken over (outbound.ts).
    return this.reconciler.run().then(() => this.outbound?.recover().catch((err: unknown) => this.ctx.log.warn({ err }, 'outbound recovery failed')));
  }

  telephonyUp(): boolean {
    return this.ctx.switchboard.isUp();
  }

  /** Shutting down: callers at the front door go on to the queue; timers stop. */
  async close(): Promise<void> {
    await this.frontDoor.drain();
    this.presence.close();
    this.frontDoorWatchdog.close();
    this.reconciler.close();
    this.outbound?.close();
  }

  // ---- the switchboard's signals --------------------------------------------------------------

  inbound(ch: InboundChannel): void {
    this.frontDoor.inbound(ch);
  }

  queueJoined(channelId: string): void {
    // Not through our front door: the dialplan's fallback while we were away.
    if (!this.frontDoor.queueJoined(channelId)) this.reconcile().catch((err: unknown) => this.ctx.log.warn({ err }, 'adoption failed'));
  }

  agentLeg(leg: AgentLeg): void {
    this.offers.agentLeg(leg);
  }

  withdrawn(channelId: string, agentId: number): void {
    this.lead.ringWithdrawn(channelId, agentId).catch((err: unknown) => this.ctx.log.error({ err, agentId }, 'direct offer failed'));
  }

  unitAnswered(channelId: string, callId: string): void {
    this.controls.unitAnswered(channelId, callId).catch((err: unknown) => this.ctx.log.error({ err, callId }, 'unit leg failed'));
  }

  survey(ch: SurveyChannel): void {
    this.surveys.start(ch);
  }

  callbackRequested(ch: SurveyChannel): void {
    this.callbackRequests.requested(ch);
  }

  channelGone(channelId: string, cause: string): void {
    this.offers.legGone(channelId); // an agent leg still waiting for its skills (offers.ts)
    if (this.outbound?.channelGone(channelId, cause)) return; // outbound.ts settles its own channels
    this.hangUps.channelGone(channelId, cause);
  }

  queueAbandoned(channelId: string): void {
    this.hangUps.queueAbandoned(channelId);
  }

  /** A caller the dialplan queued while we were away hung up: import it now (outage-calls.ts). */
  outageCallEnded(): void {
    this.reconcile().catch((err: unknown) => this.ctx.log.warn({ err }, 'outage import failed'));
  }

  disconnected(): void {
    this.ctx.events.emit('telephony.status', { telephony: 'down', at: this.ctx.now() });
  }

  /** Both gateways (re)connected: correct our state from Asterisk's, then tell the consoles. */
  connected(): void {
    this.reconcile()
      .then(() => this.ctx.agents.resync())
      .catch((err: unknown) => this.ctx.log.warn({ err }, 'resync after reconnect failed'))
      .finally(() => this.ctx.events.emit('telephony.status', { telephony: 'up', at: this.ctx.now() }));
  }
}
