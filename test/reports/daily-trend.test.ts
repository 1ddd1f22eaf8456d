/**
 * GET /api/reports/daily (the reports page's trend chart) through the real app on the hand-built
 * days of test/helpers/report-fixture.ts: each day's figures are that day's KPI report's; a county
 * dispatcher gets no call figures; bounded range (92 days) and readers refused with their codes.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('the per-day trend: figures per day, scope, bounds', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const get = async (cookies: Record<string, string>, url: string) => {
    const res = await app.http.inject({ method: 'GET', url, cookies });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const county = await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' });
  const handler = await loginCookies(app, 'hrss.handler', 'unit_handler', { unitId: 'city-hrss' });

  const r = await get(lead, '/api/reports/daily?period=custom&date=2026-10-08&to=2026-10-10');
  t.equal(r.status, 200);
  t.same(
    r.body.days.map((d: { date: string }) => d.date),
    ['2026-10-08', '2026-10-09', '2026-10-10'],
  );
  t.match(r.body.days[1], { calls: { callsIn: 6, answered: 3 }, orders: { accepted: 5 } }, 'the hand-built day');
  for (const d of r.body.days) {
    const k = (await get(lead, `/api/reports/kpis?period=day&date=${d.date}`)).body.total.current;
    t.same(
      d,
      {
        date: d.date,
        calls: { callsIn: k.calls.callsIn, answered: k.calls.answered },
        orders: { accepted: k.orders.accepted, closed: k.orders.closed, missed: k.orders.missed, calledBack: k.orders.calledBack },
      },
      `${d.date}: the day's KPI report`,
    );
  }

  const c = await get(county, '/api/reports/daily?period=day&date=2026-10-09');
  t.equal(c.status, 200);
  t.equal(c.body.days[0].calls, null, 'a county dispatcher: no call figures');
  const kc = (await get(county, '/api/reports/kpis?period=day&date=2026-10-09')).body.total.current.orders;
  t.equal(c.body.days[0].orders.accepted, kc.accepted, 'its subtree only');

  t.match(await get(lead, '/api/reports/daily?period=month&date=2026-10-01'), { status: 200 });
  t.equal((await get(lead, '/api/reports/daily?period=month&date=2026-10-01')).body.days.length, 31);
  t.match(await get(lead, '/api/reports/daily?period=custom&date=2026-01-01&to=2026-04-03'), { status: 400, body: { error: { code: 'PERIOD_TOO_LONG' } } });
  t.match(await get(lead, '/api/reports/daily?period=custom&date=2026-01-01&to=2026-04-02'), { status: 200 }, '92 days');
  t.match(await get(handler, '/api/reports/daily'), { status: 403, body: { error: { code: 'FORBIDDEN' } } });
});
