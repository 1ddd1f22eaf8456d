/**
 * A handling unit's own scorecard (issue 14 item 3, the /scorecard page's API): a unit handler
 * reads its unit's monthly assessment with `unit=` its own; another unit's is refused with 403
 * FORBIDDEN_REPORT (and changes nothing), as is a unit outside a county dispatcher's subtree;
 * a shift lead reads any unit.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('a unit handler reads its own scorecard only', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const get = async (cookies: Record<string, string>, q: string) => {
    const res = await app.http.inject({ method: 'GET', url: `/api/reports/assessment?month=2026-10${q}`, cookies });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };
  const handler = await loginCookies(app, 'hrss.h', 'unit_handler', { unitId: 'city-hrss' });
  const county = await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' });
  const lead = await loginCookies(app, 'lead', 'shift_lead');

  const own = await get(handler, '&unit=city-hrss');
  t.equal(own.status, 200);
  t.same(
    own.body.rows.map((r: { unitId: string }) => r.unitId),
    ['city-hrss'],
  );
  t.match(own.body.rows[0], { unitId: 'city-hrss', received: 2 }, 'its figures');

  for (const other of ['dq-amr', 'no-such-unit']) {
    const r = await get(handler, `&unit=${other}`);
    t.equal(r.status, 403, `${other}: refused`);
    t.equal(r.body.error.code, 'FORBIDDEN_REPORT');
    t.notMatch(JSON.stringify(r.body), /received/, 'no figures in the refusal');
  }
  t.match(await get(county, '&unit=dq-amr'), { status: 200, body: { rows: [{ unitId: 'dq-amr' }] } }, 'a county: its subtree');
  t.match(await get(county, '&unit=city-hrss'), { status: 403, body: { error: { code: 'FORBIDDEN_REPORT' } } }, 'a county: not a city unit');
  t.match(await get(lead, '&unit=dq-amr'), { status: 200, body: { rows: [{ unitId: 'dq-amr' }] } });
  t.match(await get(handler, '&unit='), { status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
});
