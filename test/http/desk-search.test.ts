/**
 * The order desk's search, saved filters, repeats and merge/link through the real app (issue 10).
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };
const DAY = 86_400_000;

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : {} };
}
const ids = (body: Record<string, any>) => (body['items'] as Array<{ id: number }>).map((o) => o.id);

async function setup(t: { teardown(fn: () => unknown): void }) {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent', 'agent');
  const dispatcher = await loginCookies(app, 'disp', 'dispatcher');
  const make = async (body: Record<string, unknown>) => {
    const r = await call(app, agent, 'POST', '/api/workorders', { channel: 'web', category: 'complaint', ...body });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body['id'] as number;
  };
  return { app, agent, dispatcher, make };
}

t.test('search: full text, phone, status, category, unit, channel, dates, with a cursor to the end', async (t) => {
  const { app, dispatcher, make } = await setup(t);
  const noise = await make({ callerPhone: '13800001111', subject: '小区夜间施工噪音', content: '小区夜间施工噪音扰民' });
  const refund = await make({ callerPhone: '13800002222', subject: '商家拒绝退款', content: '商家拒绝退款', channel: 'wechat' });
  const consult = await make({ callerPhone: '13800001111', category: 'consultation', content: '公积金提取需要什么材料' });
  await call(app, dispatcher, 'POST', `/api/workorders/${refund}/actions`, { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt: Date.now() + 5 * DAY });

  t.same(ids((await call(app, dispatcher, 'GET', '/api/desk/orders?q=施工噪音')).body), [noise], 'full text');
  t.same(ids((await call(app, dispatcher, 'GET', '/api/desk/orders?phone=13800001111')).body), [consult, noise], 'by phone, newest first');
  t.same(ids((await call(app, dispatcher, 'GET', '/api/desk/orders?phone=13800001111&category=consultation')).body), [consult], 'phone and category');
  t.same(ids((await call(app, dispatcher, 'GET', '/api/desk/orders?status=dispatched&leadUnitId=city-amr')).body), [refund], 'status and unit');
  t.same(ids((await call(app, dispatcher, 'GET', '/api/desk/orders?channel=wechat')).body), [refund], 'channel');
  t.same(ids((await call(app, dispatcher, 'GET', `/api/desk/orders?createdFrom=${Date.now() + DAY}`)).body), [], 'date range');
  t.same(ids((await call(app, dispatcher, 'GET', '/api/desk/orders?phone=13999999999')).body), [], 'an unknown phone finds nothing');

  const seen: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 5; i++) {
    const r = await call(app, dispatcher, 'GET', `/api/desk/orders?pageSize=2${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...ids(r.body));
    t.equal(r.body['total'], 3);
    cursor = r.body['nextCursor'] as string | null;
    if (!cursor) break;
  }
  t.same(seen, [consult, refund, noise], 'every order once, newest first');
  t.equal((await call(app, dispatcher, 'GET', '/api/desk/orders?cursor=zzz')).status, 400, 'a foreign cursor');
  t.equal((await call(app, dispatcher, 'GET', '/api/desk/orders?phone=abc')).status, 400, 'a phone is digits');
});

t.test('saved filters through the API replay as searches; each user sees their own', async (t) => {
  const { app, dispatcher, make } = await setup(t);
  const other = await loginCookies(app, 'disp2', 'dispatcher');
  const noise = await make({ subject: '夜间施工噪音', content: '夜间施工噪音' });
  const saved = await call(app, dispatcher, 'POST', '/api/desk/filters', { name: '噪音投诉', filter: { q: '施工噪音', category: 'complaint' } });
  t.equal(saved.status, 200);
  const mine = await call(app, dispatcher, 'GET', '/api/desk/filters');
  t.same(
    (mine.body['items'] as Array<{ name: string }>).map((f) => f.name),
    ['噪音投诉'],
  );
  t.same((await call(app, other, 'GET', '/api/desk/filters')).body['items'], [], 'not another user’s');
  const query = new URLSearchParams(mine.body['items'][0].filter as Record<string, string>).toString();
  t.same(ids((await call(app, dispatcher, 'GET', `/api/desk/orders?${query}`)).body), [noise], 'replayed as the search');

  const bad = await call(app, dispatcher, 'POST', '/api/desk/filters', { name: 'x', filter: { status: 'nonsense' } });
  t.equal(bad.status, 400, 'a filter that is no search is refused');
  t.equal((await call(app, other, 'DELETE', `/api/desk/filters/${saved.body['id'] as number}`)).status, 404, 'another user cannot delete it');
  t.equal((await call(app, dispatcher, 'DELETE', `/api/desk/filters/${saved.body['id'] as number}`)).status, 204);
  t.same((await call(app, dispatcher, 'GET', '/api/desk/filters')).body['items'], []);
});

t.test('a repeat is suggested when the order is opened, and the dispatcher merges or links it', async (t) => {
  const { app, dispatcher, make } = await setup(t);
  const first = await make({ callerPhone: '13800003333', subject: '小区电梯故障', content: '小区电梯故障困人' });
  const repeat = await make({ callerPhone: '13800003333', subject: '小区电梯故障又来了', content: '电梯还没修好' });
  const similar = await call(app, dispatcher, 'GET', `/api/desk/orders/${repeat}/similar`);
  t.same(similar.body['items'][0].order.id, first);
  t.same(similar.body['items'][0].reasons, ['same_phone', 'similar_text']);

  const detail = await call(app, dispatcher, 'GET', `/api/desk/orders/${repeat}`);
  t.ok((detail.body['allowedActions'] as string[]).includes('merge_into'), 'merge is offered');
  const merged = await call(app, dispatcher, 'POST', `/api/workorders/${repeat}/actions`, { type: 'merge_into', targetOrderId: first });
  t.equal(merged.status, 200);
  t.equal(merged.body['order'].status, 'merged');
  t.same((await call(app, dispatcher, 'GET', `/api/desk/orders/${first}/similar`)).body['items'], [], 'a merged order is no longer suggested');

  const third = await make({ callerPhone: '13800003333', subject: '电梯', content: '电梯第三次投诉' });
  const linked = await call(app, dispatcher, 'POST', `/api/workorders/${third}/actions`, { type: 'link', otherOrderId: first });
  t.equal(linked.status, 200);
  t.same((await call(app, dispatcher, 'GET', `/api/desk/orders/${first}`)).body['linkedOrderIds'], [third], 'linked both ways');
});

t.test('the suggestion and returns per unit through the API', async (t) => {
  const { app, dispatcher, make } = await setup(t);
  const unit = await loginCookies(app, 'amr', 'unit_handler', { unitId: 'city-amr' });
  const id = await make({ subject: '商家拒绝退款', content: '网购商家拒绝退款', location: '吴兴区爱山街道' });
  const s = await call(app, dispatcher, 'GET', `/api/desk/orders/${id}/suggestion`);
  t.equal(s.body['suggestion'].lead, 'city-amr');
  t.same(s.body['suggestion'].matchedKeywords, ['商家', '退款']);
  t.equal(s.body['area'].id, 'wx-aishan');
  await call(app, dispatcher, 'POST', `/api/workorders/${id}/actions`, { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt: Date.now() + 5 * DAY });
  await call(app, unit, 'POST', `/api/workorders/${id}/actions`, { type: 'return', reason: '应由属地处理' });
  const returns = await call(app, dispatcher, 'GET', '/api/desk/units/returns?days=7');
  t.same(returns.body['items'], [{ unitId: 'city-amr', dispatched: 1, returned: 1, rate: 1 }]);
});
