/** The callback worklist and its assignments on PostgreSQL (callbacks-store.ts; the async port: db/postgres-async.ts). */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { callbackAssignments, callEvents, calls, users, workOrders } from '../db/schema-pg.js';
import type { AssignmentRecord, AssignmentRow, AttemptRow, CallbacksQueries, CallbacksStore, WorklistOrder } from './callbacks-store.js';

const ORDER = {
  id: workOrders.id,
  number: workOrders.number,
  phone: workOrders.callerPhone,
  createdAt: workOrders.createdAt,
  updatedAt: workOrders.updatedAt,
};
const RECORD = { orderId: callbackAssignments.orderId, agentId: callbackAssignments.agentId, byId: callbackAssignments.byId, at: callbackAssignments.at };

class PgCallbacksQueries implements CallbacksQueries {
  constructor(private readonly db: PgConn) {}

  missedOrders(limit: number): Promise<WorklistOrder[]> {
    return this.db
      .select(ORDER)
      .from(workOrders)
      .where(and(eq(workOrders.status, 'missed_call'), eq(workOrders.callbackDue, true)))
      .orderBy(asc(workOrders.createdAt), asc(workOrders.id))
      .limit(limit);
  }

  reviewedOrders(limit: number): Promise<WorklistOrder[]> {
    return this.db.select(ORDER).from(workOrders).where(eq(workOrders.status, 'reviewed')).orderBy(asc(workOrders.updatedAt), asc(workOrders.id)).limit(limit);
  }

  async askedOrderIds(orderIds: readonly number[]): Promise<number[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db
      .select({ id: workOrders.id })
      .from(workOrders)
      .innerJoin(callEvents, and(eq(callEvents.callId, workOrders.callId), eq(callEvents.type, 'callback_requested')))
      .where(inArray(workOrders.id, [...orderIds]));
    return rows.map((r) => r.id);
  }

  async attemptRows(orderIds: readonly number[]): Promise<AttemptRow[]> {
    if (orderIds.length === 0) return [];
    return this.db
      .select({ orderId: calls.orderId, at: calls.enteredAt, outcome: calls.outcome, data: callEvents.data })
      .from(calls)
      .innerJoin(callEvents, and(eq(callEvents.callId, calls.id), eq(callEvents.type, 'hung_up')))
      .where(and(eq(calls.direction, 'out'), inArray(calls.orderId, [...orderIds])));
  }

  async assignmentRows(orderIds: readonly number[]): Promise<AssignmentRow[]> {
    if (orderIds.length === 0) return [];
    return this.db
      .select({ id: callbackAssignments.id, ...RECORD, name: users.displayName })
      .from(callbackAssignments)
      .leftJoin(users, eq(users.id, callbackAssignments.agentId))
      .where(inArray(callbackAssignments.orderId, [...orderIds]))
      .orderBy(desc(callbackAssignments.id));
  }

  async assignmentHistory(orderIds: readonly number[]): Promise<AssignmentRecord[]> {
    if (orderIds.length === 0) return [];
    return this.db
      .select(RECORD)
      .from(callbackAssignments)
      .where(inArray(callbackAssignments.orderId, [...orderIds]))
      .orderBy(desc(callbackAssignments.id));
  }

  async account(userId: number): Promise<{ role: (typeof users.$inferSelect)['role']; disabled: boolean } | undefined> {
    const [row] = await this.db.select({ role: users.role, disabled: users.disabled }).from(users).where(eq(users.id, userId));
    return row;
  }

  async lockOrder(orderId: number): Promise<boolean> {
    // NO KEY UPDATE: inserts that refer to the order (FOR KEY SHARE) do not wait for it.
    const rows = await this.db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.id, orderId)).for('no key update');
    return rows.length > 0;
  }

  async insertAssignment(row: AssignmentRecord): Promise<void> {
    await this.db.insert(callbackAssignments).values(row);
  }
}

export function pgCallbacksStore(db: PostgresAsyncDb): CallbacksStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgCallbacksQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgCallbacksQueries(tx))),
  };
}
