import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { readOrderPage } from '../../src/workorders/queries.js';
import { scopeFor } from '../../src/workorders/scope.js';
import { testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };

let loginIp = 0;
async function session(app: App, username: string, role: UserRole, unitId: string | null = null): Promise<Cookies> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  // Logins are rate limited per client address (the socket peer): give each its own.
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.1.0.${++loginIp}`,
    payload: { username, password: 'pw-123456' },
  });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

const DAY = 86_400_000;

async function create(app: App, cookies: Cookies, body: Record<string, unknown>) {
  const res = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies, payload: { channel: '12345', ...body } });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.body}`);
  return res.json() as { id: number; number: string; version: number };
}

function act(app: App, cookies: Cookies, id: number, payload: Record<string, unknown>) {
  return app.http.inject({ method: 'POST', url: `/api/workorders/${id}/actions`, cookies, payload });
}

const list = async (app: App, cookies: Cookies, query: string) => {
  const res = await app.http.inject({ method: 'GET', url: `/api/workorders?${query}`, cookies });
  if (res.statusCode !== 200) throw new Error(`list failed: ${res.body}`);
  return res.json() as { items: Array<{ id: number; subject: string }>; total: number; page: number; pageSize: number };
};

t.test('agents list, filter, search (Chinese full text) and page through orders', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-l', 'agent');
  const food = await create(app, agent, {
    category: 'complaint',
    subject: '超市销售过期食品',
    content: '在人民路超市买到过期食品，要求处理',
    callerPhone: '13800000001',
  });
  const card = await create(app, agent, { channel: '12333', category: 'consultation', subject: '社保卡', content: '社保卡如何补办' });
  const lamp = await create(app, agent, { category: 'suggestion', subject: '路灯不亮', content: '小区门口路灯坏了', location: '吴兴区' });
  t.equal((await act(app, agent, lamp.id, { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: Date.now() + 5 * DAY })).statusCode, 200);

  const all = await list(app, agent, '');
  t.equal(all.total, 3);
  t.same(
    all.items.map((o) => o.id),
    [lamp.id, card.id, food.id],
    'newest first',
  );

  t.same(
    (await list(app, agent, `q=${encodeURIComponent('过期食品')}`)).items.map((o) => o.id),
    [food.id],
    'trigram full text finds the content',
  );
  t.same(
    (await list(app, agent, `q=${encodeURIComponent('人民路超市')}`)).items.map((o) => o.id),
    [food.id],
  );
  t.same(
    (await list(app, agent, `q=${encodeURIComponent('路灯')}`)).items.map((o) => o.id),
    [lamp.id],
    'two characters fall back to the subject',
  );
  t.equal((await list(app, agent, `q=${encodeURIComponent('"过期 OR')}`)).total, 0, 'FTS syntax from users is quoted, not run');
  t.same(
    (await list(app, agent, 'category=consultation')).items.map((o) => o.id),
    [card.id],
  );
  t.same(
    (await list(app, agent, 'channel=12333')).items.map((o) => o.id),
    [card.id],
  );
  t.same(
    (await list(app, agent, 'status=dispatched')).items.map((o) => o.id),
    [lamp.id],
  );
  t.equal((await list(app, agent, 'status=dispatched&status=accepted')).total, 3, 'repeated status');
  t.equal((await list(app, agent, 'status=accepted,closed')).total, 2, 'comma-separated status');
  t.same(
    (await list(app, agent, 'leadUnitId=wx-gov')).items.map((o) => o.id),
    [lamp.id],
  );

  t.equal((await list(app, agent, 'overdue=true')).total, 0);
  await appQuery(app, 'update work_orders set deadline_at = ? where id = ?', [Date.now() - DAY, lamp.id]);
  t.same(
    (await list(app, agent, 'overdue=true')).items.map((o) => o.id),
    [lamp.id],
    'past the deadline and not replied',
  );
  t.same((await list(app, agent, 'sort=deadlineAt')).items[0]?.id, lamp.id, 'most urgent first');

  const from = new Date(Date.now() - DAY).toISOString();
  t.equal((await list(app, agent, `createdFrom=${encodeURIComponent(from)}&createdTo=${Date.now() + 1000}`)).total, 3);
  t.equal((await list(app, agent, `createdTo=${Date.now() - DAY}`)).total, 0);

  const p1 = await list(app, agent, 'pageSize=2&page=1');
  const p2 = await list(app, agent, 'pageSize=2&page=2');
  t.match(p1, { total: 3, page: 1, pageSize: 2 });
  t.equal(p1.items.length, 2);
  t.same(
    p2.items.map((o) => o.id),
    [food.id],
  );
  const tooBig = await app.http.inject({ method: 'GET', url: '/api/workorders?pageSize=101', cookies: agent });
  t.equal(tooBig.statusCode, 400);
  t.equal(tooBig.json().error.code, 'VALIDATION_FAILED');
  t.equal((await app.http.inject({ method: 'GET', url: '/api/workorders?status=nope', cookies: agent })).statusCode, 400);

  const detail = await app.http.inject({ method: 'GET', url: `/api/workorders/${lamp.id}`, cookies: agent });
  t.equal(detail.statusCode, 200);
  t.same(
    detail.json().history.map((e: { action: string }) => e.action),
    ['create', 'accept', 'dispatch'],
    'history oldest first',
  );
  t.equal((await app.http.inject({ method: 'GET', url: '/api/workorders/999', cookies: agent })).json().error.code, 'ORDER_NOT_FOUND');
});

t.test('actions go through the lifecycle: refusals change nothing, stale versions conflict', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-a', 'agent');
  const unitA = await session(app, 'handler-a', 'unit_handler', 'city-hrss');
  const order = await create(app, agent, { category: 'request_for_help', subject: '噪音扰民', content: '夜间施工噪音' });

  const bad = await act(app, agent, order.id, { type: 'teleport' });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.code, 'VALIDATION_FAILED');
  t.equal((await act(app, agent, order.id, { type: 'dispatch', leadUnitId: 'city-hrss' })).statusCode, 400, 'deadline required');

  const dispatched = await act(app, agent, order.id, {
    type: 'dispatch',
    leadUnitId: 'city-hrss',
    deadlineAt: Date.now() + 5 * DAY,
    expectedVersion: order.version,
  });
  t.equal(dispatched.statusCode, 200);
  t.match(dispatched.json(), {
    order: { status: 'dispatched', leadUnitId: 'city-hrss', version: order.version + 1 },
    event: { action: 'dispatch', actorRole: 'agent' },
  });

  const refused = await act(app, unitA, order.id, { type: 'reply', text: '已处理' });
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().error.code, 'ILLEGAL_TRANSITION', 'a unit cannot reply before signing');
  const byAgent = await act(app, agent, order.id, { type: 'sign' });
  t.equal(byAgent.statusCode, 403);
  t.equal(byAgent.json().error.code, 'FORBIDDEN_ROLE');
  const after = (await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}`, cookies: agent })).json();
  t.match(after, { status: 'dispatched', version: order.version + 1 }, 'nothing changed');
  t.equal(after.history.length, 3);

  const stale = await act(app, unitA, order.id, { type: 'sign', expectedVersion: order.version });
  t.equal(stale.statusCode, 409);
  t.equal(stale.json().error.code, 'CONFLICT');
  const signed = await act(app, unitA, order.id, { type: 'sign', expectedVersion: order.version + 1 });
  t.equal(signed.statusCode, 200);
  t.match(signed.json().event, { action: 'sign', actorRole: 'unit_handler', fromStatus: 'dispatched', toStatus: 'signed' });

  const missing = await act(app, agent, order.id + 100, { type: 'sign' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error.code, 'ORDER_NOT_FOUND');

  const refusedCreate = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: { channel: '12345', category: 'complaint' } });
  t.equal(refusedCreate.statusCode, 400, 'content is required');
  t.equal((await list(app, agent, '')).total, 1, 'no stray draft');
});

t.test('roles and scope: units see only their orders, others look like they do not exist', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-s', 'agent');
  const lead = await session(app, 'lead-s', 'shift_lead');
  const unitA = await session(app, 'handler-sa', 'unit_handler', 'city-hrss');
  const unitB = await session(app, 'handler-sb', 'unit_handler', 'city-transport');
  const unitC = await session(app, 'handler-sc', 'unit_handler', 'city-eco');
  const citizen = await session(app, 'citizen-s', 'citizen');
  const forA = await create(app, agent, { category: 'complaint', subject: 'A的工单', content: '内容甲' });
  const forB = await create(app, agent, { category: 'complaint', subject: 'B的工单', content: '内容乙' });
  const deadlineAt = Date.now() + 5 * DAY;
  await act(app, agent, forA.id, { type: 'dispatch', leadUnitId: 'city-hrss', coUnitIds: ['city-eco'], deadlineAt });
  await act(app, lead, forB.id, { type: 'dispatch', leadUnitId: 'city-transport', deadlineAt });

  t.same(
    (await list(app, unitA, '')).items.map((o) => o.id),
    [forA.id],
  );
  t.same(
    (await list(app, unitB, '')).items.map((o) => o.id),
    [forB.id],
  );
  t.same(
    (await list(app, unitC, '')).items.map((o) => o.id),
    [forA.id],
    'co-handling unit sees the order',
  );
  t.equal((await list(app, unitA, `q=${encodeURIComponent('B的工单')}`)).total, 0, 'search does not leak');
  t.equal((await list(app, lead, '')).total, 2);

  const peek = await app.http.inject({ method: 'GET', url: `/api/workorders/${forB.id}`, cookies: unitA });
  t.equal(peek.statusCode, 404);
  t.equal(peek.json().error.code, 'ORDER_NOT_FOUND');
  const ghost = await app.http.inject({ method: 'GET', url: '/api/workorders/9999', cookies: unitA });
  t.same(Object.keys(peek.json().error), Object.keys(ghost.json().error), 'same answer as a missing order');
  const meddle = await act(app, unitA, forB.id, { type: 'sign' });
  t.equal(meddle.statusCode, 404);
  t.equal(meddle.json().error.code, 'ORDER_NOT_FOUND');
  const bOrder = (await app.http.inject({ method: 'GET', url: `/api/workorders/${forB.id}`, cookies: unitB })).json();
  t.equal(bOrder.status, 'dispatched', 'unit B still sees its own order untouched');
  t.equal((await act(app, unitA, forA.id, { type: 'sign' })).statusCode, 200, 'unit A acts on its own order');

  t.equal((await app.http.inject({ method: 'GET', url: '/api/workorders', cookies: citizen })).statusCode, 403);
  t.equal((await app.http.inject({ method: 'GET', url: `/api/workorders/${forA.id}`, cookies: citizen })).statusCode, 403);
  t.equal((await act(app, citizen, forA.id, { type: 'sign' })).statusCode, 403);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/workorders' })).statusCode, 401);
  const unitCreate = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: unitA,
    payload: { channel: '12345', category: 'complaint', content: 'x' },
  });
  t.equal(unitCreate.statusCode, 403, 'units do not create orders');

  // A county sub-platform sees its subtree once an org provider is given.
  const subtree = (unit: string) => (unit === 'county-x' ? ['city-hrss', 'city-transport'] : []);
  const county = scopeFor({ role: 'unit_handler', unitId: 'county-x' }, { unitsInSubtree: subtree });
  t.same(county, { kind: 'units', unitIds: ['county-x', 'city-hrss', 'city-transport'], hideReporter: true });
  t.equal((await readOrderPage(app.database.stores.orderReads, county, {}, Date.now())).total, 2);
  t.equal(
    (await readOrderPage(app.database.stores.orderReads, scopeFor({ role: 'unit_handler', unitId: 'county-x' }), {}, Date.now())).total,
    0,
    'no provider: own unit only',
  );
  t.equal(scopeFor({ role: 'unit_handler', unitId: null }).kind, 'none', 'a handler without a unit sees nothing');
  t.equal(scopeFor({ role: 'citizen', unitId: null }).kind, 'none');
});

t.test('confidential orders hide the reporter from units, not from platform staff', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-c', 'agent');
  const unitA = await session(app, 'handler-ca', 'unit_handler', 'city-hrss');
  const secret = await create(app, agent, {
    category: 'report',
    subject: '举报违建',
    content: '隔壁违章搭建',
    callerPhone: '13900000002',
    callerName: '王先生',
    confidential: true,
  });
  const open = await create(app, agent, { category: 'complaint', subject: '公开投诉', content: '内容', callerPhone: '13900000003', callerName: '李女士' });
  const deadlineAt = Date.now() + 5 * DAY;
  for (const o of [secret, open]) await act(app, agent, o.id, { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt });

  const seen = (await app.http.inject({ method: 'GET', url: `/api/workorders/${secret.id}`, cookies: unitA })).json();
  t.match(seen, { callerPhone: null, callerName: null, callerId: null, reporterHidden: true, confidential: true, content: '隔壁违章搭建' });
  t.notMatch(JSON.stringify(seen), /13900000002|王先生/, 'not in the history either');
  const listed = (await list(app, unitA, '')).items as unknown as Array<{ id: number; callerPhone: string | null; reporterHidden: boolean }>;
  t.same(
    listed.map((o) => [o.id, o.callerPhone, o.reporterHidden]),
    [
      [open.id, '13900000003', false],
      [secret.id, null, true],
    ],
  );
  const signed = (await act(app, unitA, secret.id, { type: 'sign' })).json();
  t.match(signed.order, { callerPhone: null, reporterHidden: true });

  const byAgent = (await app.http.inject({ method: 'GET', url: `/api/workorders/${secret.id}`, cookies: agent })).json();
  t.match(byAgent, { callerPhone: '13900000002', callerName: '王先生', reporterHidden: false });
  t.match(byAgent.history[1].data, { changed: { callerName: '王先生' } });
});
