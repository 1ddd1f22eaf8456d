/**
 * Drill-down GET /api/reports/orders through the real app on the hand-built day
 * (test/helpers/report-fixture.ts): the orders behind a figure cell are those the figure counts,
 * each once, within the reader's scope; other roles and figures are refused.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('the orders behind a figure, scoped like the figure', async (t) => {
  const app = await testApp(t);
  const fx = await buildReportFixture(app);
  const { o1, o2, o3, o4, o5 } = fx.orders;
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const county = await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' });
  const handler = await loginCookies(app, 'hrss.handler', 'unit_handler', { unitId: 'city-hrss' });
  const drill = async (cookies: Record<string, string>, q: string) => {
    const res = await app.http.inject({ method: 'GET', url: `/api/reports/orders?period=day&date=2026-10-09&${q}`, cookies });
    return { status: res.statusCode, body: res.json() as { orders: Array<{ id: number; number: string }>; capped: boolean; code?: string } };
  };
  const ids = async (cookies: Record<string, string>, q: string) => (await drill(cookies, q)).body.orders.map((o) => o.id);

  t.same(await ids(lead, 'figure=returned&by=unit&key=dq-amr'), [o5], '退回 of dq-amr: O5, returned by its handler');
  t.same(await ids(lead, 'figure=signedLate&by=unit&key=dq-amr'), [o4], '签收超时 of dq-amr: O4 (signed 10:30, due 10:00)');
  t.same(await ids(lead, 'figure=signedLate&by=unit&key=city-hrss'), [], 'city-hrss signed O2 on time');
  t.same(await ids(lead, 'figure=dispatched'), [o2, o4, o5], '4 dispatches that day, 3 orders: O5 twice (dispatch, re-dispatch)');
  t.same(await ids(lead, 'figure=replied&by=unit&key=city-hrss'), [o2, o3], 'O2 replied twice (reopened), O3 once: each order once');
  t.same(await ids(lead, 'figure=answeredOnSpot&by=unit'), [o1], 'no key: the row of orders with no unit');
  t.same(await ids(lead, 'figure=accepted&by=category&key=consultation'), [o1]);
  const one = await drill(lead, 'figure=answeredOnSpot');
  t.match(one.body, { orders: [{ id: o1, number: /\S+/ }], capped: false }, 'ids and order numbers');

  // A county's dispatcher: only the events of its subtree's units, as its figures.
  t.same(await ids(county, 'figure=dispatched'), [o4, o5], 'dispatches to dq-amr only (O5’s re-dispatch went to the city)');
  t.same(await ids(county, 'figure=replied&by=unit&key=city-hrss'), [], 'a city unit’s orders are outside its scope');

  t.equal((await drill(handler, 'figure=returned')).status, 403, 'a unit handler reads no KPI drill-down');
  const bad = await drill(lead, 'figure=connectionRate');
  t.equal(bad.status, 400, 'a figure that is no order count is refused');
  t.equal((await drill(lead, 'figure=returned&by=agent')).status, 400, 'so is a breakdown without orders');
});
