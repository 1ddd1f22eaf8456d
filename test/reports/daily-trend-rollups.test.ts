/**
 * The daily trend (ReportsService.daily, src/reports/daily-trend.ts) reads built, clean days from
 * the daily rollups and the other days raw, with the raw path's figures: on the hand-built days of
 * report-fixture.ts plus 10–12 Oct, over 1 Sep – 13 Oct (September's month sums built too), for a
 * shift lead and a county dispatcher (its subtree's orders, no calls), the trend with the rollups
 * equals the trend without and the numbers written out below — while 10 Oct is not built, 9 Oct's
 * orders and 11 Oct's calls are dirty (a late callback of 9 Oct's missed call, a re-dispatch into
 * the county, a call of 11 Oct that ended after midnight), 12 Oct is today and 13 Oct to come; and
 * again once the dirty days are rebuilt. A rollup row altered behind the triggers' back shows in the
 * trend, so the built days are read from the rollups (the comparisons are not raw against raw).
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import t, { type Test } from 'tap';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj, buildReportFixture, dqAmr } from '../helpers/report-fixture.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { ReportRollups } from '../../src/reports/report-rollups.js';
import { ReportsService } from '../../src/reports/reports-service.js';
import { isPeriod, periodOf } from '../../src/reports/period.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import type { DailyTrend } from '../../src/contract/http-reports.js';

const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));
const platform: Actor = { id: 101, role: 'agent', unitId: null };
const lead = { role: 'shift_lead', unitId: null };
const county = { role: 'dispatcher', unitId: 'dq-12345' };
const DAY = 86_400_000;
const period = ((p) => {
  if (!isPeriod(p)) throw new Error(p.message);
  return p;
})(periodOf('custom', '2026-09-01', '2026-10-13'));

/** The non-zero days, [callsIn, answered, accepted, closed, missed, calledBack] (a county: the calls null); every other day is all zeros. */
type Written = Record<string, readonly [number, number, number, number, number, number]>;
function expected(days: Written, calls: boolean): DailyTrend['days'] {
  const out: DailyTrend['days'] = [];
  for (let d = period.start; d < period.end; d += DAY) {
    const date = new Date(d + 8 * 3_600_000).toISOString().slice(0, 10);
    const [callsIn, answered, accepted, closed, missed, calledBack] = days[date] ?? [0, 0, 0, 0, 0, 0];
    out.push({ date, calls: calls ? { callsIn, answered } : null, orders: { accepted, closed, missed, calledBack } });
  }
  return out;
}

t.test('the trend from the rollups: clean days from their rows, dirty, unbuilt and open days raw, same figures', async (t) => {
  const h = openTmpDb(t);
  const { orders } = await buildReportFixture(h); // 30 Sep (O3 accepted) – 9 Oct
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction, actor: Actor = platform) => {
    clock.now = bj(when);
    await svc.apply(id, action, actor);
  };
  const draft = async (when: string) => {
    clock.now = bj(when);
    return (await svc.createDraft({ channel: '12345' })).id;
  };
  const call = (id: string, entered: string, answered: string | null, ended: string | null) =>
    h.sqlite
      .prepare(
        `insert into calls (id, caller_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, queued_at, answered_at, ended_at, outcome)
         values (?, 104, '13800000004', '12345', '12345', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        ended === null ? 'talking' : 'ended',
        answered ? 101 : null,
        bj(entered),
        bj(entered) + 5_000,
        answered && bj(answered),
        ended && bj(ended),
        ended === null ? null : answered ? 'answered' : 'abandoned',
      );

  const now = { at: bj('2026-10-10T12:00') };
  const rollups = new ReportRollups({ db: h.db, now: () => now.at });
  const withRollups = new ReportsService({ db: h.db, org: () => org, hotlineName: () => null, now: () => now.at, rollups });
  const raw = new ReportsService({ db: h.db, org: () => org, hotlineName: () => null, now: () => now.at });
  /** Both readers, both ways: equal to each other and to the numbers written out. */
  const check = async (t: Test, label: string, leadDays: Written, countyDays: Written) => {
    for (const [who, user, days, calls] of [
      ['lead', lead, leadDays, true],
      ['county', county, countyDays, false],
    ] as const) {
      const fromRollups = await withRollups.daily(user, period);
      t.same(fromRollups, await raw.daily(user, period), `${label}, ${who}: the rollups give the raw trend`);
      t.same(fromRollups.days, expected(days, calls), `${label}, ${who}: the figures written out`);
    }
  };

  // 10 Oct 12:00: every closed day is built (orders from 1 Sep, the first month with data, and September's sums; calls from 1 Oct).
  call('c9', '2026-10-10T10:00', '2026-10-10T10:00:20', '2026-10-10T10:03');
  t.ok(rollups.catchUp(), 'built up to 9 Oct');
  t.equal(rollups.plan('orders', period.start, period.end).months.length, 1, 'September read from its month sums');

  // 10 Oct (not built: the job never got to it) and 11 Oct (built on 12 Oct).
  const o8 = await draft('2026-10-10T10:00');
  await act(o8, '2026-10-10T10:01', { type: 'accept', fields: { category: 'complaint', content: '噪音扰民' } });
  await act(o8, '2026-10-10T10:02', { type: 'dispatch', leadUnitId: 'dq-amr', deadlineAt: bj('2026-10-16T17:30') });
  call('c8', '2026-10-11T23:50', '2026-10-11T23:50:20', null); // spans midnight: still talking when 11 Oct is built
  const o9 = await draft('2026-10-11T09:00');
  await act(o9, '2026-10-11T09:01', { type: 'accept', fields: { category: 'consultation', content: '社保查询' } });
  await act(o9, '2026-10-11T09:02', { type: 'answer_on_spot', answer: '已答复' });
  await act(o9, '2026-10-11T09:03', { type: 'evaluate', result: 'satisfied', channel: 'survey' });
  await act(o9, '2026-10-11T09:04', { type: 'close' });
  const o10 = await draft('2026-10-11T10:00');
  await act(o10, '2026-10-11T10:00:30', { type: 'abandon' });
  await act(o10, '2026-10-11T11:00', { type: 'callback_done', result: 'demand' });
  const o11 = await draft('2026-10-11T14:00');
  await act(o11, '2026-10-11T14:01', { type: 'accept', fields: { category: 'complaint', content: '占道经营' } });
  await act(o11, '2026-10-11T14:02', { type: 'dispatch', leadUnitId: 'dq-amr', deadlineAt: bj('2026-10-18T17:30') });
  await act(o11, '2026-10-11T15:00', { type: 'sign' }, dqAmr);
  now.at = bj('2026-10-12T12:00');
  rollups.buildDay('calls', bj('2026-10-11T00:00'));
  rollups.buildDay('orders', bj('2026-10-11T00:00'));
  const clean = (source: 'calls' | 'orders') =>
    [...rollups.cleanDays(source, bj('2026-10-07T00:00'), bj('2026-10-14T00:00'))].sort().map((d) => new Date(d + 8 * 3_600_000).toISOString().slice(5, 10));
  t.same(clean('calls'), ['10-07', '10-08', '10-09', '10-11'], 'calls: 10 Oct not built, 12 Oct today');
  t.same(clean('orders'), ['10-07', '10-08', '10-09', '10-11'], 'orders: the same');

  await check(
    t,
    'built',
    {
      '2026-09-30': [0, 0, 1, 0, 0, 0], // O3 accepted (September: its month sums hold it too, on 1 Sep's row)
      '2026-10-08': [1, 1, 0, 0, 0, 0], // c5, answered after midnight
      '2026-10-09': [6, 3, 5, 2, 2, 1], // c1–c4, c6 (spans midnight), c7; O1 O2 O4 O5 + O6 called back; O1 O2 closed; O6 O7 missed, O6 called back
      '2026-10-10': [1, 1, 1, 0, 0, 0], // c9; O8 (not built)
      '2026-10-11': [1, 1, 3, 1, 1, 1], // c8; O9 O10 (called back with a demand) O11; O9 closed; O10 missed and called back
    },
    {
      '2026-10-09': [0, 0, 1, 0, 0, 0], // O4 to dq-amr (O5 went to city-hrss)
      '2026-10-10': [0, 0, 1, 0, 0, 0], // O8
      '2026-10-11': [0, 0, 1, 0, 0, 0], // O11
    },
  );

  // Today, 12 Oct: late changes to built days, and today's own calls and orders.
  await act(orders.o7!, '2026-10-12T09:00', { type: 'callback_done', result: 'demand' }); // 9 Oct's missed call O7 called back: accepted today
  await act(orders.o5!, '2026-10-12T09:10', {
    type: 'redispatch',
    leadUnitId: 'dq-amr',
    signDeadlineAt: bj('2026-10-12T12:00'),
    deadlineAt: bj('2026-10-16T17:30'),
  }); // O5 (accepted 9 Oct) now the county's
  h.sqlite.prepare(`update calls set state = 'ended', ended_at = ?, outcome = 'answered' where id = 'c8'`).run(bj('2026-10-12T00:10'));
  call('c10', '2026-10-12T08:00', null, '2026-10-12T08:00:40');
  call('c11', '2026-10-12T09:00', '2026-10-12T09:00:10', '2026-10-12T09:04');
  const o12 = await draft('2026-10-12T10:00');
  await act(o12, '2026-10-12T10:01', { type: 'accept', fields: { category: 'consultation', content: '公积金提取' } });
  await act(o12, '2026-10-12T10:02', { type: 'answer_on_spot', answer: '已答复' });
  await act(o12, '2026-10-12T10:03', { type: 'evaluate', result: 'satisfied', channel: 'survey' });
  await act(o12, '2026-10-12T10:04', { type: 'close' });
  const dirty = () =>
    (h.sqlite.prepare(`select source, day from report_rollup_dirty order by source, day`).all() as Array<{ source: string; day: number }>).map(
      (d) => `${d.source} ${new Date(d.day + 8 * 3_600_000).toISOString().slice(0, 10)}`,
    );
  t.same(dirty(), ['calls 2026-10-11', 'orders 2026-10-09'], 'the changed built days are marked dirty');
  t.same(clean('calls'), ['10-07', '10-08', '10-09'], 'calls of 11 Oct read raw');
  t.same(clean('orders'), ['10-07', '10-08', '10-11'], 'orders of 9 Oct read raw');

  const late: Written = {
    '2026-09-30': [0, 0, 1, 0, 0, 0],
    '2026-10-08': [1, 1, 0, 0, 0, 0],
    '2026-10-09': [6, 3, 5, 2, 2, 2], // O7 called back by now
    '2026-10-10': [1, 1, 1, 0, 0, 0],
    '2026-10-11': [1, 1, 3, 1, 1, 1],
    '2026-10-12': [2, 1, 2, 1, 0, 0], // c10 abandoned, c11 answered; O7 (callback with a demand) and O12 accepted, O12 closed
  };
  const lateCounty: Written = {
    '2026-10-09': [0, 0, 2, 0, 0, 0], // O4 and the re-dispatched O5
    '2026-10-10': [0, 0, 1, 0, 0, 0],
    '2026-10-11': [0, 0, 1, 0, 0, 0],
  };
  await check(t, 'dirty days and today', late, lateCounty);

  // The job rebuilds the dirty days (10 Oct stays unbuilt here): read from the rollups again, same figures.
  for (const d of h.sqlite.prepare(`select source, day from report_rollup_dirty`).all() as Array<{ source: 'calls' | 'orders'; day: number }>)
    rollups.buildDay(d.source, d.day);
  t.same(dirty(), [], 'rebuilt');
  t.same(clean('orders'), ['10-07', '10-08', '10-09', '10-11'], 'orders of 9 Oct from the rollups again');
  await check(t, 'rebuilt', late, lateCounty);

  // The built days are read from the rollups: rows altered without a trigger (a stale rollup) show in the trend.
  h.sqlite.prepare(`update report_call_days set calls_in = calls_in + 100 where day = ? and month = 0`).run(bj('2026-10-08T00:00'));
  h.sqlite.prepare(`update report_order_days set accepted = accepted + 10 where day = ? and month = 0 and unit_id = 'dq-amr'`).run(bj('2026-10-09T00:00'));
  const day = (trend: DailyTrend, date: string) => trend.days.find((d) => d.date === date)!;
  t.same(day(await withRollups.daily(lead, period), '2026-10-08').calls, { callsIn: 101, answered: 1 }, 'calls of 8 Oct from its rollup rows');
  t.equal(day(await withRollups.daily(county, period), '2026-10-09').orders.accepted, 12, 'the county’s orders of 9 Oct from its units’ rollup rows');
  t.equal(day(await raw.daily(county, period), '2026-10-09').orders.accepted, 2, 'the raw trend unchanged');
});
