/**
 * GET /api/reports/kpis through the real app: who may read it, a county's subtree, bounded input
 * refused with its code, and the figures of the hand-built day (test/helpers/report-fixture.ts).
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('reports: roles, scopes and bad periods', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const get = async (cookies: Record<string, string> | undefined, url: string) => {
    const res = await app.http.inject({ method: 'GET', url, ...(cookies ? { cookies } : {}) });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const county = await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' });
  const handler = await loginCookies(app, 'hrss.handler', 'unit_handler', { unitId: 'city-hrss' });
  const agent = await loginCookies(app, 'agent', 'agent');

  const day = await get(lead, '/api/reports/kpis?period=day&date=2026-10-09');
  t.equal(day.status, 200);
  t.match(day.body.total.current.calls, { callsIn: 6, answered: 3, connectionRate: 0.75 });
  t.match(day.body.total.current.orders, { accepted: 5, dispatched: 4, returned: 1 });
  t.equal(day.body.previous.from, '2026-10-08');

  const month = await get(lead, '/api/reports/kpis?period=month&date=2026-10-20&by=unit');
  t.equal(month.body.period.from, '2026-10-01');
  t.equal(month.body.period.to, '2026-10-31');
  t.equal(month.body.previous.from, '2026-09-01');
  t.match(
    month.body.rows.find((r: { key: string }) => r.key === 'city-hrss'),
    { label: { zh: '市人力社保局' }, previous: { orders: { dispatched: 1 } } },
    'O3 dispatched in September',
  );

  const byCounty = await get(county, '/api/reports/kpis?period=day&date=2026-10-09&by=unit');
  t.equal(byCounty.status, 200);
  t.same(
    byCounty.body.rows.map((r: { key: string }) => r.key),
    ['dq-amr'],
  );
  t.equal(byCounty.body.total.current.calls, null);

  // The routes' role guard refuses the roles that read no KPI report, before the query is read (docs/kpis.md).
  for (const url of [
    '/api/reports/kpis',
    '/api/reports/kpis?by=planet',
    '/api/reports/daily',
    '/api/reports/orders?figure=accepted',
    '/api/reports/kpis.csv',
  ]) {
    t.match(await get(handler, url), { status: 403, body: { error: { code: 'FORBIDDEN' } } }, `unit handler: ${url}`);
    t.match(await get(agent, url), { status: 403, body: { error: { code: 'FORBIDDEN' } } }, `agent: ${url}`);
  }
  t.match(await get(agent, '/api/reports/assessment'), { status: 403, body: { error: { code: 'FORBIDDEN' } } }, 'agent: no scorecard');
  t.match(await get(handler, '/api/reports/assessment?unit=city-amr'), { status: 403, body: { error: { code: 'FORBIDDEN_REPORT' } } }, 'another unit');
  t.match(await get(undefined, '/api/reports/kpis'), { status: 401 });

  t.match(await get(lead, '/api/reports/kpis?period=day&date=2026-02-30'), { status: 400, body: { error: { code: 'PERIOD_INVALID' } } });
  t.match(await get(lead, '/api/reports/kpis?period=custom&date=2026-01-01&to=2027-06-01'), { status: 400, body: { error: { code: 'PERIOD_TOO_LONG' } } });
  t.match(await get(lead, '/api/reports/kpis?period=custom&date=2026-03-01&to=2026-02-01'), { status: 400, body: { error: { code: 'PERIOD_INVALID' } } });
  t.match(await get(lead, '/api/reports/kpis?period=custom&date=2026-03-01'), { status: 400, body: { error: { code: 'PERIOD_INVALID' } } });
  t.match(
    await get(lead, '/api/reports/kpis?period=month&date=2026-03-01&to=2026-03-10'),
    { status: 400, body: { error: { code: 'PERIOD_INVALID' } } },
    'a "to" a month would ignore',
  );
  t.match(await get(lead, '/api/reports/kpis?by=planet'), { status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  t.match(await get(lead, '/api/reports/kpis?date=20261009'), { status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
});
