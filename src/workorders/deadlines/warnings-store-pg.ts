/**
 * The deadline warnings on PostgreSQL (warnings-store.ts; the async port: db/postgres-async.ts).
 * The same statements as on SQLite: the anti-join on deadline_warnings_uq, and the insert that
 * does nothing on that index and returns the row only when it inserted (`ON CONFLICT DO NOTHING
 * RETURNING`), so that of two scans at once only one announces a warning.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../../db/postgres-async.js';
import { deadlineWarnings, workOrders } from '../../db/schema-pg.js';
import type { NewWarning, RaisedWarning, UnwarnedQuery, WarningCandidate, WarningsQueries, WarningsStore } from './warnings-store.js';

class PgWarningsQueries implements WarningsQueries {
  constructor(private readonly db: PgConn) {}

  async findUnwarned(q: UnwarnedQuery): Promise<WarningCandidate[]> {
    const waiting = q.clock !== 'sign' && q.clock !== 'handling';
    const col = q.clock === 'sign' ? workOrders.signDeadlineAt : q.clock === 'handling' ? workOrders.deadlineAt : workOrders.waitDeadlineAt;
    const rows = await this.db
      .select({ orderId: workOrders.id, number: workOrders.number, leadUnitId: workOrders.leadUnitId, deadlineAt: col })
      .from(workOrders)
      .leftJoin(deadlineWarnings, and(eq(deadlineWarnings.orderId, workOrders.id), eq(deadlineWarnings.kind, q.kind), eq(deadlineWarnings.deadlineAt, col)))
      .where(
        and(
          waiting ? eq(workOrders.waitClock, q.clock) : inArray(workOrders.status, [...q.statuses]),
          q.min === undefined ? undefined : gte(col, q.min),
          lte(col, q.max),
          isNull(deadlineWarnings.id),
        ),
      )
      .orderBy(asc(col), asc(workOrders.id))
      .limit(q.limit);
    return rows.flatMap((r) => (r.deadlineAt === null ? [] : [{ ...r, deadlineAt: r.deadlineAt }]));
  }

  async insertWarning(w: NewWarning): Promise<boolean> {
    const rows = await this.db.insert(deadlineWarnings).values(w).onConflictDoNothing().returning({ id: deadlineWarnings.id });
    return rows.length > 0;
  }

  warningsSince(since: number, limit: number): Promise<RaisedWarning[]> {
    return this.db
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
      .limit(limit);
  }
}

export function pgWarningsStore(db: PostgresAsyncDb): WarningsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgWarningsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgWarningsQueries(tx))),
  };
}
