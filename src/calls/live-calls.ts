/** The in-memory registry of calls in progress, indexed by call id, caller channel and agent leg. */
import type { Hotline } from '../config/files/index.js';

export type LiveState = 'front_door' | 'queued' | 'offered' | 'answered';

export interface LiveCall {
  callId: string;
  channelId: string;
  callerNumber: string;
  callerId: number;
  dialled: string;
  hotline: Hotline;
  enteredAt: number;
  priority: number;
  orderId: number;
  orderNumber: string;
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
}

export class LiveCalls {
  private readonly byId = new Map<string, LiveCall>();
  private readonly byChannel = new Map<string, string>();
  private readonly legs = new Map<string, { callId: string; agentId: number }>();

  add(c: LiveCall): void {
    this.byId.set(c.callId, c);
    this.byChannel.set(c.channelId, c.callId);
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

  setLeg(legChannelId: string, callId: string, agentId: number): void {
    this.legs.set(legChannelId, { callId, agentId });
  }

  leg(legChannelId: string): { callId: string; agentId: number } | undefined {
    return this.legs.get(legChannelId);
  }

  dropLeg(legChannelId: string): void {
    this.legs.delete(legChannelId);
  }

  /** Callers not yet talking to an agent, longest waiting first. */
  waiting(): LiveCall[] {
    return [...this.byId.values()].filter((c) => c.state !== 'answered').sort((a, b) => a.enteredAt - b.enteredAt);
  }

  all(): LiveCall[] {
    return [...this.byId.values()];
  }
}
