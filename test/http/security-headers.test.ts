/**
 * Security headers and cookie flags (issue 9, low items): @fastify/helmet with a CSP the console
 * works under and no framing; the session cookie's Secure attribute per SUNLINE_COOKIE_SECURE
 * (auto: on, except towards a loopback client over plain http).
 */
import t from 'tap';
import { loadEnv } from '../../src/config/env.js';
import { testApp } from '../helpers/app.js';

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k!, v]),
  );

t.test('every reply carries the security headers; the CSP forbids framing and foreign scripts', async (t) => {
  const app = await testApp(t);
  for (const url of ['/', '/api/auth/me', '/health/live', '/api/nowhere']) {
    const res = await app.http.inject({ url });
    const csp = directives(String(res.headers['content-security-policy']));
    t.same(csp.get('frame-ancestors'), ["'none'"], `${url}: frame-ancestors`);
    t.same(csp.get('script-src'), ["'self'"], `${url}: script-src`);
    t.same(csp.get('connect-src'), ["'self'"], `${url}: fetch and socket.io to our origin only`);
    t.same(csp.get('object-src'), ["'none'"]);
    t.notOk(csp.has('upgrade-insecure-requests'), 'plain http installs keep working');
    t.equal(res.headers['x-frame-options'], 'DENY', `${url}: x-frame-options`);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['referrer-policy'], 'no-referrer');
  }
  const docs = await app.http.inject({ url: '/docs/' });
  t.match(String(docs.headers['content-security-policy']), /frame-ancestors 'none'/, 'the API docs cannot be framed either');
  t.notMatch(String(docs.headers['content-security-policy']), /upgrade-insecure-requests/);
});

const login = async (app: Awaited<ReturnType<typeof testApp>>, opts: { remoteAddress?: string; headers?: Record<string, string> } = {}) => {
  await app.users.upsert({ username: 'u', displayName: 'u', role: 'agent', password: 'pw-123456' });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'u', password: 'pw-123456' }, ...opts });
  const cookie = res.cookies.find((c) => c.name === 'sunline_session');
  if (res.statusCode !== 200 || !cookie?.httpOnly || cookie.sameSite !== 'Lax') throw new Error(`login: ${res.statusCode} ${JSON.stringify(cookie)}`);
  return cookie.secure === true;
};

t.test('SUNLINE_COOKIE_SECURE=auto (default): Secure except for a loopback client over plain http', async (t) => {
  t.equal(loadEnv({}).cookieSecure, 'auto');
  const app = await testApp(t);
  t.equal(await login(app, { remoteAddress: '127.0.0.1' }), false, 'a browser on this machine over http (tests, demo)');
  t.equal(await login(app, { remoteAddress: '::1' }), false, 'IPv6 loopback');
  t.equal(await login(app, { remoteAddress: '203.0.113.7' }), true, 'a client on the network');
  t.equal(await login(app, { remoteAddress: '10.0.0.5' }), true, 'a client on the LAN');
  // Without SUNLINE_TRUST_PROXY a loopback peer is the client, whatever it claims.
  t.equal(await login(app, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' } }), false);
});

t.test('auto behind a trusted TLS proxy on this machine: the forwarded client is not loopback, so Secure', async (t) => {
  const app = await testApp(t, { env: { SUNLINE_TRUST_PROXY: '127.0.0.1' } });
  t.equal(await login(app, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' } }), true);
  t.equal(await login(app, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } }), true, 'even without X-Forwarded-Proto');
});

t.test('SUNLINE_COOKIE_SECURE=true and false force it', async (t) => {
  const on = await testApp(t, { env: { SUNLINE_COOKIE_SECURE: 'true' } });
  t.equal(await login(on, { remoteAddress: '127.0.0.1' }), true);
  const off = await testApp(t, { env: { SUNLINE_COOKIE_SECURE: 'false' } });
  t.equal(await login(off, { remoteAddress: '203.0.113.7' }), false);
  t.throws(() => loadEnv({ SUNLINE_COOKIE_SECURE: 'maybe' }), /SUNLINE_COOKIE_SECURE/);
});
