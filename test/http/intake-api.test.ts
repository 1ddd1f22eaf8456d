import t from 'tap';
import { testApp } from '../helpers/app.js';
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

function lookup(app: App, number: string, phone: string, ip = '203.0.113.50') {
  return app.http.inject({ method: 'GET', url: `/api/public/orders/${encodeURIComponent(number)}?phone=${phone}`, remoteAddress: ip });
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
  t.match(fromWeb.json(), { number: /^HZ-\d{8}-\d{6}$/ });
  t.same(Object.keys(fromWeb.json()), ['number'], 'only the number comes back');
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
  const system = app.users.systemUser();
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
  t.equal((app.db.sqlite.prepare('select count(*) as n from work_orders').get() as { n: number }).n, 0, 'nothing stored');

  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await submit(app, 'mailbox', web, '198.51.100.9')).statusCode);
  t.same(statuses, Array(20).fill(201), '20 a minute are fine');
  const limited = await submit(app, 'mailbox', web, '198.51.100.9');
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'RATE_LIMITED');
  t.equal((await submit(app, 'web', web, '198.51.100.10')).statusCode, 201, 'another client is not limited');
});

t.test('citizens look up progress with number and phone, and see nothing else', async (t) => {
  const app = await testApp(t);
  const agent = await agentSession(app);
  const { number } = (await submit(app, 'web', { ...web, confidential: true })).json() as { number: string };
  const id = (await app.http.inject({ method: 'GET', url: '/api/workorders', cookies: agent })).json().items[0].id as number;
  const dispatched = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${id}/actions`,
    cookies: agent,
    payload: { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt: Date.now() + 86_400_000, comment: '内部备注' },
  });
  t.equal(dispatched.statusCode, 200);

  const ok = await lookup(app, number, web.phone);
  t.equal(ok.statusCode, 200);
  const view = ok.json();
  t.same(Object.keys(view).sort(), ['category', 'createdAt', 'deadlineAt', 'number', 'progress', 'status']);
  t.match(view, { number, status: 'dispatched', category: 'complaint', deadlineAt: Number });
  t.same(
    view.progress.map((p: { status: string }) => p.status),
    ['accepted', 'dispatched'],
  );
  t.notMatch(ok.body, /city-hrss|内部备注|张三|垃圾/, 'no units, comments, names or content');

  const wrongPhone = await lookup(app, number, '13800009999');
  const unknown = await lookup(app, 'HZ-20000101-000001', web.phone);
  t.equal(wrongPhone.statusCode, 404);
  t.equal(wrongPhone.json().error.code, 'ORDER_NOT_FOUND');
  t.same(wrongPhone.json(), unknown.json(), 'a wrong phone looks like an unknown number');
  t.equal((await lookup(app, number, 'abc')).statusCode, 400);

  let last = 0;
  for (let i = 0; i < 31; i++) last = (await lookup(app, number, '13800009999', '192.0.2.77')).statusCode;
  t.equal(last, 429, 'lookups are rate limited');
});
