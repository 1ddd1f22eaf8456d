/**
 * Who may list an order's "answered with" article versions (GET /api/kb/answers?orderId=): the
 * roles that may read the order, each in its own scope — platform staff every order, a unit its
 * own (lead or co-handling), a QA inspector the orders whose call is on the worklist or scored
 * (the call view shows that order), nobody else. The list never carries the reporter.
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type Cookies = { sunline_session: string };

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as Record<string, any> };
}

let n = 0;
/** A confidential order led by `leadUnitId`, taken on an ended inbound call answered by `agentId`. */
async function orderWithCall(app: Sunline, agentId: number, leadUnitId: string): Promise<{ callId: string; orderId: number }> {
  n++;
  const callId = `kb-scope-call-${n}`;
  const at = Date.now() - 3_600_000;
  await appQuery(
    app,
    `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
     values (?, ?, '13800138000', '12333', '12333', 'ended', ?, ?, ?, ?, 'answered')`,
    [callId, `ch-kb-${n}`, agentId, at, at + 5000, at + 60_000],
  );
  const [order] = await appQuery<{ id: number }>(
    app,
    `insert into work_orders (number, channel, call_id, agent_id, caller_phone, caller_name, confidential, status, subject, content, lead_unit_id, co_unit_ids, created_at, updated_at)
     values (?, '12333', ?, ?, '13800138000', '王女士', true, 'dispatched', '社保卡遗失', '社保卡丢了怎么办', ?, '[]', ?, ?) returning id`,
    [`HZ-KB-${String(n).padStart(6, '0')}`, callId, agentId, leadUnitId, at, at],
  );
  return { callId, orderId: Number(order!.id) };
}

t.test('an order’s answered-with versions, to the roles that may read the order', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const amr = await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' });
  const admin = await loginCookies(app, 'admin1', 'admin');
  const agent = await loginCookies(app, 'agent1', 'agent');
  const lead = await loginCookies(app, 'lead1', 'shift_lead');
  const dispatcher = await loginCookies(app, 'disp1', 'dispatcher');
  const qa = await loginCookies(app, 'qa1', 'qa');
  const wallboard = await loginCookies(app, 'wall1', 'wallboard');
  const agentId = Number((await appQuery<{ id: number }>(app, 'select id from users where username = ?', ['agent1']))[0]!.id);

  const art = (await call(app, hrss, 'POST', '/api/kb/articles', { title: '社保卡遗失如何补办', body: '先挂失再补办。', type: 'faq', unitId: 'city-hrss' }))
    .body;
  t.equal((await call(app, hrss, 'POST', `/api/kb/articles/${art['id']}/submit`)).status, 200);
  const versionId = (await call(app, admin, 'POST', `/api/kb/articles/${art['id']}/approve`, {})).body['published']['id'] as number;

  const sampled = await orderWithCall(app, agentId, 'city-hrss');
  const other = await orderWithCall(app, agentId, 'city-hrss');
  for (const o of [sampled, other]) t.same((await call(app, agent, 'POST', '/api/kb/answers', { orderId: o.orderId, versionId })).body, { linked: true });
  const url = (o: { orderId: number }) => `/api/kb/answers?orderId=${o.orderId}`;

  // ---- platform staff and the order's unit
  for (const [who, cookies] of [
    ['agent', agent],
    ['shift lead', lead],
    ['admin', admin],
    ['city dispatcher', dispatcher],
    ['the lead unit', hrss],
  ] as const) {
    const res = await call(app, cookies, 'GET', url(sampled));
    t.equal(res.status, 200, `${who} reads it`);
    t.equal(res.body['items']?.[0]?.versionId, versionId, `${who}: the version`);
  }
  const listed = (await call(app, hrss, 'GET', url(sampled))).body['items'][0] as Record<string, unknown>;
  t.same(Object.keys(listed).sort(), ['actorId', 'articleId', 'at', 'hotline', 'title', 'versionId', 'versionNo'], 'no reporter in the list');
  t.notOk(JSON.stringify(listed).includes('13800138000') || JSON.stringify(listed).includes('王女士'), 'not the confidential reporter');
  const foreign = await call(app, amr, 'GET', url(sampled));
  t.equal(foreign.status, 404, 'another unit: as if there were no order');
  t.equal(foreign.body['error']?.code, 'KB_ORDER_NOT_FOUND');

  // ---- a QA inspector: the orders of the calls on the worklist (or scored) only
  t.equal((await call(app, qa, 'GET', url(sampled))).body['error']?.code, 'KB_ORDER_NOT_FOUND', 'qa: not before the call is sampled');
  await appQuery(app, `insert into qa_samples (call_id, agent_id, day, reason, sampled_at) values (?, ?, '2026-01-01', 'random', ?)`, [
    sampled.callId,
    agentId,
    Date.now(),
  ]);
  const seen = await call(app, qa, 'GET', url(sampled));
  t.equal(seen.status, 200, 'qa: the sampled call’s order');
  t.same(
    (seen.body['items'] as Array<{ versionId: number; title: string }>).map((i) => [i.versionId, i.title]),
    [[versionId, '社保卡遗失如何补办']],
  );
  t.equal((await call(app, qa, 'GET', `/api/kb/versions/${versionId}`)).status, 200, 'qa opens that version');
  t.equal((await call(app, qa, 'GET', url(other))).body['error']?.code, 'KB_ORDER_NOT_FOUND', 'qa: not another order');

  // ---- roles that read no order
  t.equal((await call(app, wallboard, 'GET', url(sampled))).status, 403, 'a wallboard account');
  t.equal((await app.http.inject({ method: 'GET', url: url(sampled) })).statusCode, 401, 'nobody signed in');
});
