/**
 * The daily rollups (src/reports/report-rollups.ts) give the raw queries' counts: each report
 * (calls by hotline/agent/channel, orders by unit/category/channel with and without a county's
 * scope, co-handling) over days, weeks, a month and custom ranges, computed both ways on the
 * hand-built days of report-fixture.ts plus: a call spanning midnight (and one still live when its
 * day was built), wrap-ups closed days later, an order supervised on two days (a distinct figure
 * over days), an order reopened by supervision, co-handling, and late changes to built days — a
 * missed call of 9 Oct called back on 12 Oct, an order re-dispatched to another unit, a handler
 * moved to another unit, a late evaluation. After the changes the built days are read raw (the
 * triggers marked them) and equal again once rebuilt; with the marks removed (a stale rollup) the
 * counts differ, so the equality checks can fail.
 */
import t, { type Test } from 'tap';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj, buildReportFixture, dqAmr, hrss } from '../helpers/report-fixture.js';
import { callCounts, type CallDimension } from '../../src/reports/call-kpis.js';
import { orderCounts, type OrderDimension } from '../../src/reports/order-kpis.js';
import { coHandlingCounts } from '../../src/reports/co-handling.js';
import { ReportRollups } from '../../src/reports/report-rollups.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import type { DbHandle } from '../../src/db/connection.js';

const platform: Actor = { id: 101, role: 'agent', unitId: null };
const PERIODS: Array<[string, string, string]> = [
  ['9 Oct', '2026-10-09', '2026-10-09'],
  ['10 Oct', '2026-10-10', '2026-10-10'],
  ['week of 5 Oct', '2026-10-05', '2026-10-11'],
  ['October', '2026-10-01', '2026-10-31'],
  ['28 Sep – 13 Oct', '2026-09-28', '2026-10-13'],
  ['10 – 12 Oct', '2026-10-10', '2026-10-12'],
  ['15 Sep – 1 Nov', '2026-09-15', '2026-11-01'],
];
const range = (from: string, to: string) => ({ start: bj(`${from}T00:00`), end: bj(`${to}T00:00`) + 86_400_000 });
const sorted = <V>(m: Map<string | null, V>) => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** Every report both ways; returns how many counts were compared (non-zero ones), for the test to know it compared something. */
function compareAll(t: Test, h: DbHandle, r: ReportRollups, now: number, label: string): number {
  let nonZero = 0;
  for (const [name, from, to] of PERIODS) {
    const { start, end } = range(from, to);
    for (const dim of ['none', 'hotline', 'agent', 'channel'] as CallDimension[]) {
      const raw = callCounts(h.db, start, end, dim);
      t.same(sorted(r.callCounts(start, end, dim)), sorted(raw), `${label}: calls of ${name} by ${dim}`);
      for (const c of raw.values()) nonZero += Object.values(c).filter((v) => v !== 0).length;
    }
    for (const dim of ['none', 'unit', 'category', 'channel'] as OrderDimension[])
      for (const units of [undefined, ['dq-amr'], ['city-hrss', 'dq-amr'], []]) {
        const raw = orderCounts(h.db, start, end, dim, now, units);
        t.same(sorted(r.orderCounts(start, end, dim, now, units)), sorted(raw), `${label}: orders of ${name} by ${dim}, units ${JSON.stringify(units)}`);
        for (const c of raw.values()) nonZero += Object.values(c).filter((v) => v !== 0).length;
      }
    t.same(sorted(r.coHandlingCounts(start, end)), sorted(coHandlingCounts(h.db, start, end)), `${label}: co-handling of ${name}`);
  }
  return nonZero;
}

t.test('the rollups give the raw counts, before and after late changes to built days', async (t) => {
  const h = openTmpDb(t);
  const { orders } = await buildReportFixture(h);
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction, actor: Actor = platform) => {
    clock.now = bj(when);
    await svc.apply(id, action, actor);
  };
  const state = h.sqlite.prepare('insert into agent_state_events (agent_id, state, call_id, at) values (?, ?, ?, ?)');
  // Wrap-ups: agent 101's of c1 ends a minute later; agent 105's of c6 (entered 9 Oct 23:59:58) is still running.
  state.run(101, 'wrap_up', 'c1', bj('2026-10-09T08:05:15'));
  state.run(101, 'available', null, bj('2026-10-09T08:06:15'));
  state.run(105, 'wrap_up', 'c6', bj('2026-10-10T00:01:10'));
  // c8: entered 11 Oct 23:50, still talking when 11 Oct is built.
  h.sqlite
    .prepare(
      `insert into calls (id, caller_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, queued_at, answered_at)
       values ('c8', 101, '13800000001', '12345', '12345', 'talking', 101, ?, ?, ?)`,
    )
    .run(bj('2026-10-11T23:50'), bj('2026-10-11T23:50:05'), bj('2026-10-11T23:50:20'));
  // O4 (dq-amr, in progress) supervised on 10 and 11 Oct: 督办 counts it once over both days.
  await act(orders.o4!, '2026-10-10T09:00', { type: 'supervise', level: 1, reason: '超期' });
  await act(orders.o4!, '2026-10-11T09:00', { type: 'supervise', level: 2, reason: '仍未办结' });
  // O8: dq-amr leads, city-hrss co-handles (replies on 11 Oct); the lead replies on 11 Oct.
  clock.now = bj('2026-10-10T10:00');
  const o8 = (await svc.createDraft({ channel: '12345' })).id;
  await act(o8, '2026-10-10T10:01', { type: 'accept', fields: { category: 'complaint', content: '噪音扰民' } });
  await act(o8, '2026-10-10T10:02', { type: 'dispatch', leadUnitId: 'dq-amr', coUnitIds: ['city-hrss'], deadlineAt: bj('2026-10-16T17:30') });
  await act(o8, '2026-10-10T11:00', { type: 'sign' }, dqAmr);
  await act(o8, '2026-10-10T11:05', { type: 'start' }, dqAmr);
  await act(o8, '2026-10-11T10:00', { type: 'reply', text: '协办意见' }, hrss);
  await act(o8, '2026-10-11T15:00', { type: 'reply', text: '已处理' }, dqAmr);

  // Built on 12 Oct at noon: every day up to 11 Oct.
  let now = bj('2026-10-12T12:00');
  const rollups = new ReportRollups({ db: h.db, now: () => now });
  t.ok(rollups.catchUp(), 'all closed days built');
  t.throws(() => rollups.buildDay('calls', bj('2026-10-12T00:00')), /not over/, 'today is not built');
  const count = (table: string) => h.sqlite.prepare(`select count(*) from ${table}`).pluck().get() as number;
  t.ok(count('report_call_days') > 0 && count('report_order_days') > 0 && count('report_co_days') > 0, 'rollup rows written');
  t.ok(count('report_order_repeats') > 0, 'the order supervised on two days is kept as a repeat');
  t.same([...rollups.cleanDays('orders', bj('2026-10-09T00:00'), bj('2026-10-12T00:00'))].length, 3, '9–11 Oct read from the rollups');
  t.ok(compareAll(t, h, rollups, now, 'built') > 100, 'the comparison covers non-zero counts');

  // Late changes, on 12 Oct, to orders and calls of built days.
  await act(orders.o7!, '2026-10-12T09:00', { type: 'callback_done', result: 'demand' }); // the missed call of 9 Oct called back
  await act(orders.o5!, '2026-10-12T09:10', {
    type: 'redispatch',
    leadUnitId: 'dq-amr',
    signDeadlineAt: bj('2026-10-12T12:00'),
    deadlineAt: bj('2026-10-16T17:30'),
  });
  await act(orders.o3!, '2026-10-12T09:20', { type: 'review_accept' });
  await act(orders.o3!, '2026-10-12T09:30', { type: 'evaluate', result: 'satisfied', channel: 'callback' }); // a late evaluation
  await act(orders.o4!, '2026-10-12T09:40', { type: 'supervise', level: 3, reason: '第三次督办' }); // a third day of 督办
  h.sqlite.prepare(`update users set unit_id = 'dq-amr' where id = 102`).run(); // the hrss handler moved: its sign-fors count for dq-amr
  state.run(105, 'available', null, bj('2026-10-12T09:00')); // c6's wrap-up ends
  h.sqlite.prepare(`update calls set state = 'ended', ended_at = ?, outcome = 'answered' where id = 'c8'`).run(bj('2026-10-12T00:10'));
  const dirty = () => h.sqlite.prepare(`select source, day from report_rollup_dirty order by source, day`).all() as Array<{ source: string; day: number }>;
  const marked = dirty().map((d) => `${d.source} ${new Date(d.day + 8 * 3_600_000).toISOString().slice(0, 10)}`);
  t.same(
    marked,
    ['calls 2026-10-09', 'calls 2026-10-11', 'orders 2026-10-08', 'orders 2026-10-09'],
    'the changed days are marked (the moved handler signed on 8 and 9 Oct)',
  );
  now = bj('2026-10-13T12:00');
  t.ok(compareAll(t, h, rollups, now, 'dirty') > 100, 'dirty days read raw');
  t.ok(rollups.catchUp(), 'rebuilt');
  t.same(dirty(), [], 'no dirty day left');
  t.ok(compareAll(t, h, rollups, now, 'rebuilt') > 100, 'rebuilt days from the rollups');

  // On 2 November October is closed: its month's sums are built (督办 of O4 on 10, 11 and 12 Oct counted once) and read.
  now = bj('2026-11-02T12:00');
  t.ok(rollups.catchUp(), 'built up to 1 Nov');
  const months = () => h.sqlite.prepare(`select source, day from report_rollup_days where source like '%-month' order by 1`).all();
  t.same(
    months(),
    [
      { source: 'calls-month', day: bj('2026-10-01T00:00') },
      { source: 'orders-month', day: bj('2026-09-01T00:00') },
      { source: 'orders-month', day: bj('2026-10-01T00:00') },
    ],
    'October summed (and September, for the orders of 30 Sep)',
  );
  const october = range('2026-10-01', '2026-10-31');
  t.same(rollups.plan('orders', october.start, october.end).months.length, 1, 'October read from its sums');
  t.ok(compareAll(t, h, rollups, now, 'months') > 100, 'month sums give the raw counts');
  await act(orders.o4!, '2026-11-02T09:00', { type: 'supervise', level: 3, reason: '催办' });
  h.sqlite.prepare(`update users set unit_id = 'city-hrss' where id = 102`).run(); // moved back: 8 and 9 Oct change
  t.same(rollups.plan('orders', october.start, october.end).months.length, 0, 'a dirty day: October read from its days');
  t.ok(compareAll(t, h, rollups, now, 'month dirty') > 100, 'dirty month');
  t.ok(rollups.catchUp(), 'rebuilt');
  t.same(rollups.plan('orders', october.start, october.end).months.length, 1, 'October summed again');
  t.ok(compareAll(t, h, rollups, now, 'month rebuilt') > 100, 'month rebuilt');

  // A stale rollup is caught: a change whose mark is removed (as if no trigger had fired) makes the counts differ.
  h.sqlite.prepare(`update users set unit_id = 'dq-amr' where id = 102`).run();
  h.sqlite.prepare(`update calls set hotline = '12315' where id = 'c1'`).run();
  t.ok(dirty().length > 0, 'marked');
  h.sqlite.prepare('delete from report_rollup_dirty').run();
  const oct = range('2026-10-01', '2026-10-31');
  t.not(
    JSON.stringify(sorted(rollups.orderCounts(oct.start, oct.end, 'unit', now))),
    JSON.stringify(sorted(orderCounts(h.db, oct.start, oct.end, 'unit', now))),
    'stale order rollups differ',
  );
  t.not(
    JSON.stringify(sorted(rollups.callCounts(oct.start, oct.end, 'hotline'))),
    JSON.stringify(sorted(callCounts(h.db, oct.start, oct.end, 'hotline'))),
    'stale call rollups differ',
  );
});

t.test('the background job builds the closed days and stops on close', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const rollups = new ReportRollups({ db: h.db, now: () => bj('2026-10-12T12:00'), onError: (err) => t.fail(String(err)), busyMs: 5 });
  rollups.start();
  const deadline = Date.now() + 20_000;
  while (rollups.pending('calls').length + rollups.pending('orders').length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await rollups.close();
  t.same(rollups.pending('orders'), [], 'every closed day built');
  t.same(
    h.sqlite.prepare(`select min(day) = ? from report_rollup_days where source = 'orders'`).pluck().get(bj('2026-09-01T00:00')),
    1,
    'from the first day of the first month with data',
  );
});

t.test('the background job starts again after close (the timed jobs moved back to this node)', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const rollups = new ReportRollups({ db: h.db, now: () => bj('2026-10-12T12:00'), onError: (err) => t.fail(String(err)), busyMs: 5 });
  rollups.start();
  await rollups.close();
  const before = rollups.pending('orders').length + rollups.pending('calls').length;
  t.ok(before > 0, 'stopped with days left to build');
  rollups.start();
  const deadline = Date.now() + 20_000;
  while (rollups.pending('calls').length + rollups.pending('orders').length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await rollups.close();
  t.same([...rollups.pending('orders'), ...rollups.pending('calls')], [], 'every closed day built after the second start');
});
