/**
 * The callback worklist and its assignments over their port (callbacks-store.ts) on both
 * databases (decision 0017): the same fixture in a temp SQLite file and a real PostgreSQL
 * (test/helpers/async-dialects.ts), the same worklist (a caller's orders merged, asked-for
 * callbacks, evaluations, attempts and their outcomes, the assignee by name), the same rules for
 * assigning, and two agents picking one free entry at once: one gets it, the other is told it is
 * taken (the entry's order is locked first).
 */
import t from 'tap';
import * as schema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import { CallbackAssignments } from '../../src/calls/callback-assignments.js';
import { CallbackWorklist } from '../../src/calls/callbacks.js';
import { pgCallbacksStore } from '../../src/calls/callbacks-store-pg.js';
import { sqliteCallbacksStore } from '../../src/calls/callbacks-store-sqlite.js';
import type { CallbacksStore } from '../../src/calls/callbacks-store.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const T0 = Date.parse('2026-03-04T10:00:00+08:00');
const MIN = 60_000;
const policy = { attempts: 3, spacingMs: 30 * MIN };
const always = () => true;

type Rows = {
  users: Array<typeof schema.users.$inferInsert>;
  orders: Array<typeof schema.workOrders.$inferInsert>;
  calls: Array<typeof schema.calls.$inferInsert>;
  events: Array<typeof schema.callEvents.$inferInsert>;
};

const LEAD = 1;
const ANN = 2;
const BEN = 3;
const UNIT = 4;
const OFF = 5;

/**
 * Orders: 1 and 3 missed from the same phone (one entry, called for 1), 2 missed and asked for a
 * callback, 4 reviewed (evaluation), 5 missed without a callback duty, 6 closed. Outbound calls:
 * order 1 busy, then failed with cause 1 (wrong number) for order 3; order 4 answered.
 */
function fixture(): Rows {
  const user = (id: number, role: (typeof schema.USER_ROLES)[number], name: string, disabled = false) => ({
    id,
    username: `u${id}`,
    displayName: name,
    role,
    passwordHash: 'x',
    disabled,
  });
  const order = (id: number, status: string, phone: string | null, createdAt: number, extra: Partial<typeof schema.workOrders.$inferInsert> = {}) => ({
    id,
    number: `C-${id}`,
    channel: '12345',
    status,
    callerPhone: phone,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  });
  const call = (id: string, direction: 'in' | 'out', orderId: number | null, enteredAt: number, outcome: string | null) => ({
    id,
    callerPhone: '13800000001',
    dialledNumber: '12345',
    hotline: '12345',
    state: 'ended' as const,
    enteredAt,
    direction,
    orderId,
    outcome,
  });
  return {
    users: [
      user(LEAD, 'shift_lead', '值班长'),
      user(ANN, 'agent', '安坐席'),
      user(BEN, 'agent', '本坐席'),
      user(UNIT, 'unit_handler', '单位'),
      user(OFF, 'agent', '离职', true),
    ],
    orders: [
      order(1, 'missed_call', '13800000001', T0 - 50 * MIN, { callbackDue: true, callId: 'in-1' }),
      order(2, 'missed_call', '13800000002', T0 - 40 * MIN, { callbackDue: true, callId: 'in-2' }),
      order(3, 'missed_call', '13800000001', T0 - 30 * MIN, { callbackDue: true, callId: 'in-3' }),
      order(4, 'reviewed', '13800000004', T0 - 300 * MIN, { updatedAt: T0 - 20 * MIN }),
      order(5, 'missed_call', '13800000005', T0 - 10 * MIN, { callbackDue: false }),
      order(6, 'closed', '13800000006', T0 - 10 * MIN),
    ],
    calls: [
      call('in-1', 'in', null, T0 - 50 * MIN, 'abandoned'),
      call('in-2', 'in', null, T0 - 40 * MIN, 'abandoned'),
      call('in-3', 'in', null, T0 - 30 * MIN, 'abandoned'),
      call('out-1', 'out', 1, T0 - 25 * MIN, 'busy'),
      call('out-2', 'out', 3, T0 - 15 * MIN, 'failed'),
      call('out-3', 'out', 4, T0 - 12 * MIN, 'answered'),
      call('out-4', 'out', 1, T0 - 5 * MIN, 'busy'), // still ringing: no hung_up yet, not an attempt
    ],
    events: [
      { callId: 'in-2', type: 'callback_requested', at: T0 - 40 * MIN },
      { callId: 'in-1', type: 'abandoned', at: T0 - 49 * MIN },
      { callId: 'out-1', type: 'hung_up', at: T0 - 24 * MIN, data: { cause: 17 } },
      { callId: 'out-2', type: 'hung_up', at: T0 - 14 * MIN, data: { cause: 1 } },
      { callId: 'out-3', type: 'hung_up', at: T0 - 11 * MIN, data: { cause: 16 } },
    ],
  };
}

async function seed(d: DialectDb, r: Rows): Promise<void> {
  if (d.dialect === 'sqlite') {
    const db = d.handle.db;
    db.transaction((tx) => {
      tx.insert(schema.users).values(r.users).run();
      tx.insert(schema.calls).values(r.calls).run();
      tx.insert(schema.workOrders).values(r.orders).run();
      tx.insert(schema.callEvents).values(r.events).run();
    });
    return;
  }
  await d.db.transaction(async (tx) => {
    await tx.insert(pgSchema.users).values(r.users);
    await tx.insert(pgSchema.calls).values(r.calls);
    await tx.insert(pgSchema.workOrders).values(r.orders);
    await tx.insert(pgSchema.callEvents).values(r.events);
  });
}

const storeOf = (d: DialectDb): CallbacksStore => (d.dialect === 'sqlite' ? sqliteCallbacksStore(d.db) : pgCallbacksStore(d.db));

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'callbacks');

    t.test('the worklist: one entry per caller, asked-for callbacks, evaluations, attempts and their outcomes, due first', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      const worklist = new CallbackWorklist(store, () => policy, always);
      const entries = await worklist.list();
      t.same(
        entries.map((e) => [e.kind, e.orderId, e.orderIds, e.attempts.map((a) => a.outcome), e.next]),
        [
          ['requested', 2, [2], [], { state: 'due', at: T0 - 40 * MIN }],
          ['missed', 1, [1, 3], ['busy', 'wrong_number'], { state: 'done', why: 'wrong_number' }],
          ['evaluation', 4, [4], ['reached'], { state: 'done', why: 'reached' }],
        ],
        'due entries first; done ones last by due time',
      );
      t.match(entries[1], { orderNumber: 'C-1', callerPhone: '13800000001', dueAt: T0 - 50 * MIN, assignee: null });
      t.same(
        entries[1]!.attempts.map((a) => a.at),
        [T0 - 25 * MIN, T0 - 15 * MIN],
        'attempts in time order, each the outbound call’s entry time',
      );
      t.match(await worklist.entryOf(3), { orderId: 1 }, 'any order of an entry finds it');
      t.equal(await worklist.entryOf(5), undefined, 'no callback duty: not on the worklist');
      t.equal(await worklist.entryOf(6), undefined);
    });

    t.test('assigning: a lead assigns and frees, an agent picks a free entry and gives back their own, refusals change nothing', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      let now = T0;
      const assignments = new CallbackAssignments(store, () => ++now);
      const worklist = new CallbackWorklist(store, () => policy, always, assignments);
      const lead = { id: LEAD, role: 'shift_lead' } as const;
      const ann = { id: ANN, role: 'agent' } as const;
      const ben = { id: BEN, role: 'agent' } as const;

      t.match(await assignments.assign([1, 3], ANN, lead), { agentId: ANN, displayName: '安坐席', byId: LEAD });
      t.match((await worklist.entryOf(3))?.assignee, { agentId: ANN, displayName: '安坐席' }, 'the worklist names the assignee');
      await t.rejects(assignments.assign([1, 3], BEN, ben), { code: 'CALLBACK_TAKEN' }, 'Ben cannot take Ann’s');
      await t.rejects(assignments.assign([1, 3], null, ben), { code: 'CALLBACK_TAKEN' }, 'nor free it');
      await t.rejects(assignments.assign([2], ANN, ben), { code: 'CALLBACK_TAKEN' }, 'an agent picks for themselves only');
      await t.rejects(assignments.assign([2], UNIT, lead), { code: 'CALLBACK_ASSIGNEE_INVALID' }, 'a unit handler makes no callbacks');
      await t.rejects(assignments.assign([2], OFF, lead), { code: 'CALLBACK_ASSIGNEE_INVALID' }, 'nor a disabled agent');
      await t.rejects(assignments.assign([2], 999, lead), { code: 'CALLBACK_ASSIGNEE_INVALID' }, 'nor nobody');
      await t.rejects(assignments.assign([999], ANN, lead), { code: 'CALLBACK_NOT_FOUND' }, 'no such order');
      await t.rejects(assignments.assign([], ANN, lead), { code: 'CALLBACK_NOT_FOUND' });
      t.equal((await assignments.history([1, 3])).length, 1, 'the refusals wrote nothing');

      t.equal(await assignments.assign([1, 3], null, ann), null, 'Ann gives hers back');
      t.match(await assignments.assign([1, 3], BEN, ben), { agentId: BEN }, 'then Ben picks it');
      t.equal(await assignments.assign([1, 3], null, lead), null, 'the lead frees it');
      t.same(
        (await assignments.history([1, 3])).map((r) => [r.agentId, r.byId]),
        [
          [null, LEAD],
          [BEN, BEN],
          [null, ANN],
          [ANN, LEAD],
        ],
        'the trail, newest first',
      );
      t.same(await assignments.forEntries([[1, 3], [2], [4]]), [null, null, null]);
    });

    t.test('two agents pick one free entry at once: one gets it, the other is told it is taken', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      const assignments = new CallbackAssignments(store);
      for (let round = 0; round < 5; round++) {
        const entry = round % 2 === 0 ? [1, 3] : [2];
        await assignments.assign(entry, null, { id: LEAD, role: 'shift_lead' });
        const results = await Promise.allSettled([
          assignments.assign(entry, ANN, { id: ANN, role: 'agent' }),
          assignments.assign(entry, BEN, { id: BEN, role: 'agent' }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        t.equal(won.length, 1, `round ${round}: one pick succeeds`);
        t.match(lost[0]?.reason, { code: 'CALLBACK_TAKEN' }, `round ${round}: the other is told it is taken`);
        const holder = await assignments.of(entry);
        t.equal(holder?.agentId, (won[0] as PromiseFulfilledResult<{ agentId: number } | null>).value?.agentId, 'the one told so holds it');
      }
    });
  });
}
