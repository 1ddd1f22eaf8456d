/**
 * A caller's history (caller-history.ts) over its port on both databases (decision 0017): the
 * same fixture in a temp SQLite file and a real PostgreSQL, the same pages — the caller, their
 * calls newest first with the order each made, their orders newest first, both totals — and
 * nothing for an unknown caller or another caller's rows.
 */
import t from 'tap';
import * as schema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import { callerHistory, type CallerHistoryStore } from '../../src/calls/caller-history.js';
import { pgCallerHistoryStore } from '../../src/calls/caller-history-store-pg.js';
import { sqliteCallerHistoryStore } from '../../src/calls/caller-history-store-sqlite.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const T0 = Date.parse('2026-03-04T10:00:00+08:00');
const MIN = 60_000;

function fixture() {
  const callerRows = [
    { id: 1, phone: '13800000001', name: '张先生', firstSeenAt: T0 - 900 * MIN, lastSeenAt: T0 },
    { id: 2, phone: '13800000002', name: null, firstSeenAt: T0 - 10 * MIN, lastSeenAt: T0 - 10 * MIN },
    { id: 3, phone: '13800000003', name: null, firstSeenAt: T0, lastSeenAt: T0 },
  ];
  const callRows = [1, 2, 3, 4, 5].map((i) => ({
    id: `c-${i}`,
    callerId: 1,
    callerPhone: '13800000001',
    dialledNumber: i % 2 ? '12345' : '12315',
    hotline: i % 2 ? '12345' : '12315',
    state: 'ended' as const,
    enteredAt: T0 - (10 - i) * 60 * MIN,
    answeredAt: i === 3 ? null : T0 - (10 - i) * 60 * MIN + 5000,
    endedAt: T0 - (10 - i) * 60 * MIN + 90_000,
    outcome: i === 3 ? 'abandoned' : 'answered',
    agentId: null,
  }));
  callRows.push({ ...callRows[0]!, id: 'c-other', callerId: 2, callerPhone: '13800000002', enteredAt: T0 });
  const orderRows = [
    {
      id: 11,
      number: 'H-11',
      channel: '12345',
      status: 'closed',
      callerId: 1,
      callerPhone: '13800000001',
      callId: 'c-1',
      createdAt: T0 - 9 * 60 * MIN,
      category: 'complaint',
      subject: '噪音',
    },
    {
      id: 12,
      number: 'H-12',
      channel: 'web',
      status: 'accepted',
      callerId: 1,
      callerPhone: '13800000001',
      callId: null,
      createdAt: T0 - 5 * 60 * MIN,
      confidential: true,
      subject: '举报',
    },
    {
      id: 13,
      number: 'H-13',
      channel: '12345',
      status: 'dispatched',
      callerId: 1,
      callerPhone: '13800000001',
      callId: 'c-4',
      createdAt: T0 - 5 * 60 * MIN,
      subject: '路灯',
    },
    { id: 14, number: 'H-14', channel: '12345', status: 'draft', callerId: 2, callerPhone: '13800000002', callId: 'c-other', createdAt: T0, subject: null },
  ].map((o) => ({ updatedAt: o.createdAt, ...o }));
  return { callerRows, callRows, orderRows };
}

async function seed(d: DialectDb): Promise<void> {
  const f = fixture();
  if (d.dialect === 'sqlite') {
    const db = d.handle.db;
    db.transaction((tx) => {
      tx.insert(schema.callers).values(f.callerRows).run();
      tx.insert(schema.calls).values(f.callRows).run();
      tx.insert(schema.workOrders).values(f.orderRows).run();
    });
    return;
  }
  await d.db.transaction(async (tx) => {
    await tx.insert(pgSchema.callers).values(f.callerRows);
    await tx.insert(pgSchema.calls).values(f.callRows);
    await tx.insert(pgSchema.workOrders).values(f.orderRows);
  });
}

const storeOf = (d: DialectDb): CallerHistoryStore => (d.dialect === 'sqlite' ? sqliteCallerHistoryStore(d.db) : pgCallerHistoryStore(d.db));

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'caller-history');

    t.test('pages of calls and orders, newest first, with totals; an unknown caller is null', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const first = await callerHistory(store, 1, 1, 2);
      t.same(first?.caller, { id: 1, phone: '13800000001', name: '张先生', firstSeenAt: T0 - 900 * MIN, lastSeenAt: T0 });
      t.same(
        first?.calls.items.map((c) => [c.callId, c.orderId, c.orderNumber]),
        [
          ['c-5', null, null],
          ['c-4', 13, 'H-13'],
        ],
        'newest call first, each with the order it made',
      );
      t.same(first?.calls.items[1], {
        callId: 'c-4',
        dialledNumber: '12315',
        hotline: '12315',
        enteredAt: T0 - 6 * 60 * MIN,
        answeredAt: T0 - 6 * 60 * MIN + 5000,
        endedAt: T0 - 6 * 60 * MIN + 90_000,
        outcome: 'answered',
        agentId: null,
        orderId: 13,
        orderNumber: 'H-13',
      });
      t.same(
        first?.orders.items.map((o) => o.id),
        [13, 12],
        'newest order first; the same time: the higher id first',
      );
      t.same(first?.orders.items[1], {
        id: 12,
        number: 'H-12',
        status: 'accepted',
        category: null,
        subject: '举报',
        confidential: true,
        createdAt: T0 - 5 * 60 * MIN,
        callId: null,
      });
      t.match(first, { calls: { total: 5 }, orders: { total: 3 }, page: 1, pageSize: 2 }, "the other caller's call and order are not counted");

      const third = await callerHistory(store, 1, 3, 2);
      t.same(
        third?.calls.items.map((c) => c.callId),
        ['c-1'],
      );
      t.same(third?.orders.items, [], 'past the last order');
      t.same(third?.calls.total, 5);
      t.same(
        await callerHistory(store, 3, 1, 10),
        {
          caller: { id: 3, phone: '13800000003', name: null, firstSeenAt: T0, lastSeenAt: T0 },
          calls: { total: 0, items: [] },
          orders: { total: 0, items: [] },
          page: 1,
          pageSize: 10,
        },
        'a caller with nothing yet',
      );
      t.equal(await callerHistory(store, 99, 1, 10), null, 'an unknown caller');
    });
  });
}
