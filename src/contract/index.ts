/**
 * The one typed socket.io contract, shared by the server (src/realtime) and the web app
 * (src/web). Payloads coming in are still validated with the zod schemas below. src/contract is
 * a leaf: it imports only zod (checked by dependency-cruiser in npm test).
 */
import { z } from 'zod';
import type { Ack } from './ack.js';
import { rowId } from './bounds.js';
import type { ControlsClientEvents, ControlsServerEvents } from './controls.js';
import type { DeskServerEvents } from './desk.js';
import type { LeadClientEvents, LeadServerEvents } from './lead.js';
import type { MediaClientEvents, MediaServerEvents } from './media.js';
import type { OutboundClientEvents, OutboundServerEvents } from './outbound.js';
import type { SupervisionClientEvents, SupervisionServerEvents } from './supervision.js';
import type { SkillsServerEvents } from './skills.js';
import type { WallboardServerEvents } from './wallboard.js';

export type { Ack } from './ack.js';
export * from './controls.js';
export * from './desk.js';
export * from './lead.js';
export * from './media.js';
export * from './outbound.js';
export * from './supervision.js';
export * from './skills.js';
export * from './wallboard.js';

import { AGENT_STATES, type AgentStateName } from './console-vocabulary.js';
export { AGENT_STATES, type AgentStateName };

export interface AgentView {
  agentId: number;
  displayName: string;
  state: AgentStateName;
  /** Epoch ms when the agent entered `state`. */
  since: number;
  pauseReason: string | null;
  /** The call the agent is ringing for, talking on or wrapping up. */
  callId: string | null;
  penalty: number;
}

export interface HotlineView {
  number: string;
  name: { zh: string; en: string };
  skill: string;
}

export interface WaitingCaller {
  callId: string;
  /** Masked for roles that may not see it (see screen-pop rules). */
  callerNumber: string;
  hotline: HotlineView;
  /** Epoch ms when the caller entered the queue (or the front door). */
  enteredAt: number;
  priority: number;
  /** Agent being rung, if any. */
  offeredTo: number | null;
  /** Where the caller is: still hearing the greeting (front door), in app_queue, or ringing an agent. */
  stage: WaitingStage;
}

export type WaitingStage = 'greeting' | 'queue' | 'ringing';

export interface RecentCall {
  callId: string;
  dialledNumber: string;
  enteredAt: number;
  outcome: string | null;
  agentId: number | null;
}

export interface OrderSummary {
  id: number;
  number: string;
  status: string;
  category: string | null;
  subject: string | null;
  createdAt: number;
}

/** What pops on the agent's screen when a call is offered. */
export interface ScreenPop {
  callId: string;
  callerNumber: string;
  hotline: HotlineView;
  /** ms the caller has waited so far (front door + queue). */
  waitMs: number;
  enteredAt: number;
  /** Epoch ms when the agent's leg started ringing (Asterisk's StasisStart timestamp). */
  offeredAt: number;
  caller: { id: number; name: string | null; callCount: number; firstSeenAt: number } | null;
  recentCalls: RecentCall[];
  openOrders: OrderSummary[];
  draftOrder: { id: number; number: string };
}

/**
 * The order of a call whose screen-pop went out before the call's draft order was written (the
 * pop's `draftOrder` was `{ id: 0, number: '' }`; src/calls/offers.ts DRAFT_WAIT_DEADLINE_MS):
 * sent once it is written, to the agent offered the call while their console still holds it
 * (ringing for it, talking on it or wrapping it up), with the caller's history the pop went
 * without (read then, as for a pop: empty when that read fails or takes over 1 s). Or, when the
 * database did not take the draft (the write was given up on), `written: false` with order id 0:
 * no order will follow, the agent makes one by hand (POST /api/workorders).
 */
export interface CallOrderUpdate {
  callId: string;
  /** 0 when not written. */
  orderId: number;
  orderNumber: string;
  written: boolean;
  caller: ScreenPop['caller'];
  recentCalls: RecentCall[];
  openOrders: OrderSummary[];
}

export interface QueueSnapshot {
  at: number;
  waiting: WaitingCaller[];
  agents: AgentView[];
  /** Shift leads: the `seq` of the last `queue:delta` this snapshot already contains; the next one is seq + 1. */
  seq?: number;
}

export interface QueueDelta {
  at: number;
  upsertWaiting?: WaitingCaller[];
  removeWaiting?: string[];
  agents?: AgentView[];
}

/**
 * What shift leads receive as `queue:delta`: the queue changes since the previous one, merged
 * (src/realtime/lead-changes.ts), at most one per SUNLINE_LEAD_UPDATE_MS. Applying them in order
 * gives the same state as applying every change one by one.
 */
export interface LeadUpdate extends QueueDelta {
  /** 1, 2, 3, … per server process; a gap means an update was missed: ask for `sync`. */
  seq: number;
  /** Calls that ended since the previous update (their live controls can go). */
  endedCalls?: string[];
  /** Caller numbers of calls that were upserted and removed again within this update (so an agent's call can still be named). */
  callers?: Record<string, string>;
}

export interface CallUpdate {
  callId: string;
  state: 'offered' | 'answered' | 'ended';
  agentId: number | null;
  at: number;
  /** why it ended: caller_hangup, agent_hangup, abandoned, rejected, timeout, … */
  reason?: string;
}

/** The clocks of the steps the platform owes (workorders/deadlines/wait-clocks.ts). */
export type WaitClockName = 'dispatch' | 'redispatch' | 'review' | 'extension' | 'callback' | 'unsatisfied';

/**
 * sign_*: the sign-for deadline (签收时限) of a dispatched order; due_soon / overdue: the handling
 * deadline (办理时限); <clock>_*: a step the platform owes — dispatch (派单), re-dispatch after a
 * return (重派), review (审核), the decision on an extension (延期审批), the callback of a missed
 * call (回拨), an unsatisfied order no unit can be supervised for (不满意处理).
 */
export type DeadlineWarningKind = 'sign_due_soon' | 'sign_overdue' | 'due_soon' | 'overdue' | `${WaitClockName}_due_soon` | `${WaitClockName}_overdue`;

/** A work order is due soon or overdue (signing for it, handling it, or a step the platform owes). */
export interface DeadlineWarning {
  readonly orderId: number;
  readonly number: string;
  readonly kind: DeadlineWarningKind;
  readonly deadlineAt: number;
  /** The lead unit (主办单位) that must act; null when the platform must (the waiting clocks). */
  readonly leadUnitId: string | null;
  /** When the warning was raised (ms). */
  readonly at: number;
}

export interface ServerToClientEvents
  extends ControlsServerEvents, MediaServerEvents, LeadServerEvents, DeskServerEvents, OutboundServerEvents, WallboardServerEvents {
  /** The session's own agent state (agents only). Sent on connect, on change, on `sync`. */
  'agent:state': (a: AgentView) => void;
  /** A call is ringing for this agent: the screen-pop. */
  'call:offered': (pop: ScreenPop) => void;
  /** The call's draft order, for a screen-pop that went out without it (see CallOrderUpdate). */
  'call:order': (u: CallOrderUpdate) => void;
  /** Agents: their own calls (leads learn of ended calls through `queue:delta`'s `endedCalls`). */
  'call:update': (u: CallUpdate) => void;
  /** Shift leads: the whole live queue; sent on connect, after reconnects, on `sync` and to a console that fell behind. */
  'queue:snapshot': (s: QueueSnapshot) => void;
  /** Shift leads: the queue changes since the previous update, numbered (see LeadUpdate). */
  'queue:delta': (d: LeadUpdate) => void;
  /** Telephony connection changes, for a banner. */
  'system:status': (s: { telephony: 'up' | 'down'; at: number }) => void;
  /** Shift leads, the desks whose scope holds the order, the lead unit's handlers: deadline warnings, each raised once. */
  'workorder:deadline': (w: DeadlineWarning) => void;
}

export const CallIdPayload = z.object({ callId: z.string().min(1).max(100) });
export const PausePayload = z.object({ reason: z.string().trim().min(1).max(50) });
export const LoginPayload = z.object({ penalty: z.number().int().min(0).max(10).optional() }).default({});
export const AgentIdPayload = z.object({ agentId: rowId() });
export const LeadPausePayload = AgentIdPayload.extend({ reason: z.string().trim().min(1).max(50) });
export const SetPriorityPayload = CallIdPayload.extend({ priority: z.number().int().min(0).max(100) });
export const WithdrawPayload = CallIdPayload.extend({ agentId: rowId() });

export interface ClientToServerEvents extends ControlsClientEvents, MediaClientEvents, LeadClientEvents, OutboundClientEvents {
  /** Re-send every snapshot this session is entitled to. */
  sync: (ack?: Ack) => void;
  'agent:login': (p: z.input<typeof LoginPayload>, ack?: Ack<AgentView>) => void;
  'agent:logout': (ack?: Ack<AgentView>) => void;
  'agent:pause': (p: z.infer<typeof PausePayload>, ack?: Ack<AgentView>) => void;
  'agent:unpause': (ack?: Ack<AgentView>) => void;
  'agent:wrapup_done': (ack?: Ack<AgentView>) => void;
  'call:answer': (p: z.infer<typeof CallIdPayload>, ack?: Ack) => void;
  'call:reject': (p: z.infer<typeof CallIdPayload>, ack?: Ack) => void;
  'lead:pause_agent': (p: z.infer<typeof LeadPausePayload>, ack?: Ack<AgentView>) => void;
  'lead:unpause_agent': (p: z.infer<typeof AgentIdPayload>, ack?: Ack<AgentView>) => void;
  'lead:logout_agent': (p: z.infer<typeof AgentIdPayload>, ack?: Ack<AgentView>) => void;
  'lead:set_priority': (p: z.infer<typeof SetPriorityPayload>, ack?: Ack) => void;
  'lead:withdraw': (p: z.infer<typeof WithdrawPayload>, ack?: Ack) => void;
}

// Listen / whisper / barge (contract/supervision.ts), merged into the two event maps above.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServerToClientEvents extends SupervisionServerEvents {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ClientToServerEvents extends SupervisionClientEvents {}

// Agents' skills (contract/skills.ts), merged into the event map above.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServerToClientEvents extends SkillsServerEvents {}
