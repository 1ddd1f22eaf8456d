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
import type { CallbackEntry, OutboundResult } from '../contract/index.js';
import { attemptOutcome, nextTry, type Attempt, type CallbackPolicy } from './callback-policy.js';
import { CallbackAssignments } from './callback-assignments.js';
import { inChunks, type CallbacksQueries, type CallbacksStore, type WorklistOrder } from './callbacks-store.js';

export type { CallbackEntry };

/** At most this many orders are read per kind (the worklist of a city is tens, not thousands). */
const MAX_ORDERS = 2000;

export class CallbackWorklist {
  constructor(
    private readonly store: CallbacksStore,
    private readonly policy: () => CallbackPolicy,
    /** Whether the line is open at an instant (ivr.yaml hours, office-hours.ts). */
    private readonly isOpen: (at: number) => boolean,
    private readonly assignments: CallbackAssignments = new CallbackAssignments(store),
  ) {}

  /** The entry `orderId` belongs to (any of its orders), or undefined when it is not on the worklist. */
  async entryOf(orderId: number): Promise<CallbackEntry | undefined> {
    return (await this.list()).find((e) => e.orderIds.includes(orderId));
  }

  list(): Promise<CallbackEntry[]> {
    return this.store.read((q) => this.listOn(q));
  }

  private async listOn(q: CallbacksQueries): Promise<CallbackEntry[]> {
    const missed = await q.missedOrders(MAX_ORDERS);
    const reviewed = await q.reviewedOrders(MAX_ORDERS);
    const attempts = await this.attempts(
      q,
      [...missed, ...reviewed].map((o) => o.id),
    );
    const asked = new Set(
      await inChunks(
        missed.map((o) => o.id),
        (ids) => q.askedOrderIds(ids),
      ),
    );
    const policy = this.policy();
    const entry = (kind: CallbackEntry['kind'], orders: WorklistOrder[], dueAt: number): Omit<CallbackEntry, 'assignee'> => {
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
    const byCaller = new Map<string, WorklistOrder[]>();
    for (const o of missed) {
      const key = o.phone ?? `order-${o.id}`; // an order without a number stands alone
      byCaller.set(key, [...(byCaller.get(key) ?? []), o]);
    }
    const bare = [
      ...[...byCaller.values()].map((orders) => entry(orders.some((o) => asked.has(o.id)) ? 'requested' : 'missed', orders, orders[0]!.createdAt)),
      ...reviewed.map((o) => entry('evaluation', [o], o.updatedAt)),
    ];
    const assignees = await this.assignments.forEntriesOn(
      q,
      bare.map((e) => e.orderIds),
    );
    const entries: CallbackEntry[] = bare.map((e, i) => ({ ...e, assignee: assignees[i] ?? null }));
    const sortKey = (e: CallbackEntry) => (e.next.state === 'due' ? e.next.at : Number.MAX_SAFE_INTEGER);
    return entries.sort((a, b) => sortKey(a) - sortKey(b) || a.dueAt - b.dueAt || a.orderId - b.orderId);
  }

  /** The finished outbound calls made for these orders, as attempts by order. */
  private async attempts(q: CallbacksQueries, orderIds: number[]): Promise<Map<number, Attempt[]>> {
    const out = new Map<number, Attempt[]>();
    for (const r of await inChunks(orderIds, (ids) => q.attemptRows(ids))) {
      const cause = typeof r.data?.['cause'] === 'number' ? r.data['cause'] : null;
      const outcome = r.orderId === null || r.outcome === null ? null : attemptOutcome(r.outcome as OutboundResult, cause);
      if (outcome && r.orderId !== null) out.set(r.orderId, [...(out.get(r.orderId) ?? []), { at: r.at, outcome }]);
    }
    return out;
  }
}
