/**
 * The reports page's links from a figure to its orders (src/web/reports/drill.ts): which figures
 * and breakdowns link, and that the URL the page builds is one the server answers with the orders
 * the figure counts (through the real app on the hand-built day of test/helpers/report-fixture.ts).
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';
import { CALL_DRILL_OF, DRILL_OF, drillTarget, drillUrl } from '../../src/web/reports/drill.js';
import { CALL_DRILL_FIGURES } from '../../src/reports/call-drill.js';
import { DRILL_FIGURES } from '../../src/reports/order-drill.js';
import type { ReportQuery } from '../../src/web/reports/api.js';

t.test('which figures link, and to what', async (t) => {
  t.same(drillTarget('returnRate', 'unit', 'dq-amr'), { kind: 'figure', figure: 'returned', by: 'unit', key: 'dq-amr' });
  t.same(drillTarget('signOnTimeRate', 'none', 'x'), { kind: 'figure', figure: 'signedLate', by: 'none', key: null }, 'the total: no key');
  t.same(drillTarget('connectionRate', 'none', null), { kind: 'calls', figure: 'answered', by: 'none', key: null }, '人工接通率: the answered calls');
  t.same(drillTarget('answerRate15s', 'agent', '101'), { kind: 'calls', figure: 'answeredLate', by: 'agent', key: '101' });
  t.equal(drillTarget('asaMs', 'none', null), undefined, 'a mean is no link');
  t.equal(drillTarget('callsIn', 'unit', 'dq-amr'), undefined, 'calls have no unit rows');
  for (const d of Object.values(CALL_DRILL_OF)) t.ok((CALL_DRILL_FIGURES as readonly string[]).includes(d), `${d} is a call drill-down figure of the server`);
  t.equal(drillTarget('satisfaction', 'unit', 'dq-amr'), undefined, 'nor has 满意率');
  t.equal(drillTarget('returnRate', 'area', 'dq'), undefined, 'an area row has no drill-down (units only)');
  t.equal(drillTarget('accepted', 'hotline', '12345'), undefined, 'nor a hotline row');
  for (const d of Object.values(DRILL_OF)) t.ok((DRILL_FIGURES as readonly string[]).includes(d), `${d} is a drill-down figure of the server`);
  const custom: ReportQuery = { period: 'custom', date: '2026-10-01', to: '2026-10-09', by: 'unit' };
  t.equal(
    drillUrl(custom, { kind: 'figure', figure: 'returned', by: 'unit', key: null }),
    '/api/reports/orders?period=custom&date=2026-10-01&to=2026-10-09&figure=returned&by=unit',
    'no key: the row without a unit',
  );
  t.equal(
    drillUrl({ ...custom, period: 'day' }, { kind: 'topic', word: '噪音' }),
    `/api/reports/hot-topics/orders?period=day&date=2026-10-01&word=${encodeURIComponent('噪音')}`,
  );
});

t.test('the URLs the page builds list the figures’ orders', async (t) => {
  const app = await testApp(t);
  const { o1, o2, o3, o4, o5, o6 } = (await buildReportFixture(app)).orders;
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const q: ReportQuery = { period: 'day', date: '2026-10-09', to: '2026-10-09', by: 'unit' };
  const ids = async (url: string) => {
    const res = await app.http.inject({ method: 'GET', url, cookies: lead });
    t.equal(res.statusCode, 200, url);
    return (res.json() as { orders: Array<{ id: number }> }).orders.map((o) => o.id);
  };
  const link = (f: Parameters<typeof drillTarget>[0], by: string, key: string | null) => drillUrl(q, drillTarget(f, by, key)!);
  t.same(await ids(link('returnRate', 'unit', 'dq-amr')), [o5], '退回率 of dq-amr: O5');
  t.same(await ids(link('signOnTimeRate', 'unit', 'dq-amr')), [o4], '按时签收率 of dq-amr: the late sign-for, O4');
  t.same(await ids(link('handleOnTimeRate', 'unit', 'city-hrss')), [], 'city-hrss replied on time');
  t.same(await ids(link('onSpotRate', 'unit', null)), [o1], '直接办结率 in the row without a unit: O1');
  t.same(await ids(link('accepted', 'none', null)), [o1, o2, o4, o5, o6], '受理量 of the day');
  t.same(await ids(link('accepted', 'category', 'consultation')), [o1]);
  t.notOk((await ids(link('accepted', 'none', null))).includes(o3!), 'O3 was accepted in September');
  const calls = async (url: string) => {
    const res = await app.http.inject({ method: 'GET', url, cookies: lead });
    t.equal(res.statusCode, 200, url);
    return (res.json() as { calls: Array<{ id: string }> }).calls.map((c) => c.id);
  };
  t.same(await calls(link('answerRate15s', 'agent', '101')), ['c2'], '15秒接通率 of agent 101: c2, answered after 20 s');
  t.same(await calls(link('abandonRateQueue', 'none', null)), ['c3'], '放弃率: c3 hung up in the queue');
  t.same(await calls(link('connectionRate', 'hotline', '12315')), ['c2', 'c6']);
});
