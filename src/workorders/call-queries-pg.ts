/**
 * The call rows on PostgreSQL (orders-store.ts CallQueries; the async port: db/postgres-async.ts):
 * the call path's writes and the screen-pop's reads, in the orders store's transactions
 * (orders-store-pg.ts). Statement for statement the SQLite adapter's; a caller is upserted on
 * callers_phone_uq, its last-seen time moved forward with greatest() (SQLite's max()).
 */
import { and, asc, count, desc, eq, inArray, isNull, ne, notInArray, or, sql } from 'drizzle-orm';
import type { PgConn } from '../db/postgres-async.js';
import { callEvents, callers, calls, workOrders } from '../db/schema-pg.js';
import type {
  CallChange,
  CallEnd,
  CallerProfileRow,
  CallQueries,
  ChannelCallRow,
  NewCallEvent,
  NewCallRow,
  OpenOrderRow,
  RecentCallRow,
  UnfinishedInboundRow,
  UnfinishedOutbound,
} from './orders-store.js';

export class PgCallQueries implements CallQueries {
  constructor(private readonly db: PgConn) {}

  // The outbound calls' reads (outbound-records.ts).
  async callEnd(callId: string): Promise<CallEnd | undefined> {
    const [row] = await this.db
      .select({ direction: calls.direction, state: calls.state, outcome: calls.outcome, orderId: calls.orderId })
      .from(calls)
      .where(eq(calls.id, callId));
    return row;
  }

  async callEventData(callId: string): Promise<Array<{ type: string; data: Record<string, unknown> | null }>> {
    const rows = await this.db
      .select({ type: callEvents.type, data: callEvents.data })
      .from(callEvents)
      .where(eq(callEvents.callId, callId))
      .orderBy(asc(callEvents.id));
    return rows.map((e) => ({ type: e.type, data: e.data ?? null }));
  }

  unfinishedOutbound(): Promise<UnfinishedOutbound[]> {
    return this.db
      .select({
        callId: calls.id,
        channelId: calls.channelId,
        agentId: calls.agentId,
        orderId: calls.orderId,
        callerId: calls.callerId,
        number: calls.dialledNumber,
        enteredAt: calls.enteredAt,
        answeredAt: calls.answeredAt,
      })
      .from(calls)
      .where(and(ne(calls.state, 'ended'), eq(calls.direction, 'out'))) // calls_unfinished_idx
      .orderBy(asc(calls.enteredAt), asc(calls.id));
  }

  async upsertCaller(phone: string, name: string | null, at: number): Promise<number> {
    const [row] = await this.db
      .insert(callers)
      .values({ phone, name, firstSeenAt: at, lastSeenAt: at })
      .onConflictDoUpdate({ target: callers.phone, set: { lastSeenAt: sql`greatest(${callers.lastSeenAt}, ${at})` } })
      .returning({ id: callers.id });
    return row!.id;
  }

  async insertCall(row: NewCallRow): Promise<void> {
    await this.db.insert(calls).values(row);
  }

  async updateCall(callId: string, change: CallChange): Promise<void> {
    await this.db.update(calls).set(change).where(eq(calls.id, callId));
  }

  async markQueued(callId: string, at: number): Promise<void> {
    await this.db
      .update(calls)
      .set({ queuedAt: at })
      .where(and(eq(calls.id, callId), isNull(calls.queuedAt)));
    // An offer may have been recorded first (ARI and AMI events race): never step back.
    await this.db
      .update(calls)
      .set({ state: 'queued' })
      .where(and(eq(calls.id, callId), eq(calls.state, 'entered')));
  }

  async insertEvent(e: NewCallEvent): Promise<void> {
    await this.db.insert(callEvents).values({ callId: e.callId, type: e.type, at: e.at, agentId: e.agentId ?? null, data: e.data ?? null });
  }

  // The inbound call path's reads (calls-repository.ts).
  unfinishedInbound(): Promise<UnfinishedInboundRow[]> {
    return this.db
      .select({
        callId: calls.id,
        channelId: calls.channelId,
        callerId: calls.callerId,
        callerPhone: calls.callerPhone,
        dialled: calls.dialledNumber,
        state: calls.state,
        agentId: calls.agentId,
        enteredAt: calls.enteredAt,
        orderId: workOrders.id,
        orderNumber: workOrders.number,
      })
      .from(calls)
      .innerJoin(workOrders, eq(workOrders.callId, calls.id))
      .where(ne(calls.state, 'ended'))
      .orderBy(asc(calls.enteredAt));
  }

  async byChannels(channelIds: readonly string[]): Promise<ChannelCallRow[]> {
    if (channelIds.length === 0) return [];
    return this.db
      .select({ channelId: sql<string>`${calls.channelId}`, id: calls.id, state: calls.state })
      .from(calls)
      .where(inArray(calls.channelId, [...channelIds]));
  }

  /** The caller and the count in one statement: one snapshot under READ COMMITTED. */
  async callerProfile(callerId: number): Promise<CallerProfileRow | undefined> {
    const [row] = await this.db
      .select({ id: callers.id, name: callers.name, firstSeenAt: callers.firstSeenAt, callCount: count(calls.id) })
      .from(callers)
      .leftJoin(calls, eq(calls.callerId, callers.id))
      .where(eq(callers.id, callerId))
      .groupBy(callers.id);
    return row;
  }

  recentCalls(callerId: number, exceptCallId: string, limit: number): Promise<RecentCallRow[]> {
    return this.db
      .select({ callId: calls.id, dialledNumber: calls.dialledNumber, enteredAt: calls.enteredAt, outcome: calls.outcome, agentId: calls.agentId })
      .from(calls)
      .where(and(eq(calls.callerId, callerId), ne(calls.id, exceptCallId)))
      .orderBy(desc(calls.enteredAt))
      .limit(limit);
  }

  async hasOpenOrder(phone: string, exceptCallId: string, closed: readonly string[]): Promise<boolean> {
    const rows = await this.db
      .select({ id: workOrders.id })
      .from(workOrders)
      .innerJoin(callers, eq(callers.id, workOrders.callerId))
      .where(and(eq(callers.phone, phone), or(isNull(workOrders.callId), ne(workOrders.callId, exceptCallId)), notInArray(workOrders.status, [...closed])))
      .limit(1);
    return rows.length > 0;
  }

  openOrdersOf(callerId: number, exceptOrderId: number, closed: readonly string[], limit: number): Promise<OpenOrderRow[]> {
    return this.db
      .select({
        id: workOrders.id,
        number: workOrders.number,
        status: workOrders.status,
        category: workOrders.category,
        subject: workOrders.subject,
        createdAt: workOrders.createdAt,
      })
      .from(workOrders)
      .where(and(eq(workOrders.callerId, callerId), ne(workOrders.id, exceptOrderId), notInArray(workOrders.status, [...closed])))
      .orderBy(desc(workOrders.createdAt))
      .limit(limit);
  }
}
