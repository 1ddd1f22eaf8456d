/**
 * The reports on the asynchronous port, on both databases (decision 0017 step 4,
 * src/reports/report-read.ts): the hand-built days of test/helpers/report-fixture.ts (calls, and
 * orders driven through the real lifecycle; then a supervision on two days, a late callback that
 * marks a built day dirty, a re-dispatch) in a temp SQLite file, with the daily rollups built, and
 * copied into a real PostgreSQL (`sunline db copy-to-postgres`'s code: the same rows, the same
 * rollups and dirty marks). Every KPI report (each dimension, both area levels; a shift lead and a
 * county dispatcher; a day, a week, a month, a custom range; raw and from the rollups), the daily
 * trend, the drill-downs (orders and calls, each figure), the unit assessment (a lead, a county, a
 * unit handler) and the callback figures (by none, day, agent) read through the SQLite port and the
 * PostgreSQL port equal the same report read synchronously on the SQLite handle (the reports'
 * reads before the port), and the figures are not all zero. Then: one report is one snapshot on
 * both (a row committed by another connection while a report runs is not in it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import t from 'tap';
import { sql } from 'drizzle-orm';
import { openDb } from '../../src/db/connection.js';
import { copyToPostgres } from '../../src/db/copy-to-postgres.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { CALL_DRILL_FIGURES } from '../../src/reports/call-drill.js';
import { DRILL_FIGURES } from '../../src/reports/order-drill.js';
import { isPeriod, periodOf, type Period } from '../../src/reports/period.js';
import { ReportRollups } from '../../src/reports/report-rollups.js';
import { dbReportReader, rows, sqliteReportReader, type ReportRead, type ReportReader } from '../../src/reports/report-read.js';
import { AssessmentService } from '../../src/reports/assessment.js';
import { callbackReportRead } from '../../src/reports/callback-kpis.js';
import { AssessmentConfigSchema } from '../../src/config/files/schemas/assessment.js';
import type { Db } from '../../src/db/connection.js';
import { pgReportReader } from '../../src/reports/report-read-pg.js';
import { REPORT_DIMENSIONS, ReportsService, type AreaLevel } from '../../src/reports/reports-service.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import { tmpDir } from '../helpers/db-fixtures.js';
import { startPostgres } from '../helpers/postgres.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';

const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));
const assessmentConfig = AssessmentConfigSchema.parse({ minOrders: 1, interview: { bottom: 1, belowScore: 20 } });
const platform: Actor = { id: 101, role: 'agent', unitId: null };
const period = (...a: Parameters<typeof periodOf>): Period => {
  const p = periodOf(...a);
  if (!isPeriod(p)) throw new Error(p.message);
  return p;
};
const PERIODS = [period('day', '2026-10-09'), period('week', '2026-10-09'), period('month', '2026-10-09'), period('custom', '2026-09-28', '2026-10-11')];
const READERS = { lead: { role: 'shift_lead', unitId: null }, county: { role: 'dispatcher', unitId: 'dq-12345' } };
const NOW = bj('2026-10-11T12:00');

/** The fixture in a SQLite file, rollups built up to 9 Oct, then changes that make 9 Oct dirty and 10–11 Oct open. */
async function sqliteFixture(file: string) {
  const h = openDb({ file });
  const { orders } = await buildReportFixture(h);
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction) => {
    clock.now = bj(when);
    await svc.apply(id, action, platform);
  };
  const rollups = new ReportRollups({ db: h.db, now: () => bj('2026-10-10T12:00') });
  rollups.catchUp();
  await act(orders.o4!, '2026-10-10T09:00', { type: 'supervise', level: 1, reason: '超期' });
  await act(orders.o4!, '2026-10-11T09:00', { type: 'supervise', level: 2, reason: '仍未办结' });
  await act(orders.o7!, '2026-10-11T09:30', { type: 'callback_done', result: 'demand' }); // marks 9 Oct dirty
  await act(orders.o5!, '2026-10-11T09:40', {
    type: 'redispatch',
    leadUnitId: 'dq-amr',
    signDeadlineAt: bj('2026-10-11T12:00'),
    deadlineAt: bj('2026-10-16T17:30'),
  });
  return h;
}

/** Every report this test reads, by name, from one reader. */
async function allReports(from: { reads: ReportReader } | { db: Db }, rollups: boolean): Promise<Map<string, unknown>> {
  const reports = new ReportsService({ ...from, org: () => org, hotlineName: () => null, now: () => NOW, rollups });
  const assessment = new AssessmentService({ ...from, org: () => org, config: () => assessmentConfig, now: () => NOW, rollups });
  const reads = 'reads' in from ? from.reads : dbReportReader(from.db);
  const out = new Map<string, unknown>();
  for (const [who, user] of Object.entries({ ...READERS, handler: { role: 'unit_handler', unitId: 'city-hrss' } }))
    for (const month of ['2026-09', '2026-10']) out.set(`${who}: assessment of ${month}`, await assessment.scorecards(user, month));
  for (const p of PERIODS)
    for (const by of ['none', 'day', 'agent'] as const)
      out.set(`callbacks of ${p.kind} ${p.from} by ${by}`, await reads.read(() => callbackReportRead(p.start, p.end, by, 3_600_000)));
  for (const [who, user] of Object.entries(READERS))
    for (const p of PERIODS) {
      const at = `${who}, ${p.kind} ${p.from}`;
      for (const dim of REPORT_DIMENSIONS)
        for (const level of (dim === 'area' ? ['county', 'township'] : ['county']) as AreaLevel[])
          out.set(`${at}: kpis by ${dim}${dim === 'area' ? ` (${level})` : ''}`, await reports.kpis(user, p, dim, level));
      out.set(`${at}: daily trend`, await reports.daily(user, p));
      for (const figure of DRILL_FIGURES) {
        out.set(`${at}: orders of ${figure}`, await reports.drill(user, p, figure, 'none', null));
        out.set(`${at}: orders of ${figure} without a unit`, await reports.drill(user, p, figure, 'unit', null));
        out.set(`${at}: orders of ${figure} of dq-amr`, await reports.drill(user, p, figure, 'unit', 'dq-amr'));
        out.set(`${at}: orders of ${figure} of complaints`, await reports.drill(user, p, figure, 'category', 'complaint'));
      }
      if (who === 'lead')
        for (const figure of CALL_DRILL_FIGURES) {
          out.set(`${at}: calls of ${figure}`, await reports.drillCalls(user, p, figure, 'none', null));
          out.set(`${at}: calls of ${figure} of agent 101`, await reports.drillCalls(user, p, figure, 'agent', '101'));
        }
    }
  return out;
}

/** The numbers in `x` other than zero (so that a comparison of two reports is not one of zeros). */
function nonZero(x: unknown): number {
  if (typeof x === 'number') return x === 0 ? 0 : 1;
  if (Array.isArray(x)) return x.reduce((n: number, v) => n + nonZero(v), 0);
  if (x && typeof x === 'object') return Object.values(x).reduce((n: number, v) => n + nonZero(v), 0);
  return 0;
}

t.test('the reports read the same on SQLite and on PostgreSQL through the port', async (t) => {
  const file = path.join(tmpDir(t, 'sunline-report-reads-'), 'sunline.db');
  const h = await sqliteFixture(file);
  t.teardown(() => h.close());
  t.ok(h.sqlite.prepare(`select count(*) from report_rollup_dirty`).pluck().get(), 'a built day is dirty');
  const lite = sqliteAsync(h);
  t.teardown(() => lite.close());

  const server = await startPostgres(t);
  const url = await server.createDatabase('report_reads');
  const copied = await copyToPostgres({ sqliteFile: file, url });
  t.ok(copied.rows > 100, `copied ${copied.rows} rows`);
  const pgh = await openPostgres({ url, max: 4 });
  t.teardown(() => pgh.close());

  const ports: Record<string, ReportReader> = { sqlite: sqliteReportReader(lite), postgres: pgReportReader(postgresAsync(pgh)) };
  for (const rollups of [false, true]) {
    const how = rollups ? 'rollups' : 'raw';
    const expected = await allReports({ db: h.db }, rollups);
    t.ok(nonZero([...expected.values()]) > 500, `${how}: the expected reports have figures (${nonZero([...expected.values()])} non-zero numbers)`);
    for (const [dialect, reads] of Object.entries(ports)) {
      const got = await allReports({ reads }, rollups);
      let differing = 0;
      for (const [name, report] of expected) {
        // Only the differing ones are reported one by one (there are some 700 reports).
        if (JSON.stringify(got.get(name)) !== JSON.stringify(report)) {
          differing++;
          t.same(got.get(name), report, `${how}, ${dialect}: ${name}`);
        }
      }
      t.equal(differing, 0, `${how}, ${dialect}: all ${expected.size} reports as read synchronously on SQLite`);
    }
  }
});

t.test('a report is one snapshot: a row committed while it runs is not in it', async (t) => {
  const file = path.join(tmpDir(t, 'sunline-report-snapshot-'), 'sunline.db');
  const h = openDb({ file });
  t.teardown(() => h.close());
  const lite = sqliteAsync(h);
  t.teardown(() => lite.close());
  const server = await startPostgres(t);
  const pgh = await openPostgres({ url: await server.createDatabase('report_snapshot'), max: 4 });
  t.teardown(() => pgh.close());
  const pgPort = postgresAsync(pgh);
  const insertCall = (id: string) =>
    sql`insert into calls (id, caller_phone, hotline, dialled_number, direction, entered_at, state) values (${id}, '13900000000', '12345', '12345', 'in', 1, 'ended')`;
  const ports = {
    sqlite: { reads: sqliteReportReader(lite), insert: (id: string) => lite.transaction((tx) => tx.run((db) => db.run(insertCall(id)))) },
    postgres: { reads: pgReportReader(pgPort), insert: (id: string) => pgPort.transaction(async (tx) => void (await tx.execute(insertCall(id)))) },
  };
  for (const [dialect, { reads, insert }] of Object.entries(ports)) {
    await insert(`${dialect}-before`);
    let committed: Promise<unknown> | undefined;
    const counts = await reads.read(function* (): ReportRead<number[]> {
      const first = yield* rows<{ n: number }>(sql`select count(*) as n from calls`);
      // Another request commits a call as soon as the report yields to the event loop: on
      // PostgreSQL while the report waits for its next statement; on SQLite only after the report
      // (one synchronous run(): nothing runs between its statements).
      committed = Promise.resolve().then(() => insert(`${dialect}-during`));
      yield* rows((d) => (d === 'postgresql' ? sql`select pg_sleep(0.3)` : sql`select 1`));
      const second = yield* rows<{ n: number }>(sql`select count(*) as n from calls`);
      return [first[0]!.n, second[0]!.n];
    });
    await committed;
    t.same(counts, [1, 1], `${dialect}: both counts of the report from one snapshot`);
    t.same(await reads.read(() => rows<{ n: number }>(sql`select count(*) as n from calls`)), [{ n: 2 }], `${dialect}: the next report sees the row`);
  }
  // SQLite: a report while a port transaction holds an uncommitted row reads the read connection.
  let release!: () => void;
  const open = lite.transaction(async (tx) => {
    await tx.run((db) => db.run(insertCall('sqlite-uncommitted')));
    await new Promise<void>((resolve) => (release = resolve));
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(await ports.sqlite.reads.read(() => rows<{ n: number }>(sql`select count(*) as n from calls`)), [{ n: 2 }], 'sqlite: not the open transaction’s row');
  release();
  await open;
});
