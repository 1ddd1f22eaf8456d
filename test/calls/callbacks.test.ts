/**
 * The callback worklist (issue 12 item 2): the retry policy (pure, fake time and a fake line
 * schedule), and GET /api/callbacks through the real app and database: a caller's repeated
 * abandons merge into one entry, orders waiting for evaluation by callback are listed, outbound
 * calls count as attempts (reached / busy / no answer / wrong number), due entries come first,
 * agents and shift leads only.
 */
import t from 'tap';
import pino from 'pino';
import { attemptOutcome, nextTry, type Attempt } from '../../src/calls/callback-policy.js';
import { OutboundRecords } from '../../src/calls/outbound-records.js';
import { CallbackSatisfaction } from '../../src/calls/callback-satisfied.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import type { CallbackEntry } from '../../src/calls/callbacks.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

const MIN = 60_000;
const policy = { attempts: 3, spacingMs: 30 * MIN };
const always = () => true;

t.test('the retry policy: first try when due, then spaced, at most N, not after reached or a wrong number', async (t) => {
  t.same(nextTry(policy, 1000, [], always), { state: 'due', at: 1000 });
  const busy: Attempt = { at: 5000, outcome: 'busy' };
  t.same(nextTry(policy, 1000, [busy], always), { state: 'due', at: 5000 + 30 * MIN }, 'spacing after the last attempt');
  t.same(nextTry(policy, 10 * 60 * MIN, [busy], always), { state: 'due', at: 10 * 60 * MIN }, 'never before the duty is due');
  const three: Attempt[] = [busy, { at: 6000, outcome: 'no_answer' }, { at: 7000, outcome: 'failed' }];
  t.same(nextTry(policy, 1000, three, always), { state: 'done', why: 'attempts_used' });
  t.same(nextTry(policy, 1000, [busy, { at: 6000, outcome: 'reached' }], always), { state: 'done', why: 'reached' });
  t.same(nextTry(policy, 1000, [{ at: 6000, outcome: 'wrong_number' }], always), { state: 'done', why: 'wrong_number' });
  // The line opens at 08:00 (epoch hours here): a try due at 02:00 moves there.
  const H = 60 * MIN;
  const open = (at: number) => at % (24 * H) >= 8 * H && at % (24 * H) < 20 * H;
  t.same(nextTry(policy, 2 * H, [], open), { state: 'due', at: 8 * H });
  t.same(nextTry(policy, 0, [{ at: 19 * H + 50 * MIN, outcome: 'busy' }], open), { state: 'due', at: 24 * H + 8 * H }, 'spacing past closing: next morning');
  t.same(
    nextTry(policy, 2 * H, [], () => false),
    { state: 'due', at: 2 * H },
    'a line never open leaves the time',
  );
});

t.test('what an outbound call counts as', async (t) => {
  t.equal(attemptOutcome('answered', 16), 'reached');
  t.equal(attemptOutcome('busy', 17), 'busy');
  t.equal(attemptOutcome('no_answer', null), 'no_answer');
  t.equal(attemptOutcome('failed', 1), 'wrong_number');
  t.equal(attemptOutcome('failed', 28), 'wrong_number');
  t.equal(attemptOutcome('failed', 34), 'failed');
  t.equal(attemptOutcome('cancelled', 16), null, 'cancelled by the agent: no try');
});

t.test('GET /api/callbacks: one entry per caller, evaluations, attempts, due first; agents and leads only', async (t) => {
  const app = await testApp(t);
  const orders = new WorkOrdersService(app.database.stores.orders);
  const records = new OutboundRecords(orders);
  const agent = await app.users.upsert({ username: 'cb-agent', displayName: 'cb', role: 'agent', password: 'pw-123456' });
  const setTimes = (id: number, createdAt: number, updatedAt = createdAt) =>
    appQuery(app, 'update work_orders set created_at = ?, updated_at = ? where id = ?', [createdAt, updatedAt, id]);
  // Caller A abandoned twice, caller B once; one order waits for evaluation by callback.
  const a1 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000001' });
  const b1 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000002' });
  const a2 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000001' });
  const ev = await orders.createDraft({ channel: '12345', callerPhone: '13800000003' });
  await setTimes(a1.id, 1000);
  await setTimes(b1.id, 2000);
  await setTimes(a2.id, 3000);
  await appQuery(app, "update work_orders set status = 'reviewed', updated_at = 1500 where id = ?", [ev.id]);
  const attempt = async (callId: string, orderId: number, at: number, result: 'answered' | 'busy' | 'no_answer' | 'failed', cause: number) => {
    records.dialled({ callId, channelId: `out-${callId}`, agentId: agent.id, orderId, callerId: null, number: '13800000001', hotline: '12345', at });
    await records.flushed();
    records.ended(callId, at + 1000, { result, reason: null, cause });
    await records.flushed();
  };
  await attempt('x1', a2.id, 4000, 'busy', 17); // caller A: one busy try (made for the newer order: it counts for the entry)
  await attempt('x2', b1.id, 4500, 'answered', 16); // caller B: reached

  const cookies = await loginCookies(app, 'cb-lead', 'shift_lead');
  const res = await app.http.inject({ method: 'GET', url: '/api/callbacks', cookies });
  t.equal(res.statusCode, 200);
  const entries = (res.json() as { entries: CallbackEntry[] }).entries;
  t.same(
    entries.map((e) => [e.kind, e.orderId, e.orderIds, e.next]),
    [
      ['evaluation', ev.id, [ev.id], { state: 'due', at: 1500 }],
      ['missed', a1.id, [a1.id, a2.id], { state: 'due', at: 4000 + 30 * MIN }],
      ['missed', b1.id, [b1.id], { state: 'done', why: 'reached' }],
    ],
  );
  t.match(entries[1], { callerPhone: '13800000001', orderNumber: a1.number, dueAt: 1000, attempts: [{ at: 4000, outcome: 'busy' }] });

  // Reading it changes nothing; other roles are refused.
  for (const role of ['dispatcher', 'unit_handler', 'admin'] as const) {
    const c = await loginCookies(app, `cb-${role}`, role, role === 'unit_handler' ? { unitId: 'city-amr' } : {});
    t.equal((await app.http.inject({ method: 'GET', url: '/api/callbacks', cookies: c })).statusCode, 403, role);
  }
  t.equal((await app.http.inject({ method: 'GET', url: '/api/callbacks' })).statusCode, 401);
});

t.test('a caller answered on a new call needs no callback: the missed calls merge into that call, others stay', async (t) => {
  const app = await testApp(t);
  const orders = new WorkOrdersService(app.database.stores.orders);
  const repo = new CallsRepository(orders);
  const actor = { id: (await app.users.systemUser()).id, role: 'admin' as const, unitId: null };
  // In the call path's write queue, as calls/index.ts wires it: behind the call's own writes.
  const sat = new CallbackSatisfaction({ orders, actor, log: pino({ level: 'silent' }), writes: repo.writes });
  const events = new DomainEvents();
  const stop = sat.attach(events);
  t.teardown(stop);
  const mine1 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000009' });
  const mine2 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000009' });
  const other = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000010' });
  const call = await repo.createInbound({
    callId: 'in-1',
    channelId: 'ch-in-1',
    callerPhone: '13800000009',
    callerName: null,
    dialled: '12345',
    hotline: '12345',
    at: Date.now(),
    state: 'entered',
  });
  events.emit('call.updated', { callId: 'in-1', state: 'offered', agentId: 1, at: 1 });
  await repo.flushed();
  t.equal((await orders.get(mine1.id)).status, 'missed_call', 'an offer alone changes nothing (the caller may abandon again)');
  events.emit('call.updated', { callId: 'in-1', state: 'answered', agentId: 1, at: 2 });
  await repo.flushed();
  for (const id of [mine1.id, mine2.id]) t.match(await orders.get(id), { status: 'merged', mergedIntoId: call.orderId, callbackDue: false });
  t.match(await orders.get(other.id), { status: 'missed_call', callbackDue: true }, "another caller's duty stays");
  t.same(await sat.answered('in-1'), [], 'once');
});

t.test('assigning callbacks: a lead assigns and frees, an agent picks a free entry only, refusals change nothing, every change kept', async (t) => {
  const app = await testApp(t);
  const orders = new WorkOrdersService(app.database.stores.orders);
  const a1 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000021' });
  const a2 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000021' });
  const closed = await orders.createDraft({ channel: '12345', callerPhone: '13800000022' });
  const lead = await loginCookies(app, 'as-lead', 'shift_lead');
  const ann = await loginCookies(app, 'as-ann', 'agent');
  const bob = await loginCookies(app, 'as-bob', 'agent');
  let accounts = await app.users.list();
  const id = (name: string) => accounts.find((u) => u.username === name)!.id;
  const put = (cookies: { sunline_session: string }, orderId: number, agentId: unknown) =>
    app.http.inject({ method: 'PUT', url: `/api/callbacks/${orderId}/assignee`, cookies, payload: { agentId } });
  const entryOf = async (cookies: { sunline_session: string }) =>
    ((await app.http.inject({ method: 'GET', url: '/api/callbacks', cookies })).json() as { entries: CallbackEntry[] }).entries.find(
      (e) => e.orderId === a1.id,
    )!;
  const trail = () => appQuery(app, 'select order_id as "orderId", agent_id as "agentId", by_id as "byId" from callback_assignments order by id');

  t.equal((await entryOf(lead)).assignee, null, 'free at first');
  // The lead assigns the caller's entry (named by its newer order) to Ann: the row goes on the entry's order.
  let res = await put(lead, a2.id, id('as-ann'));
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { entry: { orderId: a1.id, orderIds: [a1.id, a2.id], assignee: { agentId: id('as-ann'), displayName: 'as-ann', byId: id('as-lead') } } });
  t.match((await entryOf(bob)).assignee, { agentId: id('as-ann') }, 'agents see who should call');

  // Bob may not take it, nor give it to himself or anyone: refused, nothing written.
  const before = (await trail()).length;
  for (const [who, agentId] of [
    [bob, id('as-bob')],
    [bob, null],
    [ann, id('as-bob')],
  ] as const) {
    res = await put(who, a1.id, agentId);
    t.equal(res.statusCode, 409);
    t.equal(res.json().error.code, 'CALLBACK_TAKEN');
  }
  // Invalid assignees and orders not on the worklist.
  res = await put(lead, a1.id, id('as-lead') + 1000);
  t.same([res.statusCode, res.json().error.code], [400, 'CALLBACK_ASSIGNEE_INVALID'], 'no such user');
  const disp = await loginCookies(app, 'as-disp', 'dispatcher');
  accounts = await app.users.list();
  res = await put(lead, a1.id, id('as-disp'));
  t.same([res.statusCode, res.json().error.code], [400, 'CALLBACK_ASSIGNEE_INVALID'], 'a dispatcher makes no callbacks');
  res = await put(lead, closed.id, id('as-ann'));
  t.same([res.statusCode, res.json().error.code], [404, 'CALLBACK_NOT_FOUND'], 'a draft has no callback duty');
  t.equal((await put(lead, a1.id, 'ann')).statusCode, 400, 'body checked');
  t.equal((await put(disp, a1.id, null)).statusCode, 403, 'dispatchers may not assign');
  t.equal((await app.http.inject({ method: 'PUT', url: `/api/callbacks/${a1.id}/assignee`, payload: { agentId: null } })).statusCode, 401);
  t.equal((await trail()).length, before, 'refusals wrote nothing');
  t.match((await entryOf(lead)).assignee, { agentId: id('as-ann') });

  // Ann gives it back; Bob picks it; the lead frees it.
  t.equal((await put(ann, a1.id, null)).statusCode, 200);
  t.equal((await entryOf(lead)).assignee, null);
  res = await put(bob, a1.id, id('as-bob'));
  t.match(res.json(), { entry: { assignee: { agentId: id('as-bob'), byId: id('as-bob') } } });
  t.equal((await put(lead, a1.id, null)).statusCode, 200);
  t.same(await trail(), [
    { orderId: a1.id, agentId: id('as-ann'), byId: id('as-lead') },
    { orderId: a1.id, agentId: null, byId: id('as-ann') },
    { orderId: a1.id, agentId: id('as-bob'), byId: id('as-bob') },
    { orderId: a1.id, agentId: null, byId: id('as-lead') },
  ]);
});

t.test('a caller who asked to be called back (the queue key) is listed as asked for; an abandon beside it joins the entry', async (t) => {
  const app = await testApp(t);
  const orders = new WorkOrdersService(app.database.stores.orders);
  const repo = new CallsRepository(orders);
  const actor = { id: (await app.users.systemUser()).id, role: 'admin' as const, unitId: null };
  const inbound = (callId: string, phone: string) =>
    repo.createInbound({
      callId,
      channelId: `ch-${callId}`,
      callerPhone: phone,
      callerName: null,
      dialled: '12345',
      hotline: '12345',
      at: Date.now(),
      state: 'queued',
    });
  const plain = await inbound('q-1', '13800000041');
  repo.abandoned('q-1', plain.orderId, Date.now(), actor, 'queue');
  await repo.flushed();
  const asked = await inbound('q-2', '13800000041');
  repo.callbackRequested('q-2', asked.orderId, Date.now(), actor);
  await repo.flushed();
  const other = await inbound('q-3', '13800000042');
  repo.abandoned('q-3', other.orderId, Date.now(), actor, 'queue');
  await repo.flushed();
  t.match(await orders.get(asked.orderId), { status: 'missed_call', callbackDue: true });
  t.match((await appQuery(app, "select outcome from calls where id = 'q-2'"))[0], { outcome: 'abandoned' }, 'an abandon in the queue for the figures');

  const cookies = await loginCookies(app, 'rq-agent', 'agent');
  const entries = ((await app.http.inject({ method: 'GET', url: '/api/callbacks', cookies })).json() as { entries: CallbackEntry[] }).entries;
  t.same(
    entries.map((e) => [e.kind, e.orderIds]),
    [
      ['requested', [plain.orderId, asked.orderId]],
      ['missed', [other.orderId]],
    ],
  );
});
