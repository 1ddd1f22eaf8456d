/**
 * Read views of work orders for the REST API: list with filters and full-text search, one
 * order with its history, and the citizen's public progress lookup. Every view goes through a
 * scope (scope.ts) so a unit handler never sees another unit's order or a confidential reporter.
 * The API's and the order desk's list and one order read through the async port
 * (order-reads-store.ts: readOrderPage, readOrderDetail, readOrderInScope), and so do the scope
 * checks of the attachments and the desk's calls and suggestion (orderInScope); the page's rules and
 * the views are decided here once, for both dialects. listOrders is the same page on SQLite's
 * writer connection, synchronously (bench:orders and the SQLite-only list tests use it). The
 * citizen's lookup (readPublicOrder) reads the order and its history by number through the port.
 */
import type { Db } from '../db/connection.js';
import { WorkOrderError } from './errors.js';
import type { OrderCategory, OrderStatus } from './lifecycle/index.js';
import { lookupCodeMatches } from './lookup-code.js';
import { countCapOf } from './order-filter.js';
import type { FoundOrders, OrderReadsQueries, OrderReadsStore, OrderWithHistory, PageQuery } from './order-reads-store.js';
import { findPageOn } from './order-reads-store-sqlite.js';
import { toWorkOrder, type WorkOrder, type WorkOrderEventRecord, type WorkOrderRow } from './repository.js';
import { canSee, hideReporterIn, type OrderScope } from './scope.js';

/** An order as the API shows it; the reporter is null and `reporterHidden` true when masked. */
export interface OrderView {
  readonly id: number;
  readonly number: string;
  readonly channel: string;
  readonly status: OrderStatus;
  readonly category: OrderCategory | null;
  readonly subject: string | null;
  readonly content: string | null;
  readonly location: string | null;
  readonly callerId: number | null;
  readonly callerPhone: string | null;
  readonly callerName: string | null;
  readonly confidential: boolean;
  readonly reporterHidden: boolean;
  /** The citizen's lookup code, for platform staff to tell the citizen (null for units). */
  readonly lookupCode: string | null;
  readonly callId: string | null;
  readonly agentId: number | null;
  readonly leadUnitId: string | null;
  readonly coUnitIds: readonly string[];
  readonly coRepliedUnitIds: readonly string[];
  readonly deadlineAt: number | null;
  readonly signDeadlineAt: number | null;
  readonly callbackDue: boolean;
  readonly pendingExtension: { days: number; reason: string; requestedAt: number; requestedBy: number } | null;
  readonly satisfaction: string | null;
  readonly supervisionLevel: number;
  readonly handlingRound: number;
  readonly mergedIntoId: number | null;
  readonly linkedOrderIds: readonly number[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

export interface OrderDetail extends OrderView {
  /** Every event, oldest first. */
  readonly history: WorkOrderEventRecord[];
}

import type { OrderFilter } from './order-filter.js';

export { ORDER_SORTS, type OrderFilter, type OrderSort } from './order-filter.js';

export interface OrderPage {
  readonly items: OrderView[];
  readonly total: number;
  readonly totalCapped: boolean;
  readonly page: number;
  readonly pageSize: number;
}

export const MAX_PAGE_SIZE = 100;
export { countCapOf, SEARCH_TOTAL_CAP, TOTAL_CAP } from './order-filter.js';

/** Statuses a citizen's lookup reports, with the last time the order entered each. */
const PUBLIC_STEPS: readonly OrderStatus[] = [
  'accepted',
  'answered_on_spot',
  'dispatched',
  'signed',
  'in_progress',
  'replied',
  'evaluated',
  'supervised',
  'closed',
  'merged',
];

export interface PublicOrderView {
  readonly number: string;
  readonly status: OrderStatus;
  readonly category: OrderCategory | null;
  readonly createdAt: number;
  readonly deadlineAt: number | null;
  readonly progress: Array<{ status: OrderStatus; at: number }>;
}

/** A list request as a page query (undefined: the scope sees no order), with its page and size. */
function planPage(
  scope: OrderScope,
  filter: OrderFilter,
  now: number,
): { readonly query: PageQuery | undefined; readonly page: number; readonly pageSize: number } {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, filter.pageSize ?? 20));
  const sees = scope.kind === 'all' || (scope.kind === 'units' && scope.unitIds.length > 0);
  return { query: sees ? { scope, filter, now, limit: pageSize, offset: (page - 1) * pageSize } : undefined, page, pageSize };
}

const NOTHING: FoundOrders = { rows: [], n: 0 };

function pageOf(found: FoundOrders, scope: OrderScope, cap: number, page: number, pageSize: number): OrderPage {
  return { items: found.rows.map((r) => toView(r, scope)), total: Math.min(found.n, cap), totalCapped: found.n > cap, page, pageSize };
}

/** A page of the list within `scope` (the work-order API; on the port, order-reads-store.ts). */
export async function readOrderPage(store: OrderReadsStore, scope: OrderScope, filter: OrderFilter, now: number): Promise<OrderPage> {
  const { query, page, pageSize } = planPage(scope, filter, now);
  const found = query ? await store.read((q) => q.findPage(query)) : NOTHING;
  return pageOf(found, scope, countCapOf(filter), page, pageSize);
}

/**
 * The same page, synchronously on SQLite's writer connection (the same SQL as the SQLite
 * adapter): bench:orders measures it, and the SQLite-only list tests call it.
 */
export function listOrders(db: Db, scope: OrderScope, filter: OrderFilter, now: number): OrderPage {
  const { query, page, pageSize } = planPage(scope, filter, now);
  return pageOf(query ? findPageOn(db, query) : NOTHING, scope, countCapOf(filter), page, pageSize);
}

/** One order with its history; ORDER_NOT_FOUND when it does not exist or is outside the scope. */
export async function readOrderDetail(store: OrderReadsStore, scope: OrderScope, id: number): Promise<OrderDetail> {
  return (await readOrderInScope(store, scope, id)).detail;
}

/**
 * The stored order and its detail as `scope` sees it, from one read (one snapshot): the order
 * desk decides the actions it offers on the same version of the order it shows.
 * ORDER_NOT_FOUND when missing or out of scope alike.
 */
export async function readOrderInScope(store: OrderReadsStore, scope: OrderScope, id: number): Promise<{ order: WorkOrder; detail: OrderDetail }> {
  return detailOf(await store.read((q) => q.orderWithHistory(id)), scope, id);
}

/**
 * The stored order (no history) if `scope` may see it, on the port's connection `q` (committed
 * state): the scope check of the attachments' reads, of the desk's calls and dispatch
 * suggestion and of the knowledge base's "answered with" orders. ORDER_NOT_FOUND when missing or
 * out of scope alike.
 */
export async function orderInScope(q: Pick<OrderReadsQueries, 'ordersByIds'>, scope: OrderScope, id: number): Promise<WorkOrder> {
  const [row] = await q.ordersByIds([id]);
  const order = row && toWorkOrder(row);
  if (!order || !canSee(scope, order)) throw new WorkOrderError('ORDER_NOT_FOUND', `work order ${id} not found`);
  return order;
}

/** The order as `scope` may see it, with its history, masked; ORDER_NOT_FOUND when missing or out of scope alike. */
function detailOf(found: OrderWithHistory | undefined, scope: OrderScope, id: number): { order: WorkOrder; detail: OrderDetail } {
  const order = found && toWorkOrder(found.order);
  if (!found || !order || !canSee(scope, order)) throw new WorkOrderError('ORDER_NOT_FOUND', `work order ${id} not found`);
  const view = viewOfOrder(order, scope);
  return { order, detail: { ...view, history: view.reporterHidden ? found.history.map(hideReporterInEvent) : found.history } };
}

/**
 * The citizen's lookup by number, phone and lookup code (lookup-code.ts). An unknown number,
 * a wrong phone or code and an order still being taken (draft) all give the same
 * ORDER_NOT_FOUND, so the lookup cannot be used to probe numbers (the per-order throttle is
 * the caller's, intake.ts). Only status, category and times are shown: no content, units or
 * people.
 */
export async function readPublicOrder(store: OrderReadsStore, number: string, phone: string, code: string): Promise<PublicOrderView> {
  const found = await store.read((q) => q.orderByNumber(number));
  const row = found?.order;
  const codeOk = lookupCodeMatches(row?.lookupCode ?? null, code);
  if (!found || !row || !codeOk || row.callerPhone === null || row.callerPhone !== phone || row.status === 'draft') {
    throw new WorkOrderError('ORDER_NOT_FOUND', 'no order with this number, phone and code');
  }
  const last = new Map<OrderStatus, number>();
  for (const e of found.history) {
    if (e.toStatus && e.toStatus !== e.fromStatus && PUBLIC_STEPS.includes(e.toStatus)) last.set(e.toStatus, e.at);
  }
  return {
    number: row.number,
    status: row.status as OrderStatus,
    category: row.category as OrderCategory | null,
    createdAt: row.createdAt,
    deadlineAt: row.deadlineAt,
    progress: [...last].map(([status, at]) => ({ status, at })).sort((a, b) => a.at - b.at),
  };
}

export function toView(r: WorkOrderRow, scope: OrderScope): OrderView {
  return viewOfOrder(toWorkOrder(r), scope);
}

/** The API view of a stored order, masked for the scope. */
export function viewOfOrder(o: WorkOrder, scope: OrderScope): OrderView {
  const f = o.fields;
  const hidden = f.confidential && scope.hideReporter;
  return {
    id: o.id,
    number: o.number,
    channel: o.channel,
    status: o.status,
    category: f.category,
    subject: f.subject,
    content: f.content,
    location: f.location,
    callerId: hidden ? null : o.callerId,
    callerPhone: hidden ? null : o.callerPhone,
    callerName: hidden ? null : f.callerName,
    confidential: f.confidential,
    reporterHidden: hidden,
    // Platform staff tell it to the citizen; a unit has no use for it.
    lookupCode: scope.hideReporter ? null : o.lookupCode,
    callId: o.callId,
    agentId: o.agentId,
    leadUnitId: o.leadUnitId,
    coUnitIds: o.coUnitIds,
    coRepliedUnitIds: o.coRepliedUnitIds,
    deadlineAt: o.deadlineAt,
    signDeadlineAt: o.signDeadlineAt,
    callbackDue: o.callbackDue,
    pendingExtension: o.pendingExtension ? { ...o.pendingExtension } : null,
    satisfaction: o.satisfaction,
    supervisionLevel: o.supervisionLevel,
    handlingRound: o.handlingRound,
    mergedIntoId: o.mergedIntoId,
    linkedOrderIds: o.linkedOrderIds,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    version: o.version,
  };
}

/** The reply to an applied action: the order and its new event, masked for the scope. */
export function resultView(res: { order: WorkOrder; event: WorkOrderEventRecord }, scope: OrderScope): { order: OrderView; event: WorkOrderEventRecord } {
  const order = viewOfOrder(res.order, scope);
  return { order, event: order.reporterHidden ? hideReporterInEvent(res.event) : res.event };
}

export function hideReporterInEvent(e: WorkOrderEventRecord): WorkOrderEventRecord {
  return e.data ? { ...e, data: hideReporterIn(e.data) as Record<string, unknown> } : e;
}
