/**
 * The deadline warnings on SQLite (warnings-store.ts; the async port: db/sqlite-async.ts): rows
 * of `deadline_warnings`, and the search for orders whose deadline needs a warning that has not
 * been raised yet. Each statement runs in one `run()`; a scan's statements run in one port
 * transaction (the writer lock).
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { deadlineWarnings, workOrders } from '../../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../../db/sqlite-async.js';
import type { NewWarning, RaisedWarning, UnwarnedQuery, WarningCandidate, WarningsQueries, WarningsStore } from './warnings-store.js';

/**
 * Orders in `statuses` whose deadline lies in [min, max] and that have no `kind` warning for
 * that very deadline, earliest deadline first. Served by work_orders_status_idx (status,
 * deadline_at), for a waiting clock by work_orders_wait_clock_idx (wait_clock, wait_deadline_at),
 * and for the anti-join by deadline_warnings_uq.
 */
export function findUnwarned(db: Db, q: UnwarnedQuery): WarningCandidate[] {
  const waiting = q.clock !== 'sign' && q.clock !== 'handling';
  const col = q.clock === 'sign' ? workOrders.signDeadlineAt : q.clock === 'handling' ? workOrders.deadlineAt : workOrders.waitDeadlineAt;
  const rows = db
    .select({ orderId: workOrders.id, number: workOrders.number, leadUnitId: workOrders.leadUnitId, deadlineAt: col })
    .from(workOrders)
    .leftJoin(deadlineWarnings, and(eq(deadlineWarnings.orderId, workOrders.id), eq(deadlineWarnings.kind, q.kind), eq(deadlineWarnings.deadlineAt, col)))
    .where(
      and(
        // A waiting clock runs exactly while wait_clock names it (the statuses only document it).
        waiting ? eq(workOrders.waitClock, q.clock) : inArray(workOrders.status, [...q.statuses]),
        q.min === undefined ? undefined : gte(col, q.min),
        lte(col, q.max),
        isNull(deadlineWarnings.id),
      ),
    )
    .orderBy(asc(col), asc(workOrders.id))
    .limit(q.limit)
    .all();
  // `lte` already excludes NULL deadlines; the filter only narrows the type.
  return rows.flatMap((r) => (r.deadlineAt === null ? [] : [{ ...r, deadlineAt: r.deadlineAt }]));
}

/** Records a warning; false when it was already recorded (e.g. by another process sharing the database). */
function insertWarning(tx: Db, w: NewWarning): boolean {
  const row = tx.insert(deadlineWarnings).values(w).onConflictDoNothing().returning({ id: deadlineWarnings.id }).get();
  return row !== undefined;
}

/** Warnings raised at or after `since`, newest first, at most `limit` (deadline_warnings_warned_idx). */
function warningsSince(db: Db, since: number, limit: number): RaisedWarning[] {
  return db
    .select({
      orderId: deadlineWarnings.orderId,
      number: workOrders.number,
      kind: deadlineWarnings.kind,
      deadlineAt: deadlineWarnings.deadlineAt,
      leadUnitId: deadlineWarnings.leadUnitId,
      at: deadlineWarnings.warnedAt,
    })
    .from(deadlineWarnings)
    .innerJoin(workOrders, eq(workOrders.id, deadlineWarnings.orderId))
    .where(gte(deadlineWarnings.warnedAt, since))
    .orderBy(desc(deadlineWarnings.warnedAt), desc(deadlineWarnings.id))
    .limit(limit)
    .all();
}

class SqliteWarningsQueries implements WarningsQueries {
  constructor(private readonly conn: SqliteConn) {}

  findUnwarned(q: UnwarnedQuery): Promise<WarningCandidate[]> {
    return this.conn.run((db) => findUnwarned(db, q));
  }

  insertWarning(w: NewWarning): Promise<boolean> {
    return this.conn.run((db) => insertWarning(db, w));
  }

  warningsSince(since: number, limit: number): Promise<RaisedWarning[]> {
    return this.conn.run((db) => warningsSince(db, since, limit));
  }
}

export function sqliteWarningsStore(db: SqliteAsyncDb): WarningsStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteWarningsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteWarningsQueries(tx))),
  };
}
