/**
 * The rollups' builds read outside their write transaction (src/reports/report-rollups.ts
 * RollupBuilder) and the server's job runs them in a worker thread (report-rollups-worker.ts):
 * - a change committed between a build's read and its write (made there by the afterRead hook,
 *   in this thread and in the worker's case) leaves the day dirty — and a month's sums unwritten —
 *   and the next build includes it; also for a day built for the first time (its claim);
 * - the worker writes the same rows as a build in this thread, on the hand-built days of
 *   report-fixture.ts and after late changes to built days;
 * - app.close() ends the worker thread (no thread left running, so no hang at shutdown).
 */
import t, { type Test } from 'tap';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';
import { testApp } from '../helpers/app.js';
import { callCounts } from '../../src/reports/call-kpis.js';
import { orderCounts } from '../../src/reports/order-kpis.js';
import { ReportRollups, type AfterRead, type BuiltDay, type RollupSource } from '../../src/reports/report-rollups.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import type { DbHandle } from '../../src/db/connection.js';

const platform: Actor = { id: 101, role: 'agent', unitId: null };
const OCT9 = bj('2026-10-09T00:00');
const OCTOBER = { start: bj('2026-10-01T00:00'), end: bj('2026-11-01T00:00') };
const sorted = <V>(m: Map<string | null, V>) => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const dirty = (h: DbHandle) =>
  (h.sqlite.prepare('select source, day from report_rollup_dirty order by source, day').all() as Array<{ source: string; day: number }>).map(
    (d) => `${d.source} ${new Date(d.day + 8 * 3_600_000).toISOString().slice(0, 10)}`,
  );
/** The process's worker threads (Node's diagnostic report lists each running one). */
const threads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;

async function until(t: Test, what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The days' and months' rows of every rollup table, in a stable order (built_at left out: the two builds ran at different times). */
function rollupRows(h: DbHandle): Record<string, unknown[]> {
  const all = (q: string) => h.sqlite.prepare(q).all();
  return {
    calls: all('select * from report_call_days order by month, day, hotline, agent_id, dialled_number'),
    orders: all('select * from report_order_days order by month, day, unit_id, category, channel'),
    repeats: all('select * from report_order_repeats order by day, field, order_id'),
    co: all('select * from report_co_days order by month, day, unit_id'),
    days: all('select source, day from report_rollup_days order by source, day'),
    dirty: all('select source, day from report_rollup_dirty order by source, day'),
  };
}

/** A change to 9 Oct of a source (each call a real one): call c2 moved to the other hotline; order O2 re-dispatched to the other unit. */
function changeOct9(h: DbHandle, source: RollupSource, o2: number): void {
  if (source === 'calls') h.sqlite.prepare(`update calls set hotline = case hotline when '12315' then '12345' else '12315' end where id = 'c2'`).run();
  else h.sqlite.prepare(`update work_orders set lead_unit_id = case lead_unit_id when 'dq-amr' then 'city-hrss' else 'dq-amr' end where id = ?`).run(o2);
}

/** Each source's counts of 9 Oct and of October from the rollups equal the raw ones. */
function sameAsRaw(t: Test, h: DbHandle, r: ReportRollups, now: number, label: string): void {
  for (const p of [{ start: OCT9, end: OCT9 + 86_400_000 }, OCTOBER]) {
    t.same(sorted(r.callCounts(p.start, p.end, 'hotline')), sorted(callCounts(h.db, p.start, p.end, 'hotline')), `${label}: calls by hotline`);
    t.same(sorted(r.orderCounts(p.start, p.end, 'unit', now)), sorted(orderCounts(h.db, p.start, p.end, 'unit', now)), `${label}: orders by unit`);
  }
}

/**
 * The race, for builds in this thread (catchUp called here) or in the worker (the job started,
 * jobIn 'worker'): a change made by the afterRead hook between the read and the write of 9 Oct (and
 * of October's sums) must leave them dirty — checked at the next read, while the worker waits —
 * and the next build include it.
 */
async function race(t: Test, jobIn: 'worker' | undefined): Promise<void> {
  const h = openTmpDb(t);
  const { orders } = await buildReportFixture(h);
  const o2 = orders.o2!;
  const now = bj('2026-11-02T12:00');
  let inject: AfterRead | undefined;
  const builds: BuiltDay[] = [];
  const rollups = new ReportRollups({
    db: h.db,
    now: () => now,
    afterRead: (source, day, month) => inject?.(source, day, month),
    onBuild: (b) => builds.push(b),
    onError: (err) => t.fail(String(err)),
    busyMs: 5,
    idleMs: 5,
    ...(jobIn ? { jobIn } : {}),
  });
  t.teardown(() => rollups.close());
  /** The job (worker) runs until `done`; here, catchUp until `done` (a changed day needs a second one). */
  const drive = async (what: string, done: () => boolean) => {
    if (jobIn) return until(t, what, done);
    for (let i = 0; i < 4 && !done(); i++) rollups.catchUp(Infinity, (b) => builds.push(b));
    t.ok(done(), what);
  };
  const outcomes = (from: number, source: RollupSource, day: number, month: boolean) =>
    builds
      .slice(from)
      .filter((b) => b.source === source && b.day === day && b.month === month)
      .map((b) => b.outcome)
      .join(' ');
  /** At the second read of 9 Oct, the first write having found the change: the day is dirty and read raw. */
  const stillDirty = (source: RollupSource, label: string) => {
    t.ok(dirty(h).includes(`${source} 2026-10-09`), `${label}: 9 Oct still dirty`);
    t.notOk(rollups.cleanDays(source, OCT9, OCT9 + 86_400_000).has(OCT9), `${label}: 9 Oct read raw meanwhile`);
    sameAsRaw(t, h, rollups, now, `${label}, dirty`);
  };

  // 1. First builds: a change to 9 Oct while it is read for the first time (no mark yet: its claim lets the triggers mark it).
  const reads = { calls: 0, orders: 0 };
  inject = (source, day, month) => {
    if (month || day !== OCT9) return;
    if (++reads[source] === 1) changeOct9(h, source, o2);
    else stillDirty(source, `${source}, first build`);
  };
  if (jobIn) rollups.start();
  await drive('both sources of 9 Oct built after a changed first build', () =>
    (['calls', 'orders'] as const).every((s) => outcomes(0, s, OCT9, false) === 'changed built'),
  );
  await drive('everything built', () => !rollups.hasPending());
  t.same(reads, { calls: 2, orders: 2 }, '9 Oct read twice per source');
  t.same(dirty(h), [], 'no dirty day left');
  sameAsRaw(t, h, rollups, now, 'after the first builds');
  t.equal(rollups.plan('calls', OCTOBER.start, OCTOBER.end).months.length, 1, "October's call sums built");

  // 2. A built day marked dirty, changed again while it is rebuilt: the mark is raised and stays.
  for (const source of ['calls', 'orders'] as const) {
    const from = builds.length;
    let i = 0;
    inject = (s, day, month) => {
      if (s !== source || month || day !== OCT9) return;
      if (++i === 1) changeOct9(h, source, o2);
      else stillDirty(source, `${source}, rebuild`);
    };
    changeOct9(h, source, o2);
    await drive(`${source}: 9 Oct rebuilt after a changed rebuild`, () => outcomes(from, source, OCT9, false) === 'changed built');
    await drive('everything built', () => !rollups.hasPending());
    t.equal(i, 2, `${source}: read twice`);
    t.same(dirty(h), [], `${source}: no dirty day left`);
    t.ok(rollups.cleanDays(source, OCT9, OCT9 + 86_400_000).has(OCT9), `${source}: 9 Oct read from the rollups`);
    sameAsRaw(t, h, rollups, now, `${source} rebuilt with the change`);
  }

  // 3. October's sums: a change to 9 Oct between their read and their write leaves them unwritten.
  for (const source of ['calls', 'orders'] as const) {
    const from = builds.length;
    let summed = 0;
    inject = (s, day, month) => {
      if (s !== source) return;
      if (month && day === OCTOBER.start && ++summed === 1) changeOct9(h, source, o2);
      if (!month && day === OCT9) {
        t.equal(rollups.plan(source, OCTOBER.start, OCTOBER.end).months.length, 0, `${source}: October read from its days meanwhile`);
        sameAsRaw(t, h, rollups, now, `${source}: month not summed`);
      }
    };
    h.sqlite.prepare(`delete from report_rollup_days where source = ? and day = ?`).run(`${source}-month`, OCTOBER.start);
    await drive(`${source}: October summed after a changed first try`, () => outcomes(from, source, OCTOBER.start, true) === 'changed built');
    t.equal(outcomes(from, source, OCT9, false), 'built', `${source}: 9 Oct rebuilt in between`);
    t.equal(rollups.plan(source, OCTOBER.start, OCTOBER.end).months.length, 1, `${source}: October summed again`);
    sameAsRaw(t, h, rollups, now, `${source}: month summed with the change`);
  }
  inject = undefined;
}

t.test('a change between a build’s read and its write leaves the day dirty, in this thread', (t) => race(t, undefined));
t.test('a change between a build’s read and its write leaves the day dirty, in the worker', (t) => race(t, 'worker'));

t.test('the worker writes the same rows as a build in this thread', async (t) => {
  const build = async (jobIn: 'worker' | 'inline' | undefined) => {
    const h = openTmpDb(t);
    const { orders } = await buildReportFixture(h);
    const clock = { now: bj('2026-10-10T09:00') };
    const svc = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now);
    // O4 supervised on 10 and 11 Oct: 督办 counts it once over both days (report_order_repeats).
    await svc.apply(orders.o4!, { type: 'supervise', level: 1, reason: '超期' }, platform);
    clock.now = bj('2026-10-11T09:00');
    await svc.apply(orders.o4!, { type: 'supervise', level: 2, reason: '仍未办结' }, platform);
    clock.now = bj('2026-10-12T09:00');
    let now = bj('2026-10-12T12:00');
    const catchUp = async () => {
      const rollups = new ReportRollups({ db: h.db, now: () => now, busyMs: 5, idleMs: 5, onError: (err) => t.fail(String(err)), ...(jobIn ? { jobIn } : {}) });
      if (!jobIn) return void t.ok(rollups.catchUp(), 'built in this thread');
      rollups.start();
      await until(t, `the ${jobIn} job to build everything`, () => !rollups.hasPending());
      await rollups.close();
    };
    await catchUp();
    const built = rollupRows(h);
    // Late changes to built days, then rebuilt; then on 2 Nov the months.
    await svc.apply(orders.o7!, { type: 'callback_done', result: 'demand' }, platform);
    await svc.apply(
      orders.o5!,
      { type: 'redispatch', leadUnitId: 'dq-amr', signDeadlineAt: bj('2026-10-12T12:00'), deadlineAt: bj('2026-10-16T17:30') },
      platform,
    );
    h.sqlite.prepare(`update users set unit_id = 'dq-amr' where id = 102`).run();
    h.sqlite.prepare(`update calls set hotline = '12315' where id = 'c1'`).run();
    now = bj('2026-11-02T12:00');
    await catchUp();
    return { h, built, rebuilt: rollupRows(h) };
  };
  const inThread = await build(undefined);
  const inWorker = await build('worker');
  const sizes = Object.fromEntries(Object.entries(inThread.built).map(([k, v]) => [k, v.length]));
  t.ok(sizes['calls']! >= 5 && sizes['orders']! >= 5 && sizes['repeats']! >= 1, `rows to compare: ${JSON.stringify(sizes)}`);
  t.same(inWorker.built, inThread.built, 'the same rows built from the fixture');
  t.ok(
    (inThread.rebuilt.calls ?? []).some((r) => (r as { month: number }).month === 1),
    'months summed',
  );
  t.same(inWorker.rebuilt, inThread.rebuilt, 'the same rows after the late changes and the months');
  const inline = await build('inline');
  t.same(inline.rebuilt, inThread.rebuilt, "the job in this thread ('inline') too");
});

t.test('app.close() ends the worker thread', async (t) => {
  const app = await testApp(t);
  const before = threads();
  // A backlog for the app's job (its clock is the real one: every day from 1 Sep 2026 to yesterday).
  await buildReportFixture(app.db);
  const built = () => app.db.sqlite.prepare(`select count(*) from report_rollup_days where built_at > 0`).pluck().get() as number;
  await until(t, "the app's job to build a day", () => built() > 0);
  t.equal(threads(), before + 1, 'the job runs in a worker thread');
  t.ok(app.db.sqlite.prepare(`select count(*) from report_rollup_days`).pluck().get() as number, 'writing into the app’s database file');
  await app.close();
  t.equal(threads(), before, 'no worker thread left after app.close()');
});
