/**
 * In-call controls of an agent's own answered call: hang up, hold, mute, DTMF, blind transfer
 * (转接) and the three-way call with a unit (三方通话). The live state of each call's controls is
 * kept here and published (domain event `call.controls`) after every change.
 *
 * Mute is enforced in Asterisk (audio towards the caller dropped on the agent leg), so it works
 * with and without the browser softphone; when media is attached, CallMedia.setMuted is told too
 * (a failure there is logged, the Asterisk mute stands).
 */
import { randomUUID } from 'node:crypto';
import type { CallControlsView } from '../contract/index.js';
import type { CallContext } from './call-context.js';
import { CallError } from './errors.js';
import type { LiveCall } from './live-calls.js';

interface ControlState {
  held: boolean;
  holdBridgeId: string | null;
  muted: boolean;
  conference: { unitId: string; unitName: string; channelId: string; state: 'dialing' | 'up' } | null;
  transferredTo: { unitId: string; unitName: string } | null;
  /** The version of this call's last published view (0: none yet). */
  version: number;
}

export class CallControls {
  private readonly states = new Map<string, ControlState>();
  /** Unit leg channel → call id. */
  private readonly unitLegs = new Map<string, string>();
  /** The keys still being sent per call: each send waits for the one before (see sendDtmf). */
  private readonly keys = new Map<string, Promise<void>>();
  /** The version of the last published view (see `publish`). */
  private lastVersion = 0;

  /** `newChannelId` names the unit leg before it is dialled (tests pass a fixed one). */
  constructor(
    private readonly o: CallContext,
    private readonly newChannelId: () => string = randomUUID,
  ) {}

  private state(callId: string): ControlState {
    let s = this.states.get(callId);
    if (!s) this.states.set(callId, (s = blankState()));
    return s;
  }

  /** The call ended (teardown ran) while we awaited Asterisk: `s` is no longer the call's state. */
  private tornDown(callId: string, s: ControlState): boolean {
    return this.states.get(callId) !== s;
  }

  /** The agent's own answered call, or a fixed-code refusal. */
  private own(agentId: number, callId: string): LiveCall & { agentLeg: string; bridgeId: string } {
    const call = this.o.live.get(callId);
    if (!call) throw new CallError('CALL_NOT_FOUND', `call ${callId} is not in progress`);
    if ((call.answeredBy ?? call.offeredTo) !== agentId) throw new CallError('NOT_YOUR_CALL', `call ${callId} is not yours`);
    if (call.state !== 'answered' || !call.agentLeg || !call.bridgeId) throw new CallError('CALL_NOT_ANSWERED', `call ${callId} is not answered`);
    return call as LiveCall & { agentLeg: string; bridgeId: string };
  }

  private unit(unitId: string): { id: string; name: string; phone: string } {
    const unit = this.o.config.current().org.units.find((u) => u.id === unitId);
    if (!unit) throw new CallError('UNIT_NOT_FOUND', `unit ${unitId} is not in org.yaml`);
    if (!unit.phone) throw new CallError('UNIT_HAS_NO_PHONE', `unit ${unitId} has no phone number in org.yaml`);
    return { id: unit.id, name: unit.name, phone: unit.phone };
  }

  /** The controls as the agent sees them; `s` is the state an action holds, which teardown may already have dropped. */
  view(call: LiveCall, s: ControlState = this.states.get(call.callId) ?? blankState()): CallControlsView {
    const conf = s.conference;
    return {
      callId: call.callId,
      agentId: (call.answeredBy ?? call.offeredTo)!,
      callerNumber: call.callerNumber,
      held: s.held,
      muted: s.muted,
      conference: conf ? { unitId: conf.unitId, unitName: conf.unitName, state: conf.state } : null,
      transferredTo: s.transferredTo ? { ...s.transferredTo } : null,
      at: this.o.now(),
      version: s.version,
    };
  }

  private publish(call: LiveCall, s?: ControlState): CallControlsView {
    const state = s ?? this.states.get(call.callId);
    // Versions grow across calls and across our restarts (seeded from the clock): a console that
    // kept a view from before a restart still takes the restarted server's views.
    this.lastVersion = Math.max(this.lastVersion + 1, this.o.now() * 1000);
    if (state) state.version = this.lastVersion;
    const v = this.view(call, state);
    this.o.events.emit('call.controls', v);
    return v;
  }

  private event(call: LiveCall, type: Parameters<CallContext['repo']['event']>[1], agentId: number | null, data?: Record<string, unknown>): void {
    this.o.repo.event(call.callId, type, this.o.now(), agentId, data);
  }

  /** The controls of the call the agent is talking on, for (re)connect and `sync`. */
  current(agentId: number): CallControlsView | null {
    const callId = this.o.agents.view(agentId).callId;
    const call = callId ? this.o.live.get(callId) : undefined;
    return call && call.state === 'answered' && call.answeredBy === agentId ? this.view(call) : null;
  }

  /** The agent ends the call: its leg hangs up; app_queue (option c) sends the caller to the survey. */
  async hangup(agentId: number, callId: string): Promise<void> {
    const call = this.own(agentId, callId);
    await this.o.switchboard.hangup(call.agentLeg);
  }

  async hold(agentId: number, callId: string, held: boolean): Promise<CallControlsView> {
    const call = this.own(agentId, callId);
    const s = this.state(callId);
    if (s.held === held) return this.view(call);
    const ctl = this.o.switchboard.controls;
    if (held) {
      const holdBridgeId = await ctl.hold(call.agentLeg, call.bridgeId);
      if (this.tornDown(callId, s)) {
        await ctl.destroy(holdBridgeId).catch(() => undefined);
        throw new CallError('CALL_NOT_FOUND', `call ${callId} ended`);
      }
      s.holdBridgeId = holdBridgeId;
    } else if (s.holdBridgeId) {
      await ctl.unhold(call.agentLeg, call.bridgeId, s.holdBridgeId);
      s.holdBridgeId = null;
    }
    s.held = held;
    this.event(call, held ? 'held' : 'resumed', agentId);
    return this.publish(call, s);
  }

  async mute(agentId: number, callId: string, muted: boolean): Promise<CallControlsView> {
    const call = this.own(agentId, callId);
    const s = this.state(callId);
    if (s.muted === muted) return this.view(call);
    await this.o.switchboard.controls.mute(call.agentLeg, muted);
    await this.o.media?.setMuted(callId, muted).catch((err: unknown) => this.o.log.warn({ err, callId }, 'softphone mute failed; Asterisk mute stands'));
    s.muted = muted;
    this.event(call, muted ? 'muted' : 'unmuted', agentId);
    return this.publish(call, s);
  }

  /**
   * Keys towards the far end: the unit while it is in a three-way call, else the caller. Sent
   * one request after the other per call, in the order the agent pressed them: each key is its
   * own command, and requests sent at once may reach Asterisk in any order (the keypad's "12#"
   * arrived as "21#"). A key whose send failed does not hold back the next one.
   */
  async sendDtmf(agentId: number, callId: string, digits: string): Promise<void> {
    const call = this.own(agentId, callId);
    const conf = this.state(callId).conference;
    const to = conf?.state === 'up' ? conf.channelId : call.agentLeg;
    const before = this.keys.get(callId) ?? Promise.resolve();
    const sent = before.then(() => this.o.switchboard.controls.sendDigits(to, digits));
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    this.keys.set(callId, settled);
    try {
      await sent;
    } finally {
      if (this.keys.get(callId) === settled) this.keys.delete(callId);
    }
  }

  /**
   * Blind transfer to the unit's phone; the agent leg is released and the agent goes to wrap-up.
   * An outbound call (`outbound`): its agent leg is the citizen's own channel, in our Stasis app;
   * that channel continues into the transfer context and outbound.ts ends the call.
   */
  async transfer(agentId: number, callId: string, unitId: string, outbound = false): Promise<CallControlsView> {
    const call = this.own(agentId, callId);
    const unit = this.unit(unitId);
    const s = this.state(callId);
    if (s.conference) throw new CallError('CONFERENCE_ACTIVE', 'drop the unit from the three-way call before transferring');
    s.transferredTo = { unitId: unit.id, unitName: unit.name };
    const sw = this.o.switchboard;
    try {
      await sw.controls.transfer(call.channelId, unit.phone, outbound || call.directLeg !== null);
    } catch (err) {
      s.transferredTo = null;
      throw err;
    }
    this.o.repo.transferred(callId, call.draft, this.o.now(), { id: agentId, role: 'agent', unitId: null }, unit);
    this.o.log.info({ callId, agentId, unitId: unit.id }, 'call transferred');
    // The caller leaving Stasis may already have ended the call (teardown dropped `s`): the view comes from `s`.
    const view = this.publish(call, s);
    // The caller has left the agent's side: release the agent leg (its end finishes the call).
    if (!outbound) await sw.hangup(call.agentLeg);
    return view;
  }

  /**
   * Three-way call: dial the unit; it joins the agent's bridge when it answers. The unit leg's id
   * is chosen and recorded before the dial: a unit that answers at once enters Stasis (and
   * `unitAnswered` runs) before originate's reply comes back, and must find its leg expected.
   */
  async conference(agentId: number, callId: string, unitId: string): Promise<CallControlsView> {
    const call = this.own(agentId, callId);
    const unit = this.unit(unitId);
    const s = this.state(callId);
    if (s.conference) throw new CallError('CONFERENCE_ACTIVE', 'a unit is already in this call');
    const channelId = this.newChannelId();
    s.conference = { unitId: unit.id, unitName: unit.name, channelId, state: 'dialing' };
    this.unitLegs.set(channelId, callId);
    try {
      await this.o.switchboard.controls.dialUnit(unit.phone, callId, call.hotline.number, unit.id, channelId);
    } catch (err) {
      this.unitLegs.delete(channelId);
      if (s.conference?.channelId === channelId) s.conference = null;
      // A request that timed out may still have been carried out: no unit is left ringing.
      await this.o.switchboard.hangup(channelId).catch(() => undefined);
      throw err;
    }
    if (this.tornDown(callId, s)) {
      this.unitLegs.delete(channelId);
      await this.o.switchboard.hangup(channelId).catch(() => undefined);
      throw new CallError('CALL_NOT_FOUND', `call ${callId} ended`);
    }
    this.event(call, 'conference_started', agentId, { unitId: unit.id, phone: unit.phone });
    return this.publish(call, s);
  }

  async dropConference(agentId: number, callId: string): Promise<CallControlsView> {
    const call = this.own(agentId, callId);
    const conf = this.state(callId).conference;
    if (!conf) throw new CallError('NO_CONFERENCE', 'no unit is in this call');
    this.endConference(call.callId, conf.channelId, agentId);
    await this.o.switchboard.hangup(conf.channelId);
    return this.view(call);
  }

  /** The unit answered (Stasis 'unit,<callId>'): into the agent's bridge, or hung up if the call is gone. */
  async unitAnswered(channelId: string, callId: string): Promise<void> {
    const call = this.o.live.get(callId);
    const conf = call ? this.states.get(callId)?.conference : undefined;
    if (!call || !call.bridgeId || conf?.channelId !== channelId) {
      await this.o.switchboard.hangup(channelId);
      return;
    }
    try {
      await this.o.switchboard.controls.joinBridge(call.bridgeId, channelId);
    } catch (err) {
      // Not left answered in silence with the agent shown "dialling": the unit leg is hung up,
      // its end ends the three-way call (the agent may dial the unit again).
      this.o.log.warn({ err, callId, channelId }, 'unit leg could not join the call; hanging it up');
      this.endConference(callId, channelId, null);
      await this.o.switchboard.hangup(channelId).catch(() => undefined);
      return;
    }
    conf.state = 'up';
    this.publish(call);
  }

  /** A channel hung up: true if it was a unit leg (the three-way call is over, the call goes on). */
  channelGone(channelId: string): boolean {
    const callId = this.unitLegs.get(channelId);
    if (callId === undefined) return false;
    this.endConference(callId, channelId, null);
    return true;
  }

  private endConference(callId: string, channelId: string, agentId: number | null): void {
    if (!this.unitLegs.delete(channelId)) return;
    const s = this.states.get(callId);
    if (!s?.conference || s.conference.channelId !== channelId) return;
    s.conference = null;
    const call = this.o.live.get(callId);
    if (!call) return;
    this.event(call, 'conference_ended', agentId, { by: agentId === null ? 'unit' : 'agent' });
    this.publish(call);
  }

  /**
   * A call taken over after our restart (resume.ts): its hold and three-way state as Asterisk
   * has them. Mute is not readable from Asterisk: the taker unmutes the leg.
   */
  restore(callId: string, r: { holdBridgeId: string | null; conference: { unitId: string; unitName: string; channelId: string } | null }): void {
    const s = this.state(callId);
    s.held = r.holdBridgeId !== null;
    s.holdBridgeId = r.holdBridgeId;
    if (r.conference) {
      s.conference = { ...r.conference, state: 'up' };
      this.unitLegs.set(r.conference.channelId, callId);
    }
  }

  /** A three-way call's unit leg we track (reconcile must not adopt it as a caller). */
  isUnitLeg(channelId: string): boolean {
    return this.unitLegs.has(channelId);
  }

  transferredTo(callId: string): { unitId: string } | null {
    return this.states.get(callId)?.transferredTo ?? null;
  }

  /** The call is over: the unit leg hangs up, the holding bridge goes, the state is forgotten. */
  async teardown(call: LiveCall): Promise<void> {
    const s = this.states.get(call.callId);
    this.states.delete(call.callId);
    if (!s) return;
    const sw = this.o.switchboard;
    if (s.conference) {
      this.unitLegs.delete(s.conference.channelId);
      await sw.hangup(s.conference.channelId).catch(() => undefined);
    }
    if (s.holdBridgeId) await sw.controls.destroy(s.holdBridgeId).catch(() => undefined);
  }
}

function blankState(): ControlState {
  return { held: false, holdBridgeId: null, muted: false, conference: null, transferredTo: null, version: 0 };
}
