/** The callback worklist and its assignments on SQLite (callbacks-store.ts; the async port: db/sqlite-async.ts). */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { callbackAssignments, callEvents, calls, users, workOrders } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import type { AssignmentRecord, AssignmentRow, AttemptRow, CallbacksQueries, CallbacksStore, WorklistOrder } from './callbacks-store.js';

const ORDER = {
  id: workOrders.id,
  number: workOrders.number,
  phone: workOrders.callerPhone,
  createdAt: workOrders.createdAt,
  updatedAt: workOrders.updatedAt,
};
const RECORD = { orderId: callbackAssignments.orderId, agentId: callbackAssignments.agentId, byId: callbackAssignments.byId, at: callbackAssignments.at };

class SqliteCallbacksQueries implements CallbacksQueries {
  constructor(private readonly conn: SqliteConn) {}

  missedOrders(limit: number): Promise<WorklistOrder[]> {
    return this.conn.run((db) =>
      db
        .select(ORDER)
        .from(workOrders)
        .where(and(eq(workOrders.status, 'missed_call'), eq(workOrders.callbackDue, true)))
        .orderBy(asc(workOrders.createdAt), asc(workOrders.id))
        .limit(limit)
        .all(),
    );
  }

  reviewedOrders(limit: number): Promise<WorklistOrder[]> {
    return this.conn.run((db) =>
      db.select(ORDER).from(workOrders).where(eq(workOrders.status, 'reviewed')).orderBy(asc(workOrders.updatedAt), asc(workOrders.id)).limit(limit).all(),
    );
  }

  askedOrderIds(orderIds: readonly number[]): Promise<number[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.conn.run((db) =>
      db
        .select({ id: workOrders.id })
        .from(workOrders)
        .innerJoin(callEvents, and(eq(callEvents.callId, workOrders.callId), eq(callEvents.type, 'callback_requested')))
        .where(inArray(workOrders.id, [...orderIds]))
        .all()
        .map((r) => r.id),
    );
  }

  attemptRows(orderIds: readonly number[]): Promise<AttemptRow[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.conn.run((db) =>
      db
        .select({ orderId: calls.orderId, at: calls.enteredAt, outcome: calls.outcome, data: callEvents.data })
        .from(calls)
        .innerJoin(callEvents, and(eq(callEvents.callId, calls.id), eq(callEvents.type, 'hung_up')))
        .where(and(eq(calls.direction, 'out'), inArray(calls.orderId, [...orderIds])))
        .all(),
    );
  }

  assignmentRows(orderIds: readonly number[]): Promise<AssignmentRow[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.conn.run((db) =>
      db
        .select({ id: callbackAssignments.id, ...RECORD, name: users.displayName })
        .from(callbackAssignments)
        .leftJoin(users, eq(users.id, callbackAssignments.agentId))
        .where(inArray(callbackAssignments.orderId, [...orderIds]))
        .orderBy(desc(callbackAssignments.id))
        .all(),
    );
  }

  assignmentHistory(orderIds: readonly number[]): Promise<AssignmentRecord[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.conn.run((db) =>
      db
        .select(RECORD)
        .from(callbackAssignments)
        .where(inArray(callbackAssignments.orderId, [...orderIds]))
        .orderBy(desc(callbackAssignments.id))
        .all(),
    );
  }

  account(userId: number): Promise<{ role: (typeof users.$inferSelect)['role']; disabled: boolean } | undefined> {
    return this.conn.run((db) => db.select({ role: users.role, disabled: users.disabled }).from(users).where(eq(users.id, userId)).get());
  }

  lockOrder(orderId: number): Promise<boolean> {
    // The writer lock runs one transaction at a time: reading the order is enough.
    return this.conn.run((db) => db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.id, orderId)).get() !== undefined);
  }

  insertAssignment(row: AssignmentRecord): Promise<void> {
    return this.conn.run((db) => {
      db.insert(callbackAssignments).values(row).run();
    });
  }
}

export function sqliteCallbacksStore(db: SqliteAsyncDb): CallbacksStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteCallbacksQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteCallbacksQueries(tx))),
  };
}
