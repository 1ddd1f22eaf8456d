/**
 * The work-order state machine: a pure function from (order, action, actor, now) to the next
 * state plus the history event, or a refusal with a fixed code. No I/O: the repository
 * persists `next` and `event` in one transaction (decision 0009 #8).
 */
import { applyEffect } from './effects.js';
import { ACTION_TYPES, SAME, selectRow } from './table.js';
import type { Actor, OrderAction, OrderActionType, OrderEvent, OrderState, TransitionResult } from './types.js';

/**
 * Applies `action` by `actor` at `now` (epoch ms). Checks, in this order: the action is legal
 * in the current status (ILLEGAL_TRANSITION), the actor's role and unit (FORBIDDEN_ROLE,
 * NOT_ASSIGNED_UNIT), state guards (e.g. EXTENSION_PENDING), then the payload
 * (MISSING_FIELD, INVALID_FIELD). Never throws for a bad request; never mutates `order`.
 */
export function transition(order: OrderState, action: OrderAction, actor: Actor, now: number): TransitionResult {
  const picked = selectRow(order, action.type, actor);
  if (!picked.ok) return picked;
  const { row } = picked;
  const eff = applyEffect({ order, action, actor, now, row });
  if (!eff.ok) return eff;
  const toStatus = row.to === SAME ? order.status : typeof row.to === 'function' ? row.to(action) : row.to;
  const next: OrderState = { ...order, ...eff.patch, status: toStatus, updatedAt: now };
  const event: OrderEvent = {
    at: now,
    action: action.type,
    fromStatus: order.status,
    toStatus,
    actorId: actor.id,
    actorRole: actor.role,
    ...(eff.comment !== undefined ? { comment: eff.comment } : {}),
    ...(eff.data !== undefined ? { data: eff.data } : {}),
  };
  return { ok: true, next, event };
}

/**
 * The actions this actor may take on this order now (status, role, unit and state guards;
 * the payload is not known yet), for the UI to show only the buttons that can work.
 */
export function allowedActions(order: OrderState, actor: Actor): OrderActionType[] {
  return ACTION_TYPES.filter((type) => selectRow(order, type, actor).ok);
}

/**
 * The state of a new order: a draft for a call in progress or an online message, or a
 * missed-call order with a callback duty for an abandoned call. Creating it is not a
 * transition; the repository records its own "create" event.
 */
export function newOrderState(id: number, kind: 'draft' | 'missed_call', now: number): OrderState {
  return {
    id,
    status: kind,
    fields: { category: null, subject: null, content: null, location: null, callerName: null, confidential: false },
    leadUnitId: null,
    coUnitIds: [],
    coRepliedUnitIds: [],
    deadlineAt: null,
    signDeadlineAt: null,
    callbackDue: kind === 'missed_call',
    pendingExtension: null,
    satisfaction: null,
    supervisionLevel: 0,
    handlingRound: 1,
    mergedIntoId: null,
    linkedOrderIds: [],
    updatedAt: now,
  };
}
