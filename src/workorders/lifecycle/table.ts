/**
 * THE transition table of the work-order loop: one row per (action, from-statuses, who) with
 * its target status and an optional state guard. `selectRow` is the only code that reads it;
 * per-action payload checks and state changes live in effects.ts.
 */
import {
  ORDER_STATUSES,
  TERMINAL_STATUSES,
  refuse,
  type Actor,
  type OrderAction,
  type OrderActionType,
  type OrderState,
  type OrderStatus,
  type Refusal,
} from './types.js';

/**
 * Who may take a row: platform staff (agents, dispatchers, shift leads, admins); shift lead / admin only; the handler of the lead unit;
 * the handler of a co-handling unit (replies its part without moving the status).
 */
export type Who = 'platform' | 'supervisor' | 'lead_unit' | 'co_unit';

/** The status stays; the action only records something (extension, link, co-handler reply…). */
export const SAME = 'same';

export interface Row {
  readonly action: OrderActionType;
  readonly from: readonly OrderStatus[];
  readonly to: OrderStatus | typeof SAME | ((action: OrderAction) => OrderStatus);
  readonly who: Who;
  /** A precondition on the order's state beyond its status. */
  readonly when?: (order: OrderState) => Refusal | undefined;
  /** The action must carry a non-empty `reason` on this row (e.g. closing without evaluation). */
  readonly needsReason?: true;
}

const OPEN: readonly OrderStatus[] = ORDER_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));
const HANDLING: readonly OrderStatus[] = ['signed', 'in_progress'];

const noPendingExtension = (o: OrderState) =>
  o.pendingExtension ? refuse('EXTENSION_PENDING', `an extension of ${o.pendingExtension.days} working days is already waiting for a decision`) : undefined;
const hasPendingExtension = (o: OrderState) =>
  o.pendingExtension ? undefined : refuse('NO_PENDING_EXTENSION', 'no extension request is waiting for a decision');
const unsatisfiedAndDispatched = (o: OrderState) =>
  o.satisfaction !== 'unsatisfied'
    ? refuse('ILLEGAL_TRANSITION', `only an order the citizen is unsatisfied with can be supervised (evaluation: ${o.satisfaction ?? 'none'})`)
    : o.leadUnitId === null
      ? refuse('ILLEGAL_TRANSITION', 'the order was answered on the spot and never dispatched: there is no unit to supervise')
      : undefined;
const notUnsatisfied = (o: OrderState) =>
  o.satisfaction === 'unsatisfied'
    ? refuse('ILLEGAL_TRANSITION', 'the citizen is unsatisfied: supervise the order, or a shift lead or admin closes it with a reason')
    : undefined;

/** Read top to bottom, it is the loop of docs/workorder-lifecycle.md. */
export const TRANSITIONS: readonly Row[] = [
  // Intake 统一接收
  { action: 'update_fields', from: ['draft', 'accepted'], to: SAME, who: 'platform' },
  { action: 'accept', from: ['draft'], to: 'accepted', who: 'platform' },
  { action: 'close', from: ['draft'], to: 'closed', who: 'platform', needsReason: true }, // no demand: wrong number, silent call
  { action: 'abandon', from: ['draft'], to: 'missed_call', who: 'platform' },
  { action: 'callback_done', from: ['missed_call'], to: (a) => (a.type === 'callback_done' && a.result === 'demand' ? 'accepted' : 'closed'), who: 'platform' },
  { action: 'answer_on_spot', from: ['accepted'], to: 'answered_on_spot', who: 'platform' },
  { action: 'close', from: ['answered_on_spot'], to: 'closed', who: 'platform' },
  // Repeat demands 重复诉求并单: merge before dispatch; link at any open stage
  { action: 'merge_into', from: ['draft', 'missed_call', 'accepted'], to: 'merged', who: 'platform' },
  { action: 'link', from: OPEN, to: SAME, who: 'platform' },
  // Dispatch by responsibility 按责转办
  { action: 'dispatch', from: ['accepted'], to: 'dispatched', who: 'platform' },
  { action: 'return', from: ['dispatched', 'signed'], to: 'returned', who: 'lead_unit' },
  // From dispatched: 改派 before the unit signs — a wrong unit, or a county sub-platform 分平台 passing
  // an order the city sent it on to one of its own units.
  { action: 'redispatch', from: ['returned', 'supervised', 'dispatched'], to: 'dispatched', who: 'platform' },
  // Time-limited handling 限时办结
  { action: 'sign', from: ['dispatched'], to: 'signed', who: 'lead_unit' },
  { action: 'start', from: ['signed'], to: 'in_progress', who: 'lead_unit' },
  { action: 'request_extension', from: HANDLING, to: SAME, who: 'lead_unit', when: noPendingExtension },
  { action: 'grant_extension', from: HANDLING, to: SAME, who: 'platform', when: hasPendingExtension },
  { action: 'refuse_extension', from: HANDLING, to: SAME, who: 'platform', when: hasPendingExtension },
  { action: 'reply', from: ['in_progress'], to: 'replied', who: 'lead_unit' },
  { action: 'reply', from: ['dispatched', 'signed', 'in_progress', 'supervised'], to: SAME, who: 'co_unit' },
  // Review 审核
  { action: 'review_accept', from: ['replied'], to: 'reviewed', who: 'platform' },
  { action: 'review_send_back', from: ['replied'], to: 'in_progress', who: 'platform' },
  // Evaluation 评价反馈
  { action: 'evaluate', from: ['reviewed', 'answered_on_spot'], to: 'evaluated', who: 'platform' },
  // The post-call IVR survey (满意度评价) arrives whatever the order's stage: kept, status unchanged.
  { action: 'record_survey', from: OPEN, to: SAME, who: 'platform' },
  { action: 'close', from: ['evaluated'], to: 'closed', who: 'platform', when: notUnsatisfied },
  { action: 'close', from: ['evaluated'], to: 'closed', who: 'supervisor', needsReason: true },
  { action: 'close', from: ['reviewed'], to: 'closed', who: 'platform', needsReason: true }, // citizen unreachable for evaluation
  // Supervision 统一督办: unsatisfied → supervised → second handling; escalate; urge overdue orders in place
  { action: 'supervise', from: ['evaluated'], to: 'supervised', who: 'platform', when: unsatisfiedAndDispatched },
  { action: 'supervise', from: ['supervised', 'dispatched', 'signed', 'in_progress'], to: SAME, who: 'platform' },
  { action: 'start', from: ['supervised'], to: 'in_progress', who: 'lead_unit' },
];

export const ACTION_TYPES: readonly OrderActionType[] = [...new Set(TRANSITIONS.map((r) => r.action))];

const PLATFORM_ROLES = ['agent', 'shift_lead', 'admin', 'dispatcher'];
const SUPERVISOR_ROLES = ['shift_lead', 'admin'];

/** Does the actor fit `who` for this order? Returns the refusal that explains why not. */
function checkWho(who: Who, order: OrderState, actor: Actor, action: OrderActionType): Refusal | undefined {
  switch (who) {
    case 'platform':
      return PLATFORM_ROLES.includes(actor.role)
        ? undefined
        : refuse('FORBIDDEN_ROLE', `only platform staff (agent, dispatcher, shift lead, admin) may ${action}; you are ${actor.role}`);
    case 'supervisor':
      return SUPERVISOR_ROLES.includes(actor.role)
        ? undefined
        : refuse('FORBIDDEN_ROLE', `only a shift lead or admin may ${action} here; you are ${actor.role}`);
    case 'lead_unit':
      if (actor.role !== 'unit_handler') return refuse('FORBIDDEN_ROLE', `only a handler of the lead unit may ${action}; you are ${actor.role}`);
      if (actor.unitId !== null && actor.unitId === order.leadUnitId) return undefined;
      return actor.unitId !== null && order.coUnitIds.includes(actor.unitId)
        ? refuse('NOT_ASSIGNED_UNIT', `unit ${actor.unitId} co-handles order ${order.id}; only the lead unit ${order.leadUnitId ?? '-'} may ${action}`)
        : refuse('NOT_ASSIGNED_UNIT', `order ${order.id} is not dispatched to unit ${actor.unitId ?? '(none)'}`);
    case 'co_unit':
      if (actor.role !== 'unit_handler') return refuse('FORBIDDEN_ROLE', `only a handler of a co-handling unit may ${action}; you are ${actor.role}`);
      if (actor.unitId !== null && order.coUnitIds.includes(actor.unitId)) return undefined;
      return actor.unitId !== null && actor.unitId === order.leadUnitId
        ? refuse('ILLEGAL_TRANSITION', `the lead unit can ${action} only once handling has started (status is ${order.status})`)
        : refuse('NOT_ASSIGNED_UNIT', `order ${order.id} is not dispatched to unit ${actor.unitId ?? '(none)'}`);
  }
}

/**
 * The row that applies to this action by this actor in the order's status, or the best
 * explanation why none does: a failed state guard beats a unit mismatch beats a wrong role,
 * so the message names the real obstacle.
 */
export function selectRow(order: OrderState, action: OrderActionType, actor: Actor): { ok: true; row: Row } | Refusal {
  const rows = TRANSITIONS.filter((r) => r.action === action && r.from.includes(order.status));
  if (rows.length === 0) {
    const known = ACTION_TYPES.includes(action);
    return refuse('ILLEGAL_TRANSITION', known ? `cannot ${action} an order in status ${order.status}` : `unknown action ${String(action)}`);
  }
  let best: { refusal: Refusal; rank: number } | undefined;
  for (const row of rows) {
    const whoRefusal = checkWho(row.who, order, actor, action);
    const refusal = whoRefusal ?? row.when?.(order);
    if (!refusal) return { ok: true, row };
    const rank = !whoRefusal ? 3 : refusal.code === 'FORBIDDEN_ROLE' ? 1 : 2;
    if (!best || rank > best.rank) best = { refusal, rank };
  }
  // rows is non-empty and every row refused, so best is set
  return best?.refusal ?? refuse('ILLEGAL_TRANSITION', `cannot ${action} now`);
}
