/**
 * The orders port's contract (orders-store.ts; decision 0017, "The writes: the plan", point 4):
 * WorkOrdersService and the call path's writes (CallsRepository) over the SQLite adapter on a
 * temp file and over the PostgreSQL adapter on a real PostgreSQL (tools/postgres.ts), the same
 * checks on both (test/helpers/async-dialects.ts: a fresh database per subtest) — a draft
 * accepted and dispatched with its history, versions and the stale version refused, the day's
 * order-number counter, a call with its caller, call rows and events and its draft turned into a
 * missed call (both or neither), attachments, waiting clocks — and the same rows from both.
 *
 * Then two nodes at once (on PostgreSQL two transactions on two pooled clients; on SQLite they
 * take turns on the writer lock): two applies of one order at one version (one wins, the other
 * is told the version it lost to, one history event); two changes that do not conflict (both
 * applied, in turn); creates at once (distinct numbers); calls of one new caller (one caller
 * row). Taking the order's row lock (`FOR NO KEY UPDATE`) out of orders-store-pg.ts fails the
 * first two; a counter read then written (instead of the upsert) fails the third; a caller
 * looked up then inserted fails the fourth.
 */
import t from 'tap';
import { asc, eq, sql } from 'drizzle-orm';
import * as schema from '../../src/db/schema.js';
import { uniqueViolation } from '../../src/db/async-db.js';
import type { PgConn } from '../../src/db/postgres-async.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import type { WaitClock } from '../../src/workorders/deadlines/wait-clocks.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import type { OrderClocks } from '../../src/workorders/order-clocks.js';
import type { OrdersHandle, OrdersStore } from '../../src/workorders/orders-store.js';
import { pgOrdersStore } from '../../src/workorders/orders-store-pg.js';
import { sqliteOrdersStore } from '../../src/workorders/orders-store-sqlite.js';
import type { WorkOrder } from '../../src/workorders/repository.js';
import { WorkOrdersService, type OrderApplied, type WorkOrdersServiceOptions } from '../../src/workorders/workorders-service.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';
import { isCodedError } from '../../src/errors/index.js';

const T0 = Date.parse('2026-03-04T10:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const AGENT = 1;
const AGENT_2 = 2;
const SYSTEM = 3;
const agent: Actor = { id: AGENT, role: 'agent', unitId: null };
const agent2: Actor = { id: AGENT_2, role: 'agent', unitId: null };
const system: Actor = { id: SYSTEM, role: 'admin', unitId: null };

/** Waiting clocks with fixed limits (no calendar): a clock that starts at `start` is due `WAIT_HOURS` later. */
const WAIT_HOURS: Record<WaitClock, number> = { dispatch: 2, redispatch: 3, review: 4, extension: 5, callback: 6, unsatisfied: 7 };
const clocks: OrderClocks = {
  waitDeadline: (clock, start) => start + WAIT_HOURS[clock] * HOUR,
  handlingDeadline: (_category, start) => start + 5 * DAY,
  systemActor: () => system,
};

/** The pool size of test/helpers/async-dialects.ts. */
const POOL_SIZE = 4;

const USERS = [
  { id: AGENT, username: 'agent-1', displayName: '坐席一', role: 'agent' as const, passwordHash: '!' },
  { id: AGENT_2, username: 'agent-2', displayName: '坐席二', role: 'agent' as const, passwordHash: '!' },
  { id: SYSTEM, username: '_system', displayName: '平台', role: 'admin' as const, passwordHash: '!' },
];

/** The rows a check reads back, the same shape from either database. */
interface Rows {
  callers(): Promise<Array<{ id: number; phone: string; name: string | null; firstSeenAt: number; lastSeenAt: number }>>;
  calls(): Promise<
    Array<{
      id: string;
      callerId: number | null;
      state: string;
      agentId: number | null;
      queuedAt: number | null;
      endedAt: number | null;
      outcome: string | null;
    }>
  >;
  callEvents(): Promise<Array<{ callId: string; type: string; at: number; data: Record<string, unknown> | null }>>;
  counters(): Promise<Array<{ name: string; value: number }>>;
  orderCount(): Promise<number>;
  units(orderId: number): Promise<Array<{ unitId: string; role: string; status: string | null }>>;
  attachments(orderId: number): Promise<Array<{ id: number; eventId: number | null; storedName: string; size: number }>>;
  /** Every order's waiting clock taken away (as written before the clocks existed). */
  clearClocks(): Promise<void>;
}

interface Rig {
  readonly d: DialectDb;
  readonly store: OrdersStore;
  readonly rows: Rows;
  /** A service on `store` (or another store over the same database) with a clock of its own. */
  service(opts?: WorkOrdersServiceOptions & { store?: OrdersStore }): { svc: WorkOrdersService; clock: { now: number }; told: OrderApplied[] };
  /** PostgreSQL: every client of the pool connected, so that the transactions of a concurrent check start together. */
  warm(): Promise<void>;
}

function rowsOf(d: DialectDb): Rows {
  if (d.dialect === 'sqlite') {
    const db = d.handle.db;
    const s = schema;
    return {
      callers: async () => db.select().from(s.callers).orderBy(asc(s.callers.id)).all(),
      calls: async () => db.select().from(s.calls).orderBy(asc(s.calls.enteredAt), asc(s.calls.id)).all(),
      callEvents: async () =>
        db
          .select({ callId: s.callEvents.callId, type: s.callEvents.type, at: s.callEvents.at, data: s.callEvents.data })
          .from(s.callEvents)
          .orderBy(asc(s.callEvents.id))
          .all(),
      counters: async () => db.select().from(s.counters).orderBy(asc(s.counters.name)).all(),
      orderCount: async () => db.select({ id: s.workOrders.id }).from(s.workOrders).all().length,
      units: async (orderId) =>
        db
          .select({ unitId: s.workOrderUnits.unitId, role: s.workOrderUnits.role, status: s.workOrderUnits.status })
          .from(s.workOrderUnits)
          .where(eq(s.workOrderUnits.orderId, orderId))
          .orderBy(asc(s.workOrderUnits.unitId))
          .all(),
      attachments: async (orderId) =>
        db
          .select({
            id: s.workOrderAttachments.id,
            eventId: s.workOrderAttachments.eventId,
            storedName: s.workOrderAttachments.storedName,
            size: s.workOrderAttachments.size,
          })
          .from(s.workOrderAttachments)
          .where(eq(s.workOrderAttachments.orderId, orderId))
          .orderBy(asc(s.workOrderAttachments.id))
          .all(),
      clearClocks: async () => {
        db.update(s.workOrders).set({ waitClock: null, waitDeadlineAt: null }).run();
      },
    };
  }
  const p = pgSchema;
  const pgDb = d.db;
  const read = <T>(fn: (db: PgConn) => Promise<T>) => pgDb.read(fn);
  return {
    callers: () => read((db) => db.select().from(p.callers).orderBy(asc(p.callers.id))),
    calls: () => read((db) => db.select().from(p.calls).orderBy(asc(p.calls.enteredAt), asc(p.calls.id))),
    callEvents: () =>
      read((db) =>
        db
          .select({ callId: p.callEvents.callId, type: p.callEvents.type, at: p.callEvents.at, data: p.callEvents.data })
          .from(p.callEvents)
          .orderBy(asc(p.callEvents.id)),
      ),
    counters: () => read((db) => db.select().from(p.counters).orderBy(asc(p.counters.name))),
    orderCount: async () => (await read((db) => db.select({ id: p.workOrders.id }).from(p.workOrders))).length,
    units: (orderId) =>
      read((db) =>
        db
          .select({ unitId: p.workOrderUnits.unitId, role: p.workOrderUnits.role, status: p.workOrderUnits.status })
          .from(p.workOrderUnits)
          .where(eq(p.workOrderUnits.orderId, orderId))
          .orderBy(asc(p.workOrderUnits.unitId)),
      ),
    attachments: (orderId) =>
      read((db) =>
        db
          .select({
            id: p.workOrderAttachments.id,
            eventId: p.workOrderAttachments.eventId,
            storedName: p.workOrderAttachments.storedName,
            size: p.workOrderAttachments.size,
          })
          .from(p.workOrderAttachments)
          .where(eq(p.workOrderAttachments.orderId, orderId))
          .orderBy(asc(p.workOrderAttachments.id)),
      ),
    clearClocks: async () => {
      await pgDb.transaction(async (db) => {
        await db.update(p.workOrders).set({ waitClock: null, waitDeadlineAt: null });
      });
    },
  };
}

const storeOn = (d: DialectDb): OrdersStore => (d.dialect === 'sqlite' ? sqliteOrdersStore(d.db) : pgOrdersStore(d.db));

async function rigOn(d: DialectDb): Promise<Rig> {
  if (d.dialect === 'sqlite') d.handle.db.insert(schema.users).values(USERS).run();
  else
    await d.db.transaction(async (tx) => {
      await tx.insert(pgSchema.users).values(USERS);
    });
  const store = storeOn(d);
  return {
    d,
    store,
    rows: rowsOf(d),
    service(opts = {}) {
      const clock = { now: T0 };
      const told: OrderApplied[] = [];
      const svc = new WorkOrdersService(opts.store ?? store, () => clock.now, { ...opts, onApplied: (c) => told.push(c) });
      return { svc, clock, told };
    },
    async warm() {
      if (d.dialect !== 'postgres') return;
      await Promise.all(Array.from({ length: POOL_SIZE }, () => d.db.transaction((tx) => tx.execute(sql`select pg_sleep(0.05)`))));
    },
  };
}

/**
 * The store with each transaction's first order read held back `ms` after it returns: the
 * window in which a second node reads the same order. With the row lock the second read waits
 * for the first transaction to end; without it both decide on the same version.
 */
function slowFirstRead(store: OrdersStore, ms: number): OrdersStore {
  return {
    ...store,
    transaction: (fn) =>
      store.transaction((h) => {
        let first = true;
        const orders: OrdersHandle['orders'] = Object.create(h.orders);
        orders.find = async (id) => {
          const order = await h.orders.find(id);
          if (first) {
            first = false;
            await new Promise((r) => setTimeout(r, ms));
          }
          return order;
        };
        return fn({ orders, calls: h.calls });
      }),
  };
}

/** What both databases must agree on: an order without its random lookup code. */
const comparable = (o: WorkOrder) => ({ ...o, lookupCode: typeof o.lookupCode });

/** The lifecycle check's results per dialect, compared at the end. */
const traces: Record<string, unknown[]> = {};

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const database = await setup(t, 'orders-store');
    const open = async (t: Parameters<typeof database>[0]) => rigOn(await database(t));

    // HO: the reads of the outbound records, the route simulator, the callback duty and automatic supervision.
    t.test('reads: a number’s open orders, missed calls with a duty, overdue orders, an outbound call’s end and the unfinished ones', async (t) => {
      const rig = await open(t);
      const { svc, clock } = rig.service();
      const read = rig.store.read.bind(rig.store);
      const PHONE = '13700000007';
      const OTHER = '13700000008';
      const [callerId, otherId] = await rig.store.transaction(async (tx) => [
        await tx.calls.upsertCaller(PHONE, null, T0),
        await tx.calls.upsertCaller(OTHER, null, T0),
      ]);

      // The callback duty: two missed calls of PHONE, one of OTHER, then PHONE's call answered (its draft).
      const missed1 = await svc.createMissedCall({ channel: '12345', callerId, callerPhone: PHONE });
      clock.now = T0 + 1_000;
      const missed2 = await svc.createMissedCall({ channel: '12345', callerId, callerPhone: PHONE });
      await svc.createMissedCall({ channel: '12345', callerId: otherId, callerPhone: OTHER });
      clock.now = T0 + 2_000;
      const draft = await svc.createDraft({ channel: '12345', callerId, callerPhone: PHONE, agentId: AGENT });
      const closed = ['closed', 'merged'];
      t.same(await read((q) => q.orders.missedWithDuty(PHONE, draft.id, draft.createdAt)), [missed1.id, missed2.id], 'both missed calls, oldest first');
      t.same(await read((q) => q.orders.missedWithDuty(PHONE, draft.id, T0)), [missed1.id], 'none created after the bound');
      t.same(await read((q) => q.orders.missedWithDuty(PHONE, missed2.id, draft.createdAt)), [missed1.id], 'not the order left out');
      t.same(await read((q) => q.orders.missedWithDuty('13700000009', 0, draft.createdAt)), [], 'another number: none');
      t.equal(await read((q) => q.orders.openCountOfPhone(PHONE, closed)), 3, 'the number’s open orders: two missed calls and the draft');
      t.equal(await read((q) => q.orders.openCountOfPhone(PHONE, [...closed, 'draft'])), 2, 'the statuses left out are not counted');
      t.equal(await read((q) => q.orders.openCountOfPhone(OTHER, closed)), 1);
      t.equal(await read((q) => q.orders.openCountOfPhone('13700000009', closed)), 0, 'an unknown number: none');
      await svc.apply(missed1.id, { type: 'merge_into', targetOrderId: draft.id }, system);
      t.same(await read((q) => q.orders.missedWithDuty(PHONE, draft.id, draft.createdAt)), [missed2.id], 'a merged one carries no duty any more');
      t.equal(await read((q) => q.orders.openCountOfPhone(PHONE, closed)), 2, 'nor is it open');

      // Overdue at a unit: two orders dispatched with deadlines a day apart.
      const dispatched = async (deadlineAt: number) => {
        const d = await svc.createDraft({ channel: 'web' });
        await svc.apply(d.id, { type: 'accept', fields: { category: 'complaint', subject: '噪音', content: '噪音' } }, agent);
        return (await svc.apply(d.id, { type: 'dispatch', leadUnitId: 'hz-hrss', deadlineAt, signDeadlineAt: T0 + DAY }, agent)).order.id;
      };
      const late = await dispatched(T0 + 2 * DAY);
      const early = await dispatched(T0 + DAY);
      const AT_UNIT = ['dispatched', 'signed', 'in_progress'] as const;
      t.same(
        await read((q) => q.orders.overdue(AT_UNIT, 1, T0 + 2 * DAY, 10)),
        [
          { id: early, deadlineAt: T0 + DAY },
          { id: late, deadlineAt: T0 + 2 * DAY },
        ],
        'oldest deadline first, the bound included',
      );
      t.same(await read((q) => q.orders.overdue(AT_UNIT, 1, T0 + 2 * DAY - 1, 10)), [{ id: early, deadlineAt: T0 + DAY }], 'not due yet: left out');
      t.same(await read((q) => q.orders.overdue(AT_UNIT, 1, T0 + 2 * DAY, 1)), [{ id: early, deadlineAt: T0 + DAY }], 'at most the limit');
      t.same(await read((q) => q.orders.overdue(['signed'], 1, T0 + 2 * DAY, 10)), [], 'only the statuses given');
      t.same(await read((q) => q.orders.overdue(AT_UNIT, 0, T0 + 2 * DAY, 10)), [], 'none below level 0');
      await svc.apply(early, { type: 'supervise', level: 1, reason: 'overdue' }, system);
      t.same(await read((q) => q.orders.overdue(AT_UNIT, 1, T0 + 2 * DAY, 10)), [{ id: late, deadlineAt: T0 + 2 * DAY }], 'a supervised one is at the level');
      t.same(
        (await read((q) => q.orders.overdue(AT_UNIT, 2, T0 + 2 * DAY, 10))).map((o) => o.id),
        [early, late],
        'and below the next',
      );

      // Outbound calls: one dialling, one answered and ended by the agent, an inbound one in progress.
      const call = (id: string, direction: 'in' | 'out', at: number) => ({
        id,
        channelId: `ch-${id}`,
        direction,
        orderId: direction === 'out' ? late : null,
        callerId,
        callerPhone: PHONE,
        dialledNumber: PHONE,
        hotline: '12345',
        state: 'entered' as const,
        agentId: AGENT,
        enteredAt: at,
      });
      await rig.store.transaction(async (tx) => {
        await tx.calls.insertCall(call('o-2', 'out', T0 + 20));
        await tx.calls.insertCall(call('o-1', 'out', T0 + 10));
        await tx.calls.insertCall(call('i-1', 'in', T0 + 5));
        await tx.calls.insertEvent({ callId: 'o-2', type: 'dialled', at: T0 + 20, agentId: AGENT, data: { orderId: late } });
        await tx.calls.updateCall('o-2', { state: 'answered', answeredAt: T0 + 30 });
        await tx.calls.insertEvent({ callId: 'o-2', type: 'answered', at: T0 + 30, agentId: AGENT });
        await tx.calls.updateCall('o-2', { state: 'ended', endedAt: T0 + 90, outcome: 'answered' });
        await tx.calls.insertEvent({ callId: 'o-2', type: 'hung_up', at: T0 + 90, data: { result: 'answered', reason: 'agent_hangup', cause: null } });
      });
      t.same(await read((q) => q.calls.callEnd('o-2')), { direction: 'out', state: 'ended', outcome: 'answered', orderId: late });
      t.same(await read((q) => q.calls.callEnd('o-1')), { direction: 'out', state: 'entered', outcome: null, orderId: late });
      t.same(await read((q) => q.calls.callEnd('i-1')), { direction: 'in', state: 'entered', outcome: null, orderId: null });
      t.equal(await read((q) => q.calls.callEnd('no-such-call')), undefined);
      t.same(
        await read((q) => q.calls.callEventData('o-2')),
        [
          { type: 'dialled', data: { orderId: late } },
          { type: 'answered', data: null },
          { type: 'hung_up', data: { result: 'answered', reason: 'agent_hangup', cause: null } },
        ],
        'in the order written',
      );
      t.same(await read((q) => q.calls.callEventData('no-such-call')), []);
      t.same(
        await read((q) => q.calls.unfinishedOutbound()),
        [{ callId: 'o-1', channelId: 'ch-o-1', agentId: AGENT, orderId: late, callerId, number: PHONE, enteredAt: T0 + 10, answeredAt: null }],
        'the outbound call not ended; not the ended one, not the inbound one',
      );
    });

    t.test('a draft accepted and dispatched: its rows, versions, history and what was told; a stale version and a refusal change nothing', async (t) => {
      const rig = await open(t);
      const { svc, clock, told } = rig.service();
      const trace: unknown[] = (traces[dialect] = []);

      const draft = await svc.createDraft({ channel: '12345', callerPhone: '13800000001', callerName: '张三', agentId: AGENT });
      t.match(draft, {
        id: 1,
        number: 'HZ-20260304-000001',
        channel: '12345',
        status: 'draft',
        version: 1,
        agentId: AGENT,
        callerPhone: '13800000001',
        createdAt: T0,
      });
      t.match(draft.lookupCode, /^\S{4,}$/, 'a lookup code');
      t.same(draft.fields.callerName, '张三');
      trace.push(comparable(draft));

      clock.now = T0 + 60_000;
      const accepted = await svc.apply(
        draft.id,
        { type: 'accept', fields: { category: 'complaint', subject: '夜间施工噪音', content: '工地凌晨施工', location: '西湖区文三路' } },
        agent,
        1,
      );
      t.match(accepted.order, { status: 'accepted', version: 2, fields: { category: 'complaint', subject: '夜间施工噪音' }, updatedAt: T0 + 60_000 });
      t.match(accepted.event, {
        orderId: draft.id,
        action: 'accept',
        fromStatus: 'draft',
        toStatus: 'accepted',
        actorId: AGENT,
        actorRole: 'agent',
        at: T0 + 60_000,
      });

      clock.now = T0 + 120_000;
      const deadlineAt = T0 + 5 * DAY;
      const dispatched = await svc.apply(
        draft.id,
        { type: 'dispatch', leadUnitId: 'hz-hrss', coUnitIds: ['hz-amr'], deadlineAt, signDeadlineAt: T0 + DAY },
        agent,
        2,
      );
      t.match(dispatched.order, { status: 'dispatched', version: 3, leadUnitId: 'hz-hrss', coUnitIds: ['hz-amr'], deadlineAt, signDeadlineAt: T0 + DAY });
      t.same(
        await rig.rows.units(draft.id),
        [
          { unitId: 'hz-amr', role: 'co', status: 'dispatched' },
          { unitId: 'hz-hrss', role: 'lead', status: 'dispatched' },
        ],
        'work_order_units follows the order (the schema’s triggers)',
      );
      trace.push(comparable(dispatched.order), dispatched.event);

      await t.rejects(
        svc.apply(draft.id, { type: 'update_fields', fields: { location: '别处' } }, agent, 2),
        { code: 'CONFLICT', details: { version: 3 } },
        'a stale version is refused with the current one',
      );
      await t.rejects(svc.apply(draft.id, { type: 'accept' }, agent), { code: 'ILLEGAL_TRANSITION' }, 'the lifecycle refuses');
      await t.rejects(svc.apply(999, { type: 'accept' }, agent), { code: 'ORDER_NOT_FOUND' });
      await t.rejects(svc.get(999), { code: 'ORDER_NOT_FOUND' });
      await t.rejects(svc.history(999), { code: 'ORDER_NOT_FOUND' });
      t.same(await svc.get(draft.id), dispatched.order, 'the refusals wrote nothing');

      const history = await svc.history(draft.id);
      t.same(
        history.map((e) => [e.action, e.fromStatus, e.toStatus, e.actorId, e.at]),
        [
          ['create', null, 'draft', AGENT, T0],
          ['accept', 'draft', 'accepted', AGENT, T0 + 60_000],
          ['dispatch', 'accepted', 'dispatched', AGENT, T0 + 120_000],
        ],
        'the history, oldest first',
      );
      t.same(history[0]!.data, { number: 'HZ-20260304-000001', channel: '12345' });
      t.same(history[2]!.data, dispatched.event.data, 'the event as returned is the event as stored');
      t.same(
        told.map((c) => [c.action, c.status, c.unitIds]),
        [
          ['create', 'draft', []],
          ['accept', 'accepted', []],
          ['dispatch', 'dispatched', ['hz-hrss', 'hz-amr']],
        ],
        'told after each commit, not for a refusal',
      );
      trace.push(history);

      // A new order taken at once (createActedWithin: one insert of the final row), and an agent taking a call's order.
      clock.now = T0 + 180_000;
      const web = await svc.transaction((tx) =>
        svc.createActedWithin(
          tx,
          { channel: 'web', callerPhone: '13800000002' },
          { type: 'accept', fields: { category: 'consultation', subject: '社保查询', content: '社保缴费记录查询' } },
          agent2,
        ),
      );
      t.match(web, { id: 2, number: 'HZ-20260304-000002', status: 'accepted', version: 2, fields: { subject: '社保查询' } });
      const taken = await svc.transaction((tx) => svc.takeCallWithin(tx, web.id, AGENT));
      t.match(taken, { agentId: AGENT, version: 3, status: 'accepted' });
      t.same(
        (await svc.history(web.id)).map((e) => e.action),
        ['create', 'accept', 'take_call'],
      );
      trace.push(comparable(taken), await svc.history(web.id));
    });

    t.test('order numbers: the day’s counter in Shanghai time, one per prefix; a rolled-back create gives its number back', async (t) => {
      const rig = await open(t);
      const { svc, clock } = rig.service();
      const wx = rig.service({ numberPrefix: 'WX' });
      const numbers: string[] = [];
      for (const at of [T0, T0 + HOUR, Date.parse('2026-03-04T23:59:59+08:00'), Date.parse('2026-03-05T00:00:00+08:00')]) {
        clock.now = at;
        numbers.push((await svc.createDraft({ channel: 'web' })).number);
      }
      t.same(numbers, ['HZ-20260304-000001', 'HZ-20260304-000002', 'HZ-20260304-000003', 'HZ-20260305-000001'], 'a new day starts at Shanghai midnight');
      t.equal((await wx.svc.createMissedCall({ channel: '12345' })).number, 'WX-20260304-000001', 'another prefix, its own counter');

      clock.now = Date.parse('2026-03-05T09:00:00+08:00');
      await t.rejects(
        svc.transaction(async (tx) => {
          const o = await svc.createDraftWithin(tx, { channel: 'web' });
          t.equal(o.number, 'HZ-20260305-000002', 'numbered inside the transaction');
          throw new Error('the request failed after the create');
        }),
        /the request failed/,
      );
      t.equal((await svc.createDraft({ channel: 'web' })).number, 'HZ-20260305-000002', 'the rolled-back number is given again');
      t.same(await rig.rows.counters(), [
        { name: 'workorder:HZ:20260304', value: 3 },
        { name: 'workorder:HZ:20260305', value: 2 },
        { name: 'workorder:WX:20260304', value: 1 },
      ]);
      t.equal(await rig.rows.orderCount(), 6);
    });

    t.test('a call and its draft: the caller upserted, the call, its events; abandoned in the queue into a missed call; both or neither', async (t) => {
      const rig = await open(t);
      const { svc, clock, told } = rig.service({ clocks });
      // The writes checked here go through the service only.
      const repo = new CallsRepository(svc);
      const call = (callId: string, at: number, callerName: string | null = '李四') => ({
        callId,
        channelId: `ch-${callId}`,
        callerPhone: '13900000001',
        callerName,
        dialled: '12345',
        hotline: '12345',
        at,
        state: 'entered' as const,
      });

      const first = await repo.createInbound(call('c-1', T0));
      t.match(first, { callerId: 1, orderId: 1, orderNumber: 'HZ-20260304-000001' });
      repo.queued('c-1', T0 + 10_000);
      clock.now = T0 + 70_000;
      repo.abandoned('c-1', first.orderId, T0 + 70_000, system, 'queue');
      await repo.flushed();

      const order = await svc.get(first.orderId);
      t.match(order, { status: 'missed_call', callbackDue: true, callId: 'c-1', callerId: 1, callerPhone: '13900000001', version: 2 });
      t.same(order.wait, { clock: 'callback', deadlineAt: T0 + 70_000 + WAIT_HOURS.callback * HOUR }, 'the callback clock runs from the abandon');
      t.same(
        (await svc.history(first.orderId)).map((e) => [e.action, e.toStatus, e.actorId]),
        [
          ['create', 'draft', null],
          ['abandon', 'missed_call', SYSTEM],
        ],
      );
      t.equal(await rig.store.read((q) => q.orders.idOfCall('c-1')), first.orderId, 'the order of a call');
      t.equal(await rig.store.read((q) => q.orders.idOfCall('c-none')), undefined);

      // The same caller again, answered: the caller row is the same, last seen moves forward only.
      clock.now = T0 + HOUR;
      const second = await repo.createInbound(call('c-2', T0 + HOUR, null));
      t.match(second, { callerId: 1, orderId: 2, orderNumber: 'HZ-20260304-000002' });
      repo.offered('c-2', AGENT, T0 + HOUR + 5_000);
      repo.answered('c-2', second.orderId, AGENT, T0 + HOUR + 9_000);
      repo.ended('c-2', T0 + HOUR + 99_000, 'caller');
      await repo.flushed();
      t.match(await svc.get(second.orderId), { status: 'draft', agentId: AGENT, version: 2 }, 'the agent who answered took the order');
      // An imported call older than the caller's last call (the outage import): last seen does not go back.
      clock.now = T0 + 2 * HOUR;
      const outage = await repo.importOutage({ ...call('c-0', T0 - HOUR), endedAt: T0 - HOUR + 30_000, where: 'front_door' }, system);
      t.match(await svc.get(outage.orderId), { status: 'missed_call', version: 2, callId: 'c-0' }, 'the draft and its abandon written once');

      t.same(
        (await rig.rows.callers()).map((c) => [c.id, c.phone, c.name, c.firstSeenAt, c.lastSeenAt]),
        [[1, '13900000001', '李四', T0, T0 + HOUR]],
        'one caller; its name kept; last seen the latest call, not the imported older one',
      );
      t.same(
        (await rig.rows.calls()).map((c) => [c.id, c.callerId, c.state, c.agentId, c.queuedAt, c.endedAt, c.outcome]),
        [
          ['c-0', 1, 'ended', null, null, T0 - HOUR + 30_000, 'abandoned'],
          ['c-1', 1, 'ended', null, T0 + 10_000, T0 + 70_000, 'abandoned'],
          ['c-2', 1, 'ended', AGENT, null, T0 + HOUR + 99_000, 'answered'],
        ],
      );
      t.same(
        (await rig.rows.callEvents()).map((e) => [e.callId, e.type, e.at]),
        [
          ['c-1', 'entered', T0],
          ['c-1', 'queued', T0 + 10_000],
          ['c-1', 'abandoned', T0 + 70_000],
          ['c-2', 'entered', T0 + HOUR],
          ['c-2', 'offered', T0 + HOUR + 5_000],
          ['c-2', 'answered', T0 + HOUR + 9_000],
          ['c-2', 'hung_up', T0 + HOUR + 99_000],
          ['c-0', 'entered', T0 - HOUR],
          ['c-0', 'abandoned', T0 - HOUR + 30_000],
        ],
      );
      t.same((await rig.rows.callEvents())[2]!.data, { where: 'queue' });

      // Both or neither: a call whose row cannot be written (its id is taken) leaves no caller change, no order, no number.
      const before = {
        callers: await rig.rows.callers(),
        calls: await rig.rows.calls(),
        counters: await rig.rows.counters(),
        orders: await rig.rows.orderCount(),
      };
      const toldBefore = told.length;
      clock.now = T0 + 3 * HOUR;
      const taken = await repo.createInbound({ ...call('c-1', T0 + 3 * HOUR), channelId: 'ch-new' }).then(
        () => undefined,
        (err: unknown) => err,
      );
      t.ok(uniqueViolation(taken), 'refused: the call id is taken');
      t.same(
        { callers: await rig.rows.callers(), calls: await rig.rows.calls(), counters: await rig.rows.counters(), orders: await rig.rows.orderCount() },
        before,
        'nothing of it was written',
      );
      t.equal(told.length, toldBefore, 'nothing told');
      t.equal((await repo.createInbound(call('c-3', T0 + 3 * HOUR))).orderNumber, 'HZ-20260304-000004', 'the next call gets the number back');
    });

    t.test(
      'attachments: written with their history event in the order’s transaction, in order; a failed row takes the event and the others back',
      async (t) => {
        const rig = await open(t);
        const { svc } = rig.service();
        const order = await svc.createDraft({ channel: 'web' });
        const file = (storedName: string, size: number) => ({
          orderId: order.id,
          fileName: `${storedName}.pdf`,
          storedName,
          kind: 'pdf',
          mediaType: 'application/pdf',
          size,
          sha256: storedName.padEnd(64, '0'),
          uploadedBy: AGENT,
          unitId: null,
          createdAt: T0,
        });
        const attach = (names: Array<[string, number]>) =>
          svc.transaction(async (tx) => {
            const event = await tx.orders.insertEvent(order.id, {
              at: T0,
              action: 'attach',
              fromStatus: 'draft',
              toStatus: 'draft',
              actorId: AGENT,
              actorRole: 'agent',
              data: { files: names.map(([n]) => n) },
            });
            return { event, rows: await tx.orders.insertAttachments(names.map(([n, size]) => ({ ...file(n, size), eventId: event.id }))) };
          });

        const { event, rows } = await attach([
          ['b-second-name', 300],
          ['a-first-name', 5_000_000_000],
        ]);
        t.same(
          rows.map((r) => [r.orderId, r.eventId, r.storedName, r.fileName, r.size, r.uploadedBy, r.unitId, r.createdAt]),
          [
            [order.id, event.id, 'b-second-name', 'b-second-name.pdf', 300, AGENT, null, T0],
            [order.id, event.id, 'a-first-name', 'a-first-name.pdf', 5_000_000_000, AGENT, null, T0],
          ],
          'the rows as stored, in the order given (a size past 2^32 kept)',
        );
        t.ok(rows[0]!.id < rows[1]!.id);
        const failed = await attach([
          ['c-new', 1],
          ['a-first-name', 2],
        ]).then(
          () => undefined,
          (err: unknown) => err,
        );
        t.match(uniqueViolation(failed), { target: /work_order_attachments/ }, 'refused: the stored name is taken');
        t.same(
          (await rig.rows.attachments(order.id)).map((a) => a.storedName),
          ['b-second-name', 'a-first-name'],
          'the new file’s row went back too',
        );
        t.same(
          (await svc.history(order.id)).map((e) => e.action),
          ['create', 'attach'],
          'and its event',
        );
      },
    );

    t.test('waiting clocks: started and stopped by the changes; a start-up backfill from the history, once, keeping the version', async (t) => {
      const rig = await open(t);
      const { svc, clock } = rig.service({ clocks });
      const missed = await svc.createMissedCall({ channel: '12345', callerPhone: '13700000001' });
      t.same(missed.wait, { clock: 'callback', deadlineAt: T0 + WAIT_HOURS.callback * HOUR });
      const draft = await svc.createDraft({ channel: 'web' });
      t.equal(draft.wait, null, 'a draft waits for no one');
      clock.now = T0 + HOUR;
      const accepted = (await svc.apply(draft.id, { type: 'accept', fields: { category: 'complaint', subject: '噪音', content: '夜间噪音' } }, agent)).order;
      t.same(accepted.wait, { clock: 'dispatch', deadlineAt: T0 + HOUR + WAIT_HOURS.dispatch * HOUR });
      clock.now = T0 + 2 * HOUR;
      const other = await svc.createDraft({ channel: 'web' });
      await svc.apply(other.id, { type: 'accept', fields: { category: 'complaint', subject: '占道', content: '占道经营' } }, agent);
      const dispatched = (await svc.apply(other.id, { type: 'dispatch', leadUnitId: 'hz-amr', deadlineAt: T0 + 5 * DAY }, agent)).order;
      t.equal(dispatched.wait, null, 'a dispatch stops the dispatch clock (the unit’s own clocks take over)');

      await rig.rows.clearClocks();
      clock.now = T0 + DAY;
      const versions = [(await svc.get(missed.id)).version, (await svc.get(accepted.id)).version];
      t.equal(await svc.startMissingClocks(), 2, 'the two waiting orders');
      t.same((await svc.get(missed.id)).wait, { clock: 'callback', deadlineAt: T0 + WAIT_HOURS.callback * HOUR }, 'from its creation');
      t.same((await svc.get(accepted.id)).wait, { clock: 'dispatch', deadlineAt: T0 + HOUR + WAIT_HOURS.dispatch * HOUR }, 'from its acceptance, not from now');
      t.same([(await svc.get(missed.id)).version, (await svc.get(accepted.id)).version], versions, 'the versions stay');
      t.equal((await svc.get(dispatched.id)).wait, null);
      t.equal(await svc.startMissingClocks(), 0, 'once');
    });

    t.test('two nodes apply to one order at one version: one wins, the other is told the version it lost to; one history event', async (t) => {
      const rig = await open(t);
      const { svc } = rig.service();
      for (let round = 0; round < 3; round++) {
        const draft = await svc.createDraft({ channel: 'web' });
        const nodes = [rig.service({ store: slowFirstRead(storeOn(rig.d), 60) }), rig.service({ store: slowFirstRead(storeOn(rig.d), 60) })];
        const results = await Promise.allSettled([
          nodes[0]!.svc.apply(draft.id, { type: 'accept', fields: { category: 'complaint', subject: '甲', content: '甲' } }, agent, 1),
          nodes[1]!.svc.apply(draft.id, { type: 'accept', fields: { category: 'complaint', subject: '乙', content: '乙' } }, agent2, 1),
        ]);
        const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        t.equal(won.length, 1, `round ${round}: one apply wins`);
        // The loser read the order after the winner committed: its expectedVersion check refused it, with the version to reload.
        t.match(lost[0], { code: 'CONFLICT', details: { version: 2 } }, `round ${round}: the other is told the order is at version 2`);
        const order = await svc.get(draft.id);
        t.match(order, { status: 'accepted', version: 2, fields: { subject: won[0]!.order.fields.subject } }, 'the winner’s change is stored');
        t.same(
          (await svc.history(draft.id)).map((e) => e.action),
          ['create', 'accept'],
          'one accept in the history',
        );
        t.equal(nodes[0]!.told.length + nodes[1]!.told.length, 1, 'one change told');
      }
    });

    t.test('two nodes make changes that do not conflict, at once and without a version: both applied, one after the other', async (t) => {
      const rig = await open(t);
      const { svc } = rig.service();
      const a = await svc.createDraft({ channel: 'web' });
      const b = await svc.createDraft({ channel: 'web' });
      const c = await svc.createDraft({ channel: 'web' });
      const nodes = [rig.service({ store: slowFirstRead(storeOn(rig.d), 60) }), rig.service({ store: slowFirstRead(storeOn(rig.d), 60) })];
      const results = await Promise.allSettled([
        nodes[0]!.svc.apply(c.id, { type: 'update_fields', fields: { subject: '主题' } }, agent),
        nodes[1]!.svc.apply(c.id, { type: 'update_fields', fields: { location: '地点' } }, agent2),
      ]);
      t.same(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
        'neither is refused',
      );
      t.match(
        await svc.get(c.id),
        { version: 3, fields: { subject: '主题', location: '地点' } },
        'both fields stored: the second applied to the first’s result',
      );
      t.same(
        (await svc.history(c.id)).map((e) => e.action),
        ['create', 'update_fields', 'update_fields'],
      );

      // Two orders linked to a third at once: each link writes both orders, the third keeps both.
      const links = await Promise.allSettled([
        nodes[0]!.svc.apply(a.id, { type: 'link', otherOrderId: c.id }, agent),
        nodes[1]!.svc.apply(b.id, { type: 'link', otherOrderId: c.id }, agent2),
      ]);
      t.same(
        links.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
      );
      t.same([...(await svc.get(c.id)).linkedOrderIds].sort(), [a.id, b.id], 'the third order lists both');

      // Two opposite links at once (d→e and e→d), each reading its own order first: the orders are
      // locked in id order, so they take turns (on PostgreSQL, a deadlock 40P01 otherwise).
      const d = await svc.createDraft({ channel: 'web' });
      const e = await svc.createDraft({ channel: 'web' });
      const opposite = await Promise.allSettled([
        nodes[0]!.svc.apply(d.id, { type: 'link', otherOrderId: e.id }, agent),
        nodes[1]!.svc.apply(e.id, { type: 'link', otherOrderId: d.id }, agent2),
      ]);
      // Whichever comes second finds them linked already: the lifecycle's refusal (4xx), not the database's deadlock.
      t.ok(
        opposite.some((r) => r.status === 'fulfilled'),
        'one applied',
      );
      for (const r of opposite) {
        t.ok(
          r.status === 'fulfilled' || (isCodedError(r.reason) && r.reason.statusCode < 500),
          `applied or refused by the lifecycle, not failed (${r.status === 'rejected' ? String(r.reason) : 'fulfilled'})`,
        );
      }
      t.same([...(await svc.get(d.id)).linkedOrderIds], [e.id]);
      t.same([...(await svc.get(e.id)).linkedOrderIds], [d.id]);
    });

    t.test('creates at once on two nodes: distinct numbers, the counter at their count', async (t) => {
      const rig = await open(t);
      const nodes = [rig.service({ store: storeOn(rig.d) }), rig.service({ store: storeOn(rig.d) })];
      const wave = async (n: number) => {
        await rig.warm();
        return Promise.all(Array.from({ length: n }, (_, i) => nodes[i % 2]!.svc.createDraft({ channel: 'web' })));
      };
      // The first creates of a day race to insert the counter row; the later ones to bump it.
      const created = [...(await wave(12)), ...(await wave(12))];
      const numbers = created.map((o) => o.number).sort();
      t.same(
        numbers,
        Array.from({ length: 24 }, (_, i) => `HZ-20260304-${String(i + 1).padStart(6, '0')}`),
        'every number once',
      );
      t.same(await rig.rows.counters(), [{ name: 'workorder:HZ:20260304', value: 24 }]);
      t.equal(await rig.rows.orderCount(), 24);
    });

    t.test('calls of one new caller at once on six nodes: one caller row, every call and draft', async (t) => {
      const rig = await open(t);
      // One node's calls are written one after the other (its write queue): six nodes, one call each.
      const repos = Array.from({ length: 6 }, () => new CallsRepository(rig.service({ store: storeOn(rig.d) }).svc));
      await rig.warm();
      const made = await Promise.all(
        repos.map((repo, i) =>
          repo.createInbound({
            callId: `c-${i}`,
            channelId: `ch-${i}`,
            callerPhone: '13600000009',
            callerName: null,
            dialled: '12345',
            hotline: '12345',
            at: T0 + i,
            state: 'entered',
          }),
        ),
      );
      const callers = await rig.rows.callers();
      t.equal(callers.length, 1, 'one caller');
      t.same(new Set(made.map((m) => m.callerId)), new Set([callers[0]!.id]), 'every call names it');
      t.equal(callers[0]!.lastSeenAt, T0 + 5, 'last seen: the latest call');
      t.equal(new Set(made.map((m) => m.orderNumber)).size, 6, 'six drafts, six numbers');
      t.equal((await rig.rows.calls()).length, 6);
    });

    // HB: the inbound call path's reads (calls-repository.ts: the restart's unfinished calls, reconcile's and the survey's calls by channel, the screen-pop, the repeat caller).
    t.test(
      'the call path’s reads: unfinished calls with their orders, calls by channel, a caller’s profile, calls and open orders, a repeat caller; committed data only',
      async (t) => {
        const rig = await open(t);
        const { svc, clock } = rig.service();
        const read = rig.store.read.bind(rig.store);
        const CLOSED = ['closed', 'merged'];
        const [A, B] = ['13500000001', '13500000002'];
        const [a, b] = await rig.store.transaction(async (tx) => [await tx.calls.upsertCaller(A, '王五', T0), await tx.calls.upsertCaller(B, null, T0)]);
        const callRow = (id: string, callerId: number, phone: string, at: number, state: 'entered' | 'queued' | 'answered' | 'ended') => ({
          id,
          channelId: `ch-${id}`,
          callerId,
          callerPhone: phone,
          dialledNumber: '12345',
          hotline: '12345',
          state,
          enteredAt: at,
          ...(state === 'answered' ? { agentId: AGENT } : {}),
          ...(state === 'ended' ? { endedAt: at + 60_000, outcome: 'abandoned' } : {}),
        });
        await rig.store.transaction(async (tx) => {
          await tx.calls.insertCall(callRow('c-1', a, A, T0, 'ended'));
          await tx.calls.insertCall(callRow('c-2', a, A, T0 + HOUR, 'answered'));
          await tx.calls.insertCall(callRow('c-3', a, A, T0 + 2 * HOUR, 'queued'));
          await tx.calls.insertCall(callRow('c-4', b, B, T0 + 3 * HOUR, 'entered'));
        });
        const missed = await svc.createMissedCall({ channel: '12345', callId: 'c-1', callerId: a, callerPhone: A });
        clock.now = T0 + HOUR;
        const closed = await svc.transaction((tx) =>
          svc.createActedWithin(tx, { channel: '12345', callId: 'c-2', callerId: a, callerPhone: A }, { type: 'close', reason: '已答复' }, system),
        );
        clock.now = T0 + 2 * HOUR;
        const own = await svc.createDraft({ channel: '12345', callId: 'c-3', callerId: a, callerPhone: A });
        clock.now = T0 + 3 * HOUR;
        const bOwn = await svc.createDraft({ channel: '12345', callId: 'c-4', callerId: b, callerPhone: B });
        clock.now = T0 + 4 * HOUR;
        const web = await svc.createDraft({ channel: 'web', callerId: a, callerPhone: A });
        // An outbound call of A's: no order of its own (it names one), so never an unfinished inbound call.
        await rig.store.transaction((tx) =>
          tx.calls.insertCall({ ...callRow('c-out', a, A, T0 + 5 * HOUR, 'answered'), direction: 'out', orderId: missed.id, dialledNumber: A }),
        );

        const unfinished = await read((q) => q.calls.unfinishedInbound());
        t.same(
          unfinished.map((u) => [u.callId, u.channelId, u.callerId, u.callerPhone, u.dialled, u.state, u.agentId, u.enteredAt, u.orderId, u.orderNumber]),
          [
            ['c-2', 'ch-c-2', a, A, '12345', 'answered', AGENT, T0 + HOUR, closed.id, closed.number],
            ['c-3', 'ch-c-3', a, A, '12345', 'queued', null, T0 + 2 * HOUR, own.id, own.number],
            ['c-4', 'ch-c-4', b, B, '12345', 'entered', null, T0 + 3 * HOUR, bOwn.id, bOwn.number],
          ],
          'the calls not ended with their own orders, oldest first (not the ended one, not the outbound one)',
        );
        const byChannel = await read((q) => q.calls.byChannels(['ch-c-4', 'ch-c-1', 'ch-none']));
        t.same(
          [...byChannel].sort((x, y) => x.channelId.localeCompare(y.channelId)),
          [
            { channelId: 'ch-c-1', id: 'c-1', state: 'ended' },
            { channelId: 'ch-c-4', id: 'c-4', state: 'entered' },
          ],
          'calls by channel; a channel without a call is not there',
        );
        t.same(await read((q) => q.calls.byChannels([])), [], 'none asked, none read');

        const profile = await read((q) => q.calls.callerProfile(a));
        t.same(profile, { id: a, name: '王五', firstSeenAt: T0, callCount: 4 }, 'the caller with every call of theirs (the outbound one too)');
        t.equal(typeof profile?.callCount, 'number', 'the count is a number on both');
        t.equal(await read((q) => q.calls.callerProfile(999)), undefined, 'no such caller');
        t.same(
          await read((q) => q.calls.recentCalls(a, 'c-3', 5)),
          [
            { callId: 'c-out', dialledNumber: A, enteredAt: T0 + 5 * HOUR, outcome: null, agentId: AGENT },
            { callId: 'c-2', dialledNumber: '12345', enteredAt: T0 + HOUR, outcome: null, agentId: AGENT },
            { callId: 'c-1', dialledNumber: '12345', enteredAt: T0, outcome: 'abandoned', agentId: null },
          ],
          'the caller’s other calls, newest first',
        );
        t.same(
          (await read((q) => q.calls.recentCalls(a, 'c-3', 2))).map((c) => c.callId),
          ['c-out', 'c-2'],
          'at most the limit',
        );
        const summary = (o: WorkOrder) => ({ id: o.id, number: o.number, status: o.status, category: null, subject: null, createdAt: o.createdAt });
        t.same(
          await read((q) => q.calls.openOrdersOf(a, own.id, CLOSED, 10)),
          [summary(web), summary(missed)],
          'the caller’s other open orders, newest first (not the closed one)',
        );
        t.same(
          (await read((q) => q.calls.openOrdersOf(a, own.id, CLOSED, 1))).map((o) => o.id),
          [web.id],
          'at most the limit',
        );
        t.same(await read((q) => q.calls.openOrdersOf(b, bOwn.id, CLOSED, 10)), [], 'only the call’s own order: none');

        t.equal(await read((q) => q.calls.hasOpenOrder(A, 'c-3', CLOSED)), true, 'a repeat caller: an open order of another call');
        t.equal(await read((q) => q.calls.hasOpenOrder(B, 'c-4', CLOSED)), false, 'only the call’s own order: not a repeat caller');
        t.equal(await read((q) => q.calls.hasOpenOrder('13500000009', 'c-9', CLOSED)), false, 'an unknown number');

        // An order of B's (no call of its own) written in a transaction still open: not seen until it commits.
        let inside!: () => void;
        const written = new Promise<void>((resolve) => (inside = resolve));
        let commit!: () => void;
        const held = new Promise<void>((resolve) => (commit = resolve));
        const tx = svc.transaction(async (tx) => {
          const o = await svc.createDraftWithin(tx, { channel: 'web', callerId: b, callerPhone: B });
          inside();
          await held;
          return o;
        });
        await written;
        t.equal(await read((q) => q.calls.hasOpenOrder(B, 'c-4', CLOSED)), false, 'during the transaction: the committed data (no open order)');
        t.same(await read((q) => q.calls.openOrdersOf(b, bOwn.id, CLOSED, 10)), [], 'during the transaction: no other order');
        commit();
        const bWeb = await tx;
        t.equal(await read((q) => q.calls.hasOpenOrder(B, 'c-4', CLOSED)), true, 'committed: an order without a call counts');
        t.same(
          (await read((q) => q.calls.openOrdersOf(b, bOwn.id, CLOSED, 10))).map((o) => o.id),
          [bWeb.id],
        );
        traces[`${dialect}:call-path`] = [
          unfinished,
          profile,
          await read((q) => q.calls.recentCalls(a, 'c-3', 5)),
          await read((q) => q.calls.openOrdersOf(a, own.id, CLOSED, 10)),
        ];
      },
    );
  });
}

t.test('both databases stored the same orders and histories', async (t) => {
  t.ok(traces.sqlite && traces.postgres, 'both ran');
  t.same(traces.postgres, traces.sqlite);
});

t.test('both databases read the same for the call path', async (t) => {
  t.ok(traces['sqlite:call-path'] && traces['postgres:call-path'], 'both ran');
  t.same(traces['postgres:call-path'], traces['sqlite:call-path']);
});
