/**
 * The outbound callback figures (issue 12 item 4, src/reports/callback-kpis.ts): one hand-built
 * set of missed calls and callbacks over two Beijing days, read on SQLite through GET
 * /api/reports/callbacks (figures, by day and agent, who may read it, bad input) and with the same
 * two queries on a real PostgreSQL, which must give the same figures (both dialects).
 */
import path from 'node:path';
import t from 'tap';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { MIGRATIONS_DIR } from '../../src/db/connection.js';
import { attemptRow, attemptsQuery, callbackFigures, missedQuery, missedRow, percentile } from '../../src/reports/callback-kpis.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { startPostgres } from '../helpers/postgres.js';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.parse('2026-10-09T10:00:00+08:00');
const D2 = Date.parse('2026-10-10T09:00:00+08:00');

/**
 * Callers A (two missed calls), B and C on 9 October, D on the 10th; an order waiting for its 回访.
 * A: busy after 30 min, reached after 90; B: no answer after 30 h (and a dial cancelled: no try);
 * C: never called; D: failed after 10 min; the 回访 order answered at 13:00.
 */
const FIXTURE = `
insert into users (id, username, display_name, role, password_hash) values (101, 'cb-ann', '安', 'agent', 'x');
insert into users (id, username, display_name, role, password_hash) values (102, 'cb-bob', '卜', 'agent', 'x');
insert into work_orders (id, number, channel, status, caller_phone, created_at, updated_at) values
  (9001, 'T-1', '12345', 'missed_call', '13800000001', ${T0}, ${T0}),
  (9002, 'T-2', '12345', 'missed_call', '13800000001', ${T0 + 10 * MIN}, ${T0 + 10 * MIN}),
  (9003, 'T-3', '12345', 'missed_call', '13800000002', ${T0 + H}, ${T0 + H}),
  (9004, 'T-4', '12345', 'missed_call', '13800000003', ${T0 + 2 * H}, ${T0 + 2 * H}),
  (9005, 'T-5', '12345', 'missed_call', '13800000004', ${D2}, ${D2}),
  (9006, 'T-6', '12345', 'reviewed', '13800000005', ${T0 - 48 * H}, ${T0});
insert into work_order_events (order_id, at, action, from_status, to_status) values
  (9001, ${T0}, 'create', null, 'missed_call'),
  (9002, ${T0 + 10 * MIN}, 'create', null, 'missed_call'),
  (9003, ${T0 + H - MIN}, 'create', null, 'draft'),
  (9003, ${T0 + H}, 'abandon', 'draft', 'missed_call'),
  (9004, ${T0 + 2 * H}, 'create', null, 'missed_call'),
  (9005, ${D2}, 'create', null, 'missed_call'),
  (9006, ${T0 - 48 * H}, 'create', null, 'draft');
insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome, direction, order_id) values
  ('c1', 'out-c1', '13800000001', '13800000001', '12345', 'ended', 101, ${T0 + 30 * MIN}, null, ${T0 + 31 * MIN}, 'busy', 'out', 9002),
  ('c2', 'out-c2', '13800000001', '13800000001', '12345', 'ended', 101, ${T0 + 90 * MIN}, ${T0 + 91 * MIN}, ${T0 + 95 * MIN}, 'answered', 'out', 9001),
  ('c3', 'out-c3', '13800000002', '13800000002', '12345', 'ended', 102, ${T0 + 31 * H}, null, ${T0 + 31 * H + MIN}, 'no_answer', 'out', 9003),
  ('c4', 'out-c4', '13800000002', '13800000002', '12345', 'ended', 102, ${T0 + 2 * H}, null, ${T0 + 2 * H + 5000}, 'cancelled', 'out', 9003),
  ('c5', 'out-c5', '13800000005', '13800000005', '12345', 'ended', 102, ${T0 + 3 * H}, ${T0 + 3 * H + 9000}, ${T0 + 3 * H + 5 * MIN}, 'answered', 'out', 9006),
  ('c6', 'out-c6', '13800000004', '13800000004', '12345', 'ended', 101, ${D2 + 10 * MIN}, null, ${D2 + 11 * MIN}, 'failed', 'out', 9005),
  ('i1', 'in-i1', '13800000001', '12345', '12345', 'ended', 101, ${T0 + 20 * MIN}, ${T0 + 21 * MIN}, ${T0 + 25 * MIN}, 'answered', 'in', null);
`;

const DAY9 = {
  cohort: {
    missedCallers: 3,
    calledBack: 2,
    reached: 1,
    calledBackWithin: 1,
    cohortAttempts: 3,
    callbackRate: 2 / 3,
    reachRate: 1 / 3,
    withinRate: 1 / 3,
    attemptsPerCallback: 1.5,
    waitP50Ms: 30 * MIN,
    waitP90Ms: 30 * H,
  },
  activity: { attempts: 3, answered: 2, busy: 1, noAnswer: 0, failed: 0, evaluationAttempts: 1, evaluationAnswered: 1 },
};

t.test('percentiles: nearest rank', async (t) => {
  t.equal(percentile([], 50), null);
  t.equal(percentile([5], 90), 5);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
});

t.test('GET /api/reports/callbacks on SQLite: the day, by day, by agent; readers; bad input', async (t) => {
  const app = await testApp(t);
  app.db.sqlite.exec(FIXTURE);
  const lead = await loginCookies(app, 'cbr-lead', 'shift_lead');
  const get = async (url: string, cookies: Record<string, string> | null = lead) => {
    const res = await app.http.inject({ method: 'GET', url, ...(cookies ? { cookies } : {}) });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };

  const day = await get('/api/reports/callbacks?period=day&date=2026-10-09');
  t.equal(day.status, 200, JSON.stringify(day.body));
  t.same(day.body.total, { key: '', label: null, ...DAY9 });
  t.same(day.body.rows, []);
  t.equal(day.body.withinHours, 24);
  const strict = await get('/api/reports/callbacks?period=day&date=2026-10-09&withinHours=1');
  t.match(strict.body.total.cohort, { calledBackWithin: 1, withinRate: 1 / 3 }, 'A within the hour');
  const loose = await get('/api/reports/callbacks?period=day&date=2026-10-09&withinHours=48');
  t.match(loose.body.total.cohort, { calledBackWithin: 2, withinRate: 2 / 3 }, 'B within 48 h');

  const two = await get('/api/reports/callbacks?period=custom&date=2026-10-09&to=2026-10-10&by=day');
  t.same(
    two.body.rows.map((r: any) => [
      r.key,
      r.cohort.missedCallers,
      r.cohort.calledBack,
      r.cohort.waitP50Ms,
      r.activity.attempts,
      r.activity.noAnswer,
      r.activity.failed,
    ]),
    [
      ['2026-10-09', 3, 2, 30 * MIN, 3, 0, 0],
      ['2026-10-10', 1, 1, 10 * MIN, 2, 1, 1],
    ],
  );
  t.match(two.body.total.cohort, { missedCallers: 4, calledBack: 3, cohortAttempts: 4 });

  const agents = await get('/api/reports/callbacks?period=day&date=2026-10-09&by=agent');
  t.same(
    agents.body.rows.map((r: any) => [r.key, r.label?.zh, r.cohort, r.activity.attempts, r.activity.answered, r.activity.evaluationAttempts]),
    [
      ['101', '安', null, 2, 1, 0],
      ['102', '卜', null, 1, 1, 1],
    ],
  );

  // Who may read it: as the call figures.
  const county = await loginCookies(app, 'cbr-county', 'dispatcher', { unitId: 'dq-12345' });
  const agent = await loginCookies(app, 'cbr-agent', 'agent');
  t.equal((await get('/api/reports/callbacks', county)).status, 403, 'a county sub-platform sees no call figures');
  t.equal((await get('/api/reports/callbacks', agent)).status, 403);
  t.equal((await get('/api/reports/callbacks', null)).status, 401);
  t.equal((await get('/api/reports/callbacks?withinHours=0')).status, 400);
  t.equal((await get('/api/reports/callbacks?by=unit')).status, 400);
  t.equal((await get('/api/reports/callbacks?period=day&date=2026-02-30')).body.error.code, 'PERIOD_INVALID');
});

t.test('PostgreSQL: the same queries give the same figures', async (t) => {
  const server = await startPostgres(t);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.teardown(() => client.end());
  await migrate(drizzle(client), { migrationsFolder: path.join(path.dirname(MIGRATIONS_DIR), 'migrations-pg') });
  await client.query(FIXTURE);
  const dialect = new PgDialect();
  const run = async (q: ReturnType<typeof missedQuery>) => {
    const { sql, params } = dialect.sqlToQuery(q);
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  };
  const start = Date.parse('2026-10-09T00:00:00+08:00');
  const end = start + 24 * H;
  const missed = (await run(missedQuery(start, end))).map(missedRow);
  const cohort = (await run(attemptsQuery({ orderIds: missed.map((m) => m.orderId) }))).map(attemptRow);
  const period = (await run(attemptsQuery({ start, end }))).map(attemptRow);
  const [total] = callbackFigures(missed, cohort, period, 'none', 24 * H);
  t.same(total, { key: '', ...DAY9 });
});
