/**
 * Per action: check the payload, then say what changes in the order and what the history
 * event records. Runs only after table.ts has found the row, so status, role and unit are
 * already known to be right. Payloads may come from outside (HTTP) and are checked at runtime.
 */
import type { Row } from './table.js';
import { ORDER_CATEGORIES, refuse, type ActionOf, type Actor, type DispatchPayload, type OrderActionType, type OrderState, type Refusal } from './types.js';

export interface Effect {
  readonly ok: true;
  readonly patch: Partial<OrderState>;
  readonly comment?: string;
  readonly data?: Record<string, unknown>;
}

interface Ctx<K extends OrderActionType> {
  readonly order: OrderState;
  readonly action: ActionOf<K>;
  readonly actor: Actor;
  readonly now: number;
  readonly row: Row;
}

type EffectFn<K extends OrderActionType> = (c: Ctx<K>) => Effect | Refusal;

const MAX_EXTENSION_DAYS = 60;
const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'];
const CHANNELS = ['survey', 'callback', 'third_party'];
const CALLBACK_RESULTS = ['demand', 'no_demand', 'unreachable'];
const TEXT_FIELDS = ['subject', 'content', 'location', 'callerName'] as const;

const effect = (patch: Partial<OrderState>, comment?: string, data?: Record<string, unknown>): Effect => ({
  ok: true,
  patch,
  ...(comment !== undefined ? { comment } : {}),
  ...(data !== undefined ? { data } : {}),
});

/** The trimmed text, or undefined when absent, not a string or blank. */
function textOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
const missing = (field: string, why: string) => refuse('MISSING_FIELD', `"${field}" is required: ${why}`);

function checkFuture(name: string, v: unknown, after: number, what: string): Refusal | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return missing(name, `give the ${what} in epoch milliseconds`);
  return v > after ? undefined : refuse('INVALID_FIELD', `"${name}" must be later than ${new Date(after).toISOString()}`);
}

function checkFields(patch: unknown): Refusal | undefined {
  if (typeof patch !== 'object' || patch === null) return missing('fields', 'give the fields to change');
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'category') {
      if (value !== null && !ORDER_CATEGORIES.includes(value as never)) {
        return refuse('INVALID_FIELD', `"category" must be one of ${ORDER_CATEGORIES.join(', ')}`);
      }
    } else if (key === 'confidential') {
      if (typeof value !== 'boolean') return refuse('INVALID_FIELD', '"confidential" must be true or false');
    } else if ((TEXT_FIELDS as readonly string[]).includes(key)) {
      if (value !== null && typeof value !== 'string') return refuse('INVALID_FIELD', `"${key}" must be text or null`);
    } else {
      return refuse('INVALID_FIELD', `unknown field "${key}"`);
    }
  }
  return undefined;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

const EFFECTS: { [K in OrderActionType]: EffectFn<K> } = {
  update_fields: ({ order, action }) => {
    const bad = checkFields(action.fields);
    if (bad) return bad;
    if (Object.keys(action.fields).length === 0) return missing('fields', 'give at least one field to change');
    const fields = { ...order.fields, ...action.fields };
    // An accepted order keeps what accepting it required: an edit may not empty the demand again.
    // (One accepted by a callback that found a demand may still be filled in a field at a time.)
    if (order.status !== 'draft') {
      if (fields.category === null && order.fields.category !== null) return missing('category', 'an accepted order keeps its category');
      if (!textOf(fields.content) && textOf(order.fields.content)) return missing('content', 'an accepted order keeps its demand');
    }
    return effect({ fields }, undefined, { changed: action.fields });
  },
  accept: ({ order, action }) => {
    const bad = action.fields === undefined ? undefined : checkFields(action.fields);
    if (bad) return bad;
    const fields = { ...order.fields, ...action.fields };
    // The time limit depends on the category, and a unit cannot act on an empty demand.
    if (fields.category === null) return missing('category', 'choose the category before accepting');
    if (!textOf(fields.content)) return missing('content', 'write down the demand before accepting');
    return effect({ fields }, undefined, action.fields ? { changed: action.fields } : undefined);
  },
  answer_on_spot: ({ action }) => {
    const answer = textOf(action.answer);
    return answer ? effect({}, answer) : missing('answer', 'record what the citizen was told');
  },
  dispatch: (c) => dispatchEffect(c),
  redispatch: (c) => dispatchEffect(c),
  sign: ({ order, now }) => effect({}, undefined, { late: order.signDeadlineAt !== null && now > order.signDeadlineAt }),
  start: ({ order }) =>
    order.status === 'supervised'
      ? effect({ handlingRound: order.handlingRound + 1, coRepliedUnitIds: [] }, undefined, { secondHandling: true, handlingRound: order.handlingRound + 1 })
      : effect({}),
  return: ({ action }) => {
    const reason = textOf(action.reason);
    return reason ? effect({ pendingExtension: null }, reason) : missing('reason', 'say why the order is not your unit’s responsibility');
  },
  request_extension: ({ action, actor, now }) => {
    const reason = textOf(action.reason);
    if (!Number.isInteger(action.days) || action.days < 1 || action.days > MAX_EXTENSION_DAYS) {
      return refuse('INVALID_FIELD', `"days" must be a whole number of working days from 1 to ${MAX_EXTENSION_DAYS}`);
    }
    if (!reason) return missing('reason', 'say why more time is needed');
    return effect({ pendingExtension: { days: action.days, reason, requestedAt: now, requestedBy: actor.id } }, reason, { days: action.days });
  },
  grant_extension: ({ order, action, now }) => {
    // Later than the current deadline and than now: an overdue order's extension must leave it time.
    const bad = checkFuture('deadlineAt', action.deadlineAt, Math.max(order.deadlineAt ?? now, now), 'new deadline');
    if (bad) return bad;
    return effect({ deadlineAt: action.deadlineAt, pendingExtension: null }, textOf(action.comment), {
      days: order.pendingExtension?.days,
      previousDeadlineAt: order.deadlineAt,
      deadlineAt: action.deadlineAt,
    });
  },
  refuse_extension: ({ order, action }) => {
    const reason = textOf(action.reason);
    return reason
      ? effect({ pendingExtension: null }, reason, { days: order.pendingExtension?.days })
      : missing('reason', 'tell the unit why the extension is refused');
  },
  reply: ({ order, action, actor, now, row }) => {
    const text = textOf(action.text);
    if (!text) return missing('text', 'write the result of the handling');
    if (row.who === 'co_unit' && actor.unitId !== null) {
      const replied = order.coRepliedUnitIds.includes(actor.unitId) ? order.coRepliedUnitIds : [...order.coRepliedUnitIds, actor.unitId];
      return effect({ coRepliedUnitIds: replied }, text, { part: 'co_unit', unitId: actor.unitId });
    }
    // A pending extension is moot once the unit has replied.
    return effect({ pendingExtension: null }, text, {
      part: 'lead_unit',
      unitId: actor.unitId,
      handlingRound: order.handlingRound,
      late: order.deadlineAt !== null && now > order.deadlineAt,
      coUnitsNotReplied: order.coUnitIds.filter((u) => !order.coRepliedUnitIds.includes(u)),
    });
  },
  review_accept: ({ action }) => effect({}, textOf(action.comment)),
  review_send_back: ({ order, action, now }) => {
    const reason = textOf(action.reason);
    if (!reason) return missing('reason', 'tell the unit what is missing in its reply');
    if (action.deadlineAt !== undefined) {
      const bad = checkFuture('deadlineAt', action.deadlineAt, now, 'new deadline');
      if (bad) return bad;
    }
    const round = order.handlingRound + 1;
    return effect({ handlingRound: round, coRepliedUnitIds: [], ...(action.deadlineAt !== undefined ? { deadlineAt: action.deadlineAt } : {}) }, reason, {
      handlingRound: round,
    });
  },
  evaluate: ({ action }) => {
    if (!SATISFACTION.includes(action.result)) return refuse('INVALID_FIELD', `"result" must be one of ${SATISFACTION.join(', ')}`);
    if (!CHANNELS.includes(action.channel)) return refuse('INVALID_FIELD', `"channel" must be one of ${CHANNELS.join(', ')}`);
    return effect({ satisfaction: action.result }, textOf(action.comment), { result: action.result, channel: action.channel });
  },
  record_survey: ({ action }) => {
    if (!SATISFACTION.includes(action.result)) return refuse('INVALID_FIELD', `"result" must be one of ${SATISFACTION.join(', ')}`);
    return effect({ satisfaction: action.result }, textOf(action.comment), { result: action.result, channel: 'survey' });
  },
  supervise: ({ order, action, now }) => {
    if (!Number.isInteger(action.level) || action.level < 1 || action.level > 3) return refuse('INVALID_FIELD', '"level" must be 1, 2 or 3');
    // Escalation only goes up; while already supervised, a new supervise must raise the level.
    const min = order.status === 'supervised' ? order.supervisionLevel + 1 : order.supervisionLevel;
    if (action.level < min) return refuse('INVALID_FIELD', `"level" must be at least ${min} (the order is at supervision level ${order.supervisionLevel})`);
    if (action.deadlineAt !== undefined) {
      const bad = checkFuture('deadlineAt', action.deadlineAt, now, 'deadline of the supervised handling');
      if (bad) return bad;
    }
    return effect({ supervisionLevel: action.level, ...(action.deadlineAt !== undefined ? { deadlineAt: action.deadlineAt } : {}) }, textOf(action.reason), {
      level: action.level,
      previousLevel: order.supervisionLevel,
    });
  },
  close: ({ order, action, row }) => {
    const reason = textOf(action.reason);
    if (row.needsReason && !reason) return missing('reason', `say why the order is closed from status ${order.status}`);
    return effect({ callbackDue: false, pendingExtension: null }, reason, { satisfaction: order.satisfaction });
  },
  merge_into: ({ order, action }) => {
    if (!isId(action.targetOrderId)) return missing('targetOrderId', 'give the id of the order to merge into');
    if (action.targetOrderId === order.id) return refuse('INVALID_FIELD', 'an order cannot be merged into itself');
    // The target order carries the demand from now on; a missed call's callback duty ends here (the target gets none).
    return effect({ mergedIntoId: action.targetOrderId, callbackDue: false }, undefined, { targetOrderId: action.targetOrderId });
  },
  link: ({ order, action }) => {
    if (!isId(action.otherOrderId)) return missing('otherOrderId', 'give the id of the order to link');
    if (action.otherOrderId === order.id) return refuse('INVALID_FIELD', 'an order cannot be linked to itself');
    if (order.linkedOrderIds.includes(action.otherOrderId)) return refuse('INVALID_FIELD', `order ${action.otherOrderId} is already linked`);
    return effect({ linkedOrderIds: [...order.linkedOrderIds, action.otherOrderId] }, undefined, { otherOrderId: action.otherOrderId });
  },
  abandon: ({ action }) => effect({ callbackDue: true }, textOf(action.reason)),
  callback_done: ({ action }) => {
    if (!CALLBACK_RESULTS.includes(action.result)) return refuse('INVALID_FIELD', `"result" must be one of ${CALLBACK_RESULTS.join(', ')}`);
    return effect({ callbackDue: false }, textOf(action.comment), { result: action.result });
  },
};

/** A list of unit ids (the payload may come from outside and is checked at runtime). */
const isUnitList = (v: unknown): v is readonly string[] => Array.isArray(v) && v.every((u) => textOf(u) !== undefined);

function dispatchEffect({ order, action, now }: { order: OrderState; action: DispatchPayload; now: number }): Effect | Refusal {
  const lead = textOf(action.leadUnitId);
  if (!lead) return missing('leadUnitId', 'choose the lead unit');
  const co: unknown = action.coUnitIds ?? [];
  if (!isUnitList(co)) return refuse('INVALID_FIELD', '"coUnitIds" must be a list of unit ids');
  if (co.includes(lead)) return refuse('INVALID_FIELD', `unit ${lead} cannot be both the lead and a co-handling unit`);
  if (new Set(co).size !== co.length) return refuse('INVALID_FIELD', '"coUnitIds" lists a unit twice');
  if (order.fields.category === null) return missing('category', 'the time limit depends on the category');
  // An order accepted by a callback that found a demand may still have none written down.
  if (!textOf(order.fields.content)) return missing('content', 'a unit cannot act on an empty demand');
  const bad =
    checkFuture('deadlineAt', action.deadlineAt, now, 'handling deadline') ??
    (action.signDeadlineAt === undefined ? undefined : checkFuture('signDeadlineAt', action.signDeadlineAt, now, 'sign-for deadline'));
  if (bad) return bad;
  if (action.signDeadlineAt !== undefined && action.signDeadlineAt > action.deadlineAt) {
    return refuse('INVALID_FIELD', '"signDeadlineAt" must not be later than "deadlineAt"');
  }
  return effect(
    {
      leadUnitId: lead,
      coUnitIds: [...co],
      coRepliedUnitIds: [],
      deadlineAt: action.deadlineAt,
      signDeadlineAt: action.signDeadlineAt ?? null,
      pendingExtension: null,
    },
    textOf(action.comment),
    {
      leadUnitId: lead,
      coUnitIds: [...co],
      deadlineAt: action.deadlineAt,
      signDeadlineAt: action.signDeadlineAt ?? null,
      previousLeadUnitId: order.leadUnitId,
    },
  );
}

/** Runs the action's payload checks and returns the change, or why the payload is refused. */
export function applyEffect(ctx: Ctx<OrderActionType>): Effect | Refusal {
  return (EFFECTS[ctx.action.type] as EffectFn<OrderActionType>)(ctx);
}
