/**
 * GET /api/qa/scores's period (issue 13 item 4): `to` belongs to a custom period; given without
 * one it is refused (400 PERIOD_INVALID, as on /api/reports/qa), never silently dropped for
 * "the latest scores of any time".
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('a "to" without a custom period is refused, not ignored', async (t) => {
  const app = await testApp(t);
  const lead = await loginCookies(app, 'lead1', 'shift_lead');
  const get = async (url: string) => {
    const r = await app.http.inject({ url, cookies: lead });
    return { status: r.statusCode, code: (r.json() as { error?: { code: string } }).error?.code };
  };
  t.same(await get('/api/qa/scores?to=2026-01-01'), { status: 400, code: 'PERIOD_INVALID' }, '"to" alone');
  t.same(await get('/api/qa/scores?period=week&to=2026-01-01'), { status: 400, code: 'PERIOD_INVALID' }, '"to" beside a week');
  t.same(await get('/api/qa/scores?period=custom&date=2026-01-01&to=2026-01-31'), { status: 200, code: undefined }, 'a custom period');
  t.same(await get('/api/qa/scores'), { status: 200, code: undefined }, 'no period: the latest of any time');
});
