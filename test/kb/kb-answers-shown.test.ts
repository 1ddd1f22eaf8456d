/**
 * "What an agent saw at the time of a call can be shown later" (issue 15 item 1): an order answered
 * with an article lists the version the agent used (GET /api/kb/answers?orderId=), and that
 * version's text stays readable after the article has changed — to whoever may see the order,
 * in the work orders' own scope (another unit's order is 404, as a missing one).
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('an order shows the version it was answered with, after the article changed', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const amr = await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' });
  const agent = await loginCookies(app, 'agent1', 'agent');
  const admin = await loginCookies(app, 'admin1', 'admin');
  const call = async (cookies: typeof admin, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
  };
  const fields = (body: string) => ({ title: '社保卡遗失如何补办', body, type: 'faq', unitId: 'city-hrss', hotlines: ['12333'] });
  const publish = async (id: number) => {
    await call(hrss, 'POST', `/api/kb/articles/${id}/submit`);
    return (await call(admin, 'POST', `/api/kb/articles/${id}/approve`, {})).body['published']['id'] as number;
  };
  const id = (await call(hrss, 'POST', '/api/kb/articles', fields('工本费20元。'))).body['id'] as number;
  const v1 = await publish(id);

  const order = (await call(agent, 'POST', '/api/workorders', { channel: '12333', category: 'consultation', content: '社保卡丢了怎么办' })).body[
    'id'
  ] as number;
  t.same((await call(agent, 'POST', '/api/kb/answers', { orderId: order, versionId: v1 })).body, { linked: true });

  await call(hrss, 'PUT', `/api/kb/articles/${id}`, { fields: fields('工本费已取消，免费补办。'), draftVersionId: null });
  const v2 = await publish(id);
  t.not(v2, v1);

  const answers = await call(admin, 'GET', `/api/kb/answers?orderId=${order}`);
  t.equal(answers.status, 200);
  t.match(answers.body['items'], [{ articleId: id, versionId: v1, versionNo: 1, title: '社保卡遗失如何补办', hotline: '12333' }], 'the version used then');
  t.equal(answers.body['items'].length, 1);
  const seen = await call(agent, 'GET', `/api/kb/versions/${v1}`);
  t.equal(seen.body['body'], '工本费20元。', 'its text as the agent read it');
  t.equal(seen.body['state'], 'superseded');

  t.equal((await call(agent, 'GET', `/api/kb/answers?orderId=${order}`)).status, 200, 'agents see orders');
  const foreign = await call(amr, 'GET', `/api/kb/answers?orderId=${order}`);
  t.equal(foreign.status, 404, 'an order outside the unit’s scope');
  t.equal(foreign.body['error']?.code, 'KB_ORDER_NOT_FOUND');
  t.equal((await call(admin, 'GET', '/api/kb/answers?orderId=999999')).body['error']?.code, 'KB_ORDER_NOT_FOUND', 'as a missing one');
  t.equal((await call(admin, 'GET', '/api/kb/answers?orderId=abc')).status, 400);
});
