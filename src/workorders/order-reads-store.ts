/**
 * The reads of work orders as a repository port (issue 16, decision 0017 step 2): one order
 * with its history, a page of a list or search, and an order's attachments, asynchronous, in one of two dialects
 * (order-reads-store-sqlite.ts, order-reads-store-pg.ts), held to the same results by one
 * contract suite (test/workorders/order-reads-store.test.ts).
 *
 * What is decided above the port, once (queries.ts, order-filter.ts): which orders a scope sees
 * (a `none` scope never gets here), the statuses a filter admits, the search's terms and the
 * 3-character rule, the list's order, the page and its size, the count's cap, and what a
 * confidential reporter hides. Below it, only SQL: an adapter turns a PageQuery into its
 * dialect's statements, and keeps what only its dialect has (SQLite: prepared statements per
 * connection, the count memo on data_version; PostgreSQL: the trigram search text).
 */
import type { Dialect } from '../db/async-db.js';
import type { OrderFilter } from './order-filter.js';
import type { AttachmentRow } from './orders-store.js';
import type { WorkOrderEventRecord, WorkOrderRow } from './repository.js';
import type { OrderScope } from './scope.js';

/** A scope that sees some orders: every one, or those its units lead or co-handle. */
export type VisibleScope = Exclude<OrderScope, { readonly kind: 'none' }>;

/** One page of a list within a scope. */
export interface PageQuery {
  readonly scope: VisibleScope;
  readonly filter: OrderFilter;
  /** The time `overdue` compares deadlines with. */
  readonly now: number;
  readonly limit: number;
  readonly offset: number;
}

/** A page of rows (in list order, order-filter.ts listOrderOf) and the matches counted up to TOTAL_CAP + 1. */
export interface FoundOrders {
  readonly rows: WorkOrderRow[];
  readonly n: number;
}

export interface OrderWithHistory {
  readonly order: WorkOrderRow;
  /** Every event of the order, oldest first (by time, then id); read with the order (one snapshot). */
  readonly history: WorkOrderEventRecord[];
}

/** The statements, on one connection. */
export interface OrderReadsQueries {
  /** The order `id` and its history, or undefined when there is no such order (any scope: the caller checks). */
  orderWithHistory(id: number): Promise<OrderWithHistory | undefined>;
  /** The same by the order's number (the citizen's lookup; numbers are unique). */
  orderByNumber(number: string): Promise<OrderWithHistory | undefined>;
  /** The orders of `ids` that exist, in no particular order (any scope: the caller checks). At most 500 ids. */
  ordersByIds(ids: readonly number[]): Promise<WorkOrderRow[]>;
  /** The files attached to order `orderId`, oldest first (by id), as stored (any scope: the caller checks the order). */
  attachments(orderId: number): Promise<AttachmentRow[]>;
  /** The attachment `id` if it belongs to order `orderId`. */
  attachment(orderId: number, id: number): Promise<AttachmentRow | undefined>;
  /** The stored file names of every order's attachments (the startup sweep of files left without a row). */
  attachmentStoredNames(): Promise<string[]>;
  /**
   * The page of `q`: the orders of its scope that pass its filter (statuses: order-filter.ts
   * statusesOf; text: searchTerms; a reporter's phone and a confidential reporter's name are not
   * matched when the scope hides reporters), in listOrderOf's order, from `offset`, at most `limit`.
   */
  findPage(q: PageQuery): Promise<FoundOrders>;
}

export interface OrderReadsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: OrderReadsQueries) => Promise<T>): Promise<T>;
}
