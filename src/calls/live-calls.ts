/**
 * The calls in progress: an in-memory registry indexed by call id, caller channel and agent leg,
 * and the one owner of every change to a live call (decision 0009 #15). Other modules read a
 * LiveCall (its fields are readonly to them) and change it through the named transitions below;
 * which stage follows which is the pure table `nextStage`.
 */
import type { Hotline } from '../config/files/index.js';

/** Where the caller is: at our front door, waiting in app_queue, ringing an agent, talking to one. */
export type LiveState = 'front_door' | 'queued' | 'offered' | 'answered';

/** What the database made for a new call: its caller's id and its draft order (calls-repository.ts createInbound). */
export interface CallDraft {
  readonly callerId: number;
  readonly orderId: number;
  readonly orderNumber: string;
}

interface CallFields {
  callId: string;
  channelId: string;
  callerNumber: string;
  /** The caller's id, the draft order's id and number: 0, 0, '' until `drafted` (a new call's are being written). */
  callerId: number;
  dialled: string;
  hotline: Hotline;
  enteredAt: number;
  priority: number;
  orderId: number;
  orderNumber: string;
  /** The call and its draft as written (call-writes.ts queue): the screen-pop waits for it, the writes after it refer to it. */
  draft: Promise<CallDraft>;
  /** The draft's write has resolved: callerId, orderId and orderNumber are the database's. */
  drafted: boolean;
  state: LiveState;
  offeredTo: number | null;
  agentLeg: string | null;
  /** A shift lead sent the caller to this agent (withdrawn from the queue, rung directly). */
  directTo: number | null;
  /** The ;1 half of the direct Local channel, bridged with the caller on answer. */
  directLeg: string | null;
  callerBridgeId: string | null;
  /** When the current offer's leg started ringing. */
  offeredAt: number | null;
  bridgeId: string | null;
  answeredBy: number | null;
  /** In app_queue and its join recorded (false at the front door and while withdrawn for a chosen agent). */
  inQueue: boolean;
  /** When the caller first joined app_queue (skill routing's overflow counts from it); resumed calls: when they entered. */
  queuedAt: number | null;
}

/** A call in progress as the rest of the call path sees it: read-only; LiveCalls changes it. */
export type LiveCall = Readonly<CallFields>;

/** What happens to a call; `nextStage` says where each leaves it. */
export type CallEvent = 'join' | 'offer' | 'offer_end' | 'answer' | 'withdraw';

const NEXT: Record<LiveState, Partial<Record<CallEvent, LiveState>>> = {
  front_door: { join: 'queued', offer: 'offered' },
  queued: { join: 'queued', offer: 'offered', withdraw: 'queued' },
  offered: { offer_end: 'queued', answer: 'answered', withdraw: 'queued', join: 'offered' },
  answered: {},
};

/** The stage after `event`; an event that does not apply leaves the stage as it is (events on two connections race). */
export function nextStage(state: LiveState, event: CallEvent): LiveState {
  return NEXT[state][event] ?? state;
}

/** The facts a call is tracked with (new, or resumed after our restart). */
export type NewLiveCall = Pick<
  CallFields,
  'callId' | 'channelId' | 'callerNumber' | 'callerId' | 'dialled' | 'hotline' | 'enteredAt' | 'priority' | 'orderId' | 'orderNumber' | 'state'
> & {
  /** A new call's write, still under way (its ids then are 0, 0, ''); absent: the ids given are the database's (a resumed call). */
  readonly draft?: Promise<CallDraft>;
};

export class LiveCalls {
  private readonly byId = new Map<string, CallFields>();
  private readonly byChannel = new Map<string, string>();
  private readonly legs = new Map<string, { callId: string; agentId: number }>();

  /** Tracks a call; one at the front door has not joined the queue yet. */
  add(c: NewLiveCall): LiveCall {
    const { draft, ...facts } = c;
    const call: CallFields = {
      ...facts,
      draft: draft ?? Promise.resolve({ callerId: c.callerId, orderId: c.orderId, orderNumber: c.orderNumber }),
      drafted: draft === undefined,
      offeredTo: null,
      agentLeg: null,
      offeredAt: null,
      bridgeId: null,
      answeredBy: null,
      directTo: null,
      directLeg: null,
      callerBridgeId: null,
      inQueue: c.state !== 'front_door',
      queuedAt: c.state !== 'front_door' ? c.enteredAt : null,
    };
    this.byId.set(call.callId, call);
    this.byChannel.set(call.channelId, call.callId);
    return call;
  }

  /** The call's draft was written: its caller's id and its order as the database made them. */
  drafted(c: LiveCall, d: CallDraft): void {
    const call = c as CallFields;
    call.callerId = d.callerId;
    call.orderId = d.orderId;
    call.orderNumber = d.orderNumber;
    call.drafted = true;
  }

  get(callId: string): LiveCall | undefined {
    return this.byId.get(callId);
  }

  byCallerChannel(channelId: string): LiveCall | undefined {
    const id = this.byChannel.get(channelId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  remove(c: LiveCall): void {
    this.byId.delete(c.callId);
    this.byChannel.delete(c.channelId);
    if (c.agentLeg) this.legs.delete(c.agentLeg);
  }

  leg(legChannelId: string): { callId: string; agentId: number } | undefined {
    return this.legs.get(legChannelId);
  }

  /** Callers not yet talking to an agent, longest waiting first. */
  waiting(): LiveCall[] {
    return [...this.byId.values()].filter((c) => c.state !== 'answered').sort((a, b) => a.enteredAt - b.enteredAt);
  }

  all(): LiveCall[] {
    return [...this.byId.values()];
  }

  // ---- transitions ----------------------------------------------------------------------------

  /** The caller is in app_queue (its join recorded); the first join at `at` starts its queue wait. */
  joined(c: LiveCall, at?: number): void {
    const call = this.own(c);
    call.inQueue = true;
    call.queuedAt ??= at ?? call.enteredAt;
    call.state = nextStage(call.state, 'join');
  }

  /** app_queue (or a direct ring) rings `agentId` on `leg`. */
  offer(c: LiveCall, leg: { channelId: string; agentId: number; at: number }): void {
    const call = this.own(c);
    this.legs.set(leg.channelId, { callId: call.callId, agentId: leg.agentId });
    call.agentLeg = leg.channelId;
    call.offeredAt = leg.at;
    call.offeredTo = leg.agentId;
    call.state = nextStage(call.state, 'offer');
  }

  /**
   * An agent leg is gone: if it is the leg ringing now, the ringing ends (the caller waits again);
   * an answered call keeps its state, and so does a call already ringing someone else on another
   * leg (a shift lead sent the caller on: app_queue's leg of the first agent can end after the
   * direct leg rang). Returns whether the caller went back to waiting.
   */
  legGone(c: LiveCall | undefined, legChannelId: string, ringing: boolean): boolean {
    this.legs.delete(legChannelId);
    if (!c) return false;
    const call = this.own(c);
    if (call.agentLeg !== legChannelId) return false;
    call.agentLeg = null;
    if (!ringing || call.state !== 'offered') return false;
    call.state = nextStage(call.state, 'offer_end');
    call.offeredTo = null;
    return true;
  }

  /** The agent is taking it: its leg's bridge and, for a direct offer, the bridge with the caller. */
  bridged(c: LiveCall, bridges: { bridgeId: string; callerBridgeId: string | null }): void {
    const call = this.own(c);
    call.bridgeId = bridges.bridgeId;
    call.callerBridgeId = bridges.callerBridgeId;
  }

  /** The agent took it. */
  answer(c: LiveCall, agentId: number): void {
    const call = this.own(c);
    call.state = nextStage(call.state, 'answer');
    call.answeredBy = agentId;
  }

  setPriority(c: LiveCall, priority: number): void {
    this.own(c).priority = priority;
  }

  /** The caller chose another hotline in the ivr.yaml menu: handled as if it had dialled it. */
  reroute(c: LiveCall, hotline: Hotline, priority: number): void {
    const call = this.own(c);
    call.hotline = hotline;
    call.priority = priority;
  }

  /** A shift lead sends the waiting caller to `agentId` (null: the withdrawal failed). */
  directTo(c: LiveCall, agentId: number | null): void {
    this.own(c).directTo = agentId;
  }

  /** The withdrawn caller is out of app_queue, its chosen agent rung on `directLeg`. */
  ringingDirectly(c: LiveCall, directLeg: string): void {
    const call = this.own(c);
    call.state = nextStage(call.state, 'withdraw');
    call.inQueue = false; // out of app_queue until it goes back (direct offer ended)
    call.offeredTo = null;
    call.directLeg = directLeg;
  }

  /** The chosen agent did not take it: back to the queue (a new join to come). */
  directEnded(c: LiveCall): void {
    const call = this.own(c);
    call.directTo = null;
    call.directLeg = null;
  }

  /**
   * An outbound call the citizen answered (outbound.ts): the citizen's channel is the call's
   * channel and also the leg the in-call controls act on (hold moves it, mute and DTMF go to it),
   * in `bridgeId` with the agent's browser audio.
   */
  addOutbound(c: Omit<NewLiveCall, 'state'>, r: { agentId: number; bridgeId: string }): LiveCall {
    const call = this.own(this.add({ ...c, state: 'answered' }));
    Object.assign(call, { offeredTo: r.agentId, answeredBy: r.agentId, agentLeg: c.channelId, bridgeId: r.bridgeId } satisfies Partial<CallFields>);
    this.legs.set(c.channelId, { callId: c.callId, agentId: r.agentId });
    return call;
  }

  /** An answered call taken over after our restart (resume.ts), as Asterisk shows it. */
  resumeAnswered(
    c: LiveCall,
    r: { agentId: number; agentLeg: string; bridgeId: string; direct: boolean; directLeg: string | null; callerBridgeId: string | null },
  ): void {
    const call = this.own(c);
    Object.assign(call, {
      state: 'answered',
      offeredTo: r.agentId,
      answeredBy: r.agentId,
      agentLeg: r.agentLeg,
      bridgeId: r.bridgeId,
      directTo: r.direct ? r.agentId : null,
      directLeg: r.directLeg,
      callerBridgeId: r.callerBridgeId,
    } satisfies Partial<CallFields>);
    this.legs.set(r.agentLeg, { callId: call.callId, agentId: r.agentId });
  }

  private own(c: LiveCall): CallFields {
    const call = this.byId.get(c.callId);
    // A call finished meanwhile keeps its last state for whoever still holds it.
    return call === c ? call : c;
  }
}
