/**
 * The order desk through the real app (issue 10): each queue filled by the lifecycle and worked
 * empty again by a dispatcher through the API, and who may use the desk at all.
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type Cookies = { sunline_session: string };
const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function setup(t: { teardown(fn: () => unknown): void }) {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent', 'agent');
  const dispatcher = await loginCookies(app, 'disp', 'dispatcher');
  const unit = await loginCookies(app, 'amr', 'unit_handler', { unitId: 'city-amr' });
  return { app, agent, dispatcher, unit };
}

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : {} };
}

const counts = async (app: Sunline, cookies: Cookies) => {
  const r = await call(app, cookies, 'GET', '/api/desk/queues');
  if (r.status !== 200) throw new Error(`queues: ${r.status} ${JSON.stringify(r.body)}`);
  return Object.fromEntries((r.body['items'] as Array<{ queue: string; total: number }>).map((c) => [c.queue, c.total])) as Record<string, number>;
};
const queueIds = async (app: Sunline, cookies: Cookies, queue: string) =>
  ((await call(app, cookies, 'GET', `/api/desk/queues/${queue}`)).body['items'] as Array<{ order: { id: number } }>).map((i) => i.order.id);

async function act(app: Sunline, cookies: Cookies, id: number, action: object) {
  const r = await call(app, cookies, 'POST', `/api/workorders/${id}/actions`, action);
  if (r.status !== 200) throw new Error(`${JSON.stringify(action)}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

t.test('each queue fills from the lifecycle and a dispatcher works it empty through the API', async (t) => {
  const { app, agent, dispatcher, unit } = await setup(t);
  const created = await call(app, agent, 'POST', '/api/workorders', {
    channel: '12345',
    callerPhone: '13800001111',
    category: 'complaint',
    subject: '商家拒绝退款',
    content: '在商场买的鞋子开胶，商家拒绝退款',
  });
  t.equal(created.status, 201);
  const id = created.body['id'] as number;
  const empty = await counts(app, dispatcher);

  // 待派单: an agent accepted the order without answering it on the spot.
  t.equal((await counts(app, dispatcher))['to_dispatch'], empty['to_dispatch']! + 0, 'counted before any check');
  t.same(await queueIds(app, dispatcher, 'to_dispatch'), [id], '待派单 lists the accepted order');
  const deadlineAt = Date.now() + 5 * DAY;
  await act(app, dispatcher, id, { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt });
  t.equal((await counts(app, dispatcher))['to_dispatch'], 0, 'dispatched: gone from 待派单');

  // 被退回 with the unit's reason, re-dispatched by the dispatcher.
  await act(app, unit, id, { type: 'return', reason: '不属于本单位职责' });
  t.equal((await counts(app, dispatcher))['returned'], 1);
  const returned = await call(app, dispatcher, 'GET', '/api/desk/queues/returned');
  t.equal(returned.body['items'][0].lastReturn.reason, '不属于本单位职责', 'the unit’s reason is on the row');
  t.equal(returned.body['items'][0].lastReturn.unitId, 'city-amr');
  await act(app, dispatcher, id, { type: 'redispatch', leadUnitId: 'city-amr', deadlineAt });
  t.equal((await counts(app, dispatcher))['returned'], 0);

  // 延期申请: granted with a new deadline.
  await act(app, unit, id, { type: 'sign' });
  await act(app, unit, id, { type: 'start' });
  await act(app, unit, id, { type: 'request_extension', days: 3, reason: '需现场核查' });
  t.same(await queueIds(app, dispatcher, 'extension_requested'), [id]);
  await act(app, dispatcher, id, { type: 'grant_extension', deadlineAt: deadlineAt + 3 * DAY });
  t.equal((await counts(app, dispatcher))['extension_requested'], 0);

  // 待审核: sent back once, then accepted.
  await act(app, unit, id, { type: 'reply', text: '已责令商家退款' });
  t.same(await queueIds(app, dispatcher, 'to_review'), [id]);
  await act(app, dispatcher, id, { type: 'review_send_back', reason: '请附退款凭证' });
  t.equal((await counts(app, dispatcher))['to_review'], 0, 'sent back: no longer to review');
  await act(app, unit, id, { type: 'reply', text: '商家已退款，凭证见附件' });
  await act(app, dispatcher, id, { type: 'review_accept' });
  t.equal((await counts(app, dispatcher))['to_review'], 0);

  // 待回访: the callback's result recorded by hand.
  t.same(await queueIds(app, dispatcher, 'to_callback'), [id]);
  await act(app, dispatcher, id, { type: 'evaluate', result: 'unsatisfied', channel: 'callback' });
  t.equal((await counts(app, dispatcher))['to_callback'], 0);

  // 不满意/督办: supervised (by the dispatcher, or already by the automatic rule), raised a level.
  t.same(await queueIds(app, dispatcher, 'unsatisfied'), [id]);
  const before = (await call(app, dispatcher, 'GET', `/api/desk/orders/${id}`)).body;
  await act(app, dispatcher, id, { type: 'supervise', level: Math.max(1, before['supervisionLevel'] as number) + 1, reason: '群众不满意，升级督办' });
  t.same(await queueIds(app, dispatcher, 'unsatisfied'), [id], 'still waiting for the second handling');
  await act(app, unit, id, { type: 'start' });
  t.equal((await counts(app, dispatcher))['unsatisfied'], 0, 'second handling started: out of the queue');
  t.same(await queueIds(app, dispatcher, 'due_soon'), [], 'five working days ahead is not due soon');
});

t.test('due soon and overdue: the handling clock, coloured as the unit portal colours it', async (t) => {
  const { app, agent, dispatcher } = await setup(t);
  const make = async () =>
    (await call(app, agent, 'POST', '/api/workorders', { channel: 'web', category: 'consultation', subject: '公积金提取', content: '公积金提取需要什么材料' }))
      .body['id'] as number;
  const soon = await make();
  const late = await make();
  const later = await make();
  await act(app, dispatcher, soon, { type: 'dispatch', leadUnitId: 'city-hpf', deadlineAt: Date.now() + HOUR });
  await act(app, dispatcher, late, { type: 'dispatch', leadUnitId: 'city-hpf', deadlineAt: Date.now() + HOUR });
  await act(app, dispatcher, later, { type: 'dispatch', leadUnitId: 'city-hpf', deadlineAt: Date.now() + 40 * DAY });
  // Time passes for one of them: its deadline is yesterday.
  await appQuery(app, 'update work_orders set deadline_at = ? where id = ?', [Date.now() - DAY, late]);

  t.same(await queueIds(app, dispatcher, 'due_soon'), [soon]);
  t.same(await queueIds(app, dispatcher, 'overdue'), [late]);
  const r = await call(app, dispatcher, 'GET', '/api/desk/queues');
  const overdue = (r.body['items'] as Array<Record<string, number | string>>).find((c) => c['queue'] === 'overdue');
  t.same(
    overdue,
    { queue: 'overdue', total: 1, totalCapped: false, overdue: 1, overdueCapped: false, dueSoon: 0, dueSoonCapped: false, onTime: 0 },
    'the overdue queue is all red',
  );
  const page = await call(app, dispatcher, 'GET', '/api/desk/queues/due_soon');
  t.equal(page.body['items'][0].clock.kind, 'handling');
  t.equal(page.body['items'][0].clock.state, 'due_soon');
});

t.test('queue pages follow their cursor to the end, each order once', async (t) => {
  const { app, agent, dispatcher } = await setup(t);
  const ids: number[] = [];
  for (let i = 0; i < 5; i++)
    ids.push((await call(app, agent, 'POST', '/api/workorders', { channel: 'web', category: 'consultation', content: `咨询 ${i}` })).body['id'] as number);
  const seen: number[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const r = await call(app, dispatcher, 'GET', `/api/desk/queues/to_dispatch?pageSize=2${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...(r.body['items'] as Array<{ order: { id: number } }>).map((i) => i.order.id));
    cursor = r.body['nextCursor'] as string | null;
    if (!cursor) break;
  }
  t.same(seen, ids, 'oldest first, every order once');
  const bad = await call(app, dispatcher, 'GET', '/api/desk/queues/to_dispatch?cursor=nonsense');
  t.equal(bad.status, 400);
  t.equal(bad.body['error'].code, 'VALIDATION_FAILED');
});

t.test('the desk is for dispatchers, shift leads and admins: agents and unit handlers are refused', async (t) => {
  const { app, agent, unit } = await setup(t);
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  for (const url of ['/api/desk/queues', '/api/desk/queues/to_dispatch', '/api/desk/orders', '/api/desk/units/returns', '/api/desk/filters']) {
    t.equal((await call(app, agent, 'GET', url)).status, 403, `agent: ${url}`);
    t.equal((await call(app, unit, 'GET', url)).status, 403, `unit handler: ${url}`);
    t.equal((await call(app, lead, 'GET', url)).status, 200, `shift lead: ${url}`);
  }
  t.equal((await app.http.inject({ method: 'GET', url: '/api/desk/queues' })).statusCode, 401, 'no session');
});
