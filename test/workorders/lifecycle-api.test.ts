/**
 * docs/workorder-lifecycle.md through the real HTTP API: each rule of the actions table and of
 * "Choices worth knowing", and each refusal with its status and code leaving the order and its
 * history exactly as they were.
 */
import t, { type Test } from 'tap';
import { OrderActionResult, OrderDetail } from '../../src/contract/http-workorders.js';
import type { UserRole } from '../../src/db/schema.js';
import { testApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };

const DAY = 86_400_000;
const LEAD = 'city-hrss';
const CO = 'city-transport';

let loginIp = 0;
async function session(app: App, username: string, role: UserRole, unitId: string | null = null): Promise<Cookies> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.2.0.${++loginIp}`,
    payload: { username, password: 'pw-123456' },
  });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

interface People {
  agent: Cookies;
  disp: Cookies;
  lead: Cookies;
  admin: Cookies;
  unit: Cookies;
  co: Cookies;
}

async function people(app: App): Promise<People> {
  return {
    agent: await session(app, 'agent', 'agent'),
    disp: await session(app, 'disp', 'dispatcher'),
    lead: await session(app, 'lead', 'shift_lead'),
    admin: await session(app, 'admin1', 'admin'),
    unit: await session(app, 'unit', 'unit_handler', LEAD),
    co: await session(app, 'co', 'unit_handler', CO),
  };
}

async function create(app: App, cookies: Cookies, body: Record<string, unknown> = {}) {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    payload: { channel: '12345', category: 'complaint', subject: '噪音', content: '夜间施工噪音', ...body },
  });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.body}`);
  return res.json() as { id: number; number: string; version: number };
}

const act = (app: App, cookies: Cookies, id: number, payload: Record<string, unknown>) =>
  app.http.inject({ method: 'POST', url: `/api/workorders/${id}/actions`, cookies, payload });

async function ok(app: App, cookies: Cookies, id: number, payload: Record<string, unknown>) {
  const res = await act(app, cookies, id, payload);
  if (res.statusCode !== 200) throw new Error(`${String(payload.type)} failed: ${res.body}`);
  // Every field the OpenAPI documents, with its type (src/contract/http-workorders.ts).
  const checked = OrderActionResult.strict().safeParse(res.json());
  if (!checked.success) throw new Error(`${String(payload.type)}: the answer does not fit OrderActionResult: ${checked.error.message}`);
  return res.json() as { order: Record<string, any>; event: Record<string, any> };
}

async function detail(app: App, cookies: Cookies, id: number) {
  const body: unknown = (await app.http.inject({ method: 'GET', url: `/api/workorders/${id}`, cookies })).json();
  const checked = OrderDetail.strict().safeParse(body);
  if (!checked.success) throw new Error(`order ${id}: the answer does not fit OrderDetail: ${checked.error.message}`);
  return body as Record<string, any>;
}

/** The request is refused with this status and code, and the order and its history are unchanged. */
async function refused(t: Test, app: App, cookies: Cookies, id: number, payload: Record<string, unknown>, status: number, code: string, admin: Cookies) {
  const before = await detail(app, admin, id);
  const res = await act(app, cookies, id, payload);
  t.equal(res.statusCode, status, `${String(payload.type)}: ${status}`);
  t.equal(res.json().error?.code, code, `${String(payload.type)}: ${code} (${res.json().error?.message})`);
  t.same(await detail(app, admin, id), before, `${String(payload.type)} refused: the order and its history unchanged`);
}

async function dispatched(app: App, p: People, over: Record<string, unknown> = {}) {
  const o = await create(app, p.agent);
  await ok(app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [CO], deadlineAt: Date.now() + 5 * DAY, ...over });
  return o.id;
}
async function inProgress(app: App, p: People) {
  const id = await dispatched(app, p);
  await ok(app, p.unit, id, { type: 'sign' });
  await ok(app, p.unit, id, { type: 'start' });
  return id;
}
async function reviewed(app: App, p: People) {
  const id = await inProgress(app, p);
  await ok(app, p.unit, id, { type: 'reply', text: '已处理' });
  await ok(app, p.disp, id, { type: 'review_accept' });
  return id;
}

t.test('extensions: requested by the lead unit, one at a time, granted later than the deadline, cleared by reply or return', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const id = await inProgress(app, p);
  await refused(t, app, p.unit, id, { type: 'request_extension', days: 0, reason: 'x' }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.unit, id, { type: 'request_extension', days: 61, reason: 'x' }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.unit, id, { type: 'request_extension', days: 3, reason: '  ' }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.co, id, { type: 'request_extension', days: 3, reason: 'x' }, 403, 'NOT_ASSIGNED_UNIT', p.admin);
  await refused(t, app, p.disp, id, { type: 'grant_extension', deadlineAt: Date.now() + 9 * DAY }, 409, 'NO_PENDING_EXTENSION', p.admin);
  const req = await ok(app, p.unit, id, { type: 'request_extension', days: 60, reason: '需要现场勘查' });
  t.match(req.order, { status: 'in_progress', pendingExtension: { days: 60, reason: '需要现场勘查' } });
  await refused(t, app, p.unit, id, { type: 'request_extension', days: 3, reason: 'x' }, 409, 'EXTENSION_PENDING', p.admin);
  const deadline = req.order.deadlineAt as number;
  await refused(t, app, p.disp, id, { type: 'grant_extension', deadlineAt: deadline }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.unit, id, { type: 'grant_extension', deadlineAt: deadline + DAY }, 403, 'FORBIDDEN_ROLE', p.admin);
  await refused(t, app, p.disp, id, { type: 'refuse_extension', reason: '' }, 400, 'MISSING_FIELD', p.admin);
  const granted = await ok(app, p.disp, id, { type: 'grant_extension', deadlineAt: deadline + DAY });
  t.match(granted.order, { deadlineAt: deadline + DAY, pendingExtension: null });
  t.match(granted.event.data, { previousDeadlineAt: deadline, deadlineAt: deadline + DAY });

  await ok(app, p.unit, id, { type: 'request_extension', days: 2, reason: 'again' });
  const replied = await ok(app, p.unit, id, { type: 'reply', text: '办好了' });
  t.match(replied.order, { status: 'replied', pendingExtension: null }, 'a reply clears the request');

  const other = await dispatched(app, p);
  await ok(app, p.unit, other, { type: 'sign' });
  await ok(app, p.unit, other, { type: 'request_extension', days: 2, reason: 'x' });
  const ret = await ok(app, p.unit, other, { type: 'return', reason: '不属于本单位' });
  t.match(ret.order, { status: 'returned', pendingExtension: null }, 'a return clears the request');
});

t.test('co-handling units reply their part; only the lead unit moves the status', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const id = await dispatched(app, p);
  const part = await ok(app, p.co, id, { type: 'reply', text: '协办意见' });
  t.match(part.order, { status: 'dispatched', coRepliedUnitIds: [CO] });
  t.match(part.event.data, { part: 'co_unit', unitId: CO });
  await refused(t, app, p.unit, id, { type: 'reply', text: 'x' }, 409, 'ILLEGAL_TRANSITION', p.admin);
  for (const type of ['sign', 'return']) await refused(t, app, p.co, id, { type, reason: 'x' }, 403, 'NOT_ASSIGNED_UNIT', p.admin);
  const stranger = await session(app, 'stranger', 'unit_handler', 'city-amr');
  const hidden = await act(app, stranger, id, { type: 'sign' });
  t.equal(hidden.statusCode, 404, 'an order of another unit does not exist for it');
  t.equal(hidden.json().error.code, 'ORDER_NOT_FOUND');
  await ok(app, p.unit, id, { type: 'sign' });
  await ok(app, p.unit, id, { type: 'start' });
  const lead = await ok(app, p.unit, id, { type: 'reply', text: '主办答复' });
  t.match(lead.event.data, { part: 'lead_unit', late: false, coUnitsNotReplied: [] });
  const second = await inProgress(app, p);
  const early = await ok(app, p.unit, second, { type: 'reply', text: '主办答复' });
  t.match(early.event.data, { coUnitsNotReplied: [CO] }, 'the lead is not blocked by a missing co-reply');
});

t.test('review, evaluation and supervision', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const id = await inProgress(app, p);
  await ok(app, p.co, id, { type: 'reply', text: '协办' });
  await ok(app, p.unit, id, { type: 'reply', text: '已处理' });
  await refused(t, app, p.disp, id, { type: 'review_send_back', reason: ' ' }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.disp, id, { type: 'review_send_back', reason: 'x', deadlineAt: Date.now() - DAY }, 400, 'INVALID_FIELD', p.admin);
  const back = await ok(app, p.disp, id, { type: 'review_send_back', reason: '答复不完整' });
  t.match(back.order, { status: 'in_progress', handlingRound: 2, coRepliedUnitIds: [] });
  await ok(app, p.unit, id, { type: 'reply', text: '补充答复' });
  await ok(app, p.disp, id, { type: 'review_accept' });
  await refused(t, app, p.disp, id, { type: 'supervise', level: 1 }, 409, 'ILLEGAL_TRANSITION', p.admin);
  await refused(t, app, p.disp, id, { type: 'close' }, 400, 'MISSING_FIELD', p.admin);

  // Unsatisfied: evaluated, then supervised at once by the system account.
  const ev = await ok(app, p.disp, id, { type: 'evaluate', result: 'unsatisfied', channel: 'callback' });
  t.match(ev.order, { status: 'supervised', supervisionLevel: 1, satisfaction: 'unsatisfied' });
  t.match(ev.event, { action: 'evaluate', toStatus: 'evaluated' });
  const h = (await detail(app, p.admin, id)).history as Array<Record<string, any>>;
  t.match(h.slice(-2), [
    { action: 'evaluate' },
    { action: 'supervise', actorRole: 'admin', fromStatus: 'evaluated', toStatus: 'supervised', data: { level: 1 } },
  ]);
  await refused(t, app, p.disp, id, { type: 'supervise', level: 1 }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.disp, id, { type: 'supervise', level: 4 }, 400, 'INVALID_FIELD', p.admin);
  const up = await ok(app, p.disp, id, { type: 'supervise', level: 2, reason: '升级' });
  t.match(up.order, { status: 'supervised', supervisionLevel: 2 });
  const second = await ok(app, p.unit, id, { type: 'start' });
  t.match(second.order, { status: 'in_progress', handlingRound: 3 });
  t.match(second.event.data, { secondHandling: true });
  await refused(t, app, p.disp, id, { type: 'supervise', level: 1 }, 400, 'INVALID_FIELD', p.admin);
  t.match(
    (await ok(app, p.disp, id, { type: 'supervise', level: 2 })).order,
    { status: 'in_progress', supervisionLevel: 2 },
    'urging in place: level must not drop',
  );

  // Answered on the spot, unsatisfied: stays evaluated; only a shift lead or admin closes it, with a reason.
  const spot = await create(app, p.agent);
  await ok(app, p.agent, spot.id, { type: 'answer_on_spot', answer: '已告知' });
  const e2 = await ok(app, p.agent, spot.id, { type: 'evaluate', result: 'unsatisfied', channel: 'survey' });
  t.match(e2.order, { status: 'evaluated', satisfaction: 'unsatisfied' });
  await refused(t, app, p.disp, spot.id, { type: 'supervise', level: 1 }, 409, 'ILLEGAL_TRANSITION', p.admin);
  await refused(t, app, p.agent, spot.id, { type: 'close', reason: 'x' }, 409, 'ILLEGAL_TRANSITION', p.admin);
  await refused(t, app, p.disp, spot.id, { type: 'close', reason: 'x' }, 409, 'ILLEGAL_TRANSITION', p.admin);
  await refused(t, app, p.lead, spot.id, { type: 'close' }, 400, 'MISSING_FIELD', p.admin);
  t.match((await ok(app, p.lead, spot.id, { type: 'close', reason: '已解释' })).order, { status: 'closed' });
  await refused(t, app, p.lead, spot.id, { type: 'link', otherOrderId: id }, 409, 'ILLEGAL_TRANSITION', p.admin);

  const fine = await reviewed(app, p);
  await ok(app, p.disp, fine, { type: 'evaluate', result: 'basically_satisfied', channel: 'third_party' });
  t.match((await ok(app, p.agent, fine, { type: 'close' })).order, { status: 'closed', callbackDue: false });
});

t.test('dispatch: deadlines, units, redispatch before signing and from returned', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const o = await create(app, p.agent);
  const soon = Date.now() + 5 * DAY;
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: Date.now() - 1000 }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon, signDeadlineAt: soon + 1 }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [LEAD], deadlineAt: soon }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, coUnitIds: [CO, CO], deadlineAt: soon }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: ' ', deadlineAt: soon }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: 'no-such-unit', deadlineAt: soon }, 400, 'UNKNOWN_UNIT', p.admin);
  await refused(t, app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: Date.now() + 800 * DAY }, 400, 'DEADLINE_OUT_OF_RANGE', p.admin);
  await refused(t, app, p.unit, o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon }, 404, 'ORDER_NOT_FOUND', p.admin);
  const far = await act(app, p.disp, o.id + 1000, { type: 'grant_extension', deadlineAt: Date.now() + 800 * DAY });
  t.equal(far.json().error.code, 'DEADLINE_OUT_OF_RANGE', 'before the order is looked up');
  t.match(far.json().error.details, { field: 'deadlineAt', value: Number, latest: Number });

  const d = await ok(app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon, signDeadlineAt: Date.now() + 1000 });
  t.match(d.order, { status: 'dispatched', leadUnitId: LEAD, deadlineAt: soon });
  const re = await ok(app, p.disp, o.id, { type: 'redispatch', leadUnitId: CO, deadlineAt: soon });
  t.match(re.order, { status: 'dispatched', leadUnitId: CO, signDeadlineAt: null });
  t.match(re.event.data, { previousLeadUnitId: LEAD });
  const hidden = await act(app, p.unit, o.id, { type: 'sign' });
  t.equal(hidden.statusCode, 404, 'the old unit no longer sees it');
  await ok(app, p.co, o.id, { type: 'sign' });
  await refused(t, app, p.disp, o.id, { type: 'redispatch', leadUnitId: LEAD, deadlineAt: soon }, 409, 'ILLEGAL_TRANSITION', p.admin);
  await ok(app, p.co, o.id, { type: 'return', reason: '不归我们管' });
  t.match((await ok(app, p.disp, o.id, { type: 'redispatch', leadUnitId: LEAD, deadlineAt: soon })).order, { status: 'dispatched', leadUnitId: LEAD });
});

t.test('intake: accept, answer on the spot, close a draft, abandon, callback, merge and link', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const draft = await app.orders.createDraft({ channel: '12345', callerPhone: '13900000001' });
  await refused(t, app, p.agent, draft.id, { type: 'accept' }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.agent, draft.id, { type: 'accept', fields: { category: 'complaint', content: ' ' } }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.agent, draft.id, { type: 'close' }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.unit, draft.id, { type: 'close', reason: 'x' }, 404, 'ORDER_NOT_FOUND', p.admin);
  t.match((await ok(app, p.agent, draft.id, { type: 'abandon' })).order, { status: 'missed_call', callbackDue: true });
  t.match((await ok(app, p.agent, draft.id, { type: 'callback_done', result: 'demand' })).order, { status: 'accepted', callbackDue: false });

  const unreachable = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13900000002' });
  t.match((await ok(app, p.agent, unreachable.id, { type: 'callback_done', result: 'unreachable' })).order, { status: 'closed', callbackDue: false });

  const target = await create(app, p.agent);
  const missed = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13900000003' });
  await refused(t, app, p.agent, missed.id, { type: 'merge_into', targetOrderId: missed.id }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.agent, missed.id, { type: 'merge_into', targetOrderId: unreachable.id }, 400, 'INVALID_FIELD', p.admin);
  await refused(t, app, p.agent, missed.id, { type: 'merge_into', targetOrderId: target.id + 1000 }, 400, 'INVALID_FIELD', p.admin);
  const merged = await ok(app, p.agent, missed.id, { type: 'merge_into', targetOrderId: target.id });
  t.match(merged.order, { status: 'merged', mergedIntoId: target.id, callbackDue: false });
  const tgt = await detail(app, p.admin, target.id);
  t.equal(tgt.status, 'accepted', 'the target carries the demand');

  const a = await create(app, p.agent);
  const b = await dispatched(app, p);
  const linked = await ok(app, p.disp, a.id, { type: 'link', otherOrderId: b });
  t.match(linked.order, { linkedOrderIds: [b] });
  t.match(await detail(app, p.admin, b), { status: 'dispatched', linkedOrderIds: [a.id] }, 'both orders');
  await refused(t, app, p.disp, a.id, { type: 'link', otherOrderId: b }, 400, 'INVALID_FIELD', p.admin);
  const bBefore = await detail(app, p.admin, b);
  await refused(t, app, p.disp, b, { type: 'link', otherOrderId: unreachable.id }, 409, 'ILLEGAL_TRANSITION', p.admin);
  t.same(await detail(app, p.admin, b), bBefore);
  t.same((await detail(app, p.admin, unreachable.id)).linkedOrderIds, [], 'nothing written on the closed one');
  await refused(t, app, p.disp, b, { type: 'merge_into', targetOrderId: a.id }, 409, 'ILLEGAL_TRANSITION', p.admin);
});

t.test('merge_into: the lifecycle refuses before the target is looked up (no order number or status leaks)', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const closed = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13900000004' });
  await ok(app, p.agent, closed.id, { type: 'callback_done', result: 'no_demand' });
  const mine = await dispatched(app, p);
  // A unit handler's orders cannot be merged: the same refusal whether the target exists, is closed or is missing.
  for (const targetOrderId of [closed.id, closed.id + 1000]) {
    await refused(t, app, p.unit, mine, { type: 'merge_into', targetOrderId }, 409, 'ILLEGAL_TRANSITION', p.admin);
    const res = await act(app, p.unit, mine, { type: 'merge_into', targetOrderId });
    t.notMatch(res.body, closed.number, 'the target is not named');
  }
  // Platform staff: a dispatched order cannot be merged, whatever the target.
  for (const targetOrderId of [closed.id, closed.id + 1000])
    await refused(t, app, p.disp, mine, { type: 'merge_into', targetOrderId }, 409, 'ILLEGAL_TRANSITION', p.admin);
});

t.test('over HTTP the request schema comes first: absent or mistyped fields are VALIDATION_FAILED, blank text MISSING_FIELD', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const id = await inProgress(app, p);
  const o = await create(app, p.agent);
  const bad: Array<[number, Record<string, unknown>]> = [
    [id, { type: 'request_extension', days: '3', reason: 'x' }],
    [id, { type: 'request_extension', days: 3 }],
    [id, { type: 'return' }],
    [id, { type: 'reply', text: 'x'.repeat(5001) }],
    [id, { type: 'record_survey', result: 'satisfied' }],
    [id, { type: 'teleport' }],
    [o.id, { type: 'update_fields', fields: { colour: 'red' } }],
    [o.id, { type: 'dispatch', leadUnitId: LEAD, coUnitIds: Array.from({ length: 21 }, (_, i) => `u${i}`), deadlineAt: Date.now() + DAY }],
    [o.id, { type: 'dispatch', leadUnitId: LEAD }],
  ];
  for (const [orderId, payload] of bad) await refused(t, app, p.unit, orderId, payload, 400, 'VALIDATION_FAILED', p.admin);
  await refused(t, app, p.unit, id, { type: 'reply', text: ' \n ' }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.unit, id, { type: 'request_extension', days: 3, reason: 'x', expectedVersion: 1 }, 409, 'CONFLICT', p.admin);
});

t.test('an extension of an overdue order is granted into the future, not just past the old deadline', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const o = await create(app, p.agent);
  const deadline = Date.now() + 1500;
  await ok(app, p.disp, o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: deadline });
  await ok(app, p.unit, o.id, { type: 'sign' });
  await ok(app, p.unit, o.id, { type: 'request_extension', days: 3, reason: '需要协调' });
  while (Date.now() <= deadline + 50) await new Promise((r) => setTimeout(r, 100));
  await refused(t, app, p.disp, o.id, { type: 'grant_extension', deadlineAt: deadline + 10 }, 400, 'INVALID_FIELD', p.admin);
  const granted = await ok(app, p.disp, o.id, { type: 'grant_extension', deadlineAt: Date.now() + 3 * DAY });
  t.match(granted.order, { pendingExtension: null, status: 'signed' });
});

t.test('an accepted order keeps its category and demand through edits; a draft may be edited freely', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const o = await create(app, p.agent);
  await refused(t, app, p.agent, o.id, { type: 'update_fields', fields: { category: null } }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.agent, o.id, { type: 'update_fields', fields: { content: ' ' } }, 400, 'MISSING_FIELD', p.admin);
  await refused(t, app, p.agent, o.id, { type: 'update_fields', fields: { content: null, subject: '新标题' } }, 400, 'MISSING_FIELD', p.admin);
  t.match((await ok(app, p.agent, o.id, { type: 'update_fields', fields: { category: 'suggestion', content: '建议增设公交线路' } })).order, {
    status: 'accepted',
    category: 'suggestion',
    content: '建议增设公交线路',
  });
  // Accepted by a callback that found a demand, with nothing written yet: filled in a field at a time.
  const missed = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13900000021' });
  await ok(app, p.agent, missed.id, { type: 'callback_done', result: 'demand' });
  await ok(app, p.agent, missed.id, { type: 'update_fields', fields: { category: 'request_for_help' } });
  await ok(app, p.agent, missed.id, { type: 'update_fields', fields: { content: '求助：路灯不亮' } });
  await refused(t, app, p.agent, missed.id, { type: 'update_fields', fields: { content: null } }, 400, 'MISSING_FIELD', p.admin);
  const draft = await app.orders.createDraft({ channel: '12345' });
  await ok(app, p.agent, draft.id, { type: 'update_fields', fields: { category: 'complaint', content: '噪音' } });
  t.match((await ok(app, p.agent, draft.id, { type: 'update_fields', fields: { category: null, content: null } })).order, { status: 'draft', category: null });
});

t.test('dispatch refuses an order with no demand: a unit cannot act on an empty content', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const soon = Date.now() + 5 * DAY;
  // Accepted by a callback that found a demand, its fields filled in a field at a time: category
  // chosen, the demand not yet written down (or only blanks).
  const missed = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13900000022' });
  await ok(app, p.agent, missed.id, { type: 'callback_done', result: 'demand' });
  await ok(app, p.agent, missed.id, { type: 'update_fields', fields: { category: 'request_for_help' } });
  const empty = await act(app, p.disp, missed.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon });
  t.match(empty.json().error, { code: 'MISSING_FIELD', message: /"content"/ }, 'the missing field is the content');
  await refused(t, app, p.disp, missed.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon }, 400, 'MISSING_FIELD', p.admin);
  await ok(app, p.agent, missed.id, { type: 'update_fields', fields: { content: ' \n ' } });
  await refused(t, app, p.disp, missed.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon }, 400, 'MISSING_FIELD', p.admin);
  await ok(app, p.agent, missed.id, { type: 'update_fields', fields: { content: '求助：路灯不亮' } });
  t.match((await ok(app, p.disp, missed.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: soon })).order, {
    status: 'dispatched',
    leadUnitId: LEAD,
    content: '求助：路灯不亮',
  });
});

t.test('an order created accepted over HTTP: version 2, a create and an accept event at one time, no actor-less create', async (t) => {
  const app = await testApp(t);
  const p = await people(app);
  const o = await create(app, p.agent);
  t.equal(o.version, 2);
  const d = await detail(app, p.admin, o.id);
  t.match(d, { status: 'accepted', version: 2 });
  const h = d.history as Array<Record<string, any>>;
  t.match(h, [
    { action: 'create', fromStatus: null, toStatus: 'draft', actorRole: 'agent' },
    { action: 'accept', fromStatus: 'draft', toStatus: 'accepted', actorRole: 'agent' },
  ]);
  t.equal(h.length, 2);
  t.equal(h[0]!.at, h[1]!.at, 'at the same time');
  const refused = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: p.agent,
    payload: { channel: '12345', category: 'complaint', content: ' ' },
  });
  t.equal(refused.statusCode, 400);
  t.equal(refused.json().error.code, 'MISSING_FIELD', 'a blank demand: the accept is refused and nothing is written');
  const list = (await app.http.inject({ method: 'GET', url: '/api/workorders', cookies: p.admin })).json() as { total: number };
  t.equal(list.total, 1);
});
