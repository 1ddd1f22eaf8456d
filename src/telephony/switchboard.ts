/**
 * The switchboard: the call path's one door to Asterisk. It turns ARI and AMI events into a
 * few domain signals (a citizen is calling, an agent leg rings, a caller left the queue, a
 * channel is gone) and offers the actions the call centre needs. Only the switchboard files
 * (this facade, switchboard-queue/-prompts/-controls/-direct.ts) and ari/, ami/ know Asterisk's event
 * names, channel naming and dialplan locations.
 */
import type { Logger } from 'pino';
import type { AriClient, Channel } from './ari/index.js';
import type { AmiGateway } from './ami/index.js';
import { isTelephonyError } from './errors.js';
import { SwitchboardControls } from './switchboard-controls.js';
import { SwitchboardOutbound } from './switchboard-outbound.js';
import { SwitchboardPrompts, type DigitResult } from './switchboard-prompts.js';
import { SwitchboardQueue, type AgentDeviceState, type QueueEntry } from './switchboard-queue.js';
import { snapshotOf, type AsteriskSnapshot } from './asterisk-snapshot.js';
import { forgetOutageRecord, readOutageRecords, type OutageRecord } from './outage-records.js';
import { amiChannels, redirectToQueue, type AmiChannel } from './switchboard-rescue.js';
import { SwitchboardDirect } from './switchboard-direct.js';

export type { AgentDeviceState, QueueEntry } from './switchboard-queue.js';
export type { AsteriskSnapshot, OwnBridge, StasisChannel } from './asterisk-snapshot.js';
export type { OutageRecord } from './outage-records.js';
export type { AmiChannel } from './switchboard-rescue.js';

export interface InboundChannel {
  channelId: string;
  callerNumber: string;
  callerName: string;
  dialled: string;
}

export interface AgentLeg {
  channelId: string;
  agentId: number;
  /** SUNLINE_CALL_ID inherited from the caller channel; null if the caller came without us. */
  callId: string | null;
  /** The caller's channel (SUNLINE_CALLER_CHANNEL), for calls adopted without a call id. */
  callerChannelId: string | null;
  /** Epoch ms of the leg's StasisStart, as Asterisk stamped it. */
  at: number;
}

/** A caller back with us after the agent hung up: the post-call satisfaction survey. */
export interface SurveyChannel {
  channelId: string;
  /** SUNLINE_CALL_ID of the call (the dialplan only sends calls that have one); null if empty. */
  callId: string | null;
}

export type { DigitResult } from './switchboard-prompts.js';

export interface SwitchboardListener {
  inbound(ch: InboundChannel): void;
  /** A caller taken out of the queue for a chosen agent (QueueWithdrawCaller) is back with us. */
  withdrawn(channelId: string, agentId: number): void;
  agentLeg(leg: AgentLeg): void;
  /** A unit dialled into a three-way call answered (Stasis 'unit,<callId>'); without a handler it is hung up. */
  unitAnswered?(channelId: string, callId: string): void;
  /** The caller entered the survey (dialplan [survey]); without a handler it is hung up. */
  survey?(ch: SurveyChannel): void;
  /** A caller waiting in the queue pressed the callback key (dialplan [sunline-queue-keys]); without a handler it is hung up. */
  callbackRequested?(ch: SurveyChannel): void;
  /** A channel we care about hung up (caller or agent leg), in or out of Stasis. */
  channelGone(channelId: string, cause: string): void;
  queueJoined(channelId: string): void;
  /** The caller hung up while waiting in the queue. */
  queueAbandoned(channelId: string): void;
  /** A caller the dialplan queued without us hung up (its outage record is complete). */
  outageCallEnded?(channelId: string): void;
  /** Both gateways are connected (again): re-read the truth. */
  connected(): void;
  disconnected(): void;
}

export interface SwitchboardOptions {
  ari: AriClient;
  ami: AmiGateway;
  log: Logger;
  /** app_queue queue name; the dialplan's sunline-queue context has this extension. */
  queue?: string;
}

const QUEUE_CONTEXT = 'sunline-queue';
export class Switchboard {
  readonly queue: string;
  private readonly ari: AriClient;
  private readonly ami: AmiGateway;
  private readonly log: Logger;
  private listener: SwitchboardListener | undefined;
  /** Channels we send to the queue leave Stasis: their StasisEnd is not a hang-up. */
  private readonly leaving = new Set<string>();
  private up = { ari: false, ami: false };
  /** The direct ring of a caller sent to a chosen agent (switchboard-direct.ts). */
  private readonly direct: SwitchboardDirect;
  /** Hold, mute, DTMF, transfer and the three-way call (switchboard-controls.ts). */
  readonly controls: SwitchboardControls;
  /** Outbound calls to citizens (switchboard-outbound.ts). */
  readonly outbound: SwitchboardOutbound;
  /** Prompts and DTMF collection on callers in Stasis (switchboard-prompts.ts). */
  private readonly prompts: SwitchboardPrompts;
  /** The queue and its members (switchboard-queue.ts). */
  private readonly members: SwitchboardQueue;

  constructor(opts: SwitchboardOptions) {
    this.ari = opts.ari;
    this.ami = opts.ami;
    this.log = opts.log.child({ component: 'switchboard' });
    this.queue = opts.queue ?? '12345';
    this.prompts = new SwitchboardPrompts(this.ari);
    this.members = new SwitchboardQueue(this.ari, this.ami, this.queue);
    this.controls = new SwitchboardControls(this.ari, this.ami, this.log, (id, on) => (on ? this.leaving.add(id) : this.leaving.delete(id)));
    this.outbound = new SwitchboardOutbound(this.ari, this.log);
    this.direct = new SwitchboardDirect(this.ari, this.log);
    this.wire();
  }

  listen(listener: SwitchboardListener): void {
    this.listener = listener;
  }

  isUp(): boolean {
    return this.up.ari && this.up.ami;
  }

  private wire(): void {
    const ari = this.ari;
    ari.on('StasisStart', (e) => {
      const [kind, arg] = e.args;
      const ch = e.channel;
      if (kind === 'inbound') {
        this.listener?.inbound({ channelId: ch.id, callerNumber: ch.caller.number, callerName: ch.caller.name, dialled: arg ?? '' });
      } else if (kind === 'withdrawn') {
        const agentId = Number(/^agent-(\d+)$/.exec(arg ?? '')?.[1]);
        this.listener?.withdrawn(ch.id, agentId);
      } else if (kind === 'direct') {
        // The ;1 half of a Local channel we originated to ring an agent directly: it enters
        // Stasis once the agent answered, and we bridge it with the caller (bridgeCaller).
        this.direct.legs.entered(ch.id);
      } else if (kind === 'media' || kind === 'outbound') {
        // 'media': an externalMedia channel of the agent's browser audio (src/media), bridged by
        // the media service.
        // 'outbound': a citizen we dialled answered (switchboard-outbound.ts tells the call path).
      } else if (kind === 'agent') {
        const at = Date.parse(e.timestamp) || Date.now();
        void this.describeAgentLeg(ch, e.args.slice(1), at).then((leg) => this.listener?.agentLeg(leg));
      } else if (kind === 'unit' && this.listener?.unitAnswered) {
        this.listener.unitAnswered(ch.id, arg ?? '');
      } else if (kind === 'survey' && this.listener?.survey) {
        this.listener.survey({ channelId: ch.id, callId: arg || null });
      } else if (kind === 'callback' && this.listener?.callbackRequested) {
        this.listener.callbackRequested({ channelId: ch.id, callId: arg || null });
      } else {
        this.log.warn({ channelId: ch.id, kind }, 'unexpected Stasis entry; hanging up');
        void this.hangup(ch.id);
      }
    });
    ari.on('StasisEnd', (e) => {
      this.prompts.gone(e.channel.id);
      this.direct.legs.left(e.channel.id);
      if (this.leaving.delete(e.channel.id)) return;
      this.listener?.channelGone(e.channel.id, 'stasis_end');
    });
    ari.on('PlaybackFinished', (e) => this.prompts.playbackFinished(e.playback.id, e.playback.state !== 'failed'));
    ari.on('ChannelDtmfReceived', (e) => this.prompts.dtmf(e.channel.id, e.digit));
    ari.on('connected', () => this.setUp('ari', true));
    ari.on('disconnected', () => this.setUp('ari', false));

    const ami = this.ami;
    ami.on('connected', () => this.setUp('ami', true));
    ami.on('disconnected', () => this.setUp('ami', false));
    ami.on('QueueCallerJoin', (e) => {
      if (e.queue === this.queue) this.listener?.queueJoined(e.uniqueid);
    });
    ami.on('QueueCallerAbandon', (e) => {
      if (e.queue === this.queue) this.listener?.queueAbandoned(e.uniqueid);
    });
    ami.on('event', (e) => {
      // Callers leave Stasis for the queue, so their hang-up only shows on AMI.
      if (e.event === 'Hangup' && typeof e['uniqueid'] === 'string') {
        this.listener?.channelGone(e['uniqueid'], String(e['cause-txt'] ?? e['cause'] ?? 'hangup'));
      } else if (e.event === 'UserEvent' && e['userevent'] === 'SunlineOutageCall') {
        this.listener?.outageCallEnded?.(String(e['uniqueid'] ?? ''));
      }
    });
  }

  private setUp(which: 'ari' | 'ami', value: boolean): void {
    const before = this.isUp();
    this.up[which] = value;
    const after = this.isUp();
    if (!before && after) this.listener?.connected();
    if (before && !after) this.listener?.disconnected();
  }

  /**
   * The agent leg's Stasis arguments are `agent,<agent id>,<call id>,<caller channel>`: the
   * dialplan passes the inherited SUNLINE_CALL_ID / SUNLINE_CALLER_CHANNEL, so the offer needs no
   * round trip to Asterisk. A dialplan without them (older site copies) is read with getVar.
   */
  private async describeAgentLeg(ch: Channel, args: readonly string[], at: number): Promise<AgentLeg> {
    const [agentId, ...named] = args;
    const [callId, callerChannelId] =
      named.length >= 2
        ? named
        : await Promise.all([
            this.ari.channels.getChannelVar(ch.id, 'SUNLINE_CALL_ID').catch(() => undefined),
            this.ari.channels.getChannelVar(ch.id, 'SUNLINE_CALLER_CHANNEL').catch(() => undefined),
          ]);
    return { channelId: ch.id, agentId: Number(agentId), callId: callId || null, callerChannelId: callerChannelId || null, at };
  }

  // ---- caller legs ------------------------------------------------------------------------

  answer(channelId: string): Promise<void> {
    return this.ari.channels.answer(channelId);
  }

  /** Hang up; a channel that is already gone is not an error. */
  async hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' = 'normal'): Promise<void> {
    try {
      await this.ari.channels.hangup(channelId, { reason });
    } catch (err) {
      if (!(isTelephonyError(err) && err.code === 'CHANNEL_GONE')) throw err;
    }
  }

  /** Plays the first of `sounds` that exists; see SwitchboardPrompts.playFirst. */
  playFirst = (channelId: string, sounds: readonly string[], timeoutMs?: number): Promise<boolean> => this.prompts.playFirst(channelId, sounds, timeoutMs);
  /** Plays the first of `sounds`, stopped by a DTMF key that it returns; see SwitchboardPrompts.playFirstOrKey. */
  playFirstOrKey = (channelId: string, sounds: readonly string[]): Promise<{ played: boolean; digit: string | null }> =>
    this.prompts.playFirstOrKey(channelId, sounds);
  /** Plays `prompt` and waits for one DTMF key; see SwitchboardPrompts.collectDigit. */
  collectDigit = (channelId: string, prompt: string, timeoutMs: number): Promise<DigitResult> => this.prompts.collectDigit(channelId, prompt, timeoutMs);

  /**
   * Marks the call for the agent legs and continues it into the 12345 queue. ARI retries these
   * requests after a connection failure (ari/retry-policy.ts); a retried continue whose first copy
   * did arrive finds the channel out of Stasis (409): it is on its way, which is success here.
   */
  async sendToQueue(channelId: string, opts: { callId: string; priority: number }): Promise<void> {
    // '__' makes the variables inheritable: app_queue's member Local channels get them.
    await this.ari.channels.setChannelVar(channelId, '__SUNLINE_CALL_ID', opts.callId);
    await this.ari.channels.setChannelVar(channelId, '__SUNLINE_CALLER_CHANNEL', channelId);
    await this.ari.channels.setChannelVar(channelId, 'QUEUE_PRIO', String(opts.priority));
    this.leaving.add(channelId);
    try {
      await this.ari.channels.continueInDialplan(channelId, { context: QUEUE_CONTEXT, extension: this.queue, priority: 1 });
    } catch (err) {
      // Out of Stasis (409) or gone (404): its StasisEnd may still be on the way and is no hang-up
      // (a real one also comes as AMI Hangup), so the channel stays in `leaving`.
      if (isTelephonyError(err, 'ARI_CONFLICT')) return;
      if (!isTelephonyError(err, 'CHANNEL_GONE')) this.leaving.delete(channelId);
      throw err;
    }
  }

  /** Rings an agent directly, not through app_queue (switchboard-direct.ts); returns the direct leg's id. */
  ringAgentDirectly = (agentId: number, callId: string, callerChannelId: string, directLegId?: string): Promise<string> =>
    this.direct.ring(agentId, callId, callerChannelId, directLegId);
  /** Connects the caller with the answered direct leg (switchboard-direct.ts). */
  bridgeCaller = (callerChannelId: string, directLegId: string): Promise<string> => this.direct.bridgeCaller(callerChannelId, directLegId);

  /** After a direct call the caller goes on to the survey step, as after a queue call. */
  async afterAgent(callerChannelId: string): Promise<void> {
    this.leaving.add(callerChannelId);
    try {
      await this.ari.channels.continueInDialplan(callerChannelId, { context: 'survey', extension: 's', priority: 1 });
    } catch (err) {
      this.leaving.delete(callerChannelId);
      if (!(isTelephonyError(err) && err.code === 'CHANNEL_GONE')) throw err;
    }
  }

  /**
   * What Asterisk holds of the calls in progress, from one channel list, one bridge list and one
   * QueueStatus (asterisk-snapshot.ts): what reconciliation after a (re)connect decides from.
   */
  async snapshot(): Promise<AsteriskSnapshot> {
    const [channels, bridges, queue] = await Promise.all([this.ari.channels.list(), this.ari.bridges.list(), this.queueEntries()]);
    const snap = snapshotOf(this.ari.app, channels, bridges, queue);
    // Legs made by a dialplan or a version that did not pass these as Stasis arguments.
    const getVar = async (channelId: string, name: string) => (await this.ari.channels.getChannelVar(channelId, name).catch(() => '')) || null;
    for (const leg of snap.unitLegs) if (!leg.unitId) leg.unitId = await getVar(leg.channelId, 'SUNLINE_UNIT_ID');
    for (const leg of snap.agentLegs) if (!leg.callId) leg.callId = await getVar(leg.channelId, 'SUNLINE_CALL_ID');
    return snap;
  }

  /** Marks a channel outside Stasis (adopted from the queue) so its agent legs name the call. */
  async markForAgents(channelName: string, callId: string, callerChannelId: string): Promise<void> {
    await this.ami.action('Setvar', { Channel: channelName, Variable: '__SUNLINE_CALL_ID', Value: callId });
    await this.ami.action('Setvar', { Channel: channelName, Variable: '__SUNLINE_CALLER_CHANNEL', Value: callerChannelId });
  }

  /** A channel variable of any channel (also outside Stasis), through AMI Getvar. */
  async getVar(channelName: string, variable: string): Promise<string | undefined> {
    const res = await this.ami.action('Getvar', { Channel: channelName, Variable: variable });
    const value = res.response['value'];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** The dialplan's record of callers it queued by itself while we were down (outage-records.ts). */
  outageRecords = (): Promise<OutageRecord[]> => readOutageRecords(this.ami, this.log);
  /** Forgets one outage record once its call is in our database. */
  forgetOutageRecord = (channelId: string): Promise<void> => forgetOutageRecord(this.ami, channelId);

  // ---- the queue and its members (switchboard-queue.ts) ---------------------------------------

  queueEntries = (): Promise<QueueEntry[]> => this.members.queueEntries();
  /** Agent ids of the queue's Local/agent-N members. */
  queueAgentIds = (): Promise<number[]> => this.members.queueAgentIds();
  changePriority = (channelName: string, priority: number): Promise<unknown> => this.members.changePriority(channelName, priority);
  withdraw = (channelName: string, info: string): Promise<unknown> => this.members.withdraw(channelName, info);
  addAgent = (agentId: number, name: string, penalty: number): Promise<void> => this.members.addAgent(agentId, name, penalty);
  removeAgent = (agentId: number): Promise<void> => this.members.removeAgent(agentId);
  pauseAgent = (agentId: number, paused: boolean, reason?: string): Promise<void> => this.members.pauseAgent(agentId, paused, reason);
  setAgentDevice = (agentId: number, state: AgentDeviceState): Promise<void> => this.members.setAgentDevice(agentId, state);

  /** Answers the agent leg (app_queue then connects the caller) and parks it in its own bridge. */
  async connectAgentLeg(channelId: string): Promise<string> {
    const bridge = await this.ari.bridges.create({ type: 'mixing', name: `agent-leg-${channelId}` });
    await this.ari.bridges.addChannel(bridge.id, channelId);
    await this.ari.channels.answer(channelId);
    return bridge.id;
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    try {
      await this.ari.bridges.destroy(bridgeId);
    } catch (err) {
      if (!(isTelephonyError(err) && (err.code === 'ARI_NOT_FOUND' || err.code === 'CHANNEL_GONE'))) throw err;
    }
  }

  // ---- the front door without ARI (switchboard-rescue.ts) -------------------------------------

  /** Every channel Asterisk has, by unique id, read over AMI (answers when ARI's HTTP does not). */
  amiChannels = (): Promise<Map<string, AmiChannel>> => amiChannels(this.ami, this.ari.app);

  /**
   * Sends a caller still at our front door on to the queue over AMI, marked as sendToQueue marks
   * it: the last resort when ARI fails. `channels`: a listing from {@link amiChannels} to reuse.
   * Resolves `gone` (hung up), `left` (no longer at the front door: an earlier continue arrived)
   * or `sent`.
   */
  async rescueToQueue(channelId: string, opts: { callId: string; priority: number }, channels?: Map<string, AmiChannel>): Promise<'gone' | 'left' | 'sent'> {
    const ch = (channels ?? (await this.amiChannels())).get(channelId);
    if (!ch) return 'gone';
    if (!ch.atFrontDoor) return 'left';
    this.leaving.add(channelId);
    try {
      await redirectToQueue(this.ami, ch, { ...opts, context: QUEUE_CONTEXT, queue: this.queue });
    } catch (err) {
      this.leaving.delete(channelId);
      throw err;
    }
    return 'sent';
  }

  /**
   * Lets a caller go without a destination (ARI continue with no location): Stasis() returns and
   * [from-trunk]'s fallback queues the caller and records it as a call we did not see.
   */
  async releaseToDialplan(channelId: string): Promise<void> {
    this.leaving.add(channelId);
    try {
      await this.ari.channels.continueInDialplan(channelId);
    } catch (err) {
      this.leaving.delete(channelId);
      throw err;
    }
  }
}
