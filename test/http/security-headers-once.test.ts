/**
 * The security headers are asked of helmet once, at start, and set by one hook
 * (http/security-headers.ts): every reply must carry exactly what @fastify/helmet, registered as
 * before and building helmet's middleware on every request, gave it — same names, values and
 * order — on every kind of route: JSON, text, 404, a thrown error, a HEAD, a hijacked reply, a
 * route that sets its own Content-Security-Policy (as Swagger UI does) and one that drops a
 * helmet header.
 */
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import t from 'tap';
import { HELMET_OPTIONS, helmetHeaderSteps, installSecurityHeaders } from '../../src/http/security-headers.js';
import { loginCookies, testApp } from '../helpers/app.js';

const OWN_CSP = "default-src 'self'; script-src 'self' 'sha256-abc'; frame-ancestors 'none'";

function routes(app: FastifyInstance): void {
  app.get('/json', () => ({ id: 1, subject: '路灯不亮' }));
  app.get('/text', (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/error', () => {
    throw new Error('boom');
  });
  app.get('/own-csp', (_req, reply) => reply.header('content-security-policy', OWN_CSP).type('text/html').send('<p>docs</p>'));
  app.get('/no-frame-options', (_req, reply) => {
    reply.raw.removeHeader('X-Frame-Options');
    return { framed: true };
  });
  app.get('/hijacked', (_req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.end('raw');
  });
  app.post('/echo', (req) => req.body);
}

/** Every header but Date, in order. */
const headersOf = (res: { headers: Record<string, unknown> }) => Object.entries(res.headers).filter(([name]) => name !== 'date');

const REQUESTS: InjectOptions[] = [
  { url: '/json' },
  { url: '/text' },
  { url: '/nowhere' },
  { url: '/error' },
  { url: '/own-csp' },
  { url: '/no-frame-options' },
  { url: '/hijacked' },
  { method: 'HEAD', url: '/json' },
  { method: 'POST', url: '/echo', payload: { a: 1 } },
];

t.test('each reply has the headers @fastify/helmet gave it, in the same order', async (t) => {
  const before = Fastify({ logger: false });
  await before.register(helmet, HELMET_OPTIONS);
  routes(before);
  const after = Fastify({ logger: false });
  await installSecurityHeaders(after);
  routes(after);
  t.teardown(() => Promise.all([before.close(), after.close()]));
  for (const req of REQUESTS) {
    const [a, b] = [await before.inject(req), await after.inject(req)];
    const name = `${req.method ?? 'GET'} ${req.url}`;
    t.equal(b.statusCode, a.statusCode, `${name}: status`);
    t.same(headersOf(b), headersOf(a), `${name}: same header names, values and order`);
    t.ok(b.headers['content-security-policy'], `${name}: has a CSP`);
  }
});

t.test('what helmet does to a response is read once, from helmet itself', async (t) => {
  const steps = await helmetHeaderSteps(HELMET_OPTIONS);
  const set = new Map(steps.flatMap((s) => ('set' in s ? [[s.set.toLowerCase(), s.value]] : [])));
  t.match(set.get('content-security-policy'), /frame-ancestors 'none'/);
  t.equal(set.get('x-frame-options'), 'DENY');
  t.notOk(set.has('content-type'), "only helmet's headers, none of the probe's own reply");
  t.same(
    steps.filter((s) => 'remove' in s),
    [{ remove: 'X-Powered-By' }],
  );
});

t.test("the app's routes carry helmet's headers; /docs keeps Swagger UI's own policy", async (t) => {
  const reference = Fastify({ logger: false });
  await reference.register(helmet, HELMET_OPTIONS);
  reference.get('/', () => ({}));
  t.teardown(() => reference.close());
  const expected = headersOf(await reference.inject({ url: '/' })).filter(([name]) => !/^content-(type|length)$/.test(name));
  t.ok(expected.length >= 10, 'helmet sets its headers');

  const app = await testApp(t);
  const cookies = await loginCookies(app, 'agent1', 'agent');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    payload: { channel: '12345', category: 'complaint', content: '路灯不亮' },
  });
  t.equal(created.statusCode, 201);
  const requests: InjectOptions[] = [
    { url: '/' },
    { url: '/api/auth/me' },
    { url: '/api/auth/me', cookies },
    { url: '/health/live' },
    { url: '/api/nowhere' },
    { url: '/api/workorders', cookies },
    { url: `/api/workorders/${created.json().id}`, cookies },
    { url: '/api/workorders?pageSize=100000', cookies },
    { method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'wrong-password' } },
  ];
  for (const req of requests) {
    const res = await app.http.inject(req);
    const name = `${req.method ?? 'GET'} ${req.url}`;
    for (const [header, value] of expected) t.equal(res.headers[header], value, `${name}: ${header}`);
  }
  for (const url of ['/docs/', '/docs/json']) {
    const docs = await app.http.inject({ url });
    for (const [header, value] of expected) {
      if (header === 'content-security-policy') t.not(docs.headers[header], value, `${url}: Swagger UI's own policy`);
      else t.equal(docs.headers[header], value, `${url}: ${header}`);
    }
    t.match(String(docs.headers['content-security-policy']), /frame-ancestors 'none'/);
  }
});
