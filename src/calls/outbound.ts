/**
 * Outbound calls (外呼) from the agent console: a callback (回拨) of a missed call or a callback
 * evaluation (回访), always for a work order. The agent (available) dials; the agent goes to
 * `outbound` (paused in the queue: no inbound offer meanwhile); the server originates the
 * citizen's number over the trunk (switchboard-outbound.ts) with the hotline's caller ID. When
 * the citizen answers, the channel is bridged with the agent's existing browser audio (CallMedia,
 * no new WebRTC negotiation) and the call becomes a live call the in-call controls act on (hold,
 * mute, DTMF, three-way, blind transfer). Busy, no answer (our ring timer), cancel and failure end it before.
 *
 * Every step is a call event on a `calls` row with direction `out` linked to the order
 * (outbound-records.ts) and a `call:outbound` view pushed to the agent (domain event
 * `call.outbound`). An answered call ends in wrap-up; one that never connected frees the agent
 * at once (nothing to wrap up), and the queue pause is lifted either way.
 */
import { randomUUID } from 'node:crypto';
import type { CallControlsView, OutboundCallView, OutboundResult } from '../contract/index.js';
import { hotlineFor } from '../config/files/index.js';
import { TelephonyError } from '../telephony/errors.js';
import type { AsteriskSnapshot } from '../telephony/switchboard.js';
import { outboundEndpoint, type OutboundProgress } from '../telephony/switchboard-outbound.js';
import type { CallContext } from './call-context.js';
import type { CallControls } from './call-controls.js';
import { CallError } from './errors.js';
import { outboundResult } from './outbound-result.js';
import { outboundView, takeOverFrom, type OutboundCall } from './outbound-call.js';
import { endLeftovers } from './outbound-leftovers.js';
import type { OutboundRecords } from './outbound-records.js';
import type { Surveys } from './survey.js';

/** SUNLINE_OUTBOUND_* (config/env.ts). */
export interface OutboundSettings {
  /** Dial string template with `{number}`, e.g. `PJSIP/{number}@trunk`. */
  readonly endpoint: string;
  /** The caller ID the citizen sees (the hotline's number). */
  readonly callerId: string;
  /** How long the citizen's phone may ring before we give up (no_answer). */
  readonly ringMs: number;
  /** SUNLINE_OUTBOUND_SURVEY: after an answered call for an order waiting for evaluation, the agent's hang-up sends the citizen to the survey. */
  readonly survey?: boolean;
}

export class OutboundCalls implements OutboundProgress {
  private readonly calls = new Map<string, OutboundCall>();
  private readonly byChannel = new Map<string, OutboundCall>();
  /** The leftover outbound bridges of a previous process were swept (recover). */
  private swept = false;
  /** Citizens' channels handed to the survey after the call (their hang-up is the survey's). */
  private readonly surveying = new Set<string>();

  constructor(
    private readonly o: CallContext,
    private readonly controls: CallControls,
    private readonly records: OutboundRecords,
    private readonly settings: OutboundSettings,
    private readonly surveys?: Pick<Surveys, 'start'>,
  ) {}

  /** Dials `number` for `orderId` on behalf of `agentId` (available); resolves once Asterisk dials. */
  async dial(agentId: number, p: { orderId: number; number: string }): Promise<OutboundCallView> {
    const sw = this.o.switchboard;
    if (!sw.isUp()) throw new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'telephony is down' });
    const order = await this.records.order(p.orderId); // ORDER_NOT_FOUND before anything changes
    const callId = randomUUID();
    await this.o.agents.dial(agentId, callId); // AGENT_STATE_CONFLICT unless available
    const at = this.o.now();
    const call: OutboundCall = {
      callId,
      channelId: `out-${callId}`,
      agentId,
      orderId: order.id,
      orderNumber: order.number,
      callerId: order.callerId,
      number: p.number,
      startedAt: at,
      state: 'dialling',
      answeredAt: null,
      bridgeId: null,
      hungUpBy: null,
      transferring: false,
      timer: null,
    };
    try {
      // Committed before Asterisk is asked to dial (no event of this call can come before the originate).
      await this.records.dialled({ ...call, hotline: this.settings.callerId, at });
    } catch (err) {
      await this.freeAgent(call);
      throw err;
    }
    this.calls.set(callId, call);
    this.byChannel.set(call.channelId, call);
    this.o.log.info({ callId, agentId, orderId: order.id }, 'outbound call dialling');
    this.publish(call, null);
    try {
      await sw.outbound.originate({
        channelId: call.channelId,
        callId,
        endpoint: outboundEndpoint(this.settings.endpoint, p.number),
        callerId: this.settings.callerId,
        // Asterisk's own limit only backs our ring timer up.
        timeoutSeconds: Math.ceil(this.settings.ringMs / 1000) + 5,
      });
    } catch (err) {
      await this.finish(call, { result: 'failed', reason: 'originate_failed', cause: null });
      throw err;
    }
    if (call.state !== 'ended') call.timer = setTimeout(() => this.ringTimeout(call), this.settings.ringMs);
    return outboundView(call, null, this.o.now());
  }

  /**
   * The agent ends the call: cancels it while it rings, hangs the citizen up once answered — or,
   * with SUNLINE_OUTBOUND_SURVEY, after an answered call for an order still waiting for its
   * evaluation (回访), ends the agent's part (wrap-up) and sends the citizen to the survey
   * (survey.ts: ivr.yaml's prompt and keys), whose key is the order's evaluation.
   */
  async hangup(agentId: number, callId: string): Promise<void> {
    const call = this.mine(agentId, callId);
    call.hungUpBy ??= 'agent';
    const survey = this.settings.survey && this.surveys && call.state === 'answered' && (await this.records.awaitsEvaluation(call.orderId));
    // The citizen may have hung up while the order was read: the call has ended, there is nothing to hang up.
    if (call.state === 'ended') return;
    if (survey && this.surveys && call.state === 'answered') {
      this.surveying.add(call.channelId);
      await this.finish(call, { result: 'answered', reason: 'agent_hangup', cause: null });
      this.o.log.info({ callId, orderId: call.orderId }, 'outbound call: the citizen goes to the survey');
      const orderId = call.orderId;
      this.surveys.start({ channelId: call.channelId, callId }, (id, result, at) => this.records.survey(id, orderId, result, at, this.o.systemActor));
      return;
    }
    await this.o.switchboard.hangup(call.channelId);
  }

  /**
   * Blind transfer (转接) of the answered citizen to a unit's phone, as on an inbound call
   * (CallControls.transfer: CONFERENCE_ACTIVE while a unit is in a three-way call, the call event
   * `transferred` and the order's note): the citizen's channel continues from our Stasis app into
   * [sunline-transfer]. It leaves Stasis without being destroyed, so no hang-up signal ends the
   * call: it ends here, answered with the reason `transferred` (agent to wrap-up). The channel is
   * then no longer ours: its later end is not reported, and after our restart nothing claims it.
   */
  async transfer(agentId: number, callId: string, unitId: string): Promise<CallControlsView> {
    const call = this.mine(agentId, callId);
    if (call.state !== 'answered') throw new CallError('CALL_NOT_ANSWERED', `call ${callId} is not answered`);
    call.transferring = true;
    let view: CallControlsView;
    try {
      view = await this.controls.transfer(agentId, callId, unitId, true);
    } catch (err) {
      call.transferring = false;
      throw err;
    }
    await this.finish(call, { result: 'answered', reason: 'transferred', cause: null });
    return view;
  }

  /** Whether `callId` is an outbound call in progress (the console commands route to us). */
  owns(callId: string): boolean {
    return this.calls.has(callId);
  }

  /** The agent's outbound call in progress, for a console that (re)connects. */
  current(agentId: number): OutboundCallView | null {
    const callId = this.o.agents.view(agentId).callId;
    const call = callId ? this.calls.get(callId) : undefined;
    return call && call.agentId === agentId ? outboundView(call, call.answeredAt !== null ? 'answered' : null, this.o.now()) : null;
  }

  /**
   * A hang-up signal of the call path (StasisEnd, AMI Hangup, reconcile) for one of our channels:
   * true when it is ours. The end itself is settled from ChannelDestroyed, which carries the
   * cause; only a channel Asterisk lost (it restarted) is finished here.
   */
  channelGone(channelId: string, cause: string): boolean {
    if (this.surveying.delete(channelId)) return true; // the call ended before the survey
    const call = this.byChannel.get(channelId);
    if (!call) return false;
    if (cause === 'lost') this.settle(call, { result: call.answeredAt !== null ? 'answered' : 'failed', reason: 'lost', cause: null });
    return true;
  }

  // ---- the switchboard's progress signals -----------------------------------------------------

  ringing(channelId: string): void {
    const call = this.byChannel.get(channelId);
    if (!call || call.state !== 'dialling') return;
    call.state = 'ringing';
    this.records.ringing(call.callId, this.o.now());
    this.publish(call, null);
  }

  answered(channelId: string): void {
    this.connect(channelId).catch((err: unknown) => {
      this.o.log.error({ err, channelId }, 'outbound call not connected');
      this.o.switchboard.hangup(channelId).catch(() => undefined);
    });
  }

  ended(channelId: string, end: { cause: number; causeText: string; dialstatus: string | null }): void {
    const call = this.byChannel.get(channelId);
    if (!call) return;
    const ours = call.hungUpBy === 'agent' ? 'cancelled' : call.hungUpBy === 'ring_timeout' ? 'no_answer' : null;
    const result = outboundResult({ answered: call.answeredAt !== null, ours, dialstatus: end.dialstatus, cause: end.cause });
    const reason = call.answeredAt === null ? null : call.transferring ? 'transferred' : call.hungUpBy === 'agent' ? 'agent_hangup' : 'citizen_hangup';
    this.settle(call, { result, reason, cause: end.cause });
  }

  /**
   * After a restart of our server (run with every reconcile): the outbound calls the database
   * holds as in progress that this process did not dial are ended as `server_restart` — the
   * citizen's channel hung up if Asterisk still has it — and their agents settled (wrap-up after
   * an answered call, else available); outbound bridges nobody uses are removed. An outbound
   * call is not taken over (decision 0007 takes over inbound calls): the agent dials again.
   */
  async recover(): Promise<void> {
    const sw = this.o.switchboard;
    const leftovers = await endLeftovers(this.o, this.records, (callId) => this.calls.has(callId));
    // Bridges: once per process and after leftovers, in the background (reconcile does not wait on the listing).
    if (this.swept && leftovers === 0) return;
    this.swept = true;
    const ours = new Set([...this.calls.values()].map((c) => c.bridgeId));
    sw.outbound.sweep((bridgeId) => ours.has(bridgeId)).catch((err: unknown) => this.o.log.warn({ err }, 'outbound bridges not swept'));
  }

  /**
   * A citizen's channel of ours (`outbound,<call id>` in our Stasis app) that this process does
   * not handle, found by a reconcile after a restart or a call-control takeover. An answered call
   * Asterisk still holds as it was goes on (takeOver); a citizen the previous process had sent to
   * the survey after a 回访 call gets the survey again, its key still the order's evaluation by
   * callback; another unfinished call is left to recover(), which ends it; anything else is hung
   * up — never left in our app in silence.
   */
  async leftInStasis(channelId: string, callId: string | null, snap: AsteriskSnapshot): Promise<void> {
    if (this.byChannel.has(channelId) || this.surveying.has(channelId)) return;
    const found = callId ? await this.records.leftInStasis(callId) : ({ kind: 'over' } as const);
    // Another reconcile may have taken the channel on while the call was read.
    if (this.byChannel.has(channelId) || this.surveying.has(channelId)) return;
    if (found.kind === 'unfinished') {
      if (callId) await this.takeOver(channelId, callId, snap);
      return;
    }
    if (found.kind === 'survey' && callId && this.surveys) {
      this.surveying.add(channelId);
      this.o.log.info({ callId, orderId: found.orderId }, 'outbound: the citizen left in the survey gets it again');
      this.surveys.start({ channelId, callId }, (id, result, at) => this.records.survey(id, found.orderId, result, at, this.o.systemActor));
      return;
    }
    this.o.log.info({ channelId, callId }, 'outbound: a citizen left in our app with nothing to go on is hung up');
    await this.o.switchboard.hangup(channelId);
  }

  /**
   * An answered outbound call of our previous process, as Asterisk still has it — the citizen in
   * its `outbound-<channel>` bridge, the agent still logged in on it (agent_sessions, state
   * `outbound`): the conversation goes on, as an inbound call's does (decision 0007; issue 16's
   * failover). The previous process's browser-audio channel in the bridge is hung up and the
   * agent's audio attached again once the console's softphone is back; the recording Asterisk
   * kept writing goes on under its row. A citizen on hold stays on hold (its holding bridge is
   * the call's again: the agent takes it back with the console's hold button). Otherwise (the
   * `outbound-` bridge gone, the agent not on it) recover() ends the call as `server_restart`. A
   * unit in a three-way call stays in it (the controls show it); one org.yaml no longer names is hung up.
   */
  private async takeOver(channelId: string, callId: string, snap: AsteriskSnapshot): Promise<void> {
    const r = (await this.records.unfinished()).find((u) => u.callId === callId);
    const number = r?.orderId == null ? undefined : await this.records.orderNumber(r.orderId);
    // Read first, then decided at once on what this process holds now (another reconcile may have taken it on meanwhile).
    if (!r || this.calls.has(callId)) return;
    const agent = r.agentId === null ? null : this.o.agents.view(r.agentId);
    const found = takeOverFrom(r, channelId, agent, snap, () => number, this.o.config.current().org.units);
    if (!found) return;
    const { call, conference } = found;
    for (const id of found.hangUp) await this.o.switchboard.hangup(id).catch(() => undefined);
    this.calls.set(callId, call);
    this.byChannel.set(channelId, call);
    this.o.switchboard.outbound.adopt(channelId);
    this.track(call, found.bridgeId);
    if (found.holdBridgeId || conference) this.controls.restore(callId, { holdBridgeId: found.holdBridgeId, conference });
    this.o.log.info(
      { callId, agentId: call.agentId, held: found.holdBridgeId !== null, unitId: conference?.unitId ?? null },
      'an answered outbound call goes on after our restart',
    );
    this.publish(call, 'answered');
    await this.attachAudio(call, found.bridgeId);
  }

  /** Shutting down: ring timers stop (the calls themselves are Asterisk's). */
  close(): void {
    for (const c of this.calls.values()) if (c.timer) clearTimeout(c.timer);
  }

  // ---- inside ---------------------------------------------------------------------------------

  private async connect(channelId: string): Promise<void> {
    const call = this.byChannel.get(channelId);
    if (!call || call.state === 'ended' || call.hungUpBy) {
      await this.o.switchboard.hangup(channelId);
      return;
    }
    if (call.timer) clearTimeout(call.timer);
    call.timer = null;
    const bridgeId = await this.o.switchboard.outbound.bridge(channelId);
    call.bridgeId = bridgeId;
    if (!this.calls.has(call.callId)) {
      // It ended while the bridge was made (finish ran without this bridge).
      await this.o.switchboard.destroyBridge(bridgeId).catch(() => undefined);
      return;
    }
    const at = this.o.now();
    call.state = 'answered';
    call.answeredAt = at;
    this.track(call, bridgeId);
    // Announced once written, as before the write queue: a node taking over after a crash finds it answered.
    await this.records.answered(call.callId, call.agentId, at).catch(() => undefined); // given up on: logged by the queue
    this.o.log.info({ callId: call.callId, agentId: call.agentId, ringMs: at - call.startedAt }, 'outbound call answered');
    // The citizen or the agent may have hung up meanwhile: its end has been announced, not an answer after it.
    if (!this.calls.has(call.callId)) return;
    this.publish(call, 'answered');
    await this.attachAudio(call, bridgeId);
  }

  /** The answered call in the live calls: its controls, the lead view. */
  private track(call: OutboundCall, bridgeId: string): void {
    this.o.live.addOutbound(
      {
        callId: call.callId,
        channelId: call.channelId,
        callerNumber: call.number,
        callerId: call.callerId ?? 0,
        dialled: call.number,
        hotline: hotlineFor(this.o.config.current().numbers, this.settings.callerId),
        enteredAt: call.startedAt,
        priority: 0,
        orderId: call.orderId,
        orderNumber: call.orderNumber,
      },
      { agentId: call.agentId, bridgeId },
    );
  }

  /** The agent's browser audio joins the citizen's bridge; a media failure does not drop the call. */
  private async attachAudio(call: OutboundCall, bridgeId: string): Promise<void> {
    await this.o.media?.attach({ callId: call.callId, agentId: call.agentId, bridgeId }).catch((err: unknown) => {
      if ((err as { code?: unknown }).code === 'MEDIA_NOT_READY') this.o.log.info({ callId: call.callId }, 'agent has no browser audio yet');
      else this.o.log.warn({ err, callId: call.callId }, 'agent audio not connected');
    });
  }

  private ringTimeout(call: OutboundCall): void {
    call.timer = null;
    if (call.state === 'ended' || call.answeredAt !== null) return;
    call.hungUpBy = 'ring_timeout';
    this.o.switchboard.hangup(call.channelId).catch((err: unknown) => this.o.log.warn({ err, callId: call.callId }, 'outbound ring timeout hang-up failed'));
  }

  private settle(call: OutboundCall, end: { result: OutboundResult; reason: string | null; cause: number | null }): void {
    this.finish(call, end).catch((err: unknown) => this.o.log.error({ err, callId: call.callId }, 'outbound call end failed'));
  }

  /** Once per call: the records, the live call's media and controls, the bridge, the agent. */
  private async finish(call: OutboundCall, end: { result: OutboundResult; reason: string | null; cause: number | null }): Promise<void> {
    if (call.state === 'ended') return;
    call.state = 'ended';
    if (call.timer) clearTimeout(call.timer);
    this.calls.delete(call.callId);
    this.byChannel.delete(call.channelId);
    const at = this.o.now();
    this.records.ended(call.callId, at, end);
    this.o.log.info({ callId: call.callId, agentId: call.agentId, result: end.result, reason: end.reason }, 'outbound call ended');
    this.publish(call, end.result, end.reason ?? undefined);
    const live = this.o.live.get(call.callId);
    if (live) {
      this.o.live.remove(live);
      await this.o.media?.detach(call.callId);
      await this.controls.teardown(live);
    }
    if (call.bridgeId) await this.o.switchboard.destroyBridge(call.bridgeId).catch(() => undefined);
    if (call.answeredAt !== null) await this.o.agents.settleCall(call.agentId, call.callId);
    else await this.freeAgent(call);
  }

  /** A call that never connected leaves nothing to wrap up: the agent is available (and unpaused) at once. */
  private async freeAgent(call: OutboundCall): Promise<void> {
    const v = await this.o.agents.settleCall(call.agentId, call.callId);
    if (v.state === 'wrap_up' && v.callId === call.callId) await this.o.agents.wrapUpDone(call.agentId);
  }

  private mine(agentId: number, callId: string): OutboundCall {
    const call = this.calls.get(callId);
    if (!call) throw new CallError('CALL_NOT_FOUND', `call ${callId} is not in progress`);
    if (call.agentId !== agentId) throw new CallError('NOT_YOUR_CALL', `call ${callId} is not yours`);
    return call;
  }

  private publish(call: OutboundCall, result: OutboundResult | null, reason?: string): void {
    this.o.events.emit('call.outbound', outboundView(call, result, this.o.now(), reason));
  }
}
