/**
 * A caller's history for the console's caller-history panel: the caller's profile, past calls
 * and work orders, newest first, paged. Read by platform staff only (agents, shift leads,
 * admins), who see every order and its reporter (workorders/scope.ts); units never read it.
 */
import { and, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { callers, calls, workOrders } from '../db/schema.js';

export interface CallerHistoryPage {
  caller: { id: number; phone: string; name: string | null; firstSeenAt: number; lastSeenAt: number };
  calls: {
    total: number;
    items: {
      callId: string;
      dialledNumber: string;
      hotline: string;
      enteredAt: number;
      answeredAt: number | null;
      endedAt: number | null;
      outcome: string | null;
      agentId: number | null;
      orderId: number | null;
      orderNumber: string | null;
    }[];
  };
  orders: {
    total: number;
    items: {
      id: number;
      number: string;
      status: string;
      category: string | null;
      subject: string | null;
      confidential: boolean;
      createdAt: number;
      callId: string | null;
    }[];
  };
  page: number;
  pageSize: number;
}

/** The caller's history page (1-based), or null for an unknown caller. */
export function callerHistory(db: Db, callerId: number, page: number, pageSize: number): CallerHistoryPage | null {
  const caller = db
    .select({ id: callers.id, phone: callers.phone, name: callers.name, firstSeenAt: callers.firstSeenAt, lastSeenAt: callers.lastSeenAt })
    .from(callers)
    .where(eq(callers.id, callerId))
    .get();
  if (!caller) return null;
  const offset = (page - 1) * pageSize;
  const callItems = db
    .select({
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
    })
    .from(calls)
    .leftJoin(workOrders, eq(workOrders.callId, calls.id))
    .where(eq(calls.callerId, callerId))
    .orderBy(desc(calls.enteredAt))
    .limit(pageSize)
    .offset(offset)
    .all();
  const orderItems = db
    .select({
      id: workOrders.id,
      number: workOrders.number,
      status: workOrders.status,
      category: workOrders.category,
      subject: workOrders.subject,
      confidential: workOrders.confidential,
      createdAt: workOrders.createdAt,
      callId: workOrders.callId,
    })
    .from(workOrders)
    .where(and(eq(workOrders.callerId, callerId)))
    .orderBy(desc(workOrders.createdAt), desc(workOrders.id))
    .limit(pageSize)
    .offset(offset)
    .all();
  const callTotal = db.select({ n: count() }).from(calls).where(eq(calls.callerId, callerId)).get()?.n ?? 0;
  const orderTotal = db.select({ n: count() }).from(workOrders).where(eq(workOrders.callerId, callerId)).get()?.n ?? 0;
  return { caller, calls: { total: callTotal, items: callItems }, orders: { total: orderTotal, items: orderItems }, page, pageSize };
}
