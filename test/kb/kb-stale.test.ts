/**
 * Stale articles for the unit portal (issue 15 item 4): GET /api/kb/stale lists the published
 * articles past their review-by date — a unit handler only its own unit's, the reviewers every
 * unit's — flagged stale_overdue after kb.yaml's grace period; withdrawn and fresh ones left out.
 */
import t from 'tap';
import { beijingDay } from '../../src/kb/index.js';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('a unit sees its own stale articles; reviewers see all; others are refused', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const amr = await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' });
  const admin = await loginCookies(app, 'admin1', 'admin');
  const agent = await loginCookies(app, 'agent1', 'agent');
  const call = async (cookies: typeof admin, method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
  };
  const day = (offset: number) => beijingDay(Date.now() + offset * 86_400_000);
  const publish = async (unitId: string, title: string, reviewBy: string | null) => {
    const id = (await call(admin, 'POST', '/api/kb/articles', { title, body: `${title}的办理说明。`, type: 'guide', unitId, reviewBy })).body['id'] as number;
    await call(admin, 'POST', `/api/kb/articles/${id}/submit`);
    t.equal((await call(admin, 'POST', `/api/kb/articles/${id}/approve`, {})).status, 200);
    return id;
  };
  const overdue = await publish('city-hrss', '失业保险金申领', day(-60));
  const stale = await publish('city-hrss', '社保卡补办', day(-1));
  await publish('city-hrss', '养老金领取', day(30));
  await publish('city-hrss', '医保备案', null);
  const withdrawn = await publish('city-hrss', '旧政策', day(-5));
  await call(admin, 'POST', `/api/kb/articles/${withdrawn}/withdraw`, {});
  const amrStale = await publish('city-amr', '商标注册', day(-3));

  const mine = await call(hrss, 'GET', '/api/kb/stale');
  t.equal(mine.status, 200);
  t.same(
    (mine.body['items'] as Array<Record<string, unknown>>).map((i) => [i['id'], i['staleness'], i['title']]),
    [
      [overdue, 'stale_overdue', '失业保险金申领'],
      [stale, 'stale', '社保卡补办'],
    ],
    'its own, longest overdue first; fresh, undated and withdrawn ones left out',
  );
  t.same(
    (await call(amr, 'GET', '/api/kb/stale')).body['items'].map((i: { id: number }) => i.id),
    [amrStale],
    'another unit sees only its own',
  );
  t.equal((await call(amr, 'GET', '/api/kb/stale?unitId=city-hrss')).body['error']?.code, 'KB_NOT_YOUR_UNIT', 'not another unit’s');
  t.same(
    (await call(admin, 'GET', '/api/kb/stale')).body['items'].map((i: { id: number }) => i.id),
    [overdue, amrStale, stale],
    'the reviewers see every unit’s',
  );
  t.equal((await call(agent, 'GET', '/api/kb/stale')).status, 403, 'agents are refused');

  // kb.yaml's reviewers besides administrators (lead1, a shift lead) see every unit's too; lead2 is no reviewer.
  const lead1 = await loginCookies(app, 'lead1', 'shift_lead');
  const lead2 = await loginCookies(app, 'lead2', 'shift_lead');
  const byReviewer = await call(lead1, 'GET', '/api/kb/stale?unitId=city-amr');
  t.equal(byReviewer.status, 200, JSON.stringify(byReviewer.body));
  t.same(
    byReviewer.body['items']?.map((i: { id: number }) => i.id),
    [amrStale],
    'a reviewer of kb.yaml reads one unit’s',
  );
  t.equal((await call(lead2, 'GET', '/api/kb/stale')).body['error']?.code, 'KB_NOT_YOUR_UNIT', 'a shift lead who is no reviewer is refused');
  t.equal((await call(admin, 'GET', '/api/kb/stale?unitId=no-such-unit')).body['error']?.code, 'UNKNOWN_UNIT', 'a unit not in org.yaml: 400');
  t.equal((await call(admin, 'GET', `/api/kb/stale?unitId=${encodeURIComponent('a b%')}`)).status, 400, 'nor an id of no unit’s shape');
});
