/**
 * The switchboard: the call path's one door to Asterisk. It turns ARI and AMI events into a
 * few domain signals (a citizen is calling, an agent leg rings, a caller left the queue, a
 * channel is gone) and offers the actions the call centre needs. Only this file (and ari/, ami/)
 * knows Asterisk's event names, channel naming and dialplan locations.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AriClient, Channel } from './ari/index.js';
import type { AmiGateway } from './ami/index.js';
import { isTelephonyError } from './errors.js';
import { SwitchboardControls } from './switchboard-controls.js';

/** Device states app_queue follows for an agent (its member's StateInterface). */
export type AgentDeviceState = 'NOT_INUSE' | 'RINGING' | 'INUSE' | 'BUSY' | 'UNAVAILABLE';

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

export interface QueueEntry {
  channelId: string;
  channelName: string;
  callerNumber: string;
  waitSecs: number;
  priority: number;
}

/** A caller back with us after the agent hung up: the post-call satisfaction survey. */
export interface SurveyChannel {
  channelId: string;
  /** SUNLINE_CALL_ID of the call (the dialplan only sends calls that have one); null if empty. */
  callId: string | null;
}

/** One DTMF key, or why none came: no key within the time, or the channel hung up / left. */
export type DigitResult = { digit: string } | { digit: null; reason: 'timeout' | 'gone' };

export interface SwitchboardListener {
  inbound(ch: InboundChannel): void;
  /** A caller taken out of the queue for a chosen agent (QueueWithdrawCaller) is back with us. */
  withdrawn(channelId: string, agentId: number): void;
  agentLeg(leg: AgentLeg): void;
  /** A unit dialled into a three-way call answered (Stasis 'unit,<callId>'); without a handler it is hung up. */
  unitAnswered?(channelId: string, callId: string): void;
  /** The caller entered the survey (dialplan [survey]); without a handler it is hung up. */
  survey?(ch: SurveyChannel): void;
  /** A channel we care about hung up (caller or agent leg), in or out of Stasis. */
  channelGone(channelId: string, cause: string): void;
  queueJoined(channelId: string): void;
  /** The caller hung up while waiting in the queue. */
  queueAbandoned(channelId: string): void;
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
const agentInterface = (agentId: number) => `Local/agent-${agentId}@agents`;
const agentDevice = (agentId: number) => `Stasis:agent-${agentId}`;

export class Switchboard {
  readonly queue: string;
  private readonly ari: AriClient;
  private readonly ami: AmiGateway;
  private readonly log: Logger;
  private listener: SwitchboardListener | undefined;
  /** Channels we send to the queue leave Stasis: their StasisEnd is not a hang-up. */
  private readonly leaving = new Set<string>();
  private up = { ari: false, ami: false };
  private readonly playbacks = new Map<string, (ok: boolean) => void>();
  /** Channels waiting in collectDigit for a key. */
  private readonly digitWaiters = new Map<string, (r: DigitResult) => void>();
  /** Hold, mute, DTMF, transfer and the three-way call (switchboard-controls.ts). */
  readonly controls: SwitchboardControls;

  constructor(opts: SwitchboardOptions) {
    this.ari = opts.ari;
    this.ami = opts.ami;
    this.log = opts.log.child({ component: 'switchboard' });
    this.queue = opts.queue ?? '12345';
    this.controls = new SwitchboardControls(this.ari, this.ami, this.log, (id, on) => (on ? this.leaving.add(id) : this.leaving.delete(id)));
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
        // The ;1 half of a Local channel we originated to ring an agent directly: it waits in
        // Stasis until the agent answers and we bridge it with the caller.
      } else if (kind === 'agent') {
        const at = Date.parse(e.timestamp) || Date.now();
        void this.describeAgentLeg(ch, Number(arg), at).then((leg) => this.listener?.agentLeg(leg));
      } else if (kind === 'unit' && this.listener?.unitAnswered) {
        this.listener.unitAnswered(ch.id, arg ?? '');
      } else if (kind === 'survey' && this.listener?.survey) {
        this.listener.survey({ channelId: ch.id, callId: arg || null });
      } else {
        this.log.warn({ channelId: ch.id, kind }, 'unexpected Stasis entry; hanging up');
        void this.hangup(ch.id);
      }
    });
    ari.on('StasisEnd', (e) => {
      this.digitWaiters.get(e.channel.id)?.({ digit: null, reason: 'gone' });
      if (this.leaving.delete(e.channel.id)) return;
      this.listener?.channelGone(e.channel.id, 'stasis_end');
    });
    ari.on('PlaybackFinished', (e) => {
      const done = this.playbacks.get(e.playback.id);
      if (done) done(e.playback.state !== 'failed');
    });
    ari.on('ChannelDtmfReceived', (e) => this.digitWaiters.get(e.channel.id)?.({ digit: e.digit }));
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

  private async describeAgentLeg(ch: Channel, agentId: number, at: number): Promise<AgentLeg> {
    const [callId, callerChannelId] = await Promise.all([
      this.ari.channels.getChannelVar(ch.id, 'SUNLINE_CALL_ID').catch(() => undefined),
      this.ari.channels.getChannelVar(ch.id, 'SUNLINE_CALLER_CHANNEL').catch(() => undefined),
    ]);
    return { channelId: ch.id, agentId, callId: callId || null, callerChannelId: callerChannelId || null, at };
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
      if (!(isTelephonyError(err) && err.code === 'CALL_NOT_FOUND')) throw err;
    }
  }

  /**
   * Plays the first of `sounds` that exists (a missing prompt fails at once and the next is
   * tried). Resolves false if none played; never waits longer than `timeoutMs` per sound.
   */
  async playFirst(channelId: string, sounds: readonly string[], timeoutMs = 30_000): Promise<boolean> {
    for (const sound of sounds) {
      const playbackId = randomUUID();
      const finished = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), timeoutMs).unref();
        this.playbacks.set(playbackId, (ok) => {
          clearTimeout(timer);
          resolve(ok);
        });
      });
      try {
        await this.ari.channels.play(channelId, `sound:${sound}`, { playbackId });
        if (await finished) return true;
      } finally {
        this.playbacks.delete(playbackId);
      }
    }
    return false;
  }

  /**
   * Plays `prompt` and waits for one DTMF key (ChannelDtmfReceived). A key during the prompt
   * counts and stops it (barge-in); after the prompt the caller has `timeoutMs`. A missing prompt
   * still gives the caller `timeoutMs`. Resolves `gone` when the channel hangs up or leaves Stasis.
   */
  async collectDigit(channelId: string, prompt: string, timeoutMs: number): Promise<DigitResult> {
    const playbackId = randomUUID();
    const timers: NodeJS.Timeout[] = [];
    const result = new Promise<DigitResult>((resolve) => {
      this.digitWaiters.set(channelId, resolve);
      // Unref'd: a survey cut short by shutdown must not keep the process alive for minutes.
      const wait = () => timers.push(setTimeout(() => resolve({ digit: null, reason: 'timeout' }), timeoutMs).unref());
      this.playbacks.set(playbackId, wait);
      timers.push(setTimeout(wait, 120_000).unref()); // a lost PlaybackFinished must not hold the caller forever
    });
    try {
      await this.ari.channels.play(channelId, `sound:${prompt}`, { playbackId });
      const r = await result;
      if (r.digit !== null) await this.ari.playbacks.stop(playbackId).catch(() => undefined);
      return r;
    } catch (err) {
      if (isTelephonyError(err) && err.code === 'CALL_NOT_FOUND') return { digit: null, reason: 'gone' };
      throw err;
    } finally {
      timers.forEach(clearTimeout);
      this.playbacks.delete(playbackId);
      this.digitWaiters.delete(channelId);
    }
  }

  /** Marks the call for the agent legs and continues it into the 12345 queue. */
  async sendToQueue(channelId: string, opts: { callId: string; priority: number }): Promise<void> {
    // '__' makes the variables inheritable: app_queue's member Local channels get them.
    await this.ari.channels.setChannelVar(channelId, '__SUNLINE_CALL_ID', opts.callId);
    await this.ari.channels.setChannelVar(channelId, '__SUNLINE_CALLER_CHANNEL', channelId);
    await this.ari.channels.setChannelVar(channelId, 'QUEUE_PRIO', String(opts.priority));
    this.leaving.add(channelId);
    try {
      await this.ari.channels.continueInDialplan(channelId, { context: QUEUE_CONTEXT, extension: this.queue, priority: 1 });
    } catch (err) {
      this.leaving.delete(channelId);
      throw err;
    }
  }

  /**
   * Rings an agent directly (not through app_queue): a Local channel whose ;2 half enters
   * Stasis as the agent leg (naming the call), its ;1 half as 'direct'. Returns the ;1 id.
   */
  async ringAgentDirectly(agentId: number, callId: string, callerChannelId: string): Promise<string> {
    const ch = await this.ari.channels.originate({
      endpoint: agentInterface(agentId),
      app: this.ari.app,
      appArgs: 'direct',
      variables: { __SUNLINE_CALL_ID: callId, __SUNLINE_CALLER_CHANNEL: callerChannelId },
    });
    return ch.id;
  }

  /** Connects the caller with the answered direct leg. */
  async bridgeCaller(callerChannelId: string, directLegId: string): Promise<string> {
    const bridge = await this.ari.bridges.create({ type: 'mixing', name: `direct-${callerChannelId}` });
    await this.ari.bridges.addChannel(bridge.id, [callerChannelId, directLegId]);
    return bridge.id;
  }

  /** After a direct call the caller goes on to the survey step, as after a queue call. */
  async afterAgent(callerChannelId: string): Promise<void> {
    this.leaving.add(callerChannelId);
    try {
      await this.ari.channels.continueInDialplan(callerChannelId, { context: 'survey', extension: 's', priority: 1 });
    } catch (err) {
      this.leaving.delete(callerChannelId);
      if (!(isTelephonyError(err) && err.code === 'CALL_NOT_FOUND')) throw err;
    }
  }

  /** Channels still in our Stasis app (e.g. left there while our websocket was down). */
  async stasisChannels(): Promise<{ channelId: string; callerNumber: string; callerName: string; context: string; exten: string }[]> {
    const all = await this.ari.channels.list();
    return all
      .filter((c) => c.dialplan?.app_name === 'Stasis')
      .map((c) => ({ channelId: c.id, callerNumber: c.caller.number, callerName: c.caller.name, context: c.dialplan.context, exten: c.dialplan.exten }));
  }

  /** Ids of every channel Asterisk has now. */
  async channelIds(): Promise<Set<string>> {
    return new Set((await this.ari.channels.list()).map((c) => c.id));
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

  // ---- the queue --------------------------------------------------------------------------

  async queueEntries(): Promise<QueueEntry[]> {
    const status = await this.ami.queues.status(this.queue);
    return status.entries.map((e) => ({
      channelId: e.uniqueid,
      channelName: e.channel,
      callerNumber: e.calleridnum,
      waitSecs: Number(e.wait),
      priority: Number(e.priority ?? 0),
    }));
  }

  /** Agent ids of the queue's Local/agent-N members. */
  async queueAgentIds(): Promise<number[]> {
    const status = await this.ami.queues.status(this.queue);
    return status.members
      .map((m) => /^Local\/agent-(\d+)@agents$/.exec(m.location)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number);
  }

  changePriority(channelName: string, priority: number): Promise<unknown> {
    return this.ami.queues.changePriorityCaller(this.queue, channelName, priority, true);
  }

  withdraw(channelName: string, info: string): Promise<unknown> {
    return this.ami.queues.withdrawCaller(this.queue, channelName, info);
  }

  // ---- agents -----------------------------------------------------------------------------

  async addAgent(agentId: number, name: string, penalty: number): Promise<void> {
    try {
      await this.ami.queues.add({ queue: this.queue, interface: agentInterface(agentId), memberName: name, stateInterface: agentDevice(agentId), penalty });
    } catch (err) {
      // Already a member (e.g. after our restart): make sure the penalty is right.
      if (!(isTelephonyError(err) && /already there/i.test(err.detail ?? ''))) throw err;
      await this.ami.queues.penalty(agentInterface(agentId), penalty, this.queue);
    }
  }

  async removeAgent(agentId: number): Promise<void> {
    try {
      await this.ami.queues.remove(this.queue, agentInterface(agentId));
    } catch (err) {
      if (!(isTelephonyError(err) && /not there/i.test(err.detail ?? ''))) throw err;
    }
  }

  async pauseAgent(agentId: number, paused: boolean, reason?: string): Promise<void> {
    await this.ami.queues.pause({ queue: this.queue, interface: agentInterface(agentId), paused, ...(reason ? { reason } : {}) });
  }

  setAgentDevice(agentId: number, state: AgentDeviceState): Promise<void> {
    return this.ari.deviceStates.update(agentDevice(agentId), state);
  }

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
      if (!(isTelephonyError(err) && (err.code === 'ARI_NOT_FOUND' || err.code === 'CALL_NOT_FOUND'))) throw err;
    }
  }
}
