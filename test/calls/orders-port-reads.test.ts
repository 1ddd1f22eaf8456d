/**
 * The outbound records, the route simulator's open-orders count, the callback duty's check and
 * automatic supervision read through the orders port (orders-store.ts, decision 0017): while a
 * transaction of the port is open on SQLite they read the committed rows on the read connection,
 * never the open transaction's rows on the writer. Each transaction here is rolled back: a read
 * of its rows (the synchronous reads on the writer these replaced) would have acted on rows that
 * never existed — a leftover call ended, a survey offered, a missed call merged, an order
 * supervised.
 */
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { AgentSkillsService } from '../../src/agents/skills.js';
import { sqliteSkillsStore } from '../../src/agents/skills-store-sqlite.js';
import { sqliteAgentSessionsStore } from '../../src/agents/agent-sessions-store-sqlite.js';
import { CallbackSatisfaction } from '../../src/calls/callback-satisfied.js';
import { OutboundRecords } from '../../src/calls/outbound-records.js';
import { routeFacts } from '../../src/calls/route-facts.js';
import { callEvents, calls, workOrders } from '../../src/db/schema.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { createLogger } from '../../src/logging/logger.js';
import { AutoSupervision } from '../../src/workorders/auto-supervision.js';
import { SlaConfigSchema } from '../../src/workorders/deadlines/index.js';
import { WorkOrdersService, sqliteOrdersStore } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { calendar, shippedSla } from '../helpers/wait-clock-fixture.js';

const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const DAY = 24 * 3_600_000;
const noop = () => undefined;
const PHONE = '13800001111';
const agent: Actor = { id: 1, role: 'agent', unitId: null };
const system: Actor = { id: 3, role: 'admin', unitId: null };

/** A file database (so the port has its read connection), its port and the orders service on it. */
function rig(t: Test) {
  const h = openTmpDb(t);
  const port = sqliteAsync(h);
  t.teardown(() => port.close());
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, password_hash) values (3, '_system', '平台', 'admin', 'x');
  `);
  const clock = { now: T0 };
  const orders = new WorkOrdersService(sqliteOrdersStore(port), () => clock.now);
  /**
   * Runs `change` in a port transaction, starts `during` while it is open and keeps it open until
   * `during` settles (at most 200 ms: what waits for the writer lock goes on after), then rolls
   * the change back. Resolves with `during`'s promise.
   */
  const uncommitted = async <R>(change: () => void, during: () => Promise<R>): Promise<{ result: Promise<R> }> => {
    let result: Promise<R> | undefined;
    await port
      .transaction(async (tx) => {
        await tx.run(() => change());
        result = during();
        await Promise.race([result.then(noop, noop), new Promise((r) => setTimeout(r, 200))]);
        t.ok(port.lock.locked, 'the transaction was open');
        throw new Error('rolled back');
      })
      .catch((err: unknown) => {
        if ((err as Error).message !== 'rolled back') throw err;
      });
    return { result: result! };
  };
  return { h, port, orders, clock, uncommitted };
}

t.test('outbound records and the route simulator read the committed calls and orders while a transaction is open', async (t) => {
  const { h, port, orders, uncommitted } = rig(t);
  const [callerId, otherId] = await orders.store.transaction(async (tx) => [
    await tx.calls.upsertCaller(PHONE, null, T0),
    await tx.calls.upsertCaller('13900000000', null, T0),
  ]);
  const order = await orders.createDraft({ channel: '12345', callerId, callerPhone: PHONE, agentId: 1 });
  const records = new OutboundRecords(orders);
  await records.dialled({ callId: 'o-1', channelId: 'ch-o-1', agentId: 1, orderId: order.id, callerId: null, number: PHONE, hotline: '12345', at: T0 });
  const source = { orders: orders.store, sessions: sqliteAgentSessionsStore(port), skills: new AgentSkillsService(sqliteSkillsStore(port)) };

  const committed = {
    unfinished: ['o-1'],
    leftInStasis: { kind: 'unfinished' },
    orderNumber: order.number,
    awaitsEvaluation: false,
    openOrders: 1,
  };
  const read = async () => ({
    unfinished: (await records.unfinished()).map((u) => u.callId),
    leftInStasis: await records.leftInStasis('o-1'),
    orderNumber: await records.orderNumber(order.id),
    awaitsEvaluation: await records.awaitsEvaluation(order.id),
    openOrders: (await routeFacts(source, PHONE)).openOrders,
  });
  t.same(await read(), committed, 'before: the call dialling, the order a draft of the caller');

  // Another request's transaction, open: the call ended by the agent's hang-up after an answer,
  // the order reviewed, under another number, of another caller.
  const during = await uncommitted(
    () => {
      h.db
        .update(calls)
        .set({ state: 'ended', outcome: 'answered', answeredAt: T0 + 1, endedAt: T0 + 2 })
        .where(eq(calls.id, 'o-1'))
        .run();
      h.db
        .insert(callEvents)
        .values({ callId: 'o-1', type: 'hung_up', at: T0 + 2, data: { result: 'answered', reason: 'agent_hangup', cause: null } })
        .run();
      h.db.update(workOrders).set({ status: 'reviewed', number: 'HZ-UNCOMMITTED', callerId: otherId }).where(eq(workOrders.id, order.id)).run();
    },
    () => read(),
  );
  t.same(await during.result, committed, 'while it is open: the committed rows, not the open transaction’s');
  t.same(await read(), committed, 'rolled back: nothing of it was ever there');

  h.db.update(workOrders).set({ status: 'closed' }).where(eq(workOrders.id, order.id)).run();
  t.equal((await routeFacts(source, PHONE)).openOrders, 0, 'committed: a closed order is not counted');
  t.equal((await routeFacts(source, '13900000000')).openOrders, 0, 'a caller without orders');
  t.equal((await routeFacts(source, null)).openOrders, 0, 'no number');
});

t.test('the callback duty merges only the missed calls committed with a duty', async (t) => {
  const { h, orders, clock, uncommitted } = rig(t);
  const missed = await orders.createMissedCall({ channel: '12345', callerPhone: PHONE });
  h.db.update(workOrders).set({ callbackDue: false }).where(eq(workOrders.id, missed.id)).run(); // called back already
  clock.now = T0 + 60_000;
  await orders.store.transaction((tx) =>
    tx.calls.insertCall({
      id: 'c-1',
      channelId: 'ch-c-1',
      callerId: null,
      callerPhone: PHONE,
      dialledNumber: '12345',
      hotline: '12345',
      state: 'answered',
      enteredAt: clock.now,
    }),
  );
  const draft = await orders.createDraft({ channel: '12345', callId: 'c-1', callerPhone: PHONE, agentId: 1 });
  const sat = new CallbackSatisfaction({ orders, actor: system, log: pino({ level: 'silent' }) });

  // The call is answered while another request's transaction, open, gives the missed call its duty back.
  const merging = await uncommitted(
    () => h.db.update(workOrders).set({ callbackDue: true }).where(eq(workOrders.id, missed.id)).run(),
    () => sat.answered('c-1'),
  );
  t.same(await merging.result, [], 'the missed call as committed carries no duty: nothing merged');
  t.same([(await orders.get(missed.id)).status, (await orders.get(missed.id)).mergedIntoId], ['missed_call', null], 'the missed call stays');

  // Committed with a duty: merged.
  h.db.update(workOrders).set({ callbackDue: true }).where(eq(workOrders.id, missed.id)).run();
  t.same(await sat.answered('c-1'), [missed.id], 'committed with its duty: merged into the call’s order');
  t.match(await orders.get(missed.id), { status: 'merged', mergedIntoId: draft.id });
});

t.test('automatic supervision supervises only orders committed overdue', async (t) => {
  const { h, orders, clock, uncommitted } = rig(t);
  const d = await orders.createDraft({ channel: 'web' });
  await orders.apply(d.id, { type: 'accept', fields: { category: 'complaint', subject: '噪音', content: '夜间施工噪音' } }, agent);
  const deadlineAt = T0 + 10 * DAY;
  await orders.apply(d.id, { type: 'dispatch', leadUnitId: 'hz-hrss', deadlineAt, signDeadlineAt: T0 + DAY }, agent);
  const escalation = new AutoSupervision({ orders, systemActor: () => system, log: createLogger({ level: 'silent' }) });
  const cfg = { sla: SlaConfigSchema.parse({ ...shippedSla, autoSupervision: { enabled: true, afterOverdueWorkingHours: 0, level: 1 } }), calendar };
  clock.now = T0 + 2 * DAY;

  // A scan while another request's transaction, open, moves the deadline into the past.
  const scan = await uncommitted(
    () =>
      h.db
        .update(workOrders)
        .set({ deadlineAt: T0 - DAY })
        .where(eq(workOrders.id, d.id))
        .run(),
    () => escalation.run(clock.now, cfg, 10),
  );
  t.same((await scan.result).escalated, [], 'the order as committed is not overdue: not supervised');
  t.equal((await orders.get(d.id)).supervisionLevel, 0);

  clock.now = deadlineAt + 2 * DAY;
  t.same((await escalation.run(clock.now, cfg, 10)).escalated, [d.id], 'committed overdue: supervised');
  t.equal((await orders.get(d.id)).supervisionLevel, 1);
});
