/**
 * The server on PostgreSQL (issue 16 item 1: SUNLINE_DATABASE_URL, src/wiring/database.ts): two
 * app instances on one real PostgreSQL (two nodes), no SQLite file. Work orders made through the
 * REST API on one node are read, listed, searched (Chinese text) and acted on through the other;
 * the desk, the reports, today's queue statistics, hot topics, readiness and /metrics answer from
 * PostgreSQL. A bad URL or pool size stops the server at start with the setting's name.
 */
import fs from 'node:fs';
import t from 'tap';
import { loadEnv } from '../../src/config/env.js';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { startPostgres } from '../helpers/postgres.js';

const DAY = 86_400_000;
type Cookies = { sunline_session: string };

async function create(app: Sunline, cookies: Cookies, body: Record<string, unknown>) {
  const res = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies, payload: { channel: '12345', ...body } });
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; number: string; version: number };
}

t.test('two nodes on one PostgreSQL: orders, desk, reports, health and metrics', async (t) => {
  const server = await startPostgres(t);
  const url = await server.createDatabase('app_on_pg');
  const a = await testApp(t, { env: { SUNLINE_DATABASE_URL: url, SUNLINE_DB_POOL_SIZE: '4' } });
  const b = await testApp(t, { env: { SUNLINE_DATABASE_URL: url, SUNLINE_DB_POOL_SIZE: '4' } });
  t.equal(a.database.dialect, 'postgres');
  t.notOk(fs.existsSync(a.env.dbFile), 'no SQLite file is made');
  t.throws(() => a.db, /PostgreSQL/, 'the SQLite handle is refused');

  const agentA = await loginCookies(a, 'pg-agent', 'agent');
  // The account and its session are in PostgreSQL: the other node accepts the login.
  const login = await b.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'pg-agent', password: 'pw-123456' } });
  t.equal(login.statusCode, 200, 'the other node logs the same account in');
  const agentB = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  t.equal((await a.http.inject({ method: 'GET', url: '/api/auth/me', cookies: agentB })).statusCode, 200, 'a session made on B is accepted on A');

  const food = await create(a, agentA, {
    category: 'complaint',
    subject: '超市销售过期食品',
    content: '在人民路超市买到过期食品，要求处理',
    callerPhone: '13800000001',
  });
  const lamp = await create(a, agentA, { category: 'suggestion', subject: '路灯不亮', content: '小区门口路灯坏了', location: '吴兴区' });
  t.not(food.number, lamp.number, 'distinct order numbers');
  const onB = await b.http.inject({ method: 'GET', url: `/api/workorders/${food.id}`, cookies: agentB });
  t.equal(onB.statusCode, 200, 'made on A, read on B');
  t.equal(onB.json().number, food.number);
  const dispatched = await b.http.inject({
    method: 'POST',
    url: `/api/workorders/${lamp.id}/actions`,
    cookies: agentB,
    payload: { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: Date.now() + 5 * DAY },
  });
  t.equal(dispatched.statusCode, 200, 'acted on through B');
  const list = (await a.http.inject({ method: 'GET', url: '/api/workorders?status=dispatched', cookies: agentA })).json() as {
    total: number;
    items: Array<{ id: number }>;
  };
  t.same(
    list.items.map((o) => o.id),
    [lamp.id],
    "A lists B's dispatch",
  );
  const found = (await a.http.inject({ method: 'GET', url: `/api/workorders?q=${encodeURIComponent('过期食品')}`, cookies: agentA })).json() as {
    items: Array<{ id: number }>;
  };
  t.same(
    found.items.map((o) => o.id),
    [food.id],
    'a Chinese text search on PostgreSQL',
  );
  const stale = await a.http.inject({
    method: 'POST',
    url: `/api/workorders/${lamp.id}/actions`,
    cookies: agentA,
    payload: { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: Date.now() + 5 * DAY, expectedVersion: lamp.version },
  });
  t.equal(stale.statusCode, 409, 'a stale version is refused on PostgreSQL too');

  const lead = await loginCookies(a, 'pg-lead', 'shift_lead');
  for (const [label, url] of [
    ['desk queues', '/api/desk/queues'],
    ['desk search', `/api/desk/orders?q=${encodeURIComponent('路灯')}`],
    ['desk order page', `/api/desk/orders/${lamp.id}`],
    ['KPI report', '/api/reports/kpis?period=day'],
    ['daily trend', '/api/reports/daily?period=month'],
    ['hot topics', '/api/reports/hot-topics?period=month'],
    ["today's queue statistics", '/api/queue/stats'],
  ] as const) {
    const res = await b.http.inject({ method: 'GET', url, cookies: lead });
    t.equal(res.statusCode, 200, `${label}: ${res.statusCode === 200 ? 'ok' : res.body.slice(0, 200)}`);
  }
  const desk = (await b.http.inject({ method: 'GET', url: `/api/desk/orders/${lamp.id}`, cookies: lead })).json() as { number: string };
  t.equal(desk.number, lamp.number, "the desk's order page from PostgreSQL");

  const ready = await a.http.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { components: { database: { ok: true } } }, 'readiness: the database is ok');
  const metrics = await a.http.inject({ method: 'GET', url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.body, /sunline_db_commit_seconds \d/, 'the commit probe committed on PostgreSQL');
});

t.test('a bad SUNLINE_DATABASE_URL or pool size stops the server at start', async (t) => {
  t.throws(() => loadEnv({ SUNLINE_DATABASE_URL: 'mysql://u:secret@db/sunline' }), /SUNLINE_DATABASE_URL: must be a postgres:\/\//);
  t.throws(() => loadEnv({ SUNLINE_DATABASE_URL: 'not a url' }), /SUNLINE_DATABASE_URL/);
  t.throws(() => loadEnv({ SUNLINE_DATABASE_URL: 'postgres://db/sunline', SUNLINE_DB_POOL_SIZE: '0' }), /SUNLINE_DB_POOL_SIZE: at least 1/);
  t.equal(loadEnv({}).databaseUrl, null, 'unset: SQLite');
  t.equal(loadEnv({ SUNLINE_DATABASE_URL: 'postgresql://u@db:5432/sunline' }).databaseUrl, 'postgresql://u@db:5432/sunline');
});
