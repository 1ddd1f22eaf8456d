/**
 * The per-day trend (GET /api/reports/daily) is computed with one grouped query per figure over
 * the period (src/reports/call-kpis.ts callsPerDay, order-kpis.ts orderCountsPerDay): every day
 * of a month of the hand-built fixture equals that day's own KPI report, for a shift lead and for
 * a county dispatcher's subtree, with each figure non-zero on some day (so the check is not vacuous).
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('each day of a month of the trend is that day’s report', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const get = async (cookies: Record<string, string>, url: string) => {
    const res = await app.http.inject({ method: 'GET', url, cookies });
    t.equal(res.statusCode, 200, url);
    return res.json() as Record<string, any>;
  };
  const readers = {
    lead: await loginCookies(app, 'lead', 'shift_lead'),
    county: await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' }),
  };
  for (const [who, cookies] of Object.entries(readers)) {
    const trend = await get(cookies, '/api/reports/daily?period=month&date=2026-10-01');
    t.equal(trend.days.length, 31);
    const seen = { callsIn: 0, answered: 0, accepted: 0, closed: 0, missed: 0, calledBack: 0 };
    for (const d of trend.days) {
      const k = (await get(cookies, `/api/reports/kpis?period=day&date=${d.date}`)).total.current;
      const calls = k.calls && { callsIn: k.calls.callsIn, answered: k.calls.answered };
      const orders = { accepted: k.orders.accepted, closed: k.orders.closed, missed: k.orders.missed, calledBack: k.orders.calledBack };
      t.same(d, { date: d.date, calls, orders }, `${who} ${d.date}`);
      for (const [f, v] of Object.entries({ ...(calls ?? {}), ...orders })) seen[f as keyof typeof seen] += v as number;
    }
    if (who === 'lead')
      t.ok(
        Object.values(seen).every((v) => v > 0),
        `every figure shows on some day: ${JSON.stringify(seen)}`,
      );
    else t.ok(seen.accepted > 0 && seen.callsIn === 0, `the county: its orders, no calls: ${JSON.stringify(seen)}`);
  }
});
