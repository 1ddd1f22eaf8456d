import t from 'tap';
import {
  ACTION_TYPES,
  ORDER_STATUSES,
  allowedActions,
  newOrderState,
  transition,
  type Actor,
  type OrderAction,
  type OrderActionType,
  type OrderEvent,
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
const shiftLead: Actor = { id: 5, role: 'shift_lead', unitId: null };

/** An order in `status` with everything a later stage needs (category, units, deadlines). */
function orderIn(status: OrderStatus, over: Partial<OrderState> = {}): OrderState {
  return {
    ...newOrderState(100, 'draft', NOW - DAY),
    status,
    fields: { category: 'complaint', subject: '噪音', content: '夜间施工噪音扰民', location: '吴兴区', callerName: '张先生', confidential: false },
    leadUnitId: LEAD,
    coUnitIds: [CO],
    deadlineAt: NOW + 5 * DAY,
    signDeadlineAt: NOW + 2 * HOUR,
    ...over,
  };
}

const VALID: Record<OrderActionType, OrderAction> = {
  update_fields: { type: 'update_fields', fields: { subject: '夜间噪音' } },
  accept: { type: 'accept' },
  answer_on_spot: { type: 'answer_on_spot', answer: '已告知办理流程' },
  dispatch: { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [CO], deadlineAt: NOW + 5 * DAY, signDeadlineAt: NOW + 2 * HOUR },
  redispatch: { type: 'redispatch', leadUnitId: 'hz-huzhou-wuxing', deadlineAt: NOW + 5 * DAY },
  sign: { type: 'sign' },
  start: { type: 'start' },
  return: { type: 'return', reason: '不属于本单位职责' },
  request_extension: { type: 'request_extension', days: 5, reason: '需现场勘查' },
  grant_extension: { type: 'grant_extension', deadlineAt: NOW + 10 * DAY },
  refuse_extension: { type: 'refuse_extension', reason: '时限内可完成' },
  reply: { type: 'reply', text: '已责令停工' },
  review_accept: { type: 'review_accept' },
  review_send_back: { type: 'review_send_back', reason: '未联系市民' },
  evaluate: { type: 'evaluate', result: 'satisfied', channel: 'callback' },
  record_survey: { type: 'record_survey', result: 'unsatisfied' },
  supervise: { type: 'supervise', level: 3, reason: '群众不满意' },
  close: { type: 'close', reason: '市民无法联系' },
  merge_into: { type: 'merge_into', targetOrderId: 99 },
  link: { type: 'link', otherOrderId: 98 },
  callback_done: { type: 'callback_done', result: 'demand' },
  abandon: { type: 'abandon', reason: 'caller hung up while waiting' },
};
const UNIT_ACTIONS: readonly OrderActionType[] = ['sign', 'start', 'return', 'request_extension', 'reply'];
const actorFor = (a: OrderActionType) => (UNIT_ACTIONS.includes(a) ? lead : shiftLead);

/** State each guard needs, so the matrix tests the status rule alone. */
function prepared(action: OrderActionType, status: OrderStatus): OrderState {
  const pending = { days: 5, reason: '需现场勘查', requestedAt: NOW - HOUR, requestedBy: 2 };
  if (action === 'grant_extension' || action === 'refuse_extension') return orderIn(status, { pendingExtension: pending });
  if (action === 'supervise' && status === 'evaluated') return orderIn(status, { satisfaction: 'unsatisfied' });
  if (action === 'supervise' && status === 'supervised') return orderIn(status, { satisfaction: 'unsatisfied', supervisionLevel: 1 });
  return orderIn(status);
}

const OPEN = ORDER_STATUSES.filter((s) => s !== 'closed' && s !== 'merged');
/** Written out by hand from DOMAIN.md, independently of the table it checks. */
const LEGAL: Record<OrderActionType, Partial<Record<OrderStatus, OrderStatus>>> = {
  update_fields: { draft: 'draft', accepted: 'accepted' },
  accept: { draft: 'accepted' },
  answer_on_spot: { accepted: 'answered_on_spot' },
  dispatch: { accepted: 'dispatched' },
  redispatch: { returned: 'dispatched', supervised: 'dispatched', dispatched: 'dispatched' },
  sign: { dispatched: 'signed' },
  start: { signed: 'in_progress', supervised: 'in_progress' },
  return: { dispatched: 'returned', signed: 'returned' },
  request_extension: { signed: 'signed', in_progress: 'in_progress' },
  grant_extension: { signed: 'signed', in_progress: 'in_progress' },
  refuse_extension: { signed: 'signed', in_progress: 'in_progress' },
  reply: { in_progress: 'replied' },
  review_accept: { replied: 'reviewed' },
  review_send_back: { replied: 'in_progress' },
  evaluate: { reviewed: 'evaluated', answered_on_spot: 'evaluated' },
  record_survey: Object.fromEntries(OPEN.map((s) => [s, s])),
  supervise: { evaluated: 'supervised', supervised: 'supervised', dispatched: 'dispatched', signed: 'signed', in_progress: 'in_progress' },
  close: { draft: 'closed', answered_on_spot: 'closed', evaluated: 'closed', reviewed: 'closed' },
  merge_into: { draft: 'merged', missed_call: 'merged', accepted: 'merged' },
  link: Object.fromEntries(OPEN.map((s) => [s, s])),
  callback_done: { missed_call: 'accepted' },
  abandon: { draft: 'missed_call' },
};

t.test('every action in every status: legal ones reach the expected status, the rest are ILLEGAL_TRANSITION', async (t) => {
  t.same([...ACTION_TYPES].sort(), Object.keys(LEGAL).sort(), 'the table and this test know the same actions');
  let legal = 0;
  for (const action of ACTION_TYPES) {
    for (const status of ORDER_STATUSES) {
      const r = transition(prepared(action, status), VALID[action], actorFor(action), NOW);
      const expected = LEGAL[action][status];
      if (expected) {
        legal++;
        if (!r.ok) t.fail(`${action} from ${status}: ${r.code} ${r.message}`);
        else {
          t.equal(r.next.status, expected, `${action}: ${status} → ${expected}`);
          t.equal(r.event.fromStatus, status);
          t.equal(r.event.toStatus, expected);
          t.equal(r.event.action, action);
        }
      } else if (r.ok || r.code !== 'ILLEGAL_TRANSITION') {
        t.fail(`${action} from ${status} should be ILLEGAL_TRANSITION, got ${r.ok ? r.next.status : r.code}`);
      }
    }
  }
  t.equal(legal, 62, 'number of legal (action, status) pairs');
});

/** Applies the steps, failing the test on any refusal; returns the final state and the history. */
function run(t: { fail: (message: string) => unknown }, start: OrderState, steps: readonly [OrderAction, Actor][]) {
  let order = start;
  const statuses: OrderStatus[] = [start.status];
  const events: OrderEvent[] = [];
  let time = NOW;
  for (const [action, actor] of steps) {
    time += HOUR;
    const r = transition(order, action, actor, time);
    if (!r.ok) {
      t.fail(`${action.type} from ${order.status}: ${r.code} ${r.message}`);
      break;
    }
    order = r.next;
    statuses.push(order.status);
    events.push(r.event);
  }
  return { order, statuses, events };
}

t.test('happy path: draft → accepted → dispatched → … → closed, with an extension and a co-handler reply', async (t) => {
  const start = newOrderState(7, 'draft', NOW);
  const { order, statuses, events } = run(t, start, [
    [{ type: 'update_fields', fields: { category: 'complaint', content: '夜间施工噪音扰民' } }, agent],
    [{ type: 'accept', fields: { subject: '施工噪音' } }, agent],
    [{ type: 'dispatch', leadUnitId: LEAD, coUnitIds: [CO], deadlineAt: NOW + 5 * DAY, signDeadlineAt: NOW + 4 * HOUR }, agent],
    [{ type: 'sign' }, lead],
    [{ type: 'start' }, lead],
    [{ type: 'request_extension', days: 3, reason: '需协调交通部门' }, lead],
    [{ type: 'grant_extension', deadlineAt: NOW + 8 * DAY }, shiftLead],
    [{ type: 'reply', text: '配合调整施工时间' }, co],
    [{ type: 'reply', text: '已责令夜间停工' }, lead],
    [{ type: 'review_accept' }, agent],
    [{ type: 'evaluate', result: 'satisfied', channel: 'callback' }, agent],
    [{ type: 'close' }, agent],
  ]);
  t.same(statuses, [
    'draft',
    'draft',
    'accepted',
    'dispatched',
    'signed',
    'in_progress',
    'in_progress',
    'in_progress',
    'in_progress',
    'replied',
    'reviewed',
    'evaluated',
    'closed',
  ]);
  t.equal(order.fields.subject, '施工噪音');
  t.equal(order.deadlineAt, NOW + 8 * DAY, 'the granted extension moved the deadline');
  t.equal(order.pendingExtension, null);
  t.same(order.coRepliedUnitIds, [CO]);
  t.equal(order.satisfaction, 'satisfied');
  t.equal(order.updatedAt, NOW + 12 * HOUR);
  t.same(events[3], {
    at: NOW + 4 * HOUR,
    action: 'sign',
    fromStatus: 'dispatched',
    toStatus: 'signed',
    actorId: 2,
    actorRole: 'unit_handler',
    data: { late: false },
  });
  t.same(events[6], {
    at: NOW + 7 * HOUR,
    action: 'grant_extension',
    fromStatus: 'in_progress',
    toStatus: 'in_progress',
    actorId: 5,
    actorRole: 'shift_lead',
    data: { days: 3, previousDeadlineAt: NOW + 5 * DAY, deadlineAt: NOW + 8 * DAY },
  });
  t.same(events[8]?.data, { part: 'lead_unit', unitId: LEAD, handlingRound: 1, late: false, coUnitsNotReplied: [] });
  t.equal(events[8]?.comment, '已责令夜间停工');
  t.equal(start.status, 'draft', 'the input state is never mutated');
});

t.test('supervision loop: unsatisfied → supervised → escalated → second handling → sent back → satisfied', async (t) => {
  const { order, statuses, events } = run(t, orderIn('reviewed'), [
    [{ type: 'evaluate', result: 'unsatisfied', channel: 'survey' }, agent],
    [{ type: 'supervise', level: 1, reason: '市民不满意', deadlineAt: NOW + 3 * DAY }, agent],
    [{ type: 'supervise', level: 2, reason: '联合督办' }, shiftLead],
    [{ type: 'start' }, lead],
    [{ type: 'reply', text: '已重新协调' }, lead],
    [{ type: 'review_send_back', reason: '缺少整改照片' }, agent],
    [{ type: 'reply', text: '补充整改照片' }, lead],
    [{ type: 'review_accept' }, agent],
    [{ type: 'evaluate', result: 'basically_satisfied', channel: 'callback' }, agent],
    [{ type: 'close' }, agent],
  ]);
  t.same(statuses, [
    'reviewed',
    'evaluated',
    'supervised',
    'supervised',
    'in_progress',
    'replied',
    'in_progress',
    'replied',
    'reviewed',
    'evaluated',
    'closed',
  ]);
  t.equal(order.supervisionLevel, 2);
  t.equal(order.handlingRound, 3, 'second handling after supervision, third after the send-back');
  t.equal(order.deadlineAt, NOW + 3 * DAY, 'supervision set a new deadline');
  t.same(events[2]?.data, { level: 2, previousLevel: 1 });
  t.same(events[3]?.data, { secondHandling: true, handlingRound: 2 });
});

t.test('return and re-dispatch to another unit', async (t) => {
  const { order, events } = run(t, orderIn('dispatched'), [
    [{ type: 'return', reason: '属于交通部门职责' }, lead],
    [{ type: 'redispatch', leadUnitId: CO, deadlineAt: NOW + 6 * DAY }, agent],
    [{ type: 'sign' }, co],
  ]);
  t.equal(order.status, 'signed');
  t.equal(order.leadUnitId, CO);
  t.same(order.coUnitIds, []);
  t.equal(order.signDeadlineAt, null);
  t.equal(events[0]?.comment, '属于交通部门职责');
  t.equal(events[1]?.data?.previousLeadUnitId, LEAD);
  const r = transition(order, { type: 'start' }, lead, NOW + 5 * HOUR);
  t.same(r.ok ? 'ok' : r.code, 'NOT_ASSIGNED_UNIT', 'the former unit has no say any more');
});

t.test('missed calls: the callback decides between accepting and closing', async (t) => {
  const missed = newOrderState(8, 'missed_call', NOW);
  t.equal(missed.callbackDue, true);
  const demand = transition(missed, { type: 'callback_done', result: 'demand', comment: '市民咨询社保' }, agent, NOW);
  t.ok(demand.ok && demand.next.status === 'accepted' && !demand.next.callbackDue);
  for (const result of ['no_demand', 'unreachable'] as const) {
    const r = transition(missed, { type: 'callback_done', result }, agent, NOW);
    t.same(r.ok && [r.next.status, r.next.callbackDue, r.event.data], ['closed', false, { result }]);
  }
});

t.test('merge ends the order; link keeps both open', async (t) => {
  const merged = transition(newOrderState(9, 'missed_call', NOW), { type: 'merge_into', targetOrderId: 3 }, agent, NOW);
  t.ok(merged.ok);
  if (!merged.ok) return;
  t.same([merged.next.status, merged.next.mergedIntoId, merged.next.callbackDue], ['merged', 3, false]);
  t.same(allowedActions(merged.next, shiftLead), [], 'merged is terminal');
  const linked = transition(orderIn('in_progress'), { type: 'link', otherOrderId: 3 }, agent, NOW);
  t.same(linked.ok && [linked.next.status, linked.next.linkedOrderIds], ['in_progress', [3]]);
});

t.test('allowedActions lists what this actor can do now', async (t) => {
  t.same(allowedActions(newOrderState(1, 'draft', NOW), agent), ['update_fields', 'accept', 'close', 'abandon', 'merge_into', 'link', 'record_survey']);
  t.same(allowedActions(orderIn('in_progress'), lead), ['request_extension', 'reply']);
  t.same(allowedActions(orderIn('in_progress', { pendingExtension: { days: 2, reason: 'x', requestedAt: NOW, requestedBy: 2 } }), lead), ['reply']);
  t.same(allowedActions(orderIn('in_progress', { pendingExtension: { days: 2, reason: 'x', requestedAt: NOW, requestedBy: 2 } }), agent), [
    'link',
    'grant_extension',
    'refuse_extension',
    'record_survey',
    'supervise',
  ]);
  t.same(allowedActions(orderIn('in_progress'), co), ['reply']);
  t.same(allowedActions(orderIn('in_progress'), { id: 4, role: 'unit_handler', unitId: 'hz-market' }), []);
  t.same(allowedActions(orderIn('signed'), lead), ['return', 'start', 'request_extension']);
  t.same(allowedActions(orderIn('evaluated', { satisfaction: 'unsatisfied' }), agent), ['link', 'record_survey', 'supervise']);
  t.same(allowedActions(orderIn('evaluated', { satisfaction: 'unsatisfied' }), shiftLead), ['close', 'link', 'record_survey', 'supervise']);
  t.same(allowedActions(orderIn('evaluated', { satisfaction: 'satisfied' }), agent), ['close', 'link', 'record_survey']);
  t.same(allowedActions(orderIn('accepted'), { id: 7, role: 'citizen', unitId: null }), []);
  t.same(allowedActions(orderIn('closed'), shiftLead), []);
});

t.test("a dispatcher (派单/审核员) takes the platform actions, but not a shift lead's close nor a unit's", async (t) => {
  const dispatcher: Actor = { id: 9, role: 'dispatcher', unitId: null };
  t.same(allowedActions(orderIn('accepted'), dispatcher), allowedActions(orderIn('accepted'), agent), 'dispatch, merge, link… as the platform');
  t.same(allowedActions(orderIn('returned'), dispatcher), ['link', 'redispatch', 'record_survey']);
  t.same(allowedActions(orderIn('replied'), dispatcher), ['link', 'review_accept', 'review_send_back', 'record_survey']);
  t.same(allowedActions(orderIn('evaluated', { satisfaction: 'unsatisfied' }), dispatcher), ['link', 'record_survey', 'supervise']);
  t.same(allowedActions(orderIn('signed'), dispatcher), ['link', 'record_survey', 'supervise']);
  // 改派: a dispatched order not yet signed goes to another unit (a county sub-platform passing it on).
  const r = transition(orderIn('dispatched'), { type: 'redispatch', leadUnitId: CO, deadlineAt: NOW + 5 * DAY }, dispatcher, NOW);
  if (!r.ok) return t.fail(r.message);
  t.equal(r.next.leadUnitId, CO);
  t.equal(r.event.data?.['previousLeadUnitId'], LEAD);
});

t.test('abandon turns a call draft into a missed-call order with a callback duty', async (t) => {
  const r = transition(orderIn('draft'), { type: 'abandon', reason: 'hung up after 20 s in the queue' }, shiftLead, NOW);
  if (!r.ok) return t.fail(r.message);
  t.equal(r.next.status, 'missed_call');
  t.equal(r.next.callbackDue, true);
  t.equal(r.event.comment, 'hung up after 20 s in the queue');
  const again = transition(r.next, { type: 'abandon' }, shiftLead, NOW);
  t.equal(again.ok ? 'ok' : again.code, 'ILLEGAL_TRANSITION');
});

t.test('record_survey stores the post-call survey answer without moving the order', async (t) => {
  const r = transition(orderIn('in_progress'), { type: 'record_survey', result: 'basically_satisfied' }, agent, NOW);
  if (!r.ok) return t.fail(r.message);
  t.same([r.next.status, r.next.satisfaction], ['in_progress', 'basically_satisfied']);
  t.same(r.event, {
    at: NOW,
    action: 'record_survey',
    fromStatus: 'in_progress',
    toStatus: 'in_progress',
    actorId: 1,
    actorRole: 'agent',
    data: { result: 'basically_satisfied', channel: 'survey' },
  });
  // An unsatisfied survey on an evaluated, dispatched order makes supervision legal.
  const evaluated = transition(orderIn('evaluated', { satisfaction: 'satisfied' }), { type: 'record_survey', result: 'unsatisfied' }, agent, NOW);
  if (!evaluated.ok) return t.fail(evaluated.message);
  t.ok(allowedActions(evaluated.next, agent).includes('supervise'));
  const bad = transition(orderIn('draft'), { type: 'record_survey', result: 'so-so' as never }, agent, NOW);
  t.equal(bad.ok ? 'ok' : bad.code, 'INVALID_FIELD');
  t.equal(outcomeCode(transition(orderIn('closed'), { type: 'record_survey', result: 'satisfied' }, agent, NOW)), 'ILLEGAL_TRANSITION');
  t.equal(outcomeCode(transition(orderIn('draft'), { type: 'record_survey', result: 'satisfied' }, lead, NOW)), 'FORBIDDEN_ROLE');
});

const outcomeCode = (r: ReturnType<typeof transition>) => (r.ok ? 'ok' : r.code);
