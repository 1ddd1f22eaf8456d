/**
 * The daily rollups built on the asynchronous port, on both databases (src/reports/rollup-builder.ts
 * `runRollupOps`, rollup-runners.ts): the hand-built days of test/helpers/report-fixture.ts in a
 * temp SQLite file, copied into a real PostgreSQL and into a second SQLite file before any rollup
 * is built. The synchronous builder on the first file (the worker's, already held to the raw
 * reports by report-rollups.test.ts), the port's builder on the second file and the port's builder
 * on PostgreSQL write the same rollup rows, marks and month sums. On PostgreSQL: a change between
 * a build's read and its write leaves the day dirty and the next build takes it in; two builders
 * at once (two nodes) write each day's and month's rows once.
 */
import path from 'node:path';
import t, { type Test } from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { copyToPostgres } from '../../src/db/copy-to-postgres.js';
import { openPostgres, type PgHandle } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { RollupBuilder, catchUpOps, runRollupOps, type BuiltDay } from '../../src/reports/rollup-builder.js';
import { pgRollupRunner, sqliteRollupRunner } from '../../src/reports/rollup-runners.js';
import { PortRollupsJob } from '../../src/reports/rollups-job.js';
import { callCountsByKeysRead } from '../../src/reports/call-kpis.js';
import { pgReportReader } from '../../src/reports/report-read-pg.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import { tmpDir } from '../helpers/db-fixtures.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';

const platform: Actor = { id: 101, role: 'agent', unitId: null };
const NOW = bj('2026-11-02T12:00');
const now = () => NOW;
const OCT9 = bj('2026-10-09T00:00');
const TABLES = {
  report_call_days: 'month, day, hotline, agent_id, dialled_number',
  report_order_days: 'month, day, unit_id, category, channel',
  report_order_repeats: 'day, field, order_id',
  report_co_days: 'month, day, unit_id',
  report_rollup_days: 'source, day',
  report_rollup_dirty: 'source, day',
};
/** A row with its keys sorted and every value as text (SQLite and PostgreSQL return numbers and bigints differently); the rows are then sorted as text (the dialects sort NULLs apart). */
const norm = (r: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(r)
      .filter((k) => k !== 'id')
      .sort()
      .map((k) => [k, r[k] === null ? null : String(r[k])]),
  );

function liteRows(h: DbHandle): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(TABLES).map(([table, order]) => [
      table,
      (h.sqlite.prepare(`select * from ${table} order by ${order}`).all() as Array<Record<string, unknown>>).map(norm).sort(),
    ]),
  );
}
async function pgRows(pgh: PgHandle): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, order] of Object.entries(TABLES)) out[table] = (await pgh.pool.query(`select * from ${table} order by ${order}`)).rows.map(norm).sort();
  return out;
}
const counts = (rows: Record<string, string[]>) => Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.length]));

/** One PostgreSQL server for the file's tests (each test has its own database on it), started at the first use. */
let server: Promise<PostgresServer> | undefined;
const pgServer = () => (server ??= startPostgres(t));

/** The fixture in a SQLite file, a copy of it in a second file and in a new PostgreSQL database, no rollup built. */
async function fixtures(t: Test, name: string) {
  const dir = tmpDir(t, `sunline-${name}-`);
  const file = path.join(dir, 'a.db');
  const a = openDb({ file });
  t.teardown(() => a.close());
  const { orders } = await buildReportFixture(a);
  // O4 supervised on 10 and 11 Oct (督办 counted once over both days: report_order_repeats), a late callback and a re-dispatch.
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(a.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction) => {
    clock.now = bj(when);
    await svc.apply(id, action, platform);
  };
  await act(orders.o4!, '2026-10-10T09:00', { type: 'supervise', level: 1, reason: '超期' });
  await act(orders.o4!, '2026-10-11T09:00', { type: 'supervise', level: 2, reason: '仍未办结' });
  await act(orders.o7!, '2026-10-11T09:30', { type: 'callback_done', result: 'demand' });
  await act(orders.o5!, '2026-10-11T09:40', {
    type: 'redispatch',
    leadUnitId: 'dq-amr',
    signDeadlineAt: bj('2026-10-11T12:00'),
    deadlineAt: bj('2026-10-16T17:30'),
  });
  const copyFile = path.join(dir, 'b.db');
  await a.sqlite.backup(copyFile);
  const b = openDb({ file: copyFile });
  t.teardown(() => b.close());
  const url = await (await pgServer()).createDatabase(name);
  await copyToPostgres({ sqliteFile: file, url });
  const pgh = await openPostgres({ url, max: 4 });
  t.teardown(() => pgh.close());
  return { a, b, pgh, orders };
}

t.test('the port builds the same rollups on SQLite and on PostgreSQL as the synchronous builder', async (t) => {
  const { a, b, pgh } = await fixtures(t, 'rollups_port');
  t.same(counts(liteRows(a)).report_rollup_days, 0, 'nothing built yet');
  t.ok(new RollupBuilder(a.db, now).catchUp(), 'the synchronous builder: everything built');
  const expected = liteRows(a);
  t.ok(
    expected.report_call_days!.length >= 8 && expected.report_order_days!.length > 10 && expected.report_order_repeats!.length > 0,
    `rows to compare: ${JSON.stringify(counts(expected))}`,
  );
  t.ok(
    expected.report_rollup_days!.some((r) => r.includes('calls-month')),
    'month sums among them',
  );

  const lite = sqliteAsync(b);
  t.teardown(() => lite.close());
  const builds: BuiltDay[] = [];
  t.ok(
    await runRollupOps(
      sqliteRollupRunner(lite),
      catchUpOps(now, Infinity, (x) => builds.push(x)),
    ),
    'SQLite port: everything built',
  );
  t.same(liteRows(b), expected, 'SQLite port: the same rows');
  t.ok(builds.length > 20 && builds.every((x) => x.outcome === 'built'), `SQLite port: ${builds.length} builds`);

  t.ok(await runRollupOps(pgRollupRunner(postgresAsync(pgh)), catchUpOps(now)), 'PostgreSQL: everything built');
  t.same(await pgRows(pgh), expected, 'PostgreSQL: the same rows');
  t.ok(await runRollupOps(pgRollupRunner(postgresAsync(pgh)), catchUpOps(now)), 'PostgreSQL: nothing left, a second catch-up builds nothing');
  t.same(await pgRows(pgh), expected, 'PostgreSQL: unchanged');
});

t.test('PostgreSQL: a change between a build’s read and its write leaves the day dirty; the next build takes it in', async (t) => {
  const { pgh } = await fixtures(t, 'rollups_race');
  const port = postgresAsync(pgh);
  const runner = pgRollupRunner(port);
  const builds: BuiltDay[] = [];
  let changed = 0;
  const afterRead = async (source: string, day: number, month: boolean) => {
    if (source !== 'calls' || month || day !== OCT9 || changed++ > 0) return;
    await pgh.pool.query(`update calls set hotline = case hotline when '12315' then '12345' else '12315' end where id = 'c2'`);
  };
  t.notOk(
    await runRollupOps(
      runner,
      catchUpOps(now, Infinity, (x) => builds.push(x)),
      afterRead,
    ),
    'not done: 9 Oct changed while built',
  );
  const oct9 = () => builds.filter((x) => x.source === 'calls' && x.day === OCT9 && !x.month).map((x) => x.outcome);
  t.same(oct9(), ['changed'], 'the first build of 9 Oct found its rows changed');
  t.same((await pgh.pool.query(`select source from report_rollup_dirty where day = $1`, [OCT9])).rows, [{ source: 'calls' }], '9 Oct still dirty');
  t.ok(
    await runRollupOps(
      runner,
      catchUpOps(now, Infinity, (x) => builds.push(x)),
      afterRead,
    ),
    'the next catch-up builds it',
  );
  t.same(oct9(), ['changed', 'built']);
  const raw = await pgReportReader(port).read(() => callCountsByKeysRead(OCT9, OCT9 + 86_400_000));
  const built = (await pgh.pool.query(`select hotline, calls_in from report_call_days where day = $1 and month = 0 order by hotline`, [OCT9])).rows;
  const byHotline = new Map<string, number>();
  for (const r of raw) byHotline.set(r.hotline, (byHotline.get(r.hotline) ?? 0) + Number(r.callsIn));
  const sumBuilt = new Map<string, number>();
  for (const r of built as Array<{ hotline: string; calls_in: number }>) sumBuilt.set(r.hotline, (sumBuilt.get(r.hotline) ?? 0) + Number(r.calls_in));
  t.same([...sumBuilt].sort(), [...byHotline].sort(), '9 Oct built with the change (calls by hotline as read raw)');
  t.ok(changed > 0, 'the change was made');
});

t.test('PostgreSQL: two builders at once (two nodes) write each day and month once', async (t) => {
  const { a, pgh } = await fixtures(t, 'rollups_two');
  t.ok(new RollupBuilder(a.db, now).catchUp());
  // A day claimed again by the second builder after the first built it is built twice: its seq differs, not its rows.
  const withoutSeq = (rows: Record<string, string[]>) => ({
    ...rows,
    report_rollup_days: rows.report_rollup_days!.map((r) => r.replace(/\["seq","\d+"\],/, '')).sort(),
  });
  const expected = withoutSeq(liteRows(a));
  for (let round = 1; round <= 3; round++) {
    const both = await Promise.allSettled([
      runRollupOps(pgRollupRunner(postgresAsync(pgh)), catchUpOps(now)),
      runRollupOps(pgRollupRunner(postgresAsync(pgh)), catchUpOps(now)),
    ]);
    t.same(
      both.map((r) => r.status),
      ['fulfilled', 'fulfilled'],
      `round ${round}: neither builder failed`,
    );
    // A build that found its day changed by the other builder leaves it for the next catch-up.
    let done = false;
    for (let i = 0; i < 3 && !done; i++) done = await runRollupOps(pgRollupRunner(postgresAsync(pgh)), catchUpOps(now));
    t.ok(done, `round ${round}: a catch-up after them finds everything built`);
    t.same(withoutSeq(await pgRows(pgh)), expected, `round ${round}: the rows of one build, none twice`);
    // Next round: the month sums and a day again, both builders at once.
    await pgh.pool.query(`delete from report_rollup_days where source like '%-month'`);
    await pgh.pool.query(`update calls set hotline = hotline where entered_at >= $1 and entered_at < $2`, [OCT9, OCT9 + 86_400_000]);
  }
});

t.test('PostgreSQL: the job on the port builds everything in the background, and stops', async (t) => {
  const { a, pgh } = await fixtures(t, 'rollups_job');
  t.ok(new RollupBuilder(a.db, now).catchUp());
  const expected = liteRows(a);
  const builds: BuiltDay[] = [];
  const errors: unknown[] = [];
  const job = new PortRollupsJob({
    runner: pgRollupRunner(postgresAsync(pgh)),
    now,
    busyMs: 5,
    idleMs: 5,
    onBuild: (b) => builds.push(b),
    onError: (e) => errors.push(e),
  });
  t.ok(await job.hasPending(), 'days to build');
  job.start();
  const deadline = Date.now() + 60_000;
  while ((await job.hasPending()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await job.close();
  t.notOk(await job.hasPending(), 'everything built');
  t.same(await pgRows(pgh), expected, 'the rows of the synchronous builder');
  t.ok(builds.length > 20, `${builds.length} builds told`);
  t.same(errors, [], 'no error');
  const told = builds.length;
  await new Promise((r) => setTimeout(r, 50));
  t.equal(builds.length, told, 'no turn after close()');
});
