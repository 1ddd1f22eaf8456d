/**
 * What the survey after a 回访 call writes (OutboundRecords.survey, SUNLINE_OUTBOUND_SURVEY): the
 * call event always; for a key, the order's evaluation by callback while it still waits for one;
 * nothing more for no key or an order evaluated meanwhile. The real-Asterisk side (and 不满意 →
 * supervision) is test/telephony/outbound-survey.real.test.ts.
 */
import t from 'tap';
import { OutboundRecords } from '../../src/calls/outbound-records.js';
import { appQuery } from '../helpers/app-database.js';
import { testApp } from '../helpers/app.js';

/** A test app (SQLite or PostgreSQL) with OutboundRecords on its work orders, the platform's actor, a missed-call order from `phone`, and `call(id)` dialling it. */
async function setup(t: Parameters<typeof testApp>[0], phone: string) {
  const app = await testApp(t);
  const orders = app.orders;
  const records = new OutboundRecords(orders);
  const actor = { id: (await app.users.systemUser()).id, role: 'admin' as const, unitId: null };
  const order = await orders.createMissedCall({ channel: '12345', callerPhone: phone });
  const call = async (callId: string) => {
    records.dialled({ callId, channelId: `out-${callId}`, agentId: actor.id, orderId: order.id, callerId: null, number: phone, hotline: '12345', at: 1 });
    await records.flushed();
  };
  return { app, orders, records, actor, order, call };
}

t.test('the survey key evaluates a reviewed order by callback, once', async (t) => {
  const { app, orders, records, actor, order, call } = await setup(t, '13800000041');
  t.notOk(await records.awaitsEvaluation(order.id), 'a missed call waits for no evaluation');
  await appQuery(app, "update work_orders set status = 'reviewed' where id = ?", [order.id]);
  t.ok(await records.awaitsEvaluation(order.id));
  // jsonb on PostgreSQL comes parsed, text on SQLite.
  const parsed = (data: unknown) => (typeof data === 'string' ? JSON.parse(data) : data) as Record<string, unknown>;
  const events = async (callId: string) =>
    (await appQuery<{ data: unknown }>(app, "select data from call_events where call_id = ? and type = 'survey'", [callId])).map((e) => parsed(e.data));

  await call('c1');
  t.same(await records.survey('c1', order.id, 'no_answer', 2, actor), { orderId: null, actions: [] });
  t.same(await events('c1'), [{ result: 'no_answer' }], 'no key: the call event only');
  t.equal((await orders.get(order.id)).status, 'reviewed', 'still waiting');

  await call('c2');
  t.same(await records.survey('c2', order.id, 'satisfied', 3, actor), { orderId: order.id, actions: ['evaluate'] });
  t.match(await orders.get(order.id), { status: 'evaluated', satisfaction: 'satisfied' });
  const evaluate = await appQuery<{ data: unknown }>(app, "select data from work_order_events where order_id = ? and action = 'evaluate'", [order.id]);
  t.match(
    evaluate.map((e) => parsed(e.data)),
    [{ channel: 'callback', result: 'satisfied' }],
  );
  t.notOk(await records.awaitsEvaluation(order.id));

  await call('c3');
  t.same(await records.survey('c3', order.id, 'unsatisfied', 4, actor), { orderId: null, actions: [] }, 'evaluated already: kept');
  t.equal((await orders.get(order.id)).satisfaction, 'satisfied');
});

t.test('leftInStasis: what a restarted process does with a citizen of ours it finds in Stasis', async (t) => {
  const { records, actor, order, call } = await setup(t, '13800000042');
  await call('s1');
  t.same(await records.leftInStasis('s1'), { kind: 'unfinished' }, 'dialling: recover() ends it');
  records.answered('s1', actor.id, 2);
  await records.flushed();
  t.same(await records.leftInStasis('s1'), { kind: 'unfinished' }, 'answered, in conversation');
  records.ended('s1', 3, { result: 'answered', reason: 'agent_hangup', cause: null });
  await records.flushed();
  t.same(await records.leftInStasis('s1'), { kind: 'survey', orderId: order.id }, 'the agent hung up after an answer: the citizen was sent to the survey');
  await records.survey('s1', order.id, 'no_answer', 4, actor);
  t.same(await records.leftInStasis('s1'), { kind: 'over' }, 'a survey result exists: nothing to ask again');

  await call('s2');
  records.answered('s2', actor.id, 2);
  await records.flushed();
  records.ended('s2', 3, { result: 'answered', reason: 'citizen_hangup', cause: 16 });
  await records.flushed();
  t.same(await records.leftInStasis('s2'), { kind: 'over' }, 'the citizen hung up: no survey');
  await call('s3');
  records.ended('s3', 3, { result: 'busy', reason: null, cause: 17 });
  await records.flushed();
  t.same(await records.leftInStasis('s3'), { kind: 'over' }, 'never answered');
  t.same(await records.leftInStasis('no-such-call'), { kind: 'over' });
});
