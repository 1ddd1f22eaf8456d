/**
 * The callback worklist (回拨 / 回访, issue 12 item 2) for agents and shift leads:
 * - `missed`: missed-call orders with a callback duty, one entry per caller — a caller who
 *   abandoned again has one entry with every order (the oldest is the one called for);
 * - `requested`: the same, for a caller who asked to be called back (the queue's key 1,
 *   callback-requests.ts): any of the caller's missed calls asked;
 * - `evaluation`: orders reviewed and waiting for the citizen's evaluation by callback (待回访).
 * Each entry carries its attempts (the outbound calls made for its orders, outbound.ts) and when
 * it may be tried next under the retry policy (callback-policy.ts); ordered by that time, the
 * entries nobody needs to call any more last. Each names the agent who should call, if any
 * (callback-assignments.ts).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { callEvents, calls, workOrders } from '../db/schema.js';
import type { CallbackEntry, OutboundResult } from '../contract/index.js';
import { attemptOutcome, nextTry, type Attempt, type CallbackPolicy } from './callback-policy.js';
import { CallbackAssignments } from './callback-assignments.js';

export type { CallbackEntry };

/** At most this many orders are read per kind (the worklist of a city is tens, not thousands). */
const MAX_ORDERS = 2000;

export class CallbackWorklist {
  constructor(
    private readonly db: Db,
    private readonly policy: () => CallbackPolicy,
    /** Whether the line is open at an instant (ivr.yaml hours, office-hours.ts). */
    private readonly isOpen: (at: number) => boolean,
    private readonly assignments: CallbackAssignments = new CallbackAssignments(db),
  ) {}

  /** The entry `orderId` belongs to (any of its orders), or undefined when it is not on the worklist. */
  entryOf(orderId: number): CallbackEntry | undefined {
    return this.list().find((e) => e.orderIds.includes(orderId));
  }

  list(): CallbackEntry[] {
    const cols = {
      id: workOrders.id,
      number: workOrders.number,
      phone: workOrders.callerPhone,
      createdAt: workOrders.createdAt,
      updatedAt: workOrders.updatedAt,
    };
    const missed = this.db
      .select(cols)
      .from(workOrders)
      .where(and(eq(workOrders.status, 'missed_call'), eq(workOrders.callbackDue, true)))
      .orderBy(asc(workOrders.createdAt), asc(workOrders.id))
      .limit(MAX_ORDERS)
      .all();
    const reviewed = this.db.select(cols).from(workOrders).where(eq(workOrders.status, 'reviewed')).orderBy(asc(workOrders.updatedAt)).limit(MAX_ORDERS).all();
    const attempts = this.attempts([...missed, ...reviewed].map((o) => o.id));
    const asked = this.asked(missed.map((o) => o.id));
    const policy = this.policy();
    const entry = (kind: CallbackEntry['kind'], orders: typeof missed, dueAt: number): Omit<CallbackEntry, 'assignee'> => {
      const first = orders[0]!;
      const tried = orders.flatMap((o) => attempts.get(o.id) ?? []).sort((a, b) => a.at - b.at);
      return {
        kind,
        orderId: first.id,
        orderNumber: first.number,
        orderIds: orders.map((o) => o.id),
        callerPhone: first.phone,
        dueAt,
        attempts: tried,
        next: nextTry(policy, dueAt, tried, this.isOpen),
      };
    };
    const byCaller = new Map<string, typeof missed>();
    for (const o of missed) {
      const key = o.phone ?? `order-${o.id}`; // an order without a number stands alone
      byCaller.set(key, [...(byCaller.get(key) ?? []), o]);
    }
    const bare = [
      ...[...byCaller.values()].map((orders) => entry(orders.some((o) => asked.has(o.id)) ? 'requested' : 'missed', orders, orders[0]!.createdAt)),
      ...reviewed.map((o) => entry('evaluation', [o], o.updatedAt)),
    ];
    const assignees = this.assignments.forEntries(bare.map((e) => e.orderIds));
    const entries: CallbackEntry[] = bare.map((e, i) => ({ ...e, assignee: assignees[i] ?? null }));
    const sortKey = (e: CallbackEntry) => (e.next.state === 'due' ? e.next.at : Number.MAX_SAFE_INTEGER);
    return entries.sort((a, b) => sortKey(a) - sortKey(b) || a.dueAt - b.dueAt || a.orderId - b.orderId);
  }

  /** The orders whose caller asked to be called back (the queue's callback key, callback-requests.ts). */
  private asked(orderIds: number[]): Set<number> {
    const out = new Set<number>();
    for (let i = 0; i < orderIds.length; i += 500) {
      const rows = this.db
        .select({ id: workOrders.id })
        .from(workOrders)
        .innerJoin(callEvents, and(eq(callEvents.callId, workOrders.callId), eq(callEvents.type, 'callback_requested')))
        .where(inArray(workOrders.id, orderIds.slice(i, i + 500)))
        .all();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  /** The finished outbound calls made for these orders, as attempts by order. */
  private attempts(orderIds: number[]): Map<number, Attempt[]> {
    const out = new Map<number, Attempt[]>();
    for (let i = 0; i < orderIds.length; i += 500) {
      const rows = this.db
        .select({ orderId: calls.orderId, at: calls.enteredAt, outcome: calls.outcome, data: callEvents.data })
        .from(calls)
        .innerJoin(callEvents, and(eq(callEvents.callId, calls.id), eq(callEvents.type, 'hung_up')))
        .where(and(eq(calls.direction, 'out'), inArray(calls.orderId, orderIds.slice(i, i + 500))))
        .all();
      for (const r of rows) {
        const cause = typeof r.data?.['cause'] === 'number' ? r.data['cause'] : null;
        const outcome = r.orderId === null || r.outcome === null ? null : attemptOutcome(r.outcome as OutboundResult, cause);
        if (outcome && r.orderId !== null) out.set(r.orderId, [...(out.get(r.orderId) ?? []), { at: r.at, outcome }]);
      }
    }
    return out;
  }
}
