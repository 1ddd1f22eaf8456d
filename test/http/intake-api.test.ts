import t from 'tap';
import { testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';
import { bridgeEnv, postSignedWechat } from '../helpers/bridge.js';

type App = Awaited<ReturnType<typeof testApp>>;

const web = {
  name: '张三',
  phone: '13800001111',
  category: 'complaint',
  subject: '小区垃圾未清运',
  content: '小区垃圾三天没有清运，气味很大',
  location: '吴兴区某小区',
};

function submit(app: App, channel: string, payload: unknown, ip = '203.0.113.1') {
  // The WeChat route takes only requests its bridge signed (test/http/bridge-auth.test.ts).
  if (channel === 'wechat') return postSignedWechat(app, payload, ip);
  return app.http.inject({ method: 'POST', url: `/api/intake/${channel}`, remoteAddress: ip, payload: payload as Record<string, unknown> });
}

function lookup(app: App, number: string, phone: string, code: string, ip = '203.0.113.50') {
  return app.http.inject({
    method: 'GET',
    url: `/api/public/orders/${encodeURIComponent(number)}?phone=${phone}&code=${encodeURIComponent(code)}`,
    remoteAddress: ip,
  });
}

async function agentSession(app: App) {
  await app.users.create({ username: 'agent-i', displayName: 'agent', role: 'agent', password: 'pw-123456' });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent-i', password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

t.test('online intake creates accepted orders per channel, accepted by the system user', async (t) => {
  const app = await testApp(t, { env: bridgeEnv(t) });
  const agent = await agentSession(app);

  const fromWeb = await submit(app, 'web', web);
  t.equal(fromWeb.statusCode, 201);
  t.match(fromWeb.json(), { number: /^HZ-\d{8}-\d{6}$/, lookupCode: /^[2-9A-HJKMNP-Z]{6}$/ });
  t.same(Object.keys(fromWeb.json()), ['number', 'lookupCode'], 'only the number and the lookup code come back');
  const fromMailbox = await submit(app, 'mailbox', { ...web, name: undefined, confidential: true });
  t.equal(fromMailbox.statusCode, 201);
  const fromWechat = await submit(app, 'wechat', {
    openid: 'o-abc123',
    msgType: 'text',
    content: '  公交站台的广告牌松动了，很危险  ',
    phone: '13800002222',
    nickname: '微信用户',
  });
  t.equal(fromWechat.statusCode, 201);

  const orders = (await app.http.inject({ method: 'GET', url: '/api/workorders?sort=createdAt', cookies: agent })).json().items as Array<
    Record<string, unknown>
  >;
  const byNumber = new Map(orders.map((o) => [o.number, o]));
  t.match(byNumber.get(fromWeb.json().number), {
    channel: 'web',
    status: 'accepted',
    category: 'complaint',
    callerPhone: '13800001111',
    callerName: '张三',
    location: '吴兴区某小区',
  });
  t.match(byNumber.get(fromMailbox.json().number), { channel: 'mailbox', status: 'accepted', confidential: true, callerName: null });
  t.match(byNumber.get(fromWechat.json().number), {
    channel: 'wechat',
    status: 'accepted',
    category: 'consultation',
    subject: '公交站台的广告牌松动了，很危险',
    content: '公交站台的广告牌松动了，很危险',
    callerName: '微信用户',
  });

  const id = byNumber.get(fromWeb.json().number)!.id as number;
  const history = (await app.http.inject({ method: 'GET', url: `/api/workorders/${id}`, cookies: agent })).json().history;
  const system = await app.users.systemUser();
  t.match(history, [
    { action: 'create', actorId: null },
    { action: 'accept', actorId: system.id, actorRole: 'admin' },
  ]);
});

t.test('intake validates the body and is rate limited per client', async (t) => {
  const app = await testApp(t, { env: bridgeEnv(t) });
  for (const [why, body] of [
    ['phone with letters', { ...web, phone: '1380000abcd' }],
    ['phone too short', { ...web, phone: '1234' }],
    ['no phone', { ...web, phone: undefined }],
    ['content too long', { ...web, content: '长'.repeat(5001) }],
    ['unknown category', { ...web, category: 'gossip' }],
    ['empty subject', { ...web, subject: '  ' }],
  ] as const) {
    const res = await submit(app, 'web', body, '198.51.100.7');
    t.equal(res.statusCode, 400, why);
    t.equal(res.json().error.code, 'VALIDATION_FAILED', why);
  }
  const image = await submit(app, 'wechat', { openid: 'o-1', msgType: 'image', content: 'x', phone: '13800002222' }, '198.51.100.7');
  t.equal(image.json().error.code, 'VALIDATION_FAILED', 'only text messages');
  t.equal((await submit(app, 'fax', web, '198.51.100.7')).statusCode, 404, 'no such channel');
  t.equal(Number((await appQuery<{ n: number }>(app, 'select count(*) as n from work_orders'))[0]!.n), 0, 'nothing stored');

  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await submit(app, 'mailbox', web, '198.51.100.9')).statusCode);
  t.same(statuses, Array(20).fill(201), '20 a minute are fine');
  const limited = await submit(app, 'mailbox', web, '198.51.100.9');
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'RATE_LIMITED');
  t.equal((await submit(app, 'web', web, '198.51.100.10')).statusCode, 201, 'another client is not limited');
});

t.test('citizens look up progress with number, phone and lookup code, and see nothing else', async (t) => {
  const app = await testApp(t);
  const agent = await agentSession(app);
  const { number, lookupCode } = (await submit(app, 'web', { ...web, confidential: true })).json() as { number: string; lookupCode: string };
  const id = (await app.http.inject({ method: 'GET', url: '/api/workorders', cookies: agent })).json().items[0].id as number;
  const dispatched = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${id}/actions`,
    cookies: agent,
    payload: { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt: Date.now() + 86_400_000, comment: '内部备注' },
  });
  t.equal(dispatched.statusCode, 200);

  const ok = await lookup(app, number, web.phone, lookupCode);
  t.equal(ok.statusCode, 200);
  const view = ok.json();
  t.same(Object.keys(view).sort(), ['category', 'createdAt', 'deadlineAt', 'number', 'progress', 'status']);
  t.match(view, { number, status: 'dispatched', category: 'complaint', deadlineAt: Number });
  t.same(
    view.progress.map((p: { status: string }) => p.status),
    ['accepted', 'dispatched'],
  );
  t.notMatch(ok.body, /city-hrss|内部备注|张三|垃圾/, 'no units, comments, names or content');
  t.notMatch(ok.body, lookupCode, 'nor the code');
  const typed = `${lookupCode.slice(0, 3).toLowerCase()} ${lookupCode.slice(3)}`;
  t.equal((await lookup(app, number, web.phone, typed)).statusCode, 200, `the code typed in lower case with a space (${typed})`);

  const wrongPhone = await lookup(app, number, '13800009999', lookupCode);
  const wrongCode = await lookup(app, number, web.phone, lookupCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA');
  const unknown = await lookup(app, 'HZ-20000101-000001', web.phone, lookupCode);
  t.equal(wrongPhone.statusCode, 404);
  t.equal(wrongPhone.json().error.code, 'ORDER_NOT_FOUND');
  t.same(wrongPhone.json(), unknown.json(), 'a wrong phone looks like an unknown number');
  t.same(wrongCode.json(), unknown.json(), 'so does a wrong code');
  t.equal((await lookup(app, number, 'abc', lookupCode)).statusCode, 400);
  const noCode = await app.http.inject({ method: 'GET', url: `/api/public/orders/${number}?phone=${web.phone}`, remoteAddress: '203.0.113.50' });
  t.equal(noCode.statusCode, 400, 'the code is required');
  t.equal(noCode.json().error.code, 'VALIDATION_FAILED');

  let last = 0;
  for (let i = 0; i < 31; i++) last = (await lookup(app, `HZ-20000101-${String(i).padStart(6, '0')}`, web.phone, 'AAAAAA', '192.0.2.77')).statusCode;
  t.equal(last, 429, 'lookups are rate limited per address');
});

t.test('the lookup code: staff see it on the order, units do not; each order has its own', async (t) => {
  const app = await testApp(t);
  const agent = await agentSession(app);
  const a = (await submit(app, 'web', web)).json() as { number: string; lookupCode: string };
  const b = (await submit(app, 'mailbox', web)).json() as { number: string; lookupCode: string };
  t.not(a.lookupCode, b.lookupCode);
  const items = (await app.http.inject({ method: 'GET', url: '/api/workorders', cookies: agent })).json().items as Array<{
    number: string;
    lookupCode: string;
    id: number;
  }>;
  t.same(
    new Map(items.map((o) => [o.number, o.lookupCode])),
    new Map([
      [a.number, a.lookupCode],
      [b.number, b.lookupCode],
    ]),
    'the list carries it for staff',
  );
  const id = items.find((o) => o.number === a.number)!.id;
  t.equal((await app.http.inject({ method: 'GET', url: `/api/workorders/${id}`, cookies: agent })).json().lookupCode, a.lookupCode, 'and the order view');
  // An order an agent types in gets one too (read out to the citizen with the number).
  const typedIn = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'consultation', content: '咨询', callerPhone: '13800003333' },
  });
  t.match(typedIn.json(), { lookupCode: /^[2-9A-HJKMNP-Z]{6}$/ });

  await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${id}/actions`,
    cookies: agent,
    payload: { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt: Date.now() + 86_400_000 },
  });
  await app.users.create({ username: 'unit-i', displayName: 'unit', role: 'unit_handler', unitId: 'city-hrss', password: 'pw-123456' });
  const login = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: '10.9.0.2',
    payload: { username: 'unit-i', password: 'pw-123456' },
  });
  const unit = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  const seen = (await app.http.inject({ method: 'GET', url: `/api/workorders/${id}`, cookies: unit })).json();
  t.equal(seen.number, a.number);
  t.equal(seen.lookupCode, null, 'a unit does not get the code');
});

t.test('failed lookups of one order number lock it, whatever the addresses; unknown numbers alike', async (t) => {
  const app = await testApp(t);
  const { number, lookupCode } = (await submit(app, 'web', web)).json() as { number: string; lookupCode: string };
  const wrong = lookupCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
  // Four failures and a success: the success forgets them.
  for (let i = 0; i < 4; i++) t.equal((await lookup(app, number, web.phone, wrong, `198.51.100.${i + 1}`)).statusCode, 404);
  t.equal((await lookup(app, number, web.phone, lookupCode, '198.51.100.20')).statusCode, 200, 'the right code after four failures');
  // Five failures from five addresses (each far below the per-address limit) lock the number.
  for (let i = 0; i < 5; i++) t.equal((await lookup(app, number, '13800009999', lookupCode, `198.51.100.${30 + i}`)).statusCode, 404);
  const locked = await lookup(app, number, web.phone, lookupCode, '198.51.100.99');
  t.equal(locked.statusCode, 429, 'even the right phone and code are refused while locked');
  t.equal(locked.json().error.code, 'LOOKUP_LOCKED');
  t.ok(Number(locked.headers['retry-after']) > 0 && Number(locked.headers['retry-after']) <= 300, `Retry-After ${locked.headers['retry-after']}`);
  t.equal((await lookup(app, number.toLowerCase(), web.phone, lookupCode, '198.51.100.98')).statusCode, 429, 'the number in another case is the same number');

  const other = (await submit(app, 'web', web)).json() as { number: string; lookupCode: string };
  t.equal((await lookup(app, other.number, web.phone, other.lookupCode, '198.51.100.99')).statusCode, 200, 'another order is not locked');

  // An unknown number locks the same way: a lock does not tell that the number exists.
  const ghost = 'HZ-20000101-000777';
  for (let i = 0; i < 5; i++) t.equal((await lookup(app, ghost, web.phone, wrong, `198.51.100.${50 + i}`)).statusCode, 404);
  const ghostLocked = await lookup(app, ghost, web.phone, wrong, '198.51.100.60');
  t.equal(ghostLocked.statusCode, 429);
  t.same(ghostLocked.json(), locked.json(), 'the same answer as for a real order');
});
