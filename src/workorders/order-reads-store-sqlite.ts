/**
 * The work orders' reads on SQLite (order-reads-store.ts; the async port: db/sqlite-async.ts).
 * The statements are today's synchronous ones, run in one `run()` each and in one read
 * transaction (order-rows-sqlite.ts inOneRead): the order and its history, a page and its count
 * (order-pages.ts and unit-pages.ts). Everything they keep is per connection, keyed by the `Db` the port hands them
 * — the writer, or the read-only connection while a transaction is open: the prepared
 * statements (order-rows-sqlite.ts) and the count memo (order-pages.ts
 * countMemo: data_version and total_changes() of that connection).
 */
import { and, asc, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { workOrderAttachments, workOrderEvents, workOrders } from '../db/schema.js';
import { bareSqliteConn, type SqliteAsyncDb, type SqliteConn } from '../db/sqlite-async.js';
import { findPage, type Found } from './order-pages.js';
import { inOneRead, rowsOf, toEventRow, toOrderRow } from './order-rows-sqlite.js';
import type { OrderReadsQueries, OrderReadsStore, OrderWithHistory, PageQuery } from './order-reads-store.js';
import type { AttachmentRow } from './orders-store.js';
import { toEventRecord, type WorkOrderRow } from './repository.js';
import { scopeCondition } from './scope.js';
import { findUnitPage, unitPageApplies } from './unit-pages.js';

/** One order by id or number, and an order's history: raw statements prepared once per connection (order-rows-sqlite.ts). */
const find = (db: Db) =>
  rowsOf(db, 'order:find', toOrderRow, () =>
    db
      .select()
      .from(workOrders)
      .where(eq(workOrders.id, sql.placeholder('id'))),
  );
const byNumber = (db: Db) =>
  rowsOf(db, 'order:byNumber', toOrderRow, () =>
    db
      .select()
      .from(workOrders)
      .where(eq(workOrders.number, sql.placeholder('number'))),
  );
const events = (db: Db) =>
  rowsOf(db, 'order:events', toEventRow, () =>
    db
      .select()
      .from(workOrderEvents)
      .where(eq(workOrderEvents.orderId, sql.placeholder('orderId')))
      .orderBy(asc(workOrderEvents.at), asc(workOrderEvents.id)),
  );

/** The order `id` and its history on `db`'s connection, in one read transaction. */
function orderWithHistoryOn(db: Db, id: number): OrderWithHistory | undefined {
  return inOneRead(db, () => {
    const order = find(db).get({ id });
    return order ? { order, history: events(db).all({ orderId: id }).map(toEventRecord) } : undefined;
  });
}

/** The same by number. */
function orderByNumberOn(db: Db, number: string): OrderWithHistory | undefined {
  return inOneRead(db, () => {
    const order = byNumber(db).get({ number });
    return order ? { order, history: events(db).all({ orderId: order.id }).map(toEventRecord) } : undefined;
  });
}

/**
 * The page of `q` on `db`'s connection. A unit scope without a text search reads
 * work_order_units (unit-pages.ts) unless it has too many arms for one compound select; every
 * other page is order-pages.ts findPage with the scope as a condition (on the FTS rowid for a
 * text search).
 */
export function findPageOn(db: Db, q: PageQuery): Found {
  const { scope, filter, now, limit, offset } = q;
  if (scope.kind === 'units' && unitPageApplies(scope.unitIds, filter)) return inOneRead(db, () => findUnitPage(db, scope.unitIds, filter, now, limit, offset));
  const textSearch = Boolean(filter.q?.trim());
  const on = textSearch ? (orderId: SQLWrapper) => scopeCondition(scope, db, { textSearch, orderId }) : scopeCondition(scope, db);
  return inOneRead(db, () => findPage(db, on, filter, now, limit, offset, scope.hideReporter));
}

class SqliteOrderReads implements OrderReadsQueries {
  constructor(private readonly conn: SqliteConn) {}

  orderWithHistory(id: number): Promise<OrderWithHistory | undefined> {
    return this.conn.run((db) => orderWithHistoryOn(db, id));
  }

  orderByNumber(number: string): Promise<OrderWithHistory | undefined> {
    return this.conn.run((db) => orderByNumberOn(db, number));
  }

  ordersByIds(ids: readonly number[]): Promise<WorkOrderRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.conn.run((db) =>
      db
        .select()
        .from(workOrders)
        .where(inArray(workOrders.id, [...ids]))
        .all(),
    );
  }

  attachments(orderId: number): Promise<AttachmentRow[]> {
    return this.conn.run((db) =>
      db.select().from(workOrderAttachments).where(eq(workOrderAttachments.orderId, orderId)).orderBy(asc(workOrderAttachments.id)).all(),
    );
  }

  attachment(orderId: number, id: number): Promise<AttachmentRow | undefined> {
    return this.conn.run((db) =>
      db
        .select()
        .from(workOrderAttachments)
        .where(and(eq(workOrderAttachments.orderId, orderId), eq(workOrderAttachments.id, id)))
        .get(),
    );
  }

  attachmentStoredNames(): Promise<string[]> {
    return this.conn.run((db) =>
      db
        .select({ name: workOrderAttachments.storedName })
        .from(workOrderAttachments)
        .all()
        .map((r) => r.name),
    );
  }

  findPage(q: PageQuery): Promise<Found> {
    return this.conn.run((db) => findPageOn(db, q));
  }
}

export function sqliteOrderReadsStore(db: SqliteAsyncDb): OrderReadsStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteOrderReads(conn))),
  };
}

/**
 * The same reads on one connection that is not behind the port (no read connection, no writer
 * lock): for a process that holds only SQLite's writer and opens no asynchronous transaction —
 * bench:orders' desk figures (desk-service.ts's default). The server wires sqliteOrderReadsStore.
 */
export function sqliteOrderReadsOn(db: Db): OrderReadsStore {
  const conn = bareSqliteConn(db);
  return { dialect: 'sqlite', read: (fn) => fn(new SqliteOrderReads(conn)) };
}
