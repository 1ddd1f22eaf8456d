/**
 * The work-order and call writes on SQLite (orders-store.ts; the async port: db/sqlite-async.ts).
 * The order statements are repository.ts's, prepared once per connection (the writer, or the
 * read connection while a transaction is open) and keyed by the `db` the port hands each
 * statement; each query is one `run()`, synchronous underneath.
 */
import { and, asc, count, desc, eq, inArray, isNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '../db/connection.js';
import { callEvents, callers, calls, workOrderAttachments, workOrders } from '../db/schema.js';
import { sqliteAsync, type SqliteAsyncDb, type SqliteConn } from '../db/sqlite-async.js';
import type { OrderState, OrderStatus } from './lifecycle/index.js';
import type {
  AttachmentRow,
  CallChange,
  CallQueries,
  NewCallEvent,
  NewCallRow,
  NumberedOrder,
  OrdersHandle,
  OrdersStore,
  WorkOrderQueries,
} from './orders-store.js';
import { orderNumberOf } from './order-numbers.js';
import { orderStatements, type EventInput, type NewOrderRow, type RunningWaitClock } from './repository.js';
import type { WaitClock } from './deadlines/wait-clocks.js';
import { findClockless } from './wait-clock-backfill.js';

class SqliteWorkOrderQueries implements WorkOrderQueries {
  constructor(private readonly conn: SqliteConn) {}
  // The reads of the route simulator, the callback duty and automatic supervision.
  openCountOfPhone(phone: string, closed: readonly string[]) {
    return this.conn.run(
      (db) =>
        db
          .select({ n: count() })
          .from(workOrders)
          .innerJoin(callers, eq(callers.id, workOrders.callerId))
          .where(and(eq(callers.phone, phone), notInArray(workOrders.status, [...closed])))
          .get()?.n ?? 0,
    );
  }
  missedWithDuty(phone: string, exceptId: number, createdBy: number) {
    return this.conn.run((db) =>
      db
        .select({ id: workOrders.id })
        .from(workOrders)
        .where(
          and(
            eq(workOrders.callerPhone, phone),
            eq(workOrders.status, 'missed_call'),
            eq(workOrders.callbackDue, true),
            ne(workOrders.id, exceptId),
            lte(workOrders.createdAt, createdBy),
          ),
        )
        .orderBy(asc(workOrders.id))
        .all()
        .map((r) => r.id),
    );
  }
  overdue(statuses: readonly OrderStatus[], level: number, dueBy: number, limit: number) {
    return this.conn.run((db) =>
      db
        .select({ id: workOrders.id, deadlineAt: workOrders.deadlineAt })
        .from(workOrders)
        .where(and(inArray(workOrders.status, [...statuses]), lt(workOrders.supervisionLevel, level), lte(workOrders.deadlineAt, dueBy)))
        .orderBy(asc(workOrders.deadlineAt), asc(workOrders.id))
        .limit(limit)
        .all(),
    );
  }
  find(id: number) {
    return this.conn.run((db) => orderStatements(db).find(id));
  }
  idOfCall(callId: string) {
    return this.conn.run((db) => db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.callId, callId)).get()?.id);
  }
  bumpCounter(name: string) {
    return this.conn.run((db) => orderStatements(db).bumpCounter(name));
  }
  /** The counter, the order and its history one after another, in one call (the transaction holds the writer lock throughout). */
  insertNumbered(o: NumberedOrder) {
    return this.conn.run((db) => {
      const s = orderStatements(db);
      const number = orderNumberOf(o.numbering, s.bumpCounter(o.numbering.counter));
      const row: NewOrderRow = { ...o.row, number };
      const order = o.acted ? s.insertActed(row, o.acted.next, o.acted.version, o.acted.wait) : s.insertOrder(row);
      for (const { numbered, ...e } of o.events) s.insertEvent(order.id, numbered ? { ...e, data: { number, ...e.data } } : e);
      return order;
    });
  }
  updateState(next: OrderState, version: number, wait: RunningWaitClock | null) {
    return this.conn.run((db) => orderStatements(db).updateState(next, version, wait));
  }
  insertEvent(orderId: number, e: EventInput) {
    return this.conn.run((db) => orderStatements(db).insertEvent(orderId, e));
  }
  takeCall(id: number, agentId: number, now: number, version: number) {
    return this.conn.run((db) => orderStatements(db).takeCall(id, agentId, now, version));
  }
  events(orderId: number) {
    return this.conn.run((db) => orderStatements(db).events(orderId));
  }
  clockless(limit: number) {
    return this.conn.run((db) => findClockless(db, limit));
  }
  setWaitClock(id: number, version: number, clock: WaitClock, deadlineAt: number) {
    return this.conn.run(
      (db) =>
        db
          .update(workOrders)
          .set({ waitClock: clock, waitDeadlineAt: deadlineAt })
          .where(and(eq(workOrders.id, id), eq(workOrders.version, version), isNull(workOrders.waitClock)))
          .returning({ id: workOrders.id })
          .get() !== undefined,
    );
  }
  insertAttachments<R extends object>(rows: readonly R[]): Promise<AttachmentRow[]> {
    return this.conn.run((db) =>
      rows.map((r) =>
        db
          .insert(workOrderAttachments)
          .values(r as typeof workOrderAttachments.$inferInsert)
          .returning()
          .get(),
      ),
    );
  }
}

class SqliteCallQueries implements CallQueries {
  constructor(private readonly conn: SqliteConn) {}
  // The outbound calls' reads (outbound-records.ts).
  callEnd(callId: string) {
    return this.conn.run((db) =>
      db
        .select({ direction: calls.direction, state: calls.state, outcome: calls.outcome, orderId: calls.orderId })
        .from(calls)
        .where(eq(calls.id, callId))
        .get(),
    );
  }
  callEventData(callId: string) {
    return this.conn.run((db) =>
      db
        .select({ type: callEvents.type, data: callEvents.data })
        .from(callEvents)
        .where(eq(callEvents.callId, callId))
        .orderBy(asc(callEvents.id))
        .all()
        .map((e) => ({ type: e.type, data: e.data ?? null })),
    );
  }
  unfinishedOutbound() {
    return this.conn.run((db) =>
      db
        .select({
          callId: calls.id,
          channelId: calls.channelId,
          agentId: calls.agentId,
          orderId: calls.orderId,
          callerId: calls.callerId,
          number: calls.dialledNumber,
          enteredAt: calls.enteredAt,
          answeredAt: calls.answeredAt,
        })
        .from(calls)
        .where(and(ne(calls.state, 'ended'), eq(calls.direction, 'out'))) // calls_unfinished_idx
        .orderBy(asc(calls.enteredAt), asc(calls.id))
        .all(),
    );
  }
  upsertCaller(phone: string, name: string | null, at: number) {
    return this.conn.run(
      (db) =>
        db
          .insert(callers)
          .values({ phone, name, firstSeenAt: at, lastSeenAt: at })
          .onConflictDoUpdate({ target: callers.phone, set: { lastSeenAt: sql`max(${callers.lastSeenAt}, ${at})` } })
          .returning({ id: callers.id })
          .get().id,
    );
  }
  insertCall(row: NewCallRow) {
    return this.conn.run((db) => {
      db.insert(calls).values(row).run();
    });
  }
  updateCall(callId: string, change: CallChange) {
    return this.conn.run((db) => {
      db.update(calls).set(change).where(eq(calls.id, callId)).run();
    });
  }
  markQueued(callId: string, at: number) {
    return this.conn.run((db) => {
      db.update(calls)
        .set({ queuedAt: at })
        .where(and(eq(calls.id, callId), isNull(calls.queuedAt)))
        .run();
      // An offer may have been recorded first (ARI and AMI events race): never step back.
      db.update(calls)
        .set({ state: 'queued' })
        .where(and(eq(calls.id, callId), eq(calls.state, 'entered')))
        .run();
    });
  }
  insertEvent(e: NewCallEvent) {
    return this.conn.run((db) => {
      db.insert(callEvents)
        .values({ callId: e.callId, type: e.type, at: e.at, agentId: e.agentId ?? null, data: e.data ?? null })
        .run();
    });
  }
  // The inbound call path's reads (calls-repository.ts).
  unfinishedInbound() {
    return this.conn.run((db) =>
      db
        .select({
          callId: calls.id,
          channelId: calls.channelId,
          callerId: calls.callerId,
          callerPhone: calls.callerPhone,
          dialled: calls.dialledNumber,
          state: calls.state,
          agentId: calls.agentId,
          enteredAt: calls.enteredAt,
          orderId: workOrders.id,
          orderNumber: workOrders.number,
        })
        .from(calls)
        .innerJoin(workOrders, eq(workOrders.callId, calls.id))
        .where(ne(calls.state, 'ended'))
        .orderBy(calls.enteredAt)
        .all(),
    );
  }
  byChannels(channelIds: readonly string[]) {
    return this.conn.run((db) =>
      channelIds.length === 0
        ? []
        : db
            .select({ channelId: sql<string>`${calls.channelId}`, id: calls.id, state: calls.state })
            .from(calls)
            .where(inArray(calls.channelId, [...channelIds]))
            .all(),
    );
  }
  callerProfile(callerId: number) {
    // One run(): the caller and the count from one snapshot.
    return this.conn.run((db) => {
      const row = db.select({ id: callers.id, name: callers.name, firstSeenAt: callers.firstSeenAt }).from(callers).where(eq(callers.id, callerId)).get();
      if (!row) return undefined;
      const n = db
        .select({ n: sql<number>`count(*)` })
        .from(calls)
        .where(eq(calls.callerId, callerId))
        .get();
      return { ...row, callCount: n?.n ?? 0 };
    });
  }
  recentCalls(callerId: number, exceptCallId: string, limit: number) {
    return this.conn.run((db) =>
      db
        .select({ callId: calls.id, dialledNumber: calls.dialledNumber, enteredAt: calls.enteredAt, outcome: calls.outcome, agentId: calls.agentId })
        .from(calls)
        .where(and(eq(calls.callerId, callerId), ne(calls.id, exceptCallId)))
        .orderBy(desc(calls.enteredAt))
        .limit(limit)
        .all(),
    );
  }
  hasOpenOrder(phone: string, exceptCallId: string, closed: readonly string[]) {
    return this.conn.run(
      (db) =>
        db
          .select({ id: workOrders.id })
          .from(workOrders)
          .innerJoin(callers, eq(callers.id, workOrders.callerId))
          .where(and(eq(callers.phone, phone), or(isNull(workOrders.callId), ne(workOrders.callId, exceptCallId)), notInArray(workOrders.status, [...closed])))
          .limit(1)
          .get() !== undefined,
    );
  }
  openOrdersOf(callerId: number, exceptOrderId: number, closed: readonly string[], limit: number) {
    return this.conn.run((db) =>
      db
        .select({
          id: workOrders.id,
          number: workOrders.number,
          status: workOrders.status,
          category: workOrders.category,
          subject: workOrders.subject,
          createdAt: workOrders.createdAt,
        })
        .from(workOrders)
        .where(and(eq(workOrders.callerId, callerId), ne(workOrders.id, exceptOrderId), notInArray(workOrders.status, [...closed])))
        .orderBy(desc(workOrders.createdAt))
        .limit(limit)
        .all(),
    );
  }
}

const handleOf = (conn: SqliteConn): OrdersHandle => ({ orders: new SqliteWorkOrderQueries(conn), calls: new SqliteCallQueries(conn) });

export function sqliteOrdersStore(port: SqliteAsyncDb): OrdersStore {
  // The read connection object is one and the same for every read: its handle is made once.
  const readHandles = new WeakMap<SqliteConn, OrdersHandle>();
  const forRead = (conn: SqliteConn): OrdersHandle => {
    let h = readHandles.get(conn);
    if (!h) readHandles.set(conn, (h = handleOf(conn)));
    return h;
  };
  return {
    dialect: 'sqlite',
    read: (fn) => port.read((conn) => fn(forRead(conn))),
    transaction: (fn) => port.transaction((conn) => fn(handleOf(conn))),
  };
}

const onDb = new WeakMap<Db, OrdersStore>();
/** The store never asks the port for durability (the HTTP layer asks the connection's own). */
const NO_DURABILITY = { durable: () => Promise.resolve() } as unknown as DbHandle['durability'];

/**
 * The store over a drizzle handle of the writer connection (tools, benches and tests that hold
 * only a `Db`): the port's writer lock is the connection's (sqlite-async.ts shares it per
 * connection), reads run on the writer (no second connection).
 */
export function sqliteOrdersStoreOn(db: Db): OrdersStore {
  let s = onDb.get(db);
  if (!s) {
    const sqlite = (db as Db & { $client: DbHandle['sqlite'] }).$client;
    const port = sqliteAsync({ db, sqlite, file: ':memory:', durability: NO_DURABILITY });
    onDb.set(db, (s = sqliteOrdersStore(port)));
  }
  return s;
}
