/**
 * Orders that wait for the platform without a running waiting clock: those written before the
 * clocks existed (migrations/0012) or by a WorkOrdersService without `clocks`. Their clock is
 * started from the moment they entered their state, read from their history, so an upgrade
 * leaves no order without a clock. WorkOrdersService.startMissingClocks does the writing
 * (orders-store.ts `setWaitClock`); this is the SQLite adapter's read (`clockless`).
 */
import { and, desc, eq, inArray, isNotNull, isNull, ne, or } from 'drizzle-orm';
import { workOrderEvents, workOrders } from '../db/schema.js';
import { waitClockOf, type WaitClock } from './deadlines/wait-clocks.js';
import type { OrderStatus, Satisfaction } from './lifecycle/index.js';
import type { DbOrTx } from './repository.js';

export interface ClocklessOrder {
  readonly id: number;
  readonly version: number;
  readonly clock: WaitClock;
  /** When the order entered the state its clock runs in. */
  readonly since: number;
}

const STATUS_CLOCKS: readonly OrderStatus[] = ['accepted', 'returned', 'replied', 'missed_call'];

/** At most `limit` orders that wait without a clock, with the start their clock should have had. */
export function findClockless(db: DbOrTx, limit: number): ClocklessOrder[] {
  const rows = db
    .select({
      id: workOrders.id,
      version: workOrders.version,
      status: workOrders.status,
      pendingExtension: workOrders.pendingExtension,
      satisfaction: workOrders.satisfaction,
      updatedAt: workOrders.updatedAt,
    })
    .from(workOrders)
    .where(
      and(
        isNull(workOrders.waitClock),
        or(
          inArray(workOrders.status, [...STATUS_CLOCKS]),
          and(inArray(workOrders.status, ['signed', 'in_progress']), isNotNull(workOrders.pendingExtension)),
          and(eq(workOrders.status, 'evaluated'), eq(workOrders.satisfaction, 'unsatisfied')),
        ),
      ),
    )
    .limit(limit)
    .all();
  return rows.flatMap((r) => {
    const state = {
      status: r.status as OrderStatus,
      pendingExtension: r.pendingExtension ?? null,
      satisfaction: r.satisfaction as Satisfaction | null,
    };
    const clock = waitClockOf(state);
    if (clock === null) return [];
    const since = clock === 'extension' ? state.pendingExtension?.requestedAt : enteredAt(db, r.id, clock, state.status);
    return [{ id: r.id, version: r.version, clock, since: since ?? r.updatedAt }];
  });
}

/** The last history event that put the order into the state `clock` runs in. */
function enteredAt(db: DbOrTx, orderId: number, clock: WaitClock, status: OrderStatus): number | undefined {
  const into =
    clock === 'unsatisfied'
      ? inArray(workOrderEvents.action, ['evaluate', 'record_survey'])
      : and(eq(workOrderEvents.toStatus, status), or(isNull(workOrderEvents.fromStatus), ne(workOrderEvents.fromStatus, status)));
  return db
    .select({ at: workOrderEvents.at })
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderId, orderId), into))
    .orderBy(desc(workOrderEvents.at), desc(workOrderEvents.id))
    .limit(1)
    .get()?.at;
}
