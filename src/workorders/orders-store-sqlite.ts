/**
 * The work-order and call writes on SQLite (orders-store.ts; the async port: db/sqlite-async.ts).
 * The order statements are repository.ts's, prepared once per connection (the writer, or the
 * read connection while a transaction is open) and keyed by the `db` the port hands each
 * statement; each query is one `run()`, synchronous underneath.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '../db/connection.js';
import { callEvents, callers, calls, workOrderAttachments, workOrders } from '../db/schema.js';
import { sqliteAsync, type SqliteAsyncDb, type SqliteConn } from '../db/sqlite-async.js';
import type { OrderState } from './lifecycle/index.js';
import type { AttachmentRow, CallChange, CallQueries, NewCallEvent, NewCallRow, OrdersHandle, OrdersStore, WorkOrderQueries } from './orders-store.js';
import { orderStatements, type EventInput, type NewOrderRow, type RunningWaitClock } from './repository.js';
import type { WaitClock } from './deadlines/wait-clocks.js';
import { findClockless } from './wait-clock-backfill.js';

class SqliteWorkOrderQueries implements WorkOrderQueries {
  constructor(private readonly conn: SqliteConn) {}
  find(id: number) {
    return this.conn.run((db) => orderStatements(db).find(id));
  }
  idOfCall(callId: string) {
    return this.conn.run((db) => db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.callId, callId)).get()?.id);
  }
  bumpCounter(name: string) {
    return this.conn.run((db) => orderStatements(db).bumpCounter(name));
  }
  insertOrder(o: NewOrderRow) {
    return this.conn.run((db) => orderStatements(db).insertOrder(o));
  }
  insertActed(o: NewOrderRow, next: OrderState, version: number, wait: RunningWaitClock | null) {
    return this.conn.run((db) => orderStatements(db).insertActed(o, next, version, wait));
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
