/**
 * The writes of work orders and of calls as one port (issue 16, decision 0017 step 2, "The
 * writes: the plan"): `transaction(fn)` hands `fn` one handle whose queries cover work_orders,
 * work_order_events (work_order_units follows them by trigger), the order-number counters,
 * the order's attachments, calls, call_events and callers, so that a call and its order are one
 * transaction. The rules stay above the port, written once: WorkOrdersService (the lifecycle,
 * the version check, the clocks, what onApplied is told), CallsRepository and OutboundRecords
 * (which rows a call event writes). One adapter per dialect (orders-store-sqlite.ts).
 */
import type { Dialect } from '../db/async-db.js';
import type { CallState } from '../db/schema.js';
import type { OrderState, OrderStatus } from './lifecycle/index.js';
import type { OrderNumbering } from './order-numbers.js';
import type { EventInput, NewOrderRow, RunningWaitClock, WorkOrder, WorkOrderEventRecord } from './repository.js';
import type { WaitClock } from './deadlines/wait-clocks.js';
import type { ClocklessOrder } from './wait-clock-backfill.js';

/** The statements on work orders, on one connection or inside one transaction. */
export interface WorkOrderQueries {
  // The reads of the route simulator, the callback duty and automatic supervision.
  /** How many orders of the caller with the number `phone` (callers.phone) are in none of the statuses `closed`. */
  openCountOfPhone(phone: string, closed: readonly string[]): Promise<number>;
  /** The missed-call orders of the number `phone` that still carry a callback duty, created at or before `createdBy`, other than `exceptId`: their ids, in id order. */
  missedWithDuty(phone: string, exceptId: number, createdBy: number): Promise<number[]>;
  /** At most `limit` orders in `statuses` below the supervision level `level` whose handling deadline is at or before `dueBy`: oldest deadline first. */
  overdue(statuses: readonly OrderStatus[], level: number, dueBy: number, limit: number): Promise<OverdueOrder[]>;
  /** The order as stored (on PostgreSQL read `FOR UPDATE` inside a transaction). */
  find(id: number): Promise<WorkOrder | undefined>;
  /** The id of the order of an inbound call (`work_orders.call_id`), if any. */
  idOfCall(callId: string): Promise<number | undefined>;
  /** Bumps the day's counter `name` (`INSERT … ON CONFLICT DO UPDATE … RETURNING`): its new value. */
  bumpCounter(name: string): Promise<number>;
  /**
   * A new order and its first history rows, numbered from the day's counter (bumped as
   * bumpCounter does); the new order as stored, written at once in `acted.next` if an action took
   * its draft there. SQLite runs the statements one after another; PostgreSQL writes it in one
   * statement, so that the counter's row lock, which every other create waits for, is held from
   * that statement to COMMIT only (decision 0019).
   */
  insertNumbered(o: NumberedOrder): Promise<WorkOrder>;
  /** Writes `next` if the row still has `version`: the new version, or undefined when it moved on. */
  updateState(next: OrderState, version: number, wait: RunningWaitClock | null): Promise<number | undefined>;
  /** Appends one history row. */
  insertEvent(orderId: number, e: EventInput): Promise<WorkOrderEventRecord>;
  /** Sets the order's agent if the row still has `version`: the new version, or undefined. */
  takeCall(id: number, agentId: number, now: number, version: number): Promise<number | undefined>;
  /** The order's history, oldest first. */
  events(orderId: number): Promise<WorkOrderEventRecord[]>;
  /** At most `limit` orders that wait without a waiting clock, with the start their clock should have had (wait-clock-backfill.ts). */
  clockless(limit: number): Promise<ClocklessOrder[]>;
  /**
   * Starts a waiting clock on an order still at `version` with none: whether it did. The version
   * is kept: the order's lifecycle state did not change, so no client's copy is made stale.
   */
  setWaitClock(id: number, version: number, clock: WaitClock, deadlineAt: number): Promise<boolean>;
  /** Files linked to an order with the history event that brought them in: the rows as stored. */
  insertAttachments<R extends object>(rows: readonly R[]): Promise<AttachmentRow[]>;
}

/** A new order to number and store with its first history rows (WorkOrderQueries.insertNumbered). */
export interface NumberedOrder {
  readonly numbering: OrderNumbering;
  /** The row but its number (the counter's new value gives it). */
  readonly row: Omit<NewOrderRow, 'number'>;
  /** The state an action took its draft (at `version`) to, written at once; null: the row as it is. */
  readonly acted: { readonly next: OrderState; readonly version: number; readonly wait: RunningWaitClock | null } | null;
  /** The history rows, in this order; `numbered`: the order's number comes first in the row's data, as `number`. */
  readonly events: ReadonlyArray<EventInput & { readonly numbered?: boolean }>;
}

/** A stored attachment row (work_order_attachments). */
export interface AttachmentRow {
  readonly id: number;
  readonly orderId: number;
  readonly eventId: number | null;
  readonly fileName: string;
  readonly storedName: string;
  readonly kind: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedBy: number | null;
  readonly unitId: string | null;
  readonly createdAt: number;
}

/** A new `calls` row. */
export interface NewCallRow {
  readonly id: string;
  readonly channelId: string;
  readonly direction?: 'in' | 'out';
  readonly orderId?: number | null;
  readonly callerId: number | null;
  readonly callerPhone: string;
  readonly dialledNumber: string;
  readonly hotline: string;
  readonly state: CallState;
  readonly agentId?: number | null;
  readonly enteredAt: number;
  readonly queuedAt?: number | null;
  readonly endedAt?: number | null;
  readonly outcome?: string | null;
}

/** The columns a call's change sets. */
export interface CallChange {
  readonly state?: CallState;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  readonly agentId?: number;
  readonly outcome?: string;
  readonly hotline?: string;
}

export interface NewCallEvent {
  readonly callId: string;
  readonly type: string;
  readonly at: number;
  readonly agentId?: number | null;
  readonly data?: Record<string, unknown> | null;
}

/** An order overdue at a unit (auto-supervision.ts). */
export interface OverdueOrder {
  readonly id: number;
  readonly deadlineAt: number | null;
}

/** What a restarted process needs of a call it finds in its Stasis app (outbound-records.ts leftInStasis). */
export interface CallEnd {
  readonly direction: 'in' | 'out';
  readonly state: CallState;
  readonly outcome: string | null;
  readonly orderId: number | null;
}

/** An outbound call the database holds as in progress (a previous process's, after a restart). */
export interface UnfinishedOutbound {
  readonly callId: string;
  readonly channelId: string | null;
  readonly agentId: number | null;
  readonly orderId: number | null;
  readonly callerId: number | null;
  readonly number: string | null;
  readonly enteredAt: number;
  readonly answeredAt: number | null;
}

/** The statements on calls and callers. */
export interface CallQueries {
  // The outbound calls' reads (outbound-records.ts).
  /** A call's direction, state, outcome and order (an outbound call's), or undefined when there is none. */
  callEnd(callId: string): Promise<CallEnd | undefined>;
  /** A call's events (type and data), in the order written. */
  callEventData(callId: string): Promise<Array<{ type: string; data: Record<string, unknown> | null }>>;
  /** The outbound calls not ended (calls_unfinished_idx). */
  unfinishedOutbound(): Promise<UnfinishedOutbound[]>;
  /** The caller by number, inserted or its last-seen time moved forward (never back): its id. */
  upsertCaller(phone: string, name: string | null, at: number): Promise<number>;
  insertCall(row: NewCallRow): Promise<void>;
  updateCall(callId: string, change: CallChange): Promise<void>;
  /** The call waits in the queue since `at`: its first queue time kept, its state moved on from `entered` only. */
  markQueued(callId: string, at: number): Promise<void>;
  insertEvent(e: NewCallEvent): Promise<void>;
  // The inbound call path's reads (calls-repository.ts).
  /** The calls not ended that have an order of their own (inbound: `work_orders.call_id`), oldest first. */
  unfinishedInbound(): Promise<UnfinishedInboundRow[]>;
  /** The calls rows of these caller channels (none asked: none read). */
  byChannels(channelIds: readonly string[]): Promise<ChannelCallRow[]>;
  /** A caller with the number of their calls, or undefined. */
  callerProfile(callerId: number): Promise<CallerProfileRow | undefined>;
  /** The caller's last `limit` calls other than `exceptCallId`, newest first. */
  recentCalls(callerId: number, exceptCallId: string, limit: number): Promise<RecentCallRow[]>;
  /** Whether the caller with the number `phone` has an order in none of the statuses `closed` other than call `exceptCallId`'s. */
  hasOpenOrder(phone: string, exceptCallId: string, closed: readonly string[]): Promise<boolean>;
  /** The caller's last `limit` orders in none of the statuses `closed`, other than `exceptOrderId`, newest first. */
  openOrdersOf(callerId: number, exceptOrderId: number, closed: readonly string[], limit: number): Promise<OpenOrderRow[]>;
}

/** One handle: both query objects on the same connection (one transaction on either dialect). */
export interface OrdersHandle {
  readonly orders: WorkOrderQueries;
  readonly calls: CallQueries;
}

export interface OrdersStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: OrdersHandle) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (db/async-db.ts). */
  transaction<T>(fn: (tx: OrdersHandle) => Promise<T>): Promise<T>;
}

// The rows of the inbound call path's reads (CallQueries).
/** A call not ended with its order (calls-repository.ts `unfinished`). */
export interface UnfinishedInboundRow {
  readonly callId: string;
  readonly channelId: string | null;
  readonly callerId: number | null;
  readonly callerPhone: string;
  readonly dialled: string;
  readonly state: CallState;
  readonly agentId: number | null;
  readonly enteredAt: number;
  readonly orderId: number;
  readonly orderNumber: string;
}

/** The calls row of a caller channel. */
export interface ChannelCallRow {
  readonly channelId: string;
  readonly id: string;
  readonly state: CallState;
}

export interface CallerProfileRow {
  readonly id: number;
  readonly name: string | null;
  readonly firstSeenAt: number;
  readonly callCount: number;
}

export interface RecentCallRow {
  readonly callId: string;
  readonly dialledNumber: string;
  readonly enteredAt: number;
  readonly outcome: string | null;
  readonly agentId: number | null;
}

export interface OpenOrderRow {
  readonly id: number;
  readonly number: string;
  readonly status: string;
  readonly category: string | null;
  readonly subject: string | null;
  readonly createdAt: number;
}
