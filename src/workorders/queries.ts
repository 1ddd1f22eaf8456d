/**
 * Read views of work orders for the REST API: list with filters and full-text search, one
 * order with its history, and the citizen's public progress lookup. Pure drizzle reads; every
 * view goes through a scope (scope.ts) so a unit handler never sees another unit's order or a
 * confidential reporter.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { workOrders } from '../db/schema.js';
import { WorkOrderError } from './errors.js';
import type { OrderCategory, OrderStatus } from './lifecycle/index.js';
import { lookupCodeMatches } from './lookup-code.js';
import { findPage, TOTAL_CAP } from './order-pages.js';
import { listEvents, orderStatements, toWorkOrder, type WorkOrder, type WorkOrderEventRecord, type WorkOrderRow } from './repository.js';
import { canSee, hideReporterIn, scopeCondition, type OrderScope } from './scope.js';
import { findUnitPage, unitPageApplies } from './unit-pages.js';

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
export { TOTAL_CAP } from './order-pages.js';

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

export function listOrders(db: Db, scope: OrderScope, filter: OrderFilter, now: number): OrderPage {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, filter.pageSize ?? 20));
  const offset = (page - 1) * pageSize;
  const textSearch = Boolean(filter.q?.trim());
  const found =
    scope.kind === 'units' && unitPageApplies(scope.unitIds, filter)
      ? findUnitPage(db, scope.unitIds, filter, now, pageSize, offset)
      : findPage(
          db,
          textSearch ? (orderId) => scopeCondition(scope, db, { textSearch, orderId }) : scopeCondition(scope, db),
          filter,
          now,
          pageSize,
          offset,
          scope.hideReporter,
        );
  return { items: found.rows.map((r) => toView(r, scope)), total: Math.min(found.n, TOTAL_CAP), totalCapped: found.n > TOTAL_CAP, page, pageSize };
}

/**
 * One order with its history; ORDER_NOT_FOUND when it does not exist or is outside the scope.
 * Both reads are statements prepared once (repository.ts orderStatements).
 */
export function getOrderDetail(db: Db, scope: OrderScope, id: number): OrderDetail {
  const view = getOrderView(db, scope, id);
  const history = orderStatements(db).events(id);
  return { ...view, history: view.reporterHidden ? history.map(hideReporterInEvent) : history };
}

/** One order as this scope may see it; ORDER_NOT_FOUND when it is missing or out of scope. */
export function getOrderView(db: Db, scope: OrderScope, id: number): OrderView {
  const order = orderStatements(db).find(id);
  if (!order || !canSee(scope, order)) throw new WorkOrderError('ORDER_NOT_FOUND', `work order ${id} not found`);
  return viewOfOrder(order, scope);
}

/**
 * The citizen's lookup by number, phone and lookup code (lookup-code.ts). An unknown number,
 * a wrong phone or code and an order still being taken (draft) all give the same
 * ORDER_NOT_FOUND, so the lookup cannot be used to probe numbers (the per-order throttle is
 * the caller's, intake.ts). Only status, category and times are shown: no content, units or
 * people.
 */
export function publicOrderLookup(db: Db, number: string, phone: string, code: string): PublicOrderView {
  const row = db.select().from(workOrders).where(eq(workOrders.number, number)).get();
  const codeOk = lookupCodeMatches(row?.lookupCode ?? null, code);
  if (!row || !codeOk || row.callerPhone === null || row.callerPhone !== phone || row.status === 'draft') {
    throw new WorkOrderError('ORDER_NOT_FOUND', 'no order with this number, phone and code');
  }
  const last = new Map<OrderStatus, number>();
  for (const e of listEvents(db, row.id)) {
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
