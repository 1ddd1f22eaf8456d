/**
 * A county dispatcher (dispatcher with 德清's sub-platform dq-12345 as unit) works its own
 * subtree and nothing else, on every desk route, on the work-order API and on the socket
 * (issue 10: "a county dispatcher on another county's order: 404").
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { Sunline } from '../../src/app.js';
import type { DeadlineWarning, DeskChange } from '../../src/contract/index.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { call, type Cookies } from '../helpers/desk-api.js';

const DAY = 86_400_000;

async function setup(t: { teardown(fn: () => unknown): void }) {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent', 'agent');
  const city = await loginCookies(app, 'city', 'dispatcher');
  const deqing = await loginCookies(app, 'dq', 'dispatcher', { unitId: 'dq-12345' });
  const wuxing = await loginCookies(app, 'wx', 'dispatcher', { unitId: 'wx-gov' });
  const make = async (content: string, phone = '13900002222') => {
    const r = await call(app, agent, 'POST', '/api/workorders', { channel: '12345', callerPhone: phone, category: 'complaint', subject: content, content });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body['id'] as number;
  };
  const act = async (cookies: Cookies, id: number, action: object) => call(app, cookies, 'POST', `/api/workorders/${id}/actions`, action);
  return { app, agent, city, deqing, wuxing, make, act };
}

t.test('a county dispatcher passes the city’s order on within its subtree, and cannot reach outside it', async (t) => {
  const { app, city, deqing, make, act } = await setup(t);
  const toCounty = await make('莫干山民宿卫生差');
  const cityOnly = await make('市区商家拒绝退款');
  const deadlineAt = Date.now() + 10 * DAY;
  t.equal((await act(city, toCounty, { type: 'dispatch', leadUnitId: 'dq-12345', deadlineAt })).status, 200, 'the city sends it to 德清 分平台');

  // The county's 待派单 is what the city sent it; the city's accepted orders are not the county's.
  const counts = await call(app, deqing, 'GET', '/api/desk/queues');
  const mine = Object.fromEntries((counts.body['items'] as Array<{ queue: string; total: number }>).map((c) => [c.queue, c.total]));
  t.equal(mine['to_dispatch'], 1, 'the county sees the order sent to it');
  const page = await call(app, deqing, 'GET', '/api/desk/queues/to_dispatch');
  t.same(
    (page.body['items'] as Array<{ order: { id: number } }>).map((i) => i.order.id),
    [toCounty],
  );

  // Outside its subtree: as if the order did not exist, on every route.
  for (const url of [
    `/api/desk/orders/${cityOnly}`,
    `/api/desk/orders/${cityOnly}/similar`,
    `/api/desk/orders/${cityOnly}/suggestion`,
    `/api/workorders/${cityOnly}`,
  ]) {
    const r = await call(app, deqing, 'GET', url);
    t.equal(r.status, 404, url);
    t.equal(r.body['error'].code, 'ORDER_NOT_FOUND', url);
  }
  const foreign = await act(deqing, cityOnly, { type: 'dispatch', leadUnitId: 'dq-amr', deadlineAt });
  t.equal(foreign.status, 404, 'dispatching the city’s order: not found');
  const search = await call(app, deqing, 'GET', '/api/desk/orders?q=商家拒绝退款');
  t.same(search.body['items'], [], 'search finds nothing outside the subtree');
  const byNumber = await call(app, city, 'GET', `/api/desk/orders/${cityOnly}`);
  const numberSearch = await call(app, deqing, 'GET', `/api/desk/orders?number=${byNumber.body['number'] as string}`);
  t.same(numberSearch.body['items'], [], 'nor by its number');

  // Its own: passed on to a unit of the county, never to one outside.
  const outside = await act(deqing, toCounty, { type: 'redispatch', leadUnitId: 'city-amr', deadlineAt });
  t.equal(outside.status, 403);
  t.equal(outside.body['error'].code, 'UNIT_OUT_OF_SCOPE');
  const coOutside = await act(deqing, toCounty, { type: 'redispatch', leadUnitId: 'dq-amr', coUnitIds: ['wx-gov'], deadlineAt });
  t.equal(coOutside.body['error'].code, 'UNIT_OUT_OF_SCOPE', 'a co-handler outside the subtree too');
  const passed = await act(deqing, toCounty, { type: 'redispatch', leadUnitId: 'dq-moganshan-gov', coUnitIds: ['dq-amr'], deadlineAt });
  t.equal(passed.status, 200, 'passed on to 莫干山镇 with 德清县市场监管局');
  t.equal(passed.body['order'].leadUnitId, 'dq-moganshan-gov');
  t.equal((await call(app, deqing, 'GET', `/api/desk/orders/${toCounty}`)).status, 200, 'still in its scope');

  // Linking with an order it cannot see: as missing.
  const link = await act(deqing, toCounty, { type: 'link', otherOrderId: cityOnly });
  t.equal(link.status, 404);
  t.equal(link.body['error'].code, 'ORDER_NOT_FOUND');
  t.same((await call(app, city, 'GET', `/api/desk/orders/${cityOnly}`)).body['linkedOrderIds'], [], 'nothing linked');
});

t.test('another county and the phone: a county dispatcher sees reporters’ phones masked and cannot search by them', async (t) => {
  const { app, city, deqing, wuxing, make, act } = await setup(t);
  const id = await make('德清县城西社区路灯不亮', '13912345678');
  await act(city, id, { type: 'dispatch', leadUnitId: 'dq-wukang-gov', deadlineAt: Date.now() + 10 * DAY });
  const r = await call(app, wuxing, 'GET', `/api/desk/orders/${id}`);
  t.equal(r.status, 404, '吴兴 does not see 德清’s order');
  const seen = await call(app, deqing, 'GET', `/api/desk/orders/${id}`);
  t.equal(seen.body['callerPhone'], '139****5678');
  t.equal(seen.body['phoneMasked'], true);
  const cityView = await call(app, city, 'GET', `/api/desk/orders/${id}`);
  t.equal(cityView.body['callerPhone'], '13912345678', 'the city’s dispatcher reads it');
  t.equal((await call(app, deqing, 'GET', '/api/desk/orders?phone=13912345678')).status, 403, 'a county cannot confirm a phone by searching');
  const byPhone = await call(app, city, 'GET', '/api/desk/orders?phone=13912345678');
  t.same(
    (byPhone.body['items'] as Array<{ id: number }>).map((o) => o.id),
    [id],
  );
  t.ok((seen.body['allowedActions'] as string[]).includes('redispatch'), 'the county may pass it on (改派 before signing)');
});

t.test('desk:changed reaches the desks whose scope the order is in, and no one else', async (t) => {
  const { app, city, make, act } = await setup(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.disconnect()));
  const connect = async (username: string, role: 'dispatcher' | 'agent' | 'unit_handler' | 'shift_lead', unitId?: string) => {
    await app.users.create({ username, displayName: username, role, password: 'long enough password', ...(unitId ? { unitId } : {}) });
    const { token } = (await app.users.login(username, 'long enough password'))!;
    const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `sunline_session=${token}` } });
    sockets.push(socket);
    const got: DeskChange[] = [];
    socket.on('desk:changed', (c: DeskChange) => got.push(c));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect_error', reject);
      socket.once('system:status', () => resolve());
    });
    return Object.assign(got, { socket });
  };
  const cityDesk = await connect('s-city', 'dispatcher');
  const lead = await connect('s-lead', 'shift_lead');
  const deqing = await connect('s-dq', 'dispatcher', 'dq-12345');
  const wuxing = await connect('s-wx', 'dispatcher', 'wx-gov');
  const agent = await connect('s-agent', 'agent');
  const unit = await connect('s-unit', 'unit_handler', 'dq-amr');

  const inDeqing = await make('德清商家拒绝退款');
  await act(city, inDeqing, { type: 'dispatch', leadUnitId: 'dq-amr', deadlineAt: Date.now() + 10 * DAY });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  // A call's draft (created as the call comes in, taken by the agent) is in no desk queue: no note.
  const draft = await app.orders.createDraft({ channel: '12345', callerPhone: '13800000077' });
  // A missed call is new to the desk (and the leads' callback worklist): its create is heard.
  const missed = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13800000078' });
  await until(() => cityDesk.length >= 3 && deqing.length >= 1);
  await new Promise((r) => setTimeout(r, 150));
  t.same(
    cityDesk.map((c) => [c.orderId, c.action, c.status]),
    [
      [inDeqing, 'accept', 'accepted'],
      [inDeqing, 'dispatch', 'dispatched'],
      [missed.id, 'create', 'missed_call'],
    ],
    'the city desk hears every change of an order past draft, a new missed call included; nothing of drafts',
  );
  t.notOk(
    cityDesk.some((c) => c.orderId === draft.id || c.status === 'draft'),
    'no note of an order still being taken',
  );
  t.equal(lead.length, 3, 'shift leads too');
  t.same(
    deqing.map((c) => c.action),
    ['dispatch'],
    '德清 hears the order once it is in its subtree',
  );
  t.same(wuxing, [], '吴兴 hears nothing of 德清’s order');
  t.same(agent, [], 'agents have no desk');
  t.same(unit, [], 'unit handlers have their portal, not the desk feed');
  t.same(Object.keys(cityDesk[0]!).sort(), ['action', 'at', 'orderId', 'status'], 'compact: no order content');

  // A dispatcher's socket is the desk feed and `sync`: no agent, lead or softphone commands.
  const refusal = (event: 'agent:login' | 'lead:logout_agent' | 'media:open', payload?: object) =>
    new Promise<unknown>((resolve) => {
      const emit = cityDesk.socket.emit.bind(cityDesk.socket) as (e: string, ...a: unknown[]) => void;
      if (payload) emit(event, payload, resolve);
      else emit(event, resolve);
    });
  for (const [event, payload] of [
    ['agent:login', {}],
    ['lead:logout_agent', { agentId: 1 }],
    ['media:open', undefined],
  ] as const) {
    t.match(await refusal(event, payload), { ok: false, error: { code: 'FORBIDDEN' } }, `${event} refused`);
  }
});

t.test("deadline warnings reach the desks of the order's scope, each once", async (t) => {
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.disconnect()));
  const connect = async (username: string, role: 'dispatcher' | 'shift_lead', unitId?: string) => {
    await app.users.create({ username, displayName: username, role, password: 'long enough password', ...(unitId ? { unitId } : {}) });
    const { token } = (await app.users.login(username, 'long enough password'))!;
    const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `sunline_session=${token}` } });
    sockets.push(socket);
    const got: number[] = [];
    socket.on('workorder:deadline', (w: DeadlineWarning) => got.push(w.orderId));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect_error', reject);
      socket.once('system:status', () => resolve());
    });
    return got;
  };
  const city = await connect('w-city', 'dispatcher');
  const lead = await connect('w-lead', 'shift_lead');
  const deqing = await connect('w-dq', 'dispatcher', 'dq-12345');
  const wuxing = await connect('w-wx', 'dispatcher', 'wx-gov');
  const warn = (orderId: number, leadUnitId: string | null): DeadlineWarning => ({
    orderId,
    number: `HZ-1-${orderId}`,
    kind: 'overdue',
    deadlineAt: 1,
    leadUnitId,
    at: 2,
  });
  app.events.emit('workorder.deadline', warn(1, 'dq-moganshan-gov'));
  app.events.emit('workorder.deadline', warn(2, 'city-amr'));
  app.events.emit('workorder.deadline', { ...warn(3, null), kind: 'dispatch_overdue' });
  for (let i = 0; i < 100 && (city.length < 3 || lead.length < 3 || deqing.length < 1); i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 150));
  t.same(city, [1, 2, 3], 'the city desk: all');
  t.same(lead, [1, 2, 3], 'a shift lead (leads and desk rooms): each once');
  t.same(deqing, [1], '德清: its township only');
  t.same(wuxing, [], '吴兴: none');
});
