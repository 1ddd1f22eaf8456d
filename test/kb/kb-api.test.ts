/**
 * The knowledge base through the real app (issue 15): the workflow's states and scopes — a unit
 * writes only its own articles, only reviewers approve, agents see only published articles in
 * force — every version kept and every change audited; "answered with this article" counted in
 * 当场答复率; searches with no result and stale articles in the figures; bad input refused.
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };
type Body = Record<string, any>;

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as Body };
}

const article = (over: Record<string, unknown> = {}) => ({
  title: '社保卡遗失如何补办',
  body: '社会保障卡遗失后，先拨打12333挂失，再携带身份证到银行网点补办。',
  type: 'faq',
  unitId: 'city-hrss',
  hotlines: ['12333'],
  keywords: ['挂失'],
  ...over,
});

async function setup(t: { teardown(fn: () => unknown): void }) {
  const app = await testApp(t);
  const who = {
    hrss: await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' }),
    amr: await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' }),
    agent: await loginCookies(app, 'agent1', 'agent'),
    // kb.yaml lists lead1 as a reviewer; lead2 is not one.
    lead1: await loginCookies(app, 'lead1', 'shift_lead'),
    lead2: await loginCookies(app, 'lead2', 'shift_lead'),
    admin: await loginCookies(app, 'admin1', 'admin'),
    citizen: await loginCookies(app, 'citizen1', 'citizen'),
  };
  return { app, who };
}

const searchIds = (b: Body) => (b['items'] as Array<{ articleId: number }>).map((i) => i.articleId);

t.test('draft → review → published; a unit writes only its own; only reviewers approve; agents see only what is published', async (t) => {
  const { app, who } = await setup(t);
  const created = await call(app, who.hrss, 'POST', '/api/kb/articles', article());
  t.equal(created.status, 201);
  const id = created.body['id'] as number;
  t.equal(created.body['draft']['state'], 'draft');
  t.equal(created.body['published'], null);

  t.equal((await call(app, who.amr, 'POST', '/api/kb/articles', article())).body['error']?.code, 'KB_NOT_YOUR_UNIT', 'another unit cannot write for hrss');
  const foreignEdit = await call(app, who.amr, 'PUT', `/api/kb/articles/${id}`, {
    fields: article({ unitId: 'city-amr' }),
    draftVersionId: created.body['draft']['id'],
  });
  t.equal(foreignEdit.status, 403, 'nor edit its article');
  t.equal((await call(app, who.agent, 'POST', '/api/kb/articles', article())).status, 403, 'agents do not write');
  t.equal((await call(app, who.citizen, 'GET', '/api/kb/search?q=社保卡')).status, 403, 'citizens do not read');

  t.equal((await call(app, who.agent, 'GET', `/api/kb/articles/${id}`)).status, 404, 'a draft is not an agent’s to see');
  t.same(searchIds((await call(app, who.agent, 'GET', '/api/kb/search?q=社保卡')).body), [], 'nor to find');
  t.equal((await call(app, who.admin, 'POST', `/api/kb/articles/${id}/approve`, {})).status, 409, 'a draft never submitted cannot be approved');

  t.equal((await call(app, who.amr, 'POST', `/api/kb/articles/${id}/submit`)).status, 403, 'another unit cannot submit it');
  const submitted = await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/submit`);
  t.equal(submitted.body['draft']['state'], 'in_review');
  const inReviewEdit = await call(app, who.hrss, 'PUT', `/api/kb/articles/${id}`, { fields: article(), draftVersionId: submitted.body['draft']['id'] });
  t.equal(inReviewEdit.status, 409, 'in review: no edits');
  t.equal((await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/approve`, {})).status, 403, 'the unit does not approve its own');
  t.equal((await call(app, who.lead2, 'POST', `/api/kb/articles/${id}/approve`, {})).status, 403, 'a shift lead not listed in kb.yaml does not either');

  const rejected = await call(app, who.lead1, 'POST', `/api/kb/articles/${id}/reject`, { note: '请补充工本费' });
  t.equal(rejected.body['draft']['state'], 'rejected', 'kb.yaml’s reviewer rejects');
  const v1 = rejected.body['draft']['id'] as number;
  const fixed = await call(app, who.hrss, 'PUT', `/api/kb/articles/${id}`, {
    fields: article({ body: '社会保障卡遗失后，先拨打12333挂失，再到银行网点补办，工本费20元。' }),
    draftVersionId: v1,
  });
  t.equal(fixed.body['draft']['id'], v1, 'a rejected draft is edited in place');
  await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/submit`);
  const approved = await call(app, who.lead1, 'POST', `/api/kb/articles/${id}/approve`, { note: '同意' });
  t.equal(approved.body['published']['state'], 'published');
  t.equal(approved.body['draft'], null);

  const seen = await call(app, who.agent, 'GET', `/api/kb/articles/${id}`);
  t.equal(seen.status, 200, 'published: agents read it');
  t.equal(seen.body['draft'], null);
  const found = await call(app, who.agent, 'GET', '/api/kb/search?q=社保卡丢了&hotline=12333');
  t.same(searchIds(found.body), [id], 'and find it');
  t.ok(
    (found.body['items'][0]['title'] as Array<{ hit: boolean }>).some((s) => s.hit),
    'highlighted',
  );

  // A new version: agents keep reading version 1 until version 2 is approved; both are kept.
  const v2draft = await call(app, who.hrss, 'PUT', `/api/kb/articles/${id}`, { fields: article({ title: '社保卡遗失补办（2027版）' }), draftVersionId: null });
  const v2 = v2draft.body['draft']['id'] as number;
  t.not(v2, v1, 'a new version after the published one');
  t.equal(
    (await call(app, who.hrss, 'PUT', `/api/kb/articles/${id}`, { fields: article(), draftVersionId: null })).body['error']?.code,
    'KB_STALE_EDIT',
    'an edit from a stale read',
  );
  t.equal((await call(app, who.agent, 'GET', `/api/kb/articles/${id}`)).body['published']['id'], v1);
  t.equal((await call(app, who.agent, 'GET', `/api/kb/versions/${v2}`)).status, 404, 'the draft is not an agent’s');
  await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/submit`);
  await call(app, who.admin, 'POST', `/api/kb/articles/${id}/approve`, {});
  const old = await call(app, who.agent, 'GET', `/api/kb/versions/${v1}`);
  t.equal(old.body['state'], 'superseded', 'version 1 is kept, superseded');
  t.match(old.body['body'], /工本费20元/, 'with what the agent read then');

  const history = await call(app, who.hrss, 'GET', `/api/kb/articles/${id}/history`);
  t.same(
    (history.body['audit'] as Array<{ action: string }>).map((a) => a.action).reverse(),
    ['create', 'submit', 'reject', 'update', 'submit', 'approve', 'update', 'submit', 'approve'],
    'every change audited',
  );
  t.equal((await call(app, who.amr, 'GET', `/api/kb/articles/${id}/history`)).status, 403, 'another unit does not read the history');

  const withdrawn = await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/withdraw`, { note: '政策废止' });
  t.equal(withdrawn.body['withdrawn'], true);
  t.equal((await call(app, who.agent, 'GET', `/api/kb/articles/${id}`)).status, 404, 'withdrawn: hidden from agents');
  t.same(searchIds((await call(app, who.agent, 'GET', '/api/kb/search?q=社保卡')).body), []);
  t.equal((await call(app, who.hrss, 'GET', `/api/kb/articles/${id}`)).status, 200, 'but kept for its unit');
});

t.test('lists by scope; expired and not-yet-effective articles hidden from agents; stale ones counted per unit', async (t) => {
  const { app, who } = await setup(t);
  const publish = async (over: Record<string, unknown>, by = who.hrss) => {
    const id = (await call(app, by, 'POST', '/api/kb/articles', article(over))).body['id'] as number;
    await call(app, by, 'POST', `/api/kb/articles/${id}/submit`);
    const r = await call(app, who.admin, 'POST', `/api/kb/articles/${id}/approve`, {});
    t.equal(r.status, 200, JSON.stringify(r.body));
    return id;
  };
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const current = await publish({ title: '失业保险金申领', body: '失业保险金按月发放。', reviewBy: day(-3) });
  await publish({ title: '失业登记已过期通知', body: '失业登记旧规定。', effectiveFrom: day(-30), expiresOn: day(0) });
  await publish({ title: '失业金新标准', body: '失业保险金下月起提高。', effectiveFrom: day(1) });
  const overdue = await publish({ title: '市场监管失业', body: '失业保险金与市场监管无关。', unitId: 'city-amr', reviewBy: day(-30) }, who.amr);

  t.same(
    searchIds((await call(app, who.agent, 'GET', '/api/kb/search?q=失业&limit=10')).body).sort(),
    [current, overdue].sort(),
    'only what is in force today',
  );
  const amrList = await call(app, who.amr, 'GET', '/api/kb/articles');
  t.same(
    (amrList.body['items'] as Body[]).map((a) => a['id']),
    [overdue],
    'a unit lists its own',
  );
  t.equal((await call(app, who.amr, 'GET', '/api/kb/articles?unitId=city-hrss')).status, 403);
  t.equal((await call(app, who.agent, 'GET', '/api/kb/articles')).status, 403, 'the management list is not for agents');
  t.equal((await call(app, who.admin, 'GET', '/api/kb/articles')).body['items'].length, 4);
  t.equal((await call(app, who.hrss, 'GET', `/api/kb/articles/${current}`)).body['staleness'], 'stale', 'past review-by: stale for the unit');
  t.equal((await call(app, who.amr, 'GET', `/api/kb/articles/${overdue}`)).body['staleness'], 'stale_overdue', 'past the grace days: for the centre too');
  const figures = await call(app, who.lead1, 'GET', '/api/kb/figures');
  t.same(figures.body['staleByUnit'], [
    { unitId: 'city-amr', stale: 1, overdue: 1 },
    { unitId: 'city-hrss', stale: 1, overdue: 0 },
  ]);
  t.equal((await call(app, who.agent, 'GET', '/api/kb/figures')).status, 403, 'figures are for leads, dispatchers, admins');
});

t.test('answered with this article: linked once, counted in 当场答复率 by hotline and type, and in the most used', async (t) => {
  const { app, who } = await setup(t);
  const id = (await call(app, who.hrss, 'POST', '/api/kb/articles', article())).body['id'] as number;
  await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/submit`);
  const versionId = (await call(app, who.admin, 'POST', `/api/kb/articles/${id}/approve`, {})).body['published']['id'] as number;
  const draftOnly = (await call(app, who.hrss, 'PUT', `/api/kb/articles/${id}`, { fields: article({ title: '新版' }), draftVersionId: null })).body['draft'][
    'id'
  ] as number;

  // Orders taken by agent1: two by 12333, one online.
  const orderOf = async (channel: string) => {
    const r = await call(app, who.agent, 'POST', '/api/workorders', { channel, category: 'consultation', content: '社保卡丢了怎么办' });
    t.equal(r.status, 201, JSON.stringify(r.body));
    return r.body['id'] as number;
  };
  const a = await orderOf('12333');
  await orderOf('12333');
  await orderOf('web');

  t.equal(
    (await call(app, who.agent, 'POST', '/api/kb/answers', { orderId: a, versionId: draftOnly })).body['error']?.code,
    'KB_ANSWER_REFUSED',
    'a draft answers nobody',
  );
  t.equal((await call(app, who.agent, 'POST', '/api/kb/answers', { orderId: 999999, versionId })).body['error']?.code, 'KB_ANSWER_REFUSED', 'no such order');
  const other = await loginCookies(app, 'agent2', 'agent');
  t.equal((await call(app, other, 'POST', '/api/kb/answers', { orderId: a, versionId })).status, 409, 'another agent’s order');
  t.same((await call(app, who.agent, 'POST', '/api/kb/answers', { orderId: a, versionId })).body, { linked: true });
  t.same((await call(app, who.agent, 'POST', '/api/kb/answers', { orderId: a, versionId })).body, { linked: false }, 'once per order and article');

  await call(app, who.agent, 'GET', '/api/kb/search?q=火星移民');
  await call(app, who.agent, 'GET', '/api/kb/search?q=火星移民');
  await call(app, who.agent, 'GET', '/api/kb/search?q=火星&live=1'); // typing in the console: not a missed search
  // A phone or ID number typed into the search is personal data: kept and shown masked (PIPL).
  await call(app, who.agent, 'GET', `/api/kb/search?q=${encodeURIComponent('13812345678 王先生')}`);
  await call(app, who.agent, 'GET', `/api/kb/search?q=${encodeURIComponent('火星护照 330102199001011234')}`);
  const f = (await call(app, who.admin, 'GET', '/api/kb/figures')).body;
  t.match(f['onSpot'], { orders: 3, onSpot: 1, rate: 0.3333, withArticle: 1 });
  t.same(f['onSpot']['byHotline'], [
    { hotline: '12333', orders: 2, onSpot: 1, rate: 0.5 },
    { hotline: 'web', orders: 1, onSpot: 0, rate: 0 },
  ]);
  t.same(f['onSpot']['byType'], [{ type: 'faq', orders: 1, rate: 0.3333 }]);
  t.match(f['mostUsed'], [{ articleId: id, uses: 1, title: '社保卡遗失如何补办' }]);
  t.same(
    (f['missedSearches'] as Body[]).map((m) => [m['query'], m['times']]),
    [
      ['火星移民', 2],
      ['138****5678 王先生', 1],
      ['火星护照 330***********1234', 1],
    ],
    'searches with no result (a live refinement is not one), numbers masked',
  );
  const stored = JSON.stringify(f['missedSearches']);
  t.notMatch(stored, /13812345678|330102199001011234/, 'no number in clear');
  // Usage ranks the article first for its hotline's screen-pop suggestions.
  t.same(searchIds((await call(app, who.agent, 'GET', '/api/kb/search?hotline=12333')).body), [id]);
});

t.test('bad input: coded 400s that change nothing', async (t) => {
  const { app, who } = await setup(t);
  const bad = async (over: Record<string, unknown>, code: string) => {
    const r = await call(app, who.admin, 'POST', '/api/kb/articles', article(over));
    t.equal(r.status, 400, `${JSON.stringify(over)} → 400`);
    t.equal(r.body['error']?.code, code, code);
  };
  await bad({ type: 'rumour' }, 'VALIDATION_FAILED');
  await bad({ title: '' }, 'VALIDATION_FAILED');
  await bad({ title: 'x'.repeat(201) }, 'VALIDATION_FAILED');
  await bad({ hotlines: ['99999'] }, 'KB_UNKNOWN_HOTLINE');
  await bad({ areas: ['hz-nowhere'] }, 'KB_UNKNOWN_AREA');
  await bad({ unitId: 'city-nowhere' }, 'UNKNOWN_UNIT');
  await bad({ effectiveFrom: '2027-02-30' }, 'VALIDATION_FAILED');
  await bad({ effectiveFrom: '2027-03-01', expiresOn: '2027-01-01' }, 'KB_BAD_DATES');
  t.equal((await call(app, who.agent, 'GET', `/api/kb/search?q=${'长'.repeat(201)}`)).status, 400, 'a bounded query');
  t.equal((await call(app, who.agent, 'GET', '/api/kb/search?limit=500')).status, 400);
  const figures = (qs: string) => call(app, who.admin, 'GET', `/api/kb/figures?${qs}`);
  t.equal((await figures('from=1900-01-01&to=2999-12-31')).body['error']?.code, 'VALIDATION_FAILED', 'the figures cover a bounded span');
  t.equal((await figures('from=2025-01-01&to=2026-01-02')).status, 400, '367 days: one too many');
  t.equal((await figures('from=2025-01-01&to=2026-01-01')).status, 200, '366 days');
  t.equal((await figures('from=2026-02-01&to=2026-01-01')).body['error']?.code, 'VALIDATION_FAILED', 'from after to');
  t.equal((await call(app, who.admin, 'GET', '/api/kb/articles')).body['items'].length, 0, 'nothing was written');
});

t.test('answered with this article: only a version agents may be shown today (not withdrawn, in force); refusals link nothing', async (t) => {
  const { app, who } = await setup(t);
  const publish = async (over: Record<string, unknown>) => {
    const id = (await call(app, who.hrss, 'POST', '/api/kb/articles', article(over))).body['id'] as number;
    await call(app, who.hrss, 'POST', `/api/kb/articles/${id}/submit`);
    return { id, versionId: (await call(app, who.admin, 'POST', `/api/kb/articles/${id}/approve`, {})).body['published']['id'] as number };
  };
  const withdrawn = await publish({ title: '旧政策' });
  t.equal((await call(app, who.hrss, 'POST', `/api/kb/articles/${withdrawn.id}/withdraw`, {})).status, 200);
  const expired = await publish({ title: '过期通知', effectiveFrom: '2020-01-01', expiresOn: '2020-02-01' });
  const future = await publish({ title: '将来的通知', effectiveFrom: '2999-01-01' });
  const current = await publish({ title: '现行政策' });
  const order = (await call(app, who.agent, 'POST', '/api/workorders', { channel: '12333', category: 'consultation', content: '社保卡丢了' })).body[
    'id'
  ] as number;

  for (const [name, a] of [
    ['withdrawn', withdrawn],
    ['expired', expired],
    ['not yet in force', future],
  ] as const) {
    t.equal((await call(app, who.agent, 'GET', `/api/kb/articles/${a.id}`)).status, 404, `${name}: hidden from agents`);
    const v = a.versionId;
    const r = await call(app, who.agent, 'POST', '/api/kb/answers', { orderId: order, versionId: v });
    t.equal(r.body['error']?.code, 'KB_ANSWER_REFUSED', `${name}: answers nobody`);
    t.equal(
      (await call(app, who.lead1, 'POST', '/api/kb/answers', { orderId: order, versionId: v })).body['error']?.code,
      'KB_ANSWER_REFUSED',
      `${name}: not by a lead either`,
    );
  }
  t.same((await call(app, who.agent, 'GET', `/api/kb/answers?orderId=${order}`)).body['items'], [], 'the refusals linked nothing');
  t.same((await call(app, who.agent, 'POST', '/api/kb/answers', { orderId: order, versionId: current.versionId })).body, { linked: true }, 'one in force does');
});
