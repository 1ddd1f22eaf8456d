/**
 * Drill-down GET /api/reports/calls through the real app on the hand-built day
 * (test/helpers/report-fixture.ts, calls c1–c7): the calls behind a call figure are those the
 * figure counts, oldest first, without the caller's number; call figures are city-wide.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('the calls behind a call figure', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const county = await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' });
  const handler = await loginCookies(app, 'hrss.handler', 'unit_handler', { unitId: 'city-hrss' });
  const drill = (cookies: Record<string, string>, q: string) =>
    app.http.inject({ method: 'GET', url: `/api/reports/calls?period=day&date=2026-10-09&${q}`, cookies });
  const ids = async (q: string) => {
    const res = await drill(lead, q);
    t.equal(res.statusCode, 200, q);
    return (res.json() as { calls: Array<{ id: string }> }).calls.map((c) => c.id);
  };

  t.same(await ids('figure=callsIn'), ['c7', 'c1', 'c2', 'c3', 'c4', 'c6'], 'the 6 calls in of 9 Oct (c5 entered on 8 Oct), oldest first');
  t.same(await ids('figure=answered'), ['c1', 'c2', 'c6'], 'answered, c6 across midnight');
  t.same(await ids('figure=answeredLate'), ['c2'], 'answered after 15 s (20 s): what spoils the 15秒接通率');
  t.same(await ids('figure=abandonedInQueue'), ['c3']);
  t.same(await ids('figure=abandonedAtFrontDoor'), ['c4']);
  t.same(await ids('figure=repeatCalls'), ['c3', 'c6']);
  t.same(await ids('figure=answered&by=agent&key=101'), ['c1', 'c2']);
  t.same(await ids('figure=answered&by=hotline&key=12315'), ['c2', 'c6']);
  t.same(await ids('figure=callsIn&by=agent'), ['c7', 'c3', 'c4'], 'no key: the calls with no agent');
  const one = await drill(lead, 'figure=answeredLate');
  t.match(one.json(), { calls: [{ id: 'c2', enteredAt: Date.parse('2026-10-09T08:10:00+08:00'), hotline: '12315', agentId: 101 }], capped: false });
  t.notMatch(one.body, /1380000000/, 'no caller number in the list');

  t.equal((await drill(county, 'figure=answered')).statusCode, 403, 'a county dispatcher reads no call figures');
  t.equal((await drill(handler, 'figure=answered')).statusCode, 403);
  t.equal((await drill(lead, 'figure=asaMs')).statusCode, 400, 'a mean is no count');
  t.equal((await drill(lead, 'figure=answered&by=unit')).statusCode, 400, 'calls have no unit');
});
