/**
 * What the desk's order page shows around an order, read by the server so that the page does not
 * guess: the names of the people in its history, the numbers of the orders it is linked to or
 * merged into (only those the reader may see), the calls it came from (its own and those of the
 * orders merged into it), and the new limit an extension request would give, on the work calendar.
 */
import { maskPhone } from '../../logging/mask.js';
import { extendDeadline, type WorkCalendar } from '../deadlines/index.js';
import type { WorkOrderEventRecord } from '../repository.js';
import { canSee, type OrderScope } from '../scope.js';
import type { DeskReadsQueries, DeskReadsStore, NamedOrderRow } from './desk-reads-store.js';
import type { DeskReader } from './search.js';

/** An order named on the page: its number and status, or nulls when it is outside the reader's scope. */
export interface RelatedOrder {
  readonly id: number;
  readonly number: string | null;
  readonly status: string | null;
}

/** The display names of the events' actors (users.display_name), by user id. */
async function actorNames(q: DeskReadsQueries, events: readonly WorkOrderEventRecord[]): Promise<Map<number, string>> {
  const ids = [...new Set(events.map((e) => e.actorId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  return new Map((await q.displayNames(ids)).map((r) => [r.id, r.name]));
}

/** The orders of `ids` as the scope may name them, in the order given. */
function relatedOrders(rows: readonly NamedOrderRow[], scope: OrderScope, ids: readonly number[]): RelatedOrder[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = byId.get(id);
    return r && canSee(scope, r) ? { id, number: r.number, status: r.status } : { id, number: null, status: null };
  });
}

/** The order page's context, in one read: its actors' names, the linked orders and the one it was merged into, as the scope may name them. */
export function readOrderContext(
  store: DeskReadsStore,
  scope: OrderScope,
  order: { readonly history: readonly WorkOrderEventRecord[]; readonly linkedOrderIds: readonly number[]; readonly mergedIntoId: number | null },
): Promise<{ names: Map<number, string>; linkedOrders: RelatedOrder[]; mergedInto: RelatedOrder | null }> {
  return store.read(async (q) => {
    const names = await actorNames(q, order.history);
    const ids = [...new Set([...order.linkedOrderIds, ...(order.mergedIntoId === null ? [] : [order.mergedIntoId])])];
    const rows = ids.length === 0 ? [] : await q.namedOrders(ids);
    return {
      names,
      linkedOrders: relatedOrders(rows, scope, order.linkedOrderIds),
      mergedInto: order.mergedIntoId === null ? null : (relatedOrders(rows, scope, [order.mergedIntoId])[0] ?? null),
    };
  });
}

/**
 * The deadline a granted extension of `days` working days would give (deadlines/arithmetic.ts
 * extendDeadline: holidays and make-up working days of calendar.yaml counted), or null when the
 * order has no request waiting or no deadline to extend. Counted from the current deadline, or
 * from `now` once it has passed: a grant must lie in the future (lifecycle/effects.ts).
 */
export function proposedExtension(
  order: { readonly deadlineAt: number | null; readonly pendingExtension: { readonly days: number } | null },
  calendar: WorkCalendar,
  workHours: Parameters<typeof extendDeadline>[3],
  now: number,
): { readonly days: number; readonly deadlineAt: number } | null {
  const pending = order.pendingExtension;
  if (!pending || order.deadlineAt === null) return null;
  return { days: pending.days, deadlineAt: extendDeadline(Math.max(order.deadlineAt, now), pending.days, calendar, workHours) };
}

export interface OrderCall {
  readonly id: string;
  /** The order whose call it is: this order, or one merged into it. */
  readonly orderId: number;
  readonly orderNumber: string;
  readonly hotline: string;
  readonly dialledNumber: string;
  /** in: the citizen called; out: a call made for the order (a callback). */
  readonly direction: string;
  /** Masked (138****5678) for a reader who may not read phones; null when the reporter is hidden from the reader. */
  readonly callerPhone: string | null;
  readonly phoneMasked: boolean;
  readonly state: string;
  readonly outcome: string | null;
  readonly enteredAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly agentId: number | null;
  readonly agentName: string | null;
}

/**
 * The calls an order came from: its own call and the calls of the orders merged into it (a repeat
 * merged here carries the citizen's second call), oldest first. The merged orders are found on
 * work_orders_merged_into_idx. A confidential reporter's phone is not shown to a reader who may
 * not see the reporter (`hideReporter`), masked or not.
 */
export function readOrderCalls(
  store: DeskReadsStore,
  reader: DeskReader,
  order: { readonly id: number; readonly number: string; readonly callId: string | null; readonly confidential: boolean },
): Promise<OrderCall[]> {
  return store.read(async (q) => {
    const merged = (await q.mergedWithCall(order.id)).filter((m) => canSee(reader.scope, m));
    const sources = [order, ...merged].filter((o): o is typeof o & { callId: string } => o.callId !== null);
    const byCall = new Map(sources.map((o) => [o.callId, o]));
    // Calls made for the order (callbacks, calls.order_id) and the calls the orders came in with.
    const rows = await q.callsOf(order.id, [...byCall.keys()]);
    return rows
      .map((call) => {
        const o = byCall.get(call.id) ?? order;
        const hidden = o.confidential && reader.scope.hideReporter;
        const masked = hidden || !reader.readsPhones;
        return {
          id: call.id,
          orderId: o.id,
          orderNumber: o.number,
          hotline: call.hotline,
          dialledNumber: call.dialledNumber,
          direction: call.direction,
          callerPhone: hidden ? null : masked ? maskPhone(call.callerPhone) : call.callerPhone,
          phoneMasked: masked,
          state: call.state,
          outcome: call.outcome,
          enteredAt: call.enteredAt,
          answeredAt: call.answeredAt,
          endedAt: call.endedAt,
          agentId: call.agentId,
          agentName: call.agentName,
        };
      })
      .sort((a, b) => a.enteredAt - b.enteredAt || a.id.localeCompare(b.id));
  });
}
