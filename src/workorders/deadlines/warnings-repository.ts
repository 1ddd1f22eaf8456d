/**
 * Rows of `deadline_warnings`, and the search for orders whose deadline needs a warning that
 * has not been raised yet. Functions take the caller's transaction (decision 0009 #8).
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import { deadlineWarnings, workOrders, type DeadlineWarningKind } from '../../db/schema.js';
import type { OrderStatus } from '../lifecycle/index.js';
import type { DbOrTx, Tx } from '../repository.js';
import type { WaitClock } from './wait-clocks.js';

/** Which clock a warning is about: the unit's sign-for or handling deadline, or a waiting clock (wait-clocks.ts). */
export type DeadlineClock = 'sign' | 'handling' | WaitClock;

export interface UnwarnedQuery {
  readonly clock: DeadlineClock;
  readonly kind: DeadlineWarningKind;
  /** Orders in these statuses only (the ones whose clock is running). */
  readonly statuses: readonly OrderStatus[];
  /** Deadline bounds, both inclusive (ms); `min` omitted = no lower bound. */
  readonly min?: number;
  readonly max: number;
  readonly limit: number;
}

export interface WarningCandidate {
  readonly orderId: number;
  readonly number: string;
  readonly leadUnitId: string | null;
  readonly deadlineAt: number;
}

/**
 * Orders in `statuses` whose deadline lies in [min, max] and that have no `kind` warning for
 * that very deadline, earliest deadline first. Served by work_orders_status_idx (status,
 * deadline_at), for a waiting clock by work_orders_wait_clock_idx (wait_clock, wait_deadline_at),
 * and for the anti-join by deadline_warnings_uq.
 */
export function findUnwarned(db: DbOrTx, q: UnwarnedQuery): WarningCandidate[] {
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

export interface NewWarning {
  readonly orderId: number;
  readonly kind: DeadlineWarningKind;
  readonly deadlineAt: number;
  readonly leadUnitId: string | null;
  readonly warnedAt: number;
}

/**
 * Records a warning; false when it was already recorded (e.g. by another process sharing the
 * database), in which case the caller must not announce it again.
 */
export function insertWarning(tx: Tx, w: NewWarning): boolean {
  const row = tx.insert(deadlineWarnings).values(w).onConflictDoNothing().returning({ id: deadlineWarnings.id }).get();
  return row !== undefined;
}

export interface RaisedWarning {
  readonly orderId: number;
  readonly number: string;
  readonly kind: DeadlineWarningKind;
  readonly deadlineAt: number;
  readonly leadUnitId: string | null;
  /** When the warning was raised (ms). */
  readonly at: number;
}

/** Warnings raised at or after `since`, newest first, at most `limit` (deadline_warnings_warned_idx). */
export function warningsSince(db: DbOrTx, since: number, limit: number): RaisedWarning[] {
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
