/**
 * A breakdown's total is the sum of its rows (ReportsService.kpis; the calls a dimension has not,
 * such as by unit, read for the total): for every dimension (areas at both levels), a shift lead
 * and a county dispatcher, over a day, a week, a month and a custom range, with and without the
 * daily rollups (built days, a dirty day, today), the total and the previous period's equal the
 * report without a breakdown ('none'). The hand-built days hold what makes a sum differ from a
 * count if done wrong: orders without a unit (answered on the spot, missed calls), calls without
 * an agent, an order re-dispatched to another unit, an order supervised on two days (督办 counts it once).
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import t from 'tap';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { ReportRollups } from '../../src/reports/report-rollups.js';
import { REPORT_DIMENSIONS, ReportsService, type AreaLevel } from '../../src/reports/reports-service.js';
import { isPeriod, periodOf, type Period } from '../../src/reports/period.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';

const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));
const platform: Actor = { id: 101, role: 'agent', unitId: null };
const period = (...a: Parameters<typeof periodOf>): Period => {
  const p = periodOf(...a);
  if (!isPeriod(p)) throw new Error(p.message);
  return p;
};
const PERIODS = [period('day', '2026-10-09'), period('week', '2026-10-09'), period('month', '2026-10-09'), period('custom', '2026-09-28', '2026-10-11')];
const READERS = { lead: { role: 'shift_lead', unitId: null }, county: { role: 'dispatcher', unitId: 'dq-12345' } };

t.test('a breakdown’s total is the report without a breakdown', async (t) => {
  const h = openTmpDb(t);
  const { orders } = await buildReportFixture(h);
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction) => {
    clock.now = bj(when);
    await svc.apply(id, action, platform);
  };
  const now = { at: bj('2026-10-10T12:00') };
  const rollups = new ReportRollups({ db: h.db, now: () => now.at });
  t.ok(rollups.catchUp(), 'built up to 9 Oct');
  await act(orders.o4!, '2026-10-10T09:00', { type: 'supervise', level: 1, reason: '超期' });
  await act(orders.o4!, '2026-10-11T09:00', { type: 'supervise', level: 2, reason: '仍未办结' });
  await act(orders.o7!, '2026-10-11T09:30', { type: 'callback_done', result: 'demand' }); // marks 9 Oct dirty
  await act(orders.o5!, '2026-10-11T09:40', {
    type: 'redispatch',
    leadUnitId: 'dq-amr',
    signDeadlineAt: bj('2026-10-11T12:00'),
    deadlineAt: bj('2026-10-16T17:30'),
  });
  now.at = bj('2026-10-11T12:00');
  t.ok(h.sqlite.prepare(`select count(*) from report_rollup_dirty`).pluck().get() as number, 'a built day is dirty');

  let nonZero = 0;
  for (const [how, reports] of [
    ['raw', new ReportsService({ db: h.db, org: () => org, hotlineName: () => null, now: () => now.at })],
    ['rollups', new ReportsService({ db: h.db, org: () => org, hotlineName: () => null, now: () => now.at, rollups })],
  ] as const)
    for (const [who, user] of Object.entries(READERS))
      for (const p of PERIODS) {
        const none = await reports.kpis(user, p, 'none');
        for (const v of [none.total.current.calls, none.total.current.orders, none.total.previous.orders])
          nonZero += Object.values(v ?? {}).filter((x) => typeof x === 'number' && x !== 0).length;
        for (const dim of REPORT_DIMENSIONS)
          for (const level of (dim === 'area' ? ['county', 'township'] : ['county']) as AreaLevel[]) {
            const r = await reports.kpis(user, p, dim, level);
            t.same(r.total, none.total, `${how}, ${who}, ${p.kind} ${p.from}: the total by ${dim}${dim === 'area' ? ` (${level})` : ''}`);
            if (dim !== 'none') t.ok(r.rows.length > 0 || who === 'county', `${how}, ${who}, ${p.kind} ${p.from} by ${dim}: rows`);
          }
      }
  t.ok(nonZero > 100, `the totals compared hold non-zero figures (${nonZero})`);
});
