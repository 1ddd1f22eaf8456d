/**
 * The vocabulary of the work-order lifecycle: statuses, actions, the state the machine reads
 * and writes, and the result of one transition. English terms follow docs/glossary.md.
 */
import type { ErrorSpec } from '../../errors/index.js';
import type { OrderCategory, OrderStatus } from '../../contract/work-orders.js';

// Categories and statuses are shared with the web app: they live in the contract (a leaf).
export { ORDER_CATEGORIES, ORDER_STATUSES, type OrderCategory, type OrderStatus } from '../../contract/work-orders.js';

/** Statuses no action leaves: the history of such an order is complete. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['closed', 'merged'];

/** `wallboard` (a wall screen's read-only account) and `qa` (quality inspection, src/qa/) never act on an order: no route lets them reach one. */
export type ActorRole = 'agent' | 'shift_lead' | 'admin' | 'dispatcher' | 'unit_handler' | 'wallboard' | 'qa' | 'citizen';

/** Who acts: the logged-in user. `unitId` is the unit of a unit handler or a county dispatcher (null for other platform staff). */
export interface Actor {
  readonly id: number;
  readonly role: ActorRole;
  readonly unitId: string | null;
}

export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'unsatisfied';
export type EvaluationChannel = 'survey' | 'callback' | 'third_party';
/** demand: the citizen had a demand, the order is accepted; no_demand / unreachable: closed. */
export type CallbackResult = 'demand' | 'no_demand' | 'unreachable';

/** The editable intake fields of an order. */
export interface OrderFields {
  readonly category: OrderCategory | null;
  readonly subject: string | null;
  readonly content: string | null;
  readonly location: string | null;
  readonly callerName: string | null;
  readonly confidential: boolean;
}

export interface PendingExtension {
  readonly days: number;
  readonly reason: string;
  readonly requestedAt: number;
  readonly requestedBy: number;
}

/**
 * Everything the machine needs to decide and everything it changes. A repository loads it
 * from the order row, and persists `next` together with `event` in one transaction.
 */
export interface OrderState {
  readonly id: number;
  readonly status: OrderStatus;
  readonly fields: OrderFields;
  /** 主办单位; the only unit whose actions move the status. */
  readonly leadUnitId: string | null;
  /** 协办单位; they may reply their part. */
  readonly coUnitIds: readonly string[];
  /** Co-handling units that have replied in the current handling round. */
  readonly coRepliedUnitIds: readonly string[];
  /** Handling deadline (ms); set by dispatch, moved by a granted extension. */
  readonly deadlineAt: number | null;
  readonly signDeadlineAt: number | null;
  /** Missed-call orders carry a callback duty until someone calls back. */
  readonly callbackDue: boolean;
  readonly pendingExtension: PendingExtension | null;
  readonly satisfaction: Satisfaction | null;
  /** 0 = not supervised, 1..3 = supervision level (escalation). */
  readonly supervisionLevel: number;
  /** 1 = first handling; +1 for each send-back or supervised second handling. */
  readonly handlingRound: number;
  readonly mergedIntoId: number | null;
  readonly linkedOrderIds: readonly number[];
  readonly updatedAt: number;
}

export type FieldsPatch = Partial<OrderFields>;

/** Deadlines are computed by the caller (deadlines/ module) so this machine stays calendar-free. */
export interface DispatchPayload {
  readonly leadUnitId: string;
  readonly coUnitIds?: readonly string[];
  readonly deadlineAt: number;
  readonly signDeadlineAt?: number;
  readonly comment?: string;
}

/** What an actor asks for. Free text (reason, text, answer) is required where the domain says so. */
export type OrderAction =
  | { readonly type: 'update_fields'; readonly fields: FieldsPatch }
  | { readonly type: 'accept'; readonly fields?: FieldsPatch }
  | { readonly type: 'answer_on_spot'; readonly answer: string }
  | ({ readonly type: 'dispatch' } & DispatchPayload)
  /** Dispatch again after a return (maybe to another unit) or during supervision (joint handling). */
  | ({ readonly type: 'redispatch' } & DispatchPayload)
  | { readonly type: 'sign' }
  | { readonly type: 'start' }
  | { readonly type: 'return'; readonly reason: string }
  | { readonly type: 'request_extension'; readonly days: number; readonly reason: string }
  /** The caller computes the new deadline with `extendDeadline` (deadlines/): this module stays calendar-free. */
  | { readonly type: 'grant_extension'; readonly deadlineAt: number; readonly comment?: string }
  | { readonly type: 'refuse_extension'; readonly reason: string }
  | { readonly type: 'reply'; readonly text: string }
  | { readonly type: 'review_accept'; readonly comment?: string }
  | { readonly type: 'review_send_back'; readonly reason: string; readonly deadlineAt?: number }
  | { readonly type: 'evaluate'; readonly result: Satisfaction; readonly channel: EvaluationChannel; readonly comment?: string }
  /**
   * A post-call survey answer on an order that is not waiting for evaluation: the satisfaction is
   * stored and written to the history, the status stays (the unit's handling is evaluated later).
   */
  | { readonly type: 'record_survey'; readonly result: Satisfaction; readonly comment?: string }
  | { readonly type: 'supervise'; readonly level: number; readonly reason?: string; readonly deadlineAt?: number }
  | { readonly type: 'close'; readonly reason?: string }
  | { readonly type: 'merge_into'; readonly targetOrderId: number }
  | { readonly type: 'link'; readonly otherOrderId: number }
  | { readonly type: 'callback_done'; readonly result: CallbackResult; readonly comment?: string }
  /** The caller hung up before an agent answered: the draft becomes a missed-call order (漏接回拨). */
  | { readonly type: 'abandon'; readonly reason?: string };

export type OrderActionType = OrderAction['type'];
export type ActionOf<T extends OrderActionType> = Extract<OrderAction, { type: T }>;

/** One history entry (work_order_events row), written with `next` in the same transaction. */
export interface OrderEvent {
  readonly at: number;
  readonly action: OrderActionType;
  readonly fromStatus: OrderStatus;
  readonly toStatus: OrderStatus;
  readonly actorId: number;
  readonly actorRole: ActorRole;
  readonly comment?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Fixed refusal codes with their HTTP status and default message (decision 0009 #5), part of
 * WorkOrderError's catalogue (workorders/errors.ts). ILLEGAL_TRANSITION: not possible in the
 * current status (or state, e.g. a satisfied order cannot be supervised); FORBIDDEN_ROLE: not for
 * this role; NOT_ASSIGNED_UNIT: a unit handler acting on an order that is not (or not as lead)
 * dispatched to their unit. A refusal carries its own message; these are the defaults.
 */
export const LIFECYCLE_ERRORS = {
  ILLEGAL_TRANSITION: [409, "not possible in the order's current status"],
  FORBIDDEN_ROLE: [403, 'not allowed for your role'],
  NOT_ASSIGNED_UNIT: [403, 'the order is not with your unit'],
  MISSING_FIELD: [400, 'a required field is missing'],
  INVALID_FIELD: [400, 'a field is invalid'],
  EXTENSION_PENDING: [409, 'an extension request is already pending'],
  NO_PENDING_EXTENSION: [409, 'no extension request is pending'],
} as const satisfies ErrorSpec;
export type LifecycleErrorCode = keyof typeof LIFECYCLE_ERRORS;

export interface Refusal {
  readonly ok: false;
  readonly code: LifecycleErrorCode;
  readonly message: string;
}

export type TransitionResult = { readonly ok: true; readonly next: OrderState; readonly event: OrderEvent } | Refusal;

export const refuse = (code: LifecycleErrorCode, message: string): Refusal => ({ ok: false, code, message });
