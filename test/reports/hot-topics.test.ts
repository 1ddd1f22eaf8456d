/**
 * Hot topics (热点, issue 14 item 4) through the real app: orders of 9 October 2026 (and the
 * previous day) driven through the real lifecycle, the words jieba finds in them counted once per
 * order, beside the previous day; stop words, personal names, drafts and confidential orders left
 * out; a county dispatcher reads its subtree's orders; the orders behind a word.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { bj } from '../helpers/report-fixture.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import { topicWords } from '../../src/reports/topic-words.js';

const agent: Actor = { id: 101, role: 'agent', unitId: null };

t.test('topic words: nouns and set phrases, no stop words, no personal names, each once', async (t) => {
  const words = topicWords('市民张三来电反映：小区楼下餐馆夜间噪音扰民，噪音很大，希望相关部门处理');
  t.ok(words.includes('噪音') && words.includes('餐馆'), 'the subject nouns');
  t.equal(words.filter((w) => w === '噪音').length, 1, 'a word once per text');
  for (const w of ['市民', '来电', '反映', '相关部门', '部门', '处理', '希望', '张三', '，']) t.notOk(words.includes(w), `${w} is no topic`);
});

t.test('the hot topics of a day beside the day before, scoped, with the orders behind a word', async (t) => {
  const app = await testApp(t);
  app.db.sqlite.exec(`insert into users (id, username, display_name, role, password_hash) values (101, 'ht-a1', '坐席一', 'agent', 'x')`);
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction) => {
    clock.now = bj(when);
    await svc.apply(id, action, agent);
  };
  const order = async (
    when: string,
    fields: { category: 'complaint' | 'consultation'; subject: string; content: string; location?: string; confidential?: boolean },
    unit?: string,
  ) => {
    clock.now = bj(when);
    const id = (await svc.createDraft({ channel: '12345' })).id;
    await act(id, when, { type: 'accept', fields });
    if (unit) await act(id, when, { type: 'dispatch', leadUnitId: unit, deadlineAt: bj('2026-10-20T17:30') });
    return id;
  };
  // 9 October: two orders about noise (a county unit's and a city unit's), one about the housing fund.
  const a = await order(
    '2026-10-09T09:00',
    { category: 'complaint', subject: '餐馆噪音扰民', content: '市民张三来电反映楼下餐馆夜间噪音扰民，希望相关部门处理', location: '西湖区文三路' },
    'dq-amr',
  );
  const b = await order(
    '2026-10-09T10:00',
    { category: 'complaint', subject: '工地夜间施工噪音', content: '建筑工地夜间施工噪音很大', location: '西湖区文一路' },
    'city-hrss',
  );
  const c = await order('2026-10-09T11:00', { category: 'consultation', subject: '公积金提取', content: '咨询公积金提取需要什么材料' });
  // Left out: a confidential report (not even its words), a draft that was never accepted.
  await order('2026-10-09T12:00', { category: 'complaint', subject: '举报烂尾楼', content: '烂尾楼噪音', confidential: true });
  clock.now = bj('2026-10-09T13:00');
  const draft = (await svc.createDraft({ channel: '12345' })).id;
  await act(draft, '2026-10-09T13:00', { type: 'update_fields', fields: { subject: '共享单车', content: '共享单车噪音' } });
  // 8 October: two orders about the housing fund, none about noise.
  await order('2026-10-08T09:00', { category: 'consultation', subject: '公积金贷款', content: '公积金贷款额度' });
  await order('2026-10-08T10:00', { category: 'consultation', subject: '公积金提取', content: '公积金提取条件' });

  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const county = await loginCookies(app, 'dq.dispatcher', 'dispatcher', { unitId: 'dq-12345' });
  const handler = await loginCookies(app, 'hrss.handler', 'unit_handler', { unitId: 'city-hrss' });
  const get = async (cookies: Record<string, string>, q: string) => {
    const res = await app.http.inject({ method: 'GET', url: `/api/reports/hot-topics?period=day&date=2026-10-09&${q}`, cookies });
    return { status: res.statusCode, body: res.json() };
  };

  const all = await get(lead, '');
  t.equal(all.status, 200);
  t.equal(all.body.orders, 3, 'three orders read: A, B, C (the confidential one and the draft left out)');
  t.match(all.body.previous, { from: '2026-10-08', to: '2026-10-08' });
  const topics = all.body.topics as Array<{ word: string }>;
  t.match(topics[0], {
    word: '噪音',
    orders: 2,
    previous: 0,
    rise: 2,
    riseRate: null,
    categories: [{ category: 'complaint', orders: 2 }],
    places: [{ place: '西湖区', orders: 2 }],
    sample: [{ id: b }, { id: a }],
  });
  t.match(
    topics.find((x) => x.word === '公积金'),
    { orders: 1, previous: 2, rise: -1, riseRate: -0.5, categories: [{ category: 'consultation', orders: 1 }], sample: [{ id: c }] },
    '公积金 fell from 2 orders to 1',
  );
  for (const w of ['烂尾楼', '共享单车', '张三', '市民', '部门'])
    t.notOk(
      topics.some((x) => x.word === w),
      `${w} is not a topic`,
    );

  const rising = await get(lead, 'sort=rise&limit=1');
  t.match(rising.body, { sort: 'rise', topics: [{ word: '噪音' }] }, 'by rise, one topic');
  t.equal(rising.body.topics.length, 1);
  const byCategory = await get(lead, 'category=consultation');
  t.same(
    (byCategory.body.topics as Array<{ word: string }>).some((x) => x.word === '噪音'),
    false,
    'only consultations: no noise',
  );

  const countyTopics = await get(county, '');
  t.equal(countyTopics.body.orders, 1, 'a county dispatcher reads the orders sent to its subtree: A');
  t.match(countyTopics.body.topics[0], { word: /噪音|餐馆|扰民/ });
  t.match(
    (countyTopics.body.topics as Array<{ word: string }>).find((x) => x.word === '噪音'),
    { orders: 1, sample: [{ id: a }] },
  );

  const behind = await app.http.inject({ method: 'GET', url: '/api/reports/hot-topics/orders?period=day&date=2026-10-09&word=噪音', cookies: lead });
  t.equal(behind.statusCode, 200);
  t.same(
    (behind.json() as { orders: Array<{ id: number }> }).orders.map((o) => o.id),
    [a, b],
    'the orders behind 噪音, oldest first',
  );
  t.match(behind.json(), { capped: false });

  const csv = await app.http.inject({ method: 'GET', url: '/api/reports/hot-topics.csv?period=day&date=2026-10-09&limit=1', cookies: lead });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.same(
    csv.body.split('\r\n'),
    ['\uFEFF热词,本期工单量,上期工单量,升降,升降幅度,主要类别,主要地点', '噪音,2,0,2,,投诉 2,西湖区 2; 文三路 1', ''],
    'the CSV: Chinese headers, one line per word',
  );
  t.equal((await app.http.inject({ method: 'GET', url: '/api/reports/hot-topics.xlsx?period=day&date=2026-10-09', cookies: county })).statusCode, 200);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/reports/hot-topics.csv?period=day&date=2026-10-09', cookies: handler })).statusCode, 403);
  t.equal((await get(handler, '')).status, 403, 'a unit handler reads no hot topics');
  t.equal((await get(lead, 'limit=0')).status, 400, 'limit at least 1');
  t.equal((await get(lead, 'sort=loudest')).status, 400, 'an unknown sort');
  const noWord = await app.http.inject({ method: 'GET', url: '/api/reports/hot-topics/orders?period=day&date=2026-10-09&word=', cookies: lead });
  t.equal(noWord.statusCode, 400, 'a drill-down needs a word');
});
