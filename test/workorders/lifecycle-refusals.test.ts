import t from 'tap';
import {
  LIFECYCLE_ERRORS,
  newOrderState,
  transition,
  type Actor,
  type OrderAction,
  type OrderState,
  type OrderStatus,
} from '../../src/workorders/lifecycle/index.js';

const NOW = Date.parse('2026-03-09T10:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEAD = 'hz-hrss';
const CO = 'hz-transport';
const agent: Actor = { id: 1, role: 'agent', unitId: null };
const lead: Actor = { id: 2, role: 'unit_handler', unitId: LEAD };
const co: Actor = { id: 3, role: 'unit_handler', unitId: CO };
const other: Actor = { id: 4, role: 'unit_handler', unitId: 'hz-market' };
const shiftLead: Actor = { id: 5, role: 'shift_lead', unitId: null };
const admin: Actor = { id: 6, role: 'admin', unitId: null };
const citizen: Actor = { id: 7, role: 'citizen', unitId: null };
const noUnit: Actor = { id: 8, role: 'unit_handler', unitId: null };

function orderIn(status: OrderStatus, over: Partial<OrderState> = {}): OrderState {
  return {
    ...newOrderState(100, 'draft', NOW - DAY),
    status,
    fields: { category: 'complaint', subject: '噪音', content: '夜间施工噪音扰民', location: null, callerName: null, confidential: false },
    leadUnitId: LEAD,
    coUnitIds: [CO],
    deadlineAt: NOW + 5 * DAY,
    ...over,
  };
}

/** "CODE: message" of a refusal, or "ok → status". */
function outcome(order: OrderState, action: OrderAction, actor: Actor): string {
  const r = transition(order, action, actor, NOW);
  return r.ok ? `ok → ${r.next.status}` : `${r.code}: ${r.message}`;
}
const code = (order: OrderState, action: OrderAction, actor: Actor) => outcome(order, action, actor).split(':')[0];

t.test('unit actions refuse platform staff and citizens (FORBIDDEN_ROLE)', async (t) => {
  const cases: [OrderStatus, OrderAction][] = [
    ['dispatched', { type: 'sign' }],
    ['signed', { type: 'start' }],
    ['dispatched', { type: 'return', reason: 'x' }],
    ['in_progress', { type: 'request_extension', days: 2, reason: 'x' }],
    ['in_progress', { type: 'reply', text: 'x' }],
  ];
  for (const [status, action] of cases) {
    for (const actor of [agent, shiftLead, admin, citizen]) t.equal(code(orderIn(status), action, actor), 'FORBIDDEN_ROLE', `${actor.role} ${action.type}`);
  }
  t.equal(outcome(orderIn('dispatched'), { type: 'sign' }, agent), 'FORBIDDEN_ROLE: only a handler of the lead unit may sign; you are agent');
});

t.test('platform actions refuse unit handlers and citizens (FORBIDDEN_ROLE)', async (t) => {
  const cases: [OrderStatus, OrderAction][] = [
    ['draft', { type: 'update_fields', fields: { subject: 'x' } }],
    ['draft', { type: 'accept' }],
    ['accepted', { type: 'answer_on_spot', answer: 'x' }],
    ['accepted', { type: 'dispatch', leadUnitId: LEAD, deadlineAt: NOW + DAY }],
    ['returned', { type: 'redispatch', leadUnitId: CO, deadlineAt: NOW + DAY }],
    ['in_progress', { type: 'grant_extension', deadlineAt: NOW + 9 * DAY }],
    ['in_progress', { type: 'refuse_extension', reason: 'x' }],
    ['replied', { type: 'review_accept' }],
    ['replied', { type: 'review_send_back', reason: 'x' }],
    ['reviewed', { type: 'evaluate', result: 'satisfied', channel: 'survey' }],
    ['in_progress', { type: 'record_survey', result: 'satisfied' }],
    ['in_progress', { type: 'supervise', level: 1 }],
    ['answered_on_spot', { type: 'close' }],
    ['accepted', { type: 'merge_into', targetOrderId: 5 }],
    ['accepted', { type: 'link', otherOrderId: 5 }],
    ['missed_call', { type: 'callback_done', result: 'demand' }],
  ];
  const pending = { days: 2, reason: 'x', requestedAt: NOW, requestedBy: 2 };
  for (const [status, action] of cases) {
    for (const actor of [lead, co, citizen])
      t.equal(code(orderIn(status, { pendingExtension: pending }), action, actor), 'FORBIDDEN_ROLE', `${actor.role} ${action.type}`);
  }
  t.equal(
    outcome(orderIn('draft'), { type: 'accept' }, lead),
    'FORBIDDEN_ROLE: only platform staff (agent, dispatcher, shift lead, admin) may accept; you are unit_handler',
  );
});

t.test('a unit handler may act only on orders dispatched to their own unit (NOT_ASSIGNED_UNIT)', async (t) => {
  t.equal(outcome(orderIn('dispatched'), { type: 'sign' }, other), 'NOT_ASSIGNED_UNIT: order 100 is not dispatched to unit hz-market');
  t.equal(outcome(orderIn('dispatched'), { type: 'sign' }, noUnit), 'NOT_ASSIGNED_UNIT: order 100 is not dispatched to unit (none)');
  t.equal(outcome(orderIn('in_progress'), { type: 'reply', text: 'x' }, other), 'NOT_ASSIGNED_UNIT: order 100 is not dispatched to unit hz-market');
  t.equal(
    outcome(orderIn('dispatched'), { type: 'sign' }, co),
    'NOT_ASSIGNED_UNIT: unit hz-transport co-handles order 100; only the lead unit hz-hrss may sign',
  );
  t.equal(code(orderIn('signed'), { type: 'return', reason: 'x' }, co), 'NOT_ASSIGNED_UNIT');
  t.equal(code(orderIn('in_progress'), { type: 'request_extension', days: 1, reason: 'x' }, co), 'NOT_ASSIGNED_UNIT');
  t.equal(code(orderIn('signed'), { type: 'reply', text: 'x' }, other), 'NOT_ASSIGNED_UNIT');
});

t.test('co-handlers reply their part without moving the status; the lead replies once handling started', async (t) => {
  for (const status of ['dispatched', 'signed', 'in_progress', 'supervised'] as const) {
    t.equal(outcome(orderIn(status), { type: 'reply', text: '配合完成' }, co), `ok → ${status}`);
  }
  t.equal(
    outcome(orderIn('signed'), { type: 'reply', text: 'x' }, lead),
    'ILLEGAL_TRANSITION: the lead unit can reply only once handling has started (status is signed)',
  );
  t.equal(code(orderIn('replied'), { type: 'reply', text: 'x' }, co), 'ILLEGAL_TRANSITION');
  const twice = transition(orderIn('in_progress', { coRepliedUnitIds: [CO] }), { type: 'reply', text: '补充' }, co, NOW);
  t.same(twice.ok && twice.next.coRepliedUnitIds, [CO], 'a second co-handler reply is recorded once');
  const leadReply = transition(
    orderIn('in_progress', { coUnitIds: [CO, 'hz-police'], coRepliedUnitIds: [CO], deadlineAt: NOW - 1 }),
    { type: 'reply', text: 'done' },
    lead,
    NOW,
  );
  t.same(leadReply.ok && leadReply.event.data, { part: 'lead_unit', unitId: LEAD, handlingRound: 1, late: true, coUnitsNotReplied: ['hz-police'] });
});

t.test('missing reason, text or answer is MISSING_FIELD; blank text counts as missing', async (t) => {
  const cases: [OrderState, Record<string, unknown>, Actor, string][] = [
    [orderIn('dispatched'), { type: 'return' }, lead, 'MISSING_FIELD: "reason" is required: say why the order is not your unit’s responsibility'],
    [
      orderIn('dispatched'),
      { type: 'return', reason: '   ' },
      lead,
      'MISSING_FIELD: "reason" is required: say why the order is not your unit’s responsibility',
    ],
    [orderIn('in_progress'), { type: 'reply', text: '' }, lead, 'MISSING_FIELD: "text" is required: write the result of the handling'],
    [
      orderIn('accepted'),
      { type: 'update_fields', fields: { category: null } },
      agent,
      'MISSING_FIELD: "category" is required: an accepted order keeps its category',
    ],
    [
      orderIn('accepted'),
      { type: 'update_fields', fields: { content: '  ' } },
      agent,
      'MISSING_FIELD: "content" is required: an accepted order keeps its demand',
    ],
    [orderIn('in_progress'), { type: 'reply' }, co, 'MISSING_FIELD: "text" is required: write the result of the handling'],
    [orderIn('in_progress'), { type: 'request_extension', days: 3 }, lead, 'MISSING_FIELD: "reason" is required: say why more time is needed'],
    [
      orderIn('in_progress', { pendingExtension: { days: 3, reason: 'x', requestedAt: NOW, requestedBy: 2 } }),
      { type: 'refuse_extension' },
      agent,
      'MISSING_FIELD: "reason" is required: tell the unit why the extension is refused',
    ],
    [orderIn('replied'), { type: 'review_send_back' }, agent, 'MISSING_FIELD: "reason" is required: tell the unit what is missing in its reply'],
    [orderIn('accepted'), { type: 'answer_on_spot', answer: ' ' }, agent, 'MISSING_FIELD: "answer" is required: record what the citizen was told'],
    [orderIn('reviewed'), { type: 'close' }, agent, 'MISSING_FIELD: "reason" is required: say why the order is closed from status reviewed'],
    [orderIn('draft'), { type: 'close' }, agent, 'MISSING_FIELD: "reason" is required: say why the order is closed from status draft'],
    [
      newOrderState(1, 'draft', NOW),
      { type: 'accept', fields: { content: 'x' } },
      agent,
      'MISSING_FIELD: "category" is required: choose the category before accepting',
    ],
    [
      newOrderState(1, 'draft', NOW),
      { type: 'accept', fields: { category: 'report' } },
      agent,
      'MISSING_FIELD: "content" is required: write down the demand before accepting',
    ],
    [orderIn('accepted'), { type: 'dispatch', deadlineAt: NOW + DAY }, agent, 'MISSING_FIELD: "leadUnitId" is required: choose the lead unit'],
    [
      orderIn('accepted'),
      { type: 'dispatch', leadUnitId: LEAD },
      agent,
      'MISSING_FIELD: "deadlineAt" is required: give the handling deadline in epoch milliseconds',
    ],
    [
      orderIn('accepted', { fields: { ...orderIn('accepted').fields, category: null } }),
      { type: 'dispatch', leadUnitId: LEAD, deadlineAt: NOW + DAY },
      agent,
      'MISSING_FIELD: "category" is required: the time limit depends on the category',
    ],
    [orderIn('draft'), { type: 'update_fields', fields: {} }, agent, 'MISSING_FIELD: "fields" is required: give at least one field to change'],
    [orderIn('accepted'), { type: 'merge_into' }, agent, 'MISSING_FIELD: "targetOrderId" is required: give the id of the order to merge into'],
    [orderIn('accepted'), { type: 'link', otherOrderId: 0 }, agent, 'MISSING_FIELD: "otherOrderId" is required: give the id of the order to link'],
  ];
  for (const [order, action, actor, expected] of cases) t.equal(outcome(order, action as unknown as OrderAction, actor), expected, String(action.type));
});

t.test('invalid values are INVALID_FIELD', async (t) => {
  const pending = { days: 3, reason: 'x', requestedAt: NOW, requestedBy: 2 };
  const cases: [OrderState, Record<string, unknown>, Actor, string][] = [
    [
      orderIn('in_progress'),
      { type: 'request_extension', days: 0, reason: 'x' },
      lead,
      'INVALID_FIELD: "days" must be a whole number of working days from 1 to 60',
    ],
    [
      orderIn('in_progress'),
      { type: 'request_extension', days: 1.5, reason: 'x' },
      lead,
      'INVALID_FIELD: "days" must be a whole number of working days from 1 to 60',
    ],
    [
      orderIn('in_progress'),
      { type: 'request_extension', days: 61, reason: 'x' },
      lead,
      'INVALID_FIELD: "days" must be a whole number of working days from 1 to 60',
    ],
    [
      orderIn('in_progress', { pendingExtension: pending }),
      { type: 'grant_extension', deadlineAt: NOW + 5 * DAY },
      agent,
      `INVALID_FIELD: "deadlineAt" must be later than ${new Date(NOW + 5 * DAY).toISOString()}`,
    ],
    [
      // Overdue: a new deadline later than the passed one but still in the past would leave it overdue.
      orderIn('in_progress', { pendingExtension: pending, deadlineAt: NOW - 2 * DAY }),
      { type: 'grant_extension', deadlineAt: NOW - DAY },
      agent,
      `INVALID_FIELD: "deadlineAt" must be later than ${new Date(NOW).toISOString()}`,
    ],
    [
      orderIn('accepted'),
      { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [LEAD], deadlineAt: NOW + DAY },
      agent,
      'INVALID_FIELD: unit hz-hrss cannot be both the lead and a co-handling unit',
    ],
    [
      orderIn('accepted'),
      { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [CO, CO], deadlineAt: NOW + DAY },
      agent,
      'INVALID_FIELD: "coUnitIds" lists a unit twice',
    ],
    [
      orderIn('accepted'),
      { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [''], deadlineAt: NOW + DAY },
      agent,
      'INVALID_FIELD: "coUnitIds" must be a list of unit ids',
    ],
    [
      orderIn('accepted'),
      { type: 'dispatch', leadUnitId: LEAD, deadlineAt: NOW - 1 },
      agent,
      `INVALID_FIELD: "deadlineAt" must be later than ${new Date(NOW).toISOString()}`,
    ],
    [
      orderIn('accepted'),
      { type: 'dispatch', leadUnitId: LEAD, deadlineAt: NOW + DAY, signDeadlineAt: NOW + 2 * DAY },
      agent,
      'INVALID_FIELD: "signDeadlineAt" must not be later than "deadlineAt"',
    ],
    [orderIn('in_progress'), { type: 'supervise', level: 0 }, agent, 'INVALID_FIELD: "level" must be 1, 2 or 3'],
    [orderIn('in_progress'), { type: 'supervise', level: 4 }, agent, 'INVALID_FIELD: "level" must be 1, 2 or 3'],
    [
      orderIn('supervised', { supervisionLevel: 2 }),
      { type: 'supervise', level: 2 },
      agent,
      'INVALID_FIELD: "level" must be at least 3 (the order is at supervision level 2)',
    ],
    [
      orderIn('in_progress', { supervisionLevel: 2 }),
      { type: 'supervise', level: 1 },
      agent,
      'INVALID_FIELD: "level" must be at least 2 (the order is at supervision level 2)',
    ],
    [
      orderIn('reviewed'),
      { type: 'evaluate', result: 'happy', channel: 'survey' },
      agent,
      'INVALID_FIELD: "result" must be one of satisfied, basically_satisfied, unsatisfied',
    ],
    [
      orderIn('reviewed'),
      { type: 'evaluate', result: 'satisfied', channel: 'sms' },
      agent,
      'INVALID_FIELD: "channel" must be one of survey, callback, third_party',
    ],
    [orderIn('accepted'), { type: 'merge_into', targetOrderId: 100 }, agent, 'INVALID_FIELD: an order cannot be merged into itself'],
    [orderIn('accepted'), { type: 'link', otherOrderId: 100 }, agent, 'INVALID_FIELD: an order cannot be linked to itself'],
    [orderIn('accepted', { linkedOrderIds: [5] }), { type: 'link', otherOrderId: 5 }, agent, 'INVALID_FIELD: order 5 is already linked'],
    [orderIn('missed_call'), { type: 'callback_done', result: 'maybe' }, agent, 'INVALID_FIELD: "result" must be one of demand, no_demand, unreachable'],
    [
      orderIn('draft'),
      { type: 'update_fields', fields: { category: 'gossip' } },
      agent,
      'INVALID_FIELD: "category" must be one of consultation, request_for_help, complaint, report, suggestion, praise',
    ],
    [orderIn('draft'), { type: 'update_fields', fields: { status: 'closed' } }, agent, 'INVALID_FIELD: unknown field "status"'],
    [orderIn('draft'), { type: 'update_fields', fields: { confidential: 'yes' } }, agent, 'INVALID_FIELD: "confidential" must be true or false'],
    [orderIn('draft'), { type: 'update_fields', fields: { subject: 42 } }, agent, 'INVALID_FIELD: "subject" must be text or null'],
  ];
  for (const [order, action, actor, expected] of cases) t.equal(outcome(order, action as unknown as OrderAction, actor), expected, String(action.type));
});

t.test('state guards: pending extensions, supervision only when unsatisfied, closing an unsatisfied order', async (t) => {
  const pending = { days: 3, reason: 'x', requestedAt: NOW, requestedBy: 2 };
  t.equal(
    outcome(orderIn('in_progress', { pendingExtension: pending }), { type: 'request_extension', days: 2, reason: 'y' }, lead),
    'EXTENSION_PENDING: an extension of 3 working days is already waiting for a decision',
  );
  t.equal(
    outcome(orderIn('in_progress'), { type: 'grant_extension', deadlineAt: NOW + 9 * DAY }, agent),
    'NO_PENDING_EXTENSION: no extension request is waiting for a decision',
  );
  t.equal(code(orderIn('signed'), { type: 'refuse_extension', reason: 'x' }, agent), 'NO_PENDING_EXTENSION');
  t.equal(
    outcome(orderIn('evaluated', { satisfaction: 'satisfied' }), { type: 'supervise', level: 1 }, agent),
    'ILLEGAL_TRANSITION: only an order the citizen is unsatisfied with can be supervised (evaluation: satisfied)',
  );
  t.equal(
    outcome(orderIn('evaluated', { satisfaction: 'unsatisfied', leadUnitId: null, coUnitIds: [] }), { type: 'supervise', level: 1 }, agent),
    'ILLEGAL_TRANSITION: the order was answered on the spot and never dispatched: there is no unit to supervise',
  );
  const unsatisfied = orderIn('evaluated', { satisfaction: 'unsatisfied' });
  t.equal(
    outcome(unsatisfied, { type: 'close', reason: 'x' }, agent),
    'ILLEGAL_TRANSITION: the citizen is unsatisfied: supervise the order, or a shift lead or admin closes it with a reason',
  );
  t.equal(outcome(unsatisfied, { type: 'close' }, shiftLead), 'MISSING_FIELD: "reason" is required: say why the order is closed from status evaluated');
  t.equal(outcome(unsatisfied, { type: 'close', reason: '诉求不合理，已三级督办' }, admin), 'ok → closed');
  t.equal(outcome(orderIn('evaluated', { satisfaction: 'basically_satisfied' }), { type: 'close' }, agent), 'ok → closed');
});

t.test('terminal statuses and unknown actions are ILLEGAL_TRANSITION with a clear message', async (t) => {
  t.equal(outcome(orderIn('closed'), { type: 'link', otherOrderId: 3 }, shiftLead), 'ILLEGAL_TRANSITION: cannot link an order in status closed');
  t.equal(outcome(orderIn('merged'), { type: 'accept' }, admin), 'ILLEGAL_TRANSITION: cannot accept an order in status merged');
  t.equal(outcome(orderIn('accepted'), { type: 'teleport' } as unknown as OrderAction, admin), 'ILLEGAL_TRANSITION: unknown action teleport');
  t.equal(outcome(orderIn('in_progress'), { type: 'sign' }, lead), 'ILLEGAL_TRANSITION: cannot sign an order in status in_progress');
});

t.test('every refusal code has an HTTP status', async (t) => {
  t.same(Object.fromEntries(Object.entries(LIFECYCLE_ERRORS).map(([code, [status]]) => [code, status])), {
    ILLEGAL_TRANSITION: 409,
    FORBIDDEN_ROLE: 403,
    NOT_ASSIGNED_UNIT: 403,
    MISSING_FIELD: 400,
    INVALID_FIELD: 400,
    EXTENSION_PENDING: 409,
    NO_PENDING_EXTENSION: 409,
  });
});
