/**
 * What the desk's order page used to guess, now from the API (issue 10): who did each step (the
 * actor's display name), the linked and merged-into orders by number (not outside the scope), the
 * order's calls (its own, a repeat's merged here, a callback), the deadline an extension request
 * would give across a holiday, and the units a dispatcher may dispatch to — each within the
 * desk user's scope and roles.
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';
import { call, type Cookies } from '../helpers/desk-api.js';

const DAY = 86_400_000;

async function setup(t: { teardown(fn: () => unknown): void }) {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent', 'agent');
  await app.users.create({ username: 'wang', displayName: '王派单', role: 'dispatcher', password: 'pw-123456' });
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'wang', password: 'pw-123456' } });
  const city = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  const deqing = await loginCookies(app, 'dq', 'dispatcher', { unitId: 'dq-12345' });
  const unit = await loginCookies(app, 'dqamr', 'unit_handler', { unitId: 'dq-amr' });
  const make = async (subject: string, phone = '13900002222') => {
    const r = await call(app, agent, 'POST', '/api/workorders', { channel: '12345', callerPhone: phone, category: 'complaint', subject, content: subject });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body['id'] as number;
  };
  const act = async (cookies: Cookies, id: number, action: object) => {
    const r = await call(app, cookies, 'POST', `/api/workorders/${id}/actions`, action);
    if (r.status !== 200) throw new Error(`${JSON.stringify(action)}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return { app, agent, city, deqing, unit, make, act };
}

t.test('the timeline names its actors; linked and merged orders come with their numbers, within the scope', async (t) => {
  const { app, city, deqing, make, act } = await setup(t);
  const a = await make('德清商家拒绝退款');
  const b = await make('德清商家拒绝退款（再次来电）');
  const cityOnly = await make('市区商家拒绝退款');
  await act(city, a, { type: 'dispatch', leadUnitId: 'dq-12345', deadlineAt: Date.now() + 10 * DAY });
  await act(city, b, { type: 'dispatch', leadUnitId: 'dq-12345', deadlineAt: Date.now() + 10 * DAY });
  await act(city, a, { type: 'link', otherOrderId: b });
  await act(city, a, { type: 'link', otherOrderId: cityOnly });

  const page = await call(app, city, 'GET', `/api/desk/orders/${a}`);
  t.equal(page.status, 200);
  const dispatch = (page.body['history'] as Array<{ action: string; actorName: string | null }>).find((e) => e.action === 'dispatch');
  t.equal(dispatch?.actorName, '王派单', 'the dispatcher by name');
  const numberOf = async (id: number) => (await call(app, city, 'GET', `/api/desk/orders/${id}`)).body['number'] as string;
  t.same(page.body['linkedOrders'], [
    { id: b, number: await numberOf(b), status: 'dispatched' },
    { id: cityOnly, number: await numberOf(cityOnly), status: 'accepted' },
  ]);
  t.equal(page.body['mergedInto'], null);

  const county = await call(app, deqing, 'GET', `/api/desk/orders/${a}`);
  t.same(
    county.body['linkedOrders'],
    [
      { id: b, number: await numberOf(b), status: 'dispatched' },
      { id: cityOnly, number: null, status: null },
    ],
    'an order outside the county’s subtree is not named to it',
  );

  const repeat = await make('德清商家拒绝退款（第三次）');
  await act(city, repeat, { type: 'merge_into', targetOrderId: a });
  const merged = await call(app, city, 'GET', `/api/desk/orders/${repeat}`);
  t.same(merged.body['mergedInto'], { id: a, number: await numberOf(a), status: 'dispatched' });
});

t.test('an extension request: the deadline granting it would give, on the work calendar (国庆节 counted)', async (t) => {
  const { app, city, unit, make, act } = await setup(t);
  const id = await make('德清商家拒绝退款');
  await act(city, id, { type: 'dispatch', leadUnitId: 'dq-amr', deadlineAt: Date.now() + 10 * DAY });
  await act(unit, id, { type: 'sign' });
  await act(unit, id, { type: 'start' });
  t.equal((await call(app, city, 'GET', `/api/desk/orders/${id}`)).body['extensionProposal'], null, 'no request: no proposal');
  await act(unit, id, { type: 'request_extension', days: 3, reason: '需现场核查' });
  // Wed 30 Sep 2026 17:30; 1–7 Oct are the holiday, Sat 10 Oct a make-up working day: Thu 8, Fri 9, Sat 10.
  await appQuery(app, 'update work_orders set deadline_at = ? where id = ?', [Date.parse('2026-09-30T17:30:00+08:00'), id]);
  const r = await call(app, city, 'GET', `/api/desk/orders/${id}`);
  const proposal = r.body['extensionProposal'] as { days: number; deadlineAt: number };
  if (Date.now() < Date.parse('2026-09-30T17:30:00+08:00')) t.same(proposal, { days: 3, deadlineAt: Date.parse('2026-10-10T17:30:00+08:00') });
  else {
    // That deadline has passed: the proposal counts from now, and granting it is accepted.
    t.equal(proposal.days, 3);
    t.ok(proposal.deadlineAt > Date.now(), 'a proposal in the future');
    const granted = (await act(city, id, { type: 'grant_extension', deadlineAt: proposal.deadlineAt })) as { order: { deadlineAt: number } };
    t.equal(granted.order.deadlineAt, proposal.deadlineAt);
  }
});

t.test('the order’s calls: its own, a repeat’s merged into it, a callback; masked for a county; 404 outside the scope', async (t) => {
  const { app, city, deqing, agent, make, act } = await setup(t);
  const a = await make('德清商家拒绝退款', '13912345678');
  const b = await make('德清商家拒绝退款（再次来电）', '13912345678');
  const cityOnly = await make('市区商家拒绝退款');
  const insertCall = (...row: unknown[]) =>
    appQuery(
      app,
      `insert into calls (id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome, direction, order_id) values (?, '13912345678', ?, '12345', 'ended', ?, ?, ?, ?, 'answered', ?, ?)`,
      row,
    );
  const agentId = Number((await appQuery<{ id: number }>(app, 'select id from users where username = ?', ['agent']))[0]!.id);
  const t0 = Date.parse('2026-11-20T09:00:00+08:00');
  await insertCall('call-a', '12345', agentId, t0, t0 + 5000, t0 + 60_000, 'in', null);
  await insertCall('call-b', '12315', agentId, t0 + DAY, t0 + DAY + 5000, t0 + DAY + 60_000, 'in', null);
  await insertCall('call-back', '13912345678', agentId, t0 + 2 * DAY, t0 + 2 * DAY + 5000, t0 + 2 * DAY + 60_000, 'out', a);
  await insertCall('call-other', '12345', agentId, t0, t0, t0, 'in', null);
  for (const [callId, orderId] of [
    ['call-a', a],
    ['call-b', b],
    ['call-other', cityOnly],
  ] as const)
    await appQuery(app, 'update work_orders set call_id = ? where id = ?', [callId, orderId]);
  await act(city, a, { type: 'dispatch', leadUnitId: 'dq-12345', deadlineAt: Date.now() + 10 * DAY });
  await act(city, b, { type: 'merge_into', targetOrderId: a });

  const r = await call(app, city, 'GET', `/api/desk/orders/${a}/calls`);
  t.equal(r.status, 200);
  const items = r.body['items'] as Array<Record<string, unknown>>;
  t.same(
    items.map((c) => [c['id'], c['orderId'], c['direction'], c['dialledNumber'], c['agentName'], c['callerPhone']]),
    [
      ['call-a', a, 'in', '12345', 'agent', '13912345678'],
      ['call-b', b, 'in', '12315', 'agent', '13912345678'],
      ['call-back', a, 'out', '13912345678', 'agent', '13912345678'],
    ],
    'its own call, the merged repeat’s, the callback; oldest first',
  );
  const masked = await call(app, deqing, 'GET', `/api/desk/orders/${a}/calls`);
  t.same(
    (masked.body['items'] as Array<Record<string, unknown>>).map((c) => [c['callerPhone'], c['phoneMasked']]),
    [
      ['139****5678', true],
      ['139****5678', true],
    ],
    'a county: masked, and not the call of a merged order outside its subtree',
  );
  t.equal((await call(app, deqing, 'GET', `/api/desk/orders/${cityOnly}/calls`)).status, 404, 'outside the subtree: not found');
  t.equal((await call(app, agent, 'GET', `/api/desk/orders/${a}/calls`)).status, 403, 'agents have no desk');
  t.same((await call(app, city, 'GET', `/api/desk/orders/${cityOnly}/calls`)).body['items'].length, 1);
});

t.test('the units a desk user may dispatch to: all for the city, the subtree for a county, none for others', async (t) => {
  const { app, city, deqing, agent, unit } = await setup(t);
  const all = await call(app, city, 'GET', '/api/desk/units');
  t.equal(all.status, 200);
  const cityIds = (all.body['items'] as Array<{ id: string }>).map((u) => u.id);
  t.ok(cityIds.includes('city-amr') && cityIds.includes('dq-amr') && cityIds.includes('wx-gov'), 'every unit for the city');
  const county = await call(app, deqing, 'GET', '/api/desk/units');
  const countyIds = (county.body['items'] as Array<{ id: string; name: string }>).map((u) => u.id);
  t.ok(countyIds.includes('dq-amr') && countyIds.includes('dq-12345'), '德清’s own units');
  t.notOk(
    countyIds.some((u) => u === 'city-amr' || u === 'wx-gov'),
    'none outside its subtree',
  );
  t.equal((county.body['items'] as Array<{ id: string; name: string }>).find((u) => u.id === 'dq-amr')?.name, '德清县市场监管局');
  t.equal((await call(app, agent, 'GET', '/api/desk/units')).status, 403);
  t.equal((await call(app, unit, 'GET', '/api/desk/units')).status, 403);
});
