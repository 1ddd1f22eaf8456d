/**
 * Rows of `work_orders` and `work_order_events` ↔ the lifecycle's OrderState and OrderEvent.
 * Every function takes the caller's transaction (or the Db for reads); none opens its own, so
 * the service can write the order and its event atomically (CONVENTIONS.md #8).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { workOrderEvents, workOrders } from '../db/schema.js';
import type { ActorRole, OrderCategory, OrderEvent, OrderState, OrderStatus, Satisfaction } from './lifecycle/index.js';

/** A drizzle transaction of the better-sqlite3 driver (synchronous). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type WorkOrderRow = typeof workOrders.$inferSelect;

/** A stored order: the lifecycle state plus the intake facts the machine never changes. */
export interface WorkOrder extends OrderState {
  readonly number: string;
  readonly channel: string;
  readonly callId: string | null;
  readonly callerId: number | null;
  readonly callerPhone: string | null;
  readonly agentId: number | null;
  readonly createdAt: number;
  readonly version: number;
}

/** One history row. `create` events have no `fromStatus`. */
export interface WorkOrderEventRecord {
  readonly id: number;
  readonly orderId: number;
  readonly at: number;
  readonly action: string;
  readonly fromStatus: OrderStatus | null;
  readonly toStatus: OrderStatus | null;
  readonly actorId: number | null;
  readonly actorRole: ActorRole | null;
  readonly comment: string | null;
  readonly data: Readonly<Record<string, unknown>> | null;
}

export interface NewOrderRow {
  readonly number: string;
  readonly channel: string;
  readonly status: 'draft' | 'missed_call';
  readonly callId?: string | null;
  readonly callerId?: number | null;
  readonly callerPhone?: string | null;
  readonly callerName?: string | null;
  readonly agentId?: number | null;
  readonly callbackDue: boolean;
  readonly now: number;
}

export function toWorkOrder(r: WorkOrderRow): WorkOrder {
  return {
    id: r.id,
    number: r.number,
    channel: r.channel,
    callId: r.callId,
    callerId: r.callerId,
    callerPhone: r.callerPhone,
    agentId: r.agentId,
    createdAt: r.createdAt,
    version: r.version,
    status: r.status as OrderStatus,
    fields: {
      category: r.category as OrderCategory | null,
      subject: r.subject,
      content: r.content,
      location: r.location,
      callerName: r.callerName,
      confidential: r.confidential,
    },
    leadUnitId: r.leadUnitId,
    coUnitIds: r.coUnitIds,
    coRepliedUnitIds: r.coRepliedUnitIds,
    deadlineAt: r.deadlineAt,
    signDeadlineAt: r.signDeadlineAt,
    callbackDue: r.callbackDue,
    pendingExtension: r.pendingExtension ?? null,
    satisfaction: r.satisfaction as Satisfaction | null,
    supervisionLevel: r.supervisionLevel,
    handlingRound: r.handlingRound,
    mergedIntoId: r.mergedIntoId,
    linkedOrderIds: r.linkedOrderIds,
    updatedAt: r.updatedAt,
  };
}

export function findOrder(db: DbOrTx, id: number): WorkOrder | undefined {
  const row = db.select().from(workOrders).where(eq(workOrders.id, id)).get();
  return row ? toWorkOrder(row) : undefined;
}

export function insertOrder(tx: Tx, o: NewOrderRow): WorkOrder {
  const row = tx
    .insert(workOrders)
    .values({
      number: o.number,
      channel: o.channel,
      status: o.status,
      callId: o.callId ?? null,
      callerId: o.callerId ?? null,
      callerPhone: o.callerPhone ?? null,
      callerName: o.callerName ?? null,
      agentId: o.agentId ?? null,
      callbackDue: o.callbackDue,
      createdAt: o.now,
      updatedAt: o.now,
    })
    .returning()
    .get();
  return toWorkOrder(row);
}

/**
 * Writes `next` over the row if it still has `version`; returns the new version, or undefined
 * when the row changed meanwhile (or is gone).
 */
export function updateOrderState(tx: Tx, next: OrderState, version: number): number | undefined {
  const f = next.fields;
  const row = tx
    .update(workOrders)
    .set({
      status: next.status,
      category: f.category,
      subject: f.subject,
      content: f.content,
      location: f.location,
      callerName: f.callerName,
      confidential: f.confidential,
      leadUnitId: next.leadUnitId,
      coUnitIds: [...next.coUnitIds],
      coRepliedUnitIds: [...next.coRepliedUnitIds],
      deadlineAt: next.deadlineAt,
      signDeadlineAt: next.signDeadlineAt,
      callbackDue: next.callbackDue,
      pendingExtension: next.pendingExtension ? { ...next.pendingExtension } : null,
      satisfaction: next.satisfaction,
      supervisionLevel: next.supervisionLevel,
      handlingRound: next.handlingRound,
      mergedIntoId: next.mergedIntoId,
      linkedOrderIds: [...next.linkedOrderIds],
      updatedAt: next.updatedAt,
      version: version + 1,
    })
    .where(and(eq(workOrders.id, next.id), eq(workOrders.version, version)))
    .returning({ version: workOrders.version })
    .get();
  return row?.version;
}

type EventInput = Omit<OrderEvent, 'action' | 'fromStatus' | 'actorId' | 'actorRole'> & {
  readonly action: string;
  readonly fromStatus: OrderStatus | null;
  readonly actorId: number | null;
  readonly actorRole: ActorRole | null;
};

/** Appends one history row; history is never updated or deleted. */
export function insertEvent(tx: Tx, orderId: number, e: EventInput): WorkOrderEventRecord {
  const row = tx
    .insert(workOrderEvents)
    .values({
      orderId,
      at: e.at,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actorId: e.actorId,
      actorRole: e.actorRole,
      comment: e.comment ?? null,
      data: e.data ? { ...e.data } : null,
    })
    .returning()
    .get();
  return toEventRecord(row);
}

export function listEvents(db: DbOrTx, orderId: number): WorkOrderEventRecord[] {
  return db
    .select()
    .from(workOrderEvents)
    .where(eq(workOrderEvents.orderId, orderId))
    .orderBy(asc(workOrderEvents.at), asc(workOrderEvents.id))
    .all()
    .map(toEventRecord);
}

function toEventRecord(r: typeof workOrderEvents.$inferSelect): WorkOrderEventRecord {
  return {
    id: r.id,
    orderId: r.orderId,
    at: r.at,
    action: r.action,
    fromStatus: r.fromStatus as OrderStatus | null,
    toStatus: r.toStatus as OrderStatus | null,
    actorId: r.actorId,
    actorRole: r.actorRole as ActorRole | null,
    comment: r.comment,
    data: r.data ?? null,
  };
}
