/**
 * Work orders own their table: the call path changes an order only through WorkOrdersService,
 * each change with a history event and a version bump, and every change — creates included, and
 * those written in one transaction with the call record — is published (onApplied →
 * `workorder.applied`) after its commit, never for a transaction that rolled back.
 */
import t from 'tap';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { WorkOrdersService, sqliteOrdersStoreOn, type OrderApplied } from '../../src/workorders/index.js';
import { createAccepted } from '../../src/workorders/intake.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import { agentAndHandler, openTmpDb } from '../helpers/db-fixtures.js';

function rig(t: Parameters<typeof openTmpDb>[0]) {
  const h = openTmpDb(t);
  const { now } = agentAndHandler(h);
  const applied: OrderApplied[] = [];
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => now, { onApplied: (c) => applied.push(c) });
  const repo = new CallsRepository(orders);
  const system: Actor = { id: 1, role: 'admin', unitId: null };
  const call = (id: string) =>
    repo.createInbound({
      callId: id,
      channelId: `ch-${id}`,
      callerPhone: '13900001234',
      callerName: null,
      dialled: '12345',
      hotline: '12345',
      at: now,
      state: 'entered',
    });
  return { h, orders, repo, applied, system, call, now };
}

t.test('the agent answering takes the order: a history event, a version bump, published after the commit', async (t) => {
  const r = rig(t);
  const created = await r.call('c1');
  const before = await r.orders.get(created.orderId);
  r.repo.answered('c1', created.orderId, 1, r.now);
  await r.repo.flushed();
  const after = await r.orders.get(created.orderId);
  t.equal(after.agentId, 1);
  t.equal(after.version, before.version + 1, 'version bumped');
  t.equal(after.status, 'draft', 'status unchanged');
  const last = (await r.orders.history(created.orderId)).at(-1)!;
  t.same([last.action, last.fromStatus, last.toStatus, last.actorId, last.actorRole, last.data], ['take_call', 'draft', 'draft', 1, 'agent', { agentId: 1 }]);
  t.same(r.applied, [
    { orderId: created.orderId, callId: 'c1', action: 'create', actor: null, status: 'draft', unitIds: [] },
    { orderId: created.orderId, callId: 'c1', action: 'take_call', actor: { id: 1, role: 'agent', unitId: null }, status: 'draft', unitIds: [] },
  ]);
});

t.test('a survey answer on the call publishes workorder.applied for each order action it took', async (t) => {
  const r = rig(t);
  const created = await r.call('c2');
  await r.orders.apply(
    created.orderId,
    { type: 'accept', fields: { category: 'consultation', subject: 's', content: 'c' } },
    { id: 1, role: 'agent', unitId: null },
  );
  await r.orders.apply(created.orderId, { type: 'answer_on_spot', answer: 'done' }, { id: 1, role: 'agent', unitId: null });
  r.applied.length = 0;
  const recorded = await r.repo.survey('c2', 'satisfied', r.now, r.system);
  t.same(recorded.actions, ['evaluate']);
  t.same(
    r.applied.map((c) => [c.orderId, c.callId, c.action]),
    [[created.orderId, 'c2', 'evaluate']],
  );
});

t.test('an abandoned call and a transfer note are published; a rolled-back transaction publishes nothing', async (t) => {
  const r = rig(t);
  const a = await r.call('c3');
  r.applied.length = 0;
  r.repo.abandoned('c3', a.orderId, r.now, r.system, 'queue');
  await r.repo.flushed();
  t.same(
    r.applied.map((c) => c.action),
    ['abandon'],
  );

  const b = await r.call('c4');
  r.applied.length = 0;
  r.repo.transferred('c4', b.orderId, r.now, { id: 1, role: 'agent', unitId: null }, { id: 'u', name: 'Unit', phone: '123' });
  await r.repo.flushed();
  t.same(
    r.applied.map((c) => c.action),
    ['update_fields'],
  );

  const c = await r.call('c5');
  r.applied.length = 0;
  const version = (await r.orders.get(c.orderId)).version;
  await t.rejects(
    r.orders.transaction(async (tx) => {
      await r.orders.applyWithin(tx, c.orderId, { type: 'abandon' }, r.system);
      throw new Error('the call record failed');
    }),
    /the call record failed/,
  );
  t.same(r.applied, [], 'nothing published for a rollback');
  t.equal((await r.orders.get(c.orderId)).version, version, 'and nothing written');
});

t.test('order changes inside a transaction are told only once it commits, in the order made', async (t) => {
  const r = rig(t);
  const c = await r.call('c6');
  r.applied.length = 0;
  const during: number[] = [];
  await r.orders.transaction(async (tx) => {
    await r.orders.takeCallWithin(tx, c.orderId, 1);
    await r.orders.applyWithin(tx, c.orderId, { type: 'abandon' }, r.system);
    during.push(r.applied.length);
  });
  t.same(during, [0], 'nothing told before the commit');
  t.same(
    r.applied.map((a) => [a.orderId, a.action]),
    [
      [c.orderId, 'take_call'],
      [c.orderId, 'abandon'],
    ],
  );
  t.equal((await r.orders.get(c.orderId)).status, 'missed_call');
  // A foreign transaction cannot be handed in: an OrdersTx only comes from WorkOrdersService.transaction (checked by tsc).
  const foreign = (tx: Parameters<Parameters<typeof r.h.db.transaction>[0]>[0]) => [
    // @ts-expect-error a drizzle transaction is no OrdersTx
    r.orders.applyWithin(tx, c.orderId, { type: 'abandon' }, r.system),
    // @ts-expect-error a drizzle transaction is no OrdersTx
    r.orders.takeCallWithin(tx, c.orderId, 1),
  ];
  void foreign;
});

t.test('every create is published after its commit, with no actor unless an agent made it and no unit', async (t) => {
  const r = rig(t);
  const agent: Actor = { id: 1, role: 'agent', unitId: null };
  const created = (orderId: number, callId: string | null, status: string, actor: Actor | null = null): OrderApplied => ({
    orderId,
    callId,
    action: 'create',
    actor,
    status: status as OrderApplied['status'],
    unitIds: [],
  });

  const draft = await r.orders.createDraft({ channel: 'walk_in', agentId: 1 });
  t.same(r.applied, [created(draft.id, null, 'draft', agent)], 'createDraft: the agent is its actor, as in its history event');
  t.equal((await r.orders.history(draft.id))[0]!.actorId, 1);

  r.applied.length = 0;
  const missed = await r.orders.createMissedCall({ channel: '12345', callerPhone: '13900001234' });
  t.same(r.applied, [created(missed.id, null, 'missed_call')], 'createMissedCall');

  r.applied.length = 0;
  const inbound = await r.call('c7');
  t.same(r.applied, [created(inbound.orderId, 'c7', 'draft')], "the front door's draft, written with the call record");

  r.applied.length = 0;
  const outage = await r.repo.importOutage(
    {
      callId: 'c8',
      channelId: 'ch-c8',
      callerPhone: '13900005678',
      callerName: null,
      dialled: '12345',
      hotline: '12345',
      at: r.now,
      endedAt: r.now,
      where: 'queue',
    },
    r.system,
  );
  t.same(
    r.applied.map((c) => [c.orderId, c.callId, c.action, c.status]),
    [
      [outage.orderId, 'c8', 'create', 'draft'],
      [outage.orderId, 'c8', 'abandon', 'missed_call'],
    ],
    'a call of the outage: its create, then its abandon',
  );

  r.applied.length = 0;
  const online = await createAccepted(
    r.orders,
    { draft: { channel: 'web', callerPhone: '13900009999' }, fields: { category: 'consultation', subject: 's', content: 'c' } },
    r.system,
  );
  t.same(
    r.applied.map((c) => [c.orderId, c.action, c.status]),
    [
      [online.id, 'create', 'draft'],
      [online.id, 'accept', 'accepted'],
    ],
    'an online intake: create and accept, in one transaction',
  );
});

t.test('a create inside a transaction is told only once that commits, and never when it rolls back', async (t) => {
  const r = rig(t);
  const during: number[] = [];
  const order = await r.orders.transaction(async (tx) => {
    const a = await r.orders.createDraftWithin(tx, { channel: '12345' });
    const b = await r.orders.createDraftWithin(tx, { channel: 'web', callerPhone: '13900001234' });
    during.push(r.applied.length);
    return [a.id, b.id];
  });
  t.same(during, [0], 'nothing told before the commit');
  t.same(
    r.applied.map((c) => [c.orderId, c.action]),
    [
      [order[0], 'create'],
      [order[1], 'create'],
    ],
  );

  r.applied.length = 0;
  const count = () => (r.h.sqlite.prepare('select count(*) n from work_orders').get() as { n: number }).n;
  const before = count();
  await t.rejects(
    r.orders.transaction(async (tx) => {
      await r.orders.createDraftWithin(tx, { channel: '12345' });
      await r.orders.createDraftWithin(tx, { channel: 'web', callerPhone: '13900001234' });
      throw new Error('the call record failed');
    }),
    /the call record failed/,
  );
  t.same(r.applied, [], 'nothing published for a rollback');
  t.equal(count(), before, 'and nothing written');
  // A create in a foreign transaction cannot be written: an OrdersTx only comes from WorkOrdersService.transaction (checked by tsc).
  // @ts-expect-error a drizzle transaction is no OrdersTx
  const foreign = (tx: Parameters<Parameters<typeof r.h.db.transaction>[0]>[0]) => r.orders.createDraftWithin(tx, { channel: '12345' });
  void foreign;
});
