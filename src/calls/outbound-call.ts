/**
 * One outbound call (外呼) as OutboundCalls (outbound.ts) keeps it while it is in progress, the
 * view its agent's consoles get, and — after a restart of our server or a call-control takeover —
 * whether an answered call Asterisk still holds is taken over. Free of I/O.
 */
import type { AgentView, OutboundCallView, OutboundResult, OutboundState } from '../contract/index.js';
import type { AsteriskSnapshot } from '../telephony/switchboard.js';
import type { UnfinishedOutbound } from './outbound-records.js';

export interface OutboundCall {
  readonly callId: string;
  readonly channelId: string;
  readonly agentId: number;
  readonly orderId: number;
  readonly orderNumber: string;
  readonly callerId: number | null;
  readonly number: string;
  readonly startedAt: number;
  state: OutboundState;
  answeredAt: number | null;
  bridgeId: string | null;
  /** Why we hung up ourselves: the agent (before or after the answer) or the ring timer. */
  hungUpBy: 'agent' | 'ring_timeout' | null;
  /** The agent is transferring the citizen to a unit (an end meanwhile is the transfer's). */
  transferring: boolean;
  timer: NodeJS.Timeout | null;
}

/** `call:outbound` for the agent's consoles (domain event `call.outbound`). */
export function outboundView(call: OutboundCall, result: OutboundResult | null, at: number, reason?: string): OutboundCallView {
  return {
    callId: call.callId,
    agentId: call.agentId,
    orderId: call.orderId,
    orderNumber: call.orderNumber,
    number: call.number,
    state: call.state,
    result,
    ...(reason ? { reason } : {}),
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    at,
  };
}

/** The end of a previous process's call that this one does not take over (reason `server_restart`). */
export function leftoverView(r: UnfinishedOutbound, agentId: number, orderNumber: string, result: OutboundResult, at: number): OutboundCallView {
  const call = { callId: r.callId, agentId, orderId: r.orderId ?? 0, orderNumber, number: r.number ?? '' };
  return { ...call, state: 'ended', result, reason: 'server_restart', startedAt: r.enteredAt, answeredAt: r.answeredAt, at };
}

/** What takeOverFrom finds. */
export interface TakenOver {
  call: OutboundCall;
  bridgeId: string;
  holdBridgeId: string | null;
  /** The previous process's helper channels in the bridge, and a unit leg org.yaml no longer names. */
  hangUp: string[];
  /** The unit in a three-way call, to restore in the call's controls. */
  conference: { unitId: string; unitName: string; channelId: string } | null;
}

/**
 * An answered call of the previous process that goes on: the citizen's channel still in its
 * `outbound-<channel>` bridge, or on hold in its `hold-<channel>` holding bridge with the
 * `outbound-` bridge still there to come back to (call-controls.ts hold), and the agent still on
 * the call (agent_sessions: state `outbound`). Returns the call to track, its bridge, the holding
 * bridge if on hold, the channels to hang up (the previous process's externalMedia), and the
 * unit in a three-way call (三方通话: its leg in the call's bridge, named in `units`); null when
 * it cannot go on (not answered, the bridge gone, the citizen in neither bridge, the agent
 * elsewhere).
 */
export function takeOverFrom(
  r: UnfinishedOutbound,
  channelId: string,
  agent: AgentView | null,
  snap: AsteriskSnapshot,
  orderNumber: (orderId: number) => string | undefined,
  units: ReadonlyArray<{ id: string; name: string }>,
): TakenOver | null {
  if (r.answeredAt === null || r.agentId === null || r.orderId === null) return null;
  const bridge = snap.bridges.find((b) => b.name === `outbound-${channelId}`);
  const hold = snap.bridges.find((b) => b.name === `hold-${channelId}` && b.channels.some((c) => c.id === channelId));
  const citizenThere = bridge?.channels.some((c) => c.id === channelId) || hold !== undefined;
  if (agent?.state !== 'outbound' || agent.callId !== r.callId || !bridge || !citizenThere) return null;
  const call: OutboundCall = {
    callId: r.callId,
    channelId,
    agentId: r.agentId,
    orderId: r.orderId,
    orderNumber: orderNumber(r.orderId) ?? '',
    callerId: r.callerId,
    number: r.number ?? '',
    startedAt: r.enteredAt,
    state: 'answered',
    answeredAt: r.answeredAt,
    bridgeId: bridge.bridgeId,
    hungUpBy: null,
    transferring: false,
    timer: null,
  };
  const leg = snap.unitLegs.find((u) => u.callId === r.callId && bridge.channels.some((c) => c.id === u.channelId));
  const unit = leg?.unitId ? units.find((u) => u.id === leg.unitId) : undefined;
  const helpers = bridge.channels.filter((c) => c.helper).map((c) => c.id);
  return {
    call,
    bridgeId: bridge.bridgeId,
    holdBridgeId: hold?.bridgeId ?? null,
    // A unit we cannot name any more is hung up with the previous process's helpers.
    hangUp: leg && !unit ? [...helpers, leg.channelId] : helpers,
    conference: leg && unit ? { unitId: unit.id, unitName: unit.name, channelId: leg.channelId } : null,
  };
}
