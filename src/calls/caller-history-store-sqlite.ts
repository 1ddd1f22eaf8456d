/**
 * The caller history on SQLite (caller-history.ts; the async port: db/sqlite-async.ts): the
 * page's five statements in one `run()`, so one snapshot.
 */
import { count, desc, eq } from 'drizzle-orm';
import { callers, calls, workOrders } from '../db/schema.js';
import type { SqliteAsyncDb } from '../db/sqlite-async.js';
import type { CallerHistoryRows, CallerHistoryStore } from './caller-history.js';

const CALLER = { id: callers.id, phone: callers.phone, name: callers.name, firstSeenAt: callers.firstSeenAt, lastSeenAt: callers.lastSeenAt };
const CALL_ITEM = {
  callId: calls.id,
  dialledNumber: calls.dialledNumber,
  hotline: calls.hotline,
  enteredAt: calls.enteredAt,
  answeredAt: calls.answeredAt,
  endedAt: calls.endedAt,
  outcome: calls.outcome,
  agentId: calls.agentId,
  orderId: workOrders.id,
  orderNumber: workOrders.number,
};
const ORDER_ITEM = {
  id: workOrders.id,
  number: workOrders.number,
  status: workOrders.status,
  category: workOrders.category,
  subject: workOrders.subject,
  confidential: workOrders.confidential,
  createdAt: workOrders.createdAt,
  callId: workOrders.callId,
};

export function sqliteCallerHistoryStore(db: SqliteAsyncDb): CallerHistoryStore {
  return {
    dialect: 'sqlite',
    read: (fn) =>
      db.read((conn) =>
        fn({
          historyPage: (callerId, offset, limit) =>
            conn.run((d): CallerHistoryRows | undefined => {
              const caller = d.select(CALLER).from(callers).where(eq(callers.id, callerId)).get();
              if (!caller) return undefined;
              const items = d
                .select(CALL_ITEM)
                .from(calls)
                .leftJoin(workOrders, eq(workOrders.callId, calls.id))
                .where(eq(calls.callerId, callerId))
                .orderBy(desc(calls.enteredAt), desc(calls.id))
                .limit(limit)
                .offset(offset)
                .all();
              const orders = d
                .select(ORDER_ITEM)
                .from(workOrders)
                .where(eq(workOrders.callerId, callerId))
                .orderBy(desc(workOrders.createdAt), desc(workOrders.id))
                .limit(limit)
                .offset(offset)
                .all();
              const callTotal = d.select({ n: count() }).from(calls).where(eq(calls.callerId, callerId)).get()?.n ?? 0;
              const orderTotal = d.select({ n: count() }).from(workOrders).where(eq(workOrders.callerId, callerId)).get()?.n ?? 0;
              return { caller, calls: items, orders, callTotal, orderTotal };
            }),
        }),
      ),
  };
}
