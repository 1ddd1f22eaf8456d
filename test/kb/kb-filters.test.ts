/**
 * The knowledge base's filters (issue 15 item 3) through the API: a search and the editors' list
 * narrowed by category, owning unit, area (an article for a county applies in its townships; one
 * without areas everywhere), type and state; what the /kb pickers offer (GET /api/kb/facets); and
 * bad filters refused with fixed 4xx codes that change nothing (no missed search logged).
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type Cookies = { sunline_session: string };

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as Record<string, any> };
}

t.test('search and list filters, facets, refusals', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const amr = await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' });
  const admin = await loginCookies(app, 'admin1', 'admin');
  const agent = await loginCookies(app, 'agent1', 'agent');

  const write = async (cookies: Cookies, unitId: string, title: string, extra: object, publish = true) => {
    const id = (await call(app, cookies, 'POST', '/api/kb/articles', { title, body: `${title}，请到窗口办理。`, type: 'faq', unitId, ...extra })).body[
      'id'
    ] as number;
    t.ok(id, `created ${title}`);
    if (publish) {
      t.equal((await call(app, cookies, 'POST', `/api/kb/articles/${id}/submit`)).status, 200);
      t.equal((await call(app, admin, 'POST', `/api/kb/articles/${id}/approve`, {})).status, 200);
    }
    return id;
  };
  const card = await write(hrss, 'city-hrss', '吴兴区社保卡补办', { categories: ['社保'], areas: ['hz-wuxing'] });
  const insurance = await write(hrss, 'city-hrss', '医保异地备案', { categories: ['医保'], type: 'guide' });
  const food = await write(amr, 'city-amr', '南浔区食品投诉', { categories: ['食品安全'], areas: ['hz-nanxun'] });
  const draft = await write(hrss, 'city-hrss', '社保卡挂失草稿', { categories: ['社保'] }, false);

  const found = async (query: string) => {
    const res = await call(app, agent, 'GET', `/api/kb/search?q=${encodeURIComponent('办理')}&${query}`);
    t.equal(res.status, 200, query);
    return (res.body['items'] as Array<{ articleId: number }>).map((i) => i.articleId).sort((a, b) => a - b);
  };
  t.same(
    await found(''),
    [card, insurance, food].sort((a, b) => a - b),
    'no filter: every published article',
  );
  t.same(await found(`category=${encodeURIComponent('社保')}`), [card], 'category');
  t.same(await found('unitId=city-amr'), [food], 'owning unit');
  t.same(await found('area=wx-aishan').then((ids) => ids.includes(card) && !ids.includes(food)), true, 'a township of 吴兴: its county’s article, not 南浔’s');
  t.same(await found('area=wx-aishan&unitId=city-hrss&type=guide'), [insurance], 'filters combine (no areas: everywhere)');

  // ---- the editors' list: state, category, area, type
  const listed = async (cookies: Cookies, query: string) => {
    const res = await call(app, cookies, 'GET', `/api/kb/articles?${query}`);
    t.equal(res.status, 200, query);
    return (res.body['items'] as Array<{ id: number }>).map((i) => i.id).sort((a, b) => a - b);
  };
  t.same(
    await listed(admin, `category=${encodeURIComponent('社保')}`),
    [card, draft].sort((a, b) => a - b),
    'category, drafts included',
  );
  t.same(await listed(admin, `category=${encodeURIComponent('社保')}&state=published`), [card], 'and the state');
  t.same(
    await listed(admin, 'area=nx-shuanglin&state=published'),
    [insurance, food].sort((a, b) => a - b),
    '南浔’s township: its own and the unbounded',
  );
  t.same(await listed(hrss, 'state=draft'), [draft], 'a unit its own drafts');
  t.same(await listed(hrss, 'type=guide'), [insurance], 'type');
  t.equal((await call(app, hrss, 'GET', '/api/kb/articles?unitId=city-amr')).body['error']?.code, 'KB_NOT_YOUR_UNIT');

  // ---- facets for the pickers
  const facets = await call(app, agent, 'GET', '/api/kb/facets');
  t.equal(facets.status, 200);
  t.same(
    facets.body['units'].map((u: { id: string }) => u.id),
    ['city-amr', 'city-hrss'],
    'the units that own articles',
  );
  t.equal(facets.body['units'][1].name, '市人力社保局');
  t.same(facets.body['categories'], ['医保', '社保', '食品安全'].sort(), 'the published articles’ categories');
  t.match(facets.body['areas'], [{ id: 'zj' }, { id: 'hz' }, { id: 'hz-wuxing', level: 'county' }, { id: 'wx-aishan' }], 'org.yaml’s areas, parents first');

  // ---- bad filters: fixed codes, nothing logged
  const missed = async () => Number((await appQuery<{ n: number }>(app, 'select count(*) as n from kb_missed_searches'))[0]!.n);
  const before = await missed();
  const refused: Array<[string, number, string]> = [
    ['unitId=city-nowhere', 400, 'UNKNOWN_UNIT'],
    ['area=hz-atlantis', 400, 'KB_UNKNOWN_AREA'],
    [`area=${encodeURIComponent('<script>')}`, 400, 'VALIDATION_FAILED'],
    [`unitId=${'u'.repeat(65)}`, 400, 'VALIDATION_FAILED'],
    [`category=${encodeURIComponent('类'.repeat(41))}`, 400, 'VALIDATION_FAILED'],
    ['type=rumour', 400, 'VALIDATION_FAILED'],
  ];
  for (const [query, status, code] of refused) {
    const res = await call(app, agent, 'GET', `/api/kb/search?q=${encodeURIComponent('没有这种事')}&${query}`);
    t.equal(res.status, status, `search ${query}`);
    t.equal(res.body['error']?.code, code, `search ${query}: ${code}`);
    const list = await call(app, admin, 'GET', `/api/kb/articles?${query}`);
    t.equal(list.body['error']?.code, code, `list ${query}: ${code}`);
  }
  // The hotline filter is the search's only: a number numbers.yaml does not know is refused, not an empty answer.
  for (const q of ['没有这种事', '']) {
    const res = await call(app, agent, 'GET', `/api/kb/search?q=${encodeURIComponent(q)}&hotline=99999`);
    t.equal(res.status, 400, `search q=${q} hotline=99999`);
    t.equal(res.body['error']?.code, 'KB_UNKNOWN_HOTLINE', `search q=${q} hotline=99999: KB_UNKNOWN_HOTLINE`);
  }
  t.equal((await call(app, agent, 'GET', '/api/kb/search?hotline=12a45')).body['error']?.code, 'VALIDATION_FAILED', 'not a number');
  t.equal(await missed(), before, 'a refused search is not a missed search');
  const known = await call(app, agent, 'GET', `/api/kb/search?q=${encodeURIComponent('社保卡')}&hotline=12345`);
  t.equal(known.status, 200, 'a hotline of numbers.yaml is a filter');
  t.ok(known.body['items'].length > 0, 'that finds articles');
});
