/**
 * QA inspectors read the knowledge base to check answers against policy (issue 13 item 4), read
 * only: they find and open what agents may be shown (published, in force) and the versions an
 * order was answered with, never drafts, history, the editors' list, and never write, review,
 * withdraw or link answers — not even when kb.yaml names them as reviewers.
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { isReviewer, seesDrafts, KB_READER_ROLES } from '../../src/kb/workflow.js';
import { appQuery } from '../helpers/app-database.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };
type Body = Record<string, any>;

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as Body };
}

const article = (title: string) => ({
  title,
  body: '社会保障卡遗失后，先拨打12333挂失，再携带身份证到银行网点补办。',
  type: 'faq',
  unitId: 'city-hrss',
  hotlines: ['12333'],
  keywords: ['挂失'],
});

t.test('a QA inspector reads published articles and nothing else of the KB', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const admin = await loginCookies(app, 'admin1', 'admin');
  const qa = await loginCookies(app, 'qa1', 'qa');

  const pub = (await call(app, hrss, 'POST', '/api/kb/articles', article('社保卡遗失如何补办'))).body;
  t.equal((await call(app, hrss, 'POST', `/api/kb/articles/${pub['id']}/submit`)).status, 200);
  const published = await call(app, admin, 'POST', `/api/kb/articles/${pub['id']}/approve`, {});
  t.equal(published.status, 200);
  const draft = (await call(app, hrss, 'POST', '/api/kb/articles', article('社保卡挂失草稿'))).body;
  t.equal((await call(app, hrss, 'POST', `/api/kb/articles/${draft['id']}/submit`)).status, 200, 'in review, not published');

  // ---- reads: search, the article, its published version
  const found = await call(app, qa, 'GET', '/api/kb/search?q=社保卡');
  t.equal(found.status, 200, 'qa may search');
  t.same(
    (found.body['items'] as Array<{ articleId: number }>).map((i) => i.articleId),
    [pub['id']],
    'only the published article',
  );
  const opened = await call(app, qa, 'GET', `/api/kb/articles/${pub['id']}`);
  t.equal(opened.status, 200);
  t.equal(opened.body['draft'], null);
  t.equal((await call(app, qa, 'GET', `/api/kb/versions/${published.body['published']['id']}`)).status, 200, 'the version an order was answered with');
  t.equal((await call(app, qa, 'GET', `/api/kb/articles/${draft['id']}`)).status, 404, 'no drafts');
  t.equal((await call(app, qa, 'GET', `/api/kb/versions/${draft['draft']['id']}`)).status, 404);
  t.equal((await call(app, qa, 'GET', `/api/kb/articles/${pub['id']}/history`)).status, 403, 'no history');
  t.equal((await call(app, qa, 'GET', '/api/kb/articles')).status, 403, 'no editors’ list');

  // ---- no writes of any kind
  const counts = () =>
    appQuery(app, 'select (select count(*) from kb_articles) a, (select count(*) from kb_article_versions) v, (select count(*) from kb_audit) au');
  const before = await counts();
  const writes: Array<[string, string, object | undefined]> = [
    ['POST', '/api/kb/articles', article('质检员不能写')],
    ['PUT', `/api/kb/articles/${pub['id']}`, { fields: article('改'), draftVersionId: published.body['published']['id'] }],
    ['POST', `/api/kb/articles/${draft['id']}/submit`, undefined],
    ['POST', `/api/kb/articles/${draft['id']}/approve`, {}],
    ['POST', `/api/kb/articles/${draft['id']}/reject`, { note: '不行' }],
    ['POST', `/api/kb/articles/${pub['id']}/withdraw`, {}],
    ['POST', '/api/kb/answers', { orderId: 1, versionId: published.body['published']['id'] }],
    ['POST', '/api/kb/import', { format: 'csv', files: [{ name: 'a.csv', text: 'x' }] }],
  ];
  for (const [method, url, payload] of writes) t.equal((await call(app, qa, method as 'POST' | 'PUT', url, payload)).status, 403, `${method} ${url}: 403`);
  t.same(await counts(), before, 'nothing changed');
  t.equal((await call(app, qa, 'GET', '/api/kb/figures')).status, 403, 'the KB figures stay with leads, admins, dispatchers');
});

t.test('a qa account named in kb.yaml reviewers still does not review or see drafts', async (t) => {
  t.ok(KB_READER_ROLES.includes('qa'));
  const inspector = { id: 9, role: 'qa' as const, unitId: null, username: 'qa1' };
  t.equal(isReviewer(inspector, ['qa1']), false);
  t.equal(seesDrafts(inspector, 'city-hrss', ['qa1']), false);
  t.equal(isReviewer({ ...inspector, role: 'shift_lead' }, ['qa1']), true, 'a listed shift lead does');
});
