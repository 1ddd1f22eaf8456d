/**
 * The caller history on PostgreSQL (caller-history.ts; the async port: db/postgres-async.ts): the
 * same five statements on the pool (READ COMMITTED: a call or order committed between them may
 * show in a total and not yet on the page, or the other way round, until the next read).
 */
import { count, desc, eq } from 'drizzle-orm';
import type { PostgresAsyncDb } from '../db/postgres-async.js';
import { callers, calls, workOrders } from '../db/schema-pg.js';
import type { CallerHistoryStore } from './caller-history.js';

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

export function pgCallerHistoryStore(db: PostgresAsyncDb): CallerHistoryStore {
  return {
    dialect: 'postgres',
    read: (fn) =>
      db.read((d) =>
        fn({
          async historyPage(callerId, offset, limit) {
            const [caller] = await d.select(CALLER).from(callers).where(eq(callers.id, callerId));
            if (!caller) return undefined;
            const [items, orders, [callTotal], [orderTotal]] = await Promise.all([
              d
                .select(CALL_ITEM)
                .from(calls)
                .leftJoin(workOrders, eq(workOrders.callId, calls.id))
                .where(eq(calls.callerId, callerId))
                .orderBy(desc(calls.enteredAt), desc(calls.id))
                .limit(limit)
                .offset(offset),
              d
                .select(ORDER_ITEM)
                .from(workOrders)
                .where(eq(workOrders.callerId, callerId))
                .orderBy(desc(workOrders.createdAt), desc(workOrders.id))
                .limit(limit)
                .offset(offset),
              d.select({ n: count() }).from(calls).where(eq(calls.callerId, callerId)),
              d.select({ n: count() }).from(workOrders).where(eq(workOrders.callerId, callerId)),
            ]);
            return { caller, calls: items, orders, callTotal: callTotal?.n ?? 0, orderTotal: orderTotal?.n ?? 0 };
          },
        }),
      ),
  };
}
