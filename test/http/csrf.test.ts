/**
 * CSRF defence (issue 9 item 8, docs/decisions/0010-csrf-defence.md): a state-changing request
 * that carries the session cookie needs X-Sunline-Request, and so does login; bodies are JSON
 * (or multipart where a route takes files), never text/plain or a form. A refused request
 * changes nothing.
 */
import t from 'tap';
import { appQuery } from '../helpers/app-database.js';
import { PNG_BYTES, multipartBody } from '../helpers/attachment-files.js';
import { injectAsIs, loginCookies, testApp } from '../helpers/app.js';

const H = { 'x-sunline-request': '1' };

/** count(*) is a string on PostgreSQL. */
const count = async (app: Awaited<ReturnType<typeof testApp>>, table: string) =>
  Number((await appQuery<{ n: number | string }>(app, `select count(*) as n from ${table}`))[0]!.n);

async function orderAtUnit(app: Awaited<ReturnType<typeof testApp>>) {
  const agent = await loginCookies(app, 'agent-c', 'agent');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'complaint', subject: '噪音', content: '夜间施工', callerPhone: '13800000077' },
  });
  const order = created.json() as { id: number };
  const dispatched = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${order.id}/actions`,
    cookies: agent,
    payload: { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt: Date.now() + 5 * 86_400_000 },
  });
  if (dispatched.statusCode !== 200) throw new Error(`dispatch failed: ${dispatched.body}`);
  return order.id;
}

t.test('a cookie-carrying POST without the header is refused with 403 CSRF_HEADER_REQUIRED and changes nothing', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'adm', 'admin');
  for (const req of [
    { method: 'POST' as const, url: '/api/admin/config/reload' },
    { method: 'POST' as const, url: '/api/calls/c1/answer' },
    { method: 'DELETE' as const, url: '/api/calls/c1/conference' },
    { method: 'POST' as const, url: '/api/auth/logout' },
  ]) {
    const res = await injectAsIs(app, { ...req, cookies: admin });
    t.equal(res.statusCode, 403, `${req.method} ${req.url}`);
    t.equal(res.json().error.code, 'CSRF_HEADER_REQUIRED');
  }
  // Logout was refused: the session still works.
  t.equal((await app.http.inject({ url: '/api/auth/me', cookies: admin })).statusCode, 200);
  // A wrong value is no header.
  const wrong = await injectAsIs(app, { method: 'POST', url: '/api/admin/config/reload', cookies: admin, headers: { 'x-sunline-request': 'yes' } });
  t.equal(wrong.json().error.code, 'CSRF_HEADER_REQUIRED');
  const ok = await injectAsIs(app, { method: 'POST', url: '/api/admin/config/reload', cookies: admin, headers: H });
  t.equal(ok.statusCode, 200, ok.body);
  // Reads need no header.
  t.equal((await injectAsIs(app, { url: '/api/auth/me', cookies: admin })).statusCode, 200);
});

t.test('login needs the header even without a cookie (a forged login signs the victim in as the attacker)', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'u1', displayName: 'u1', role: 'agent', password: 'pw-123456' });
  const bare = await injectAsIs(app, { method: 'POST', url: '/api/auth/login', payload: { username: 'u1', password: 'pw-123456' } });
  t.equal(bare.statusCode, 403);
  t.equal(bare.json().error.code, 'CSRF_HEADER_REQUIRED');
  t.notOk(
    bare.cookies.some((c) => c.name === 'sunline_session'),
    'no session cookie set',
  );
  const withHeader = await injectAsIs(app, { method: 'POST', url: '/api/auth/login', payload: { username: 'u1', password: 'pw-123456' }, headers: H });
  t.equal(withHeader.statusCode, 200);
});

t.test('a cross-site multipart upload is refused before it is read: no attachment, the order unchanged', async (t) => {
  const app = await testApp(t);
  const id = await orderAtUnit(app);
  const unit = await loginCookies(app, 'unit-c', 'unit_handler', { unitId: 'city-hrss' });
  const order = () => appQuery(app, 'select status, version from work_orders where id = ?', [id]);
  const before = await order();
  t.equal(before.length, 1);
  const { payload, headers } = await multipartBody([{ name: 'a.png', bytes: PNG_BYTES, type: 'image/png' }], {
    action: JSON.stringify({ type: 'reply', text: '已处理' }),
  });
  const res = await injectAsIs(app, { method: 'POST', url: `/api/workorders/${id}/attachments`, cookies: unit, payload, headers });
  t.equal(res.statusCode, 403);
  t.equal(res.json().error.code, 'CSRF_HEADER_REQUIRED');
  t.same(await order(), before);
  t.equal(await count(app, 'work_order_attachments'), 0);
});

t.test('text/plain and form bodies are refused with 415 UNSUPPORTED_MEDIA_TYPE, with or without the header', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'adm', 'admin');
  const agent = await loginCookies(app, 'ag', 'agent');
  const cases = [
    { url: '/api/admin/config/reload', cookies: admin, type: 'text/plain', payload: '' },
    { url: '/api/calls/c1/answer', cookies: agent, type: 'text/plain', payload: 'x' },
    { url: '/api/auth/logout', cookies: agent, type: 'text/plain;charset=UTF-8', payload: '' },
    { url: '/api/workorders', cookies: agent, type: 'text/plain', payload: '{"channel":"12345"}' },
    { url: '/api/workorders', cookies: agent, type: 'application/x-www-form-urlencoded', payload: 'channel=12345' },
    { url: '/api/dispatch/suggestion', cookies: agent, type: 'multipart/form-data; boundary=x', payload: '--x--\r\n' },
  ];
  for (const c of cases) {
    const res = await app.http.inject({ method: 'POST', url: c.url, cookies: c.cookies, headers: { 'content-type': c.type }, payload: c.payload });
    t.equal(res.statusCode, 415, `${c.type} → ${c.url}: ${res.body}`);
    t.equal(res.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
  }
  // Login too: a text/plain login is not a login.
  const login = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'text/plain' },
    payload: '{"username":"ag","password":"pw-123456"}',
  });
  t.equal(login.statusCode, 415);
  t.equal(await count(app, 'work_orders'), 0, 'no order created');
  t.equal((await app.http.inject({ url: '/api/auth/me', cookies: agent })).statusCode, 200, 'logout refused');
});

t.test('routes that do not use the cookie session are judged by their own authentication, not the header', async (t) => {
  const app = await testApp(t);
  // The intake bridges are called by servers, without our cookie: no header needed.
  const res = await injectAsIs(app, {
    method: 'POST',
    url: '/api/intake/web',
    payload: { category: 'consultation', subject: '咨询', content: '咨询社保', phone: '13800000001' },
  });
  t.not(res.json()?.error?.code, 'CSRF_HEADER_REQUIRED', res.body);
  // A browser that carries our cookie there still needs the header: the cookie is ambient authority.
  const agent = await loginCookies(app, 'ag', 'agent');
  const withCookie = await injectAsIs(app, {
    method: 'POST',
    url: '/api/intake/web',
    cookies: agent,
    payload: { category: 'consultation', subject: '咨询', content: '咨询社保', phone: '13800000001' },
  });
  t.equal(withCookie.json().error.code, 'CSRF_HEADER_REQUIRED');
});
