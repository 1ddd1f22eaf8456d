/**
 * Rows of `work_orders` and `work_order_events` ↔ the lifecycle's OrderState and OrderEvent.
 * Every function takes the caller's transaction (or the Db for reads); none opens its own, so
 * the service can write the order and its event atomically (decision 0009 #8).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { counters, workOrderEvents, workOrders } from '../db/schema.js';
import type { WaitClock } from './deadlines/wait-clocks.js';
import { newOrderState, type ActorRole, type OrderCategory, type OrderEvent, type OrderState, type OrderStatus, type Satisfaction } from './lifecycle/index.js';
import { toEventRow, toOrderRow } from './order-rows-sqlite.js';

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
  /** The citizen's lookup code (lookup-code.ts); null only for rows written outside the service. */
  readonly lookupCode: string | null;
  /** The waiting clock that runs and its deadline (deadlines/wait-clocks.ts); both null when none does. */
  readonly wait: RunningWaitClock | null;
}

export interface RunningWaitClock {
  readonly clock: WaitClock;
  readonly deadlineAt: number;
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
  readonly lookupCode?: string | null;
  readonly callbackDue: boolean;
  readonly wait?: RunningWaitClock | null;
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
    lookupCode: r.lookupCode,
    createdAt: r.createdAt,
    version: r.version,
    wait: r.waitClock !== null && r.waitDeadlineAt !== null ? { clock: r.waitClock as WaitClock, deadlineAt: r.waitDeadlineAt } : null,
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

/**
 * The order `insertOrder(o)` would store, before it is stored (id 0, version 1, nothing but the
 * intake facts): the draft an action is computed on when a new order is written once in its
 * final state (WorkOrdersService.createActedWithin).
 */
export function unsavedOrder(o: NewOrderRow): WorkOrder {
  const v = orderValues(o);
  const state = newOrderState(0, o.status, o.now);
  return {
    ...state,
    number: v.number,
    channel: v.channel,
    callId: v.callId,
    callerId: v.callerId,
    callerPhone: v.callerPhone,
    agentId: v.agentId,
    lookupCode: v.lookupCode,
    createdAt: v.createdAt,
    version: 1,
    wait: o.wait ?? null,
    fields: { ...state.fields, callerName: v.callerName },
    callbackDue: v.callbackDue,
  };
}

export function findOrder(db: DbOrTx, id: number): WorkOrder | undefined {
  const row = db.select().from(workOrders).where(eq(workOrders.id, id)).get();
  return row ? toWorkOrder(row) : undefined;
}

/** The columns of a new order row (both dialects' adapters: orders-store-pg.ts too). */
export function orderValues(o: NewOrderRow) {
  return {
    number: o.number,
    channel: o.channel,
    status: o.status,
    callId: o.callId ?? null,
    callerId: o.callerId ?? null,
    callerPhone: o.callerPhone ?? null,
    callerName: o.callerName ?? null,
    agentId: o.agentId ?? null,
    lookupCode: o.lookupCode ?? null,
    callbackDue: o.callbackDue,
    waitClock: o.wait?.clock ?? null,
    waitDeadlineAt: o.wait?.deadlineAt ?? null,
    createdAt: o.now,
    updatedAt: o.now,
  };
}

/** The columns an applied action writes, with the version bumped. */
export function stateValues(next: OrderState, version: number, wait: RunningWaitClock | null) {
  const f = next.fields;
  return {
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
    waitClock: wait?.clock ?? null,
    waitDeadlineAt: wait?.deadlineAt ?? null,
    updatedAt: next.updatedAt,
    version: version + 1,
  };
}

export type EventInput = Omit<OrderEvent, 'action' | 'fromStatus' | 'actorId' | 'actorRole'> & {
  readonly action: string;
  readonly fromStatus: OrderStatus | null;
  readonly actorId: number | null;
  readonly actorRole: ActorRole | null;
};

/** Appends one history row; history is never updated or deleted. */
export function insertEvent(tx: Tx, orderId: number, e: EventInput): WorkOrderEventRecord {
  return toEventRecord(tx.insert(workOrderEvents).values(eventValues(orderId, e)).returning().get());
}

export function eventValues(orderId: number, e: EventInput) {
  return {
    orderId,
    at: e.at,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actorId: e.actorId,
    actorRole: e.actorRole,
    comment: e.comment ?? null,
    data: e.data ? { ...e.data } : null,
  };
}

/** Placeholders named like the keys of `sample`, for a statement prepared once. */
function placeholders<T extends object>(sample: T): T {
  return Object.fromEntries(Object.keys(sample).map((k) => [k, sql.placeholder(k)])) as T;
}

/**
 * The service's reads and writes of one order as statements prepared once per connection.
 * Building a drizzle query (and compiling its SQL) costs several times more than running it:
 * a new order went from ~0.75 ms to 0.2–0.3 ms of CPU (docs/performance.md). They run on the
 * connection of the `db` they were prepared on: inside a transaction of that same Db they are
 * part of it, like the tx-taking functions above.
 */
function prepareOrderStatements(db: Db) {
  const sampleEvent: EventInput = { at: 0, action: '', fromStatus: null, toStatus: 'draft', actorId: null, actorRole: null };
  const sampleOrder: NewOrderRow = { number: '', channel: '', status: 'draft', callbackDue: false, now: 0 };
  // Samples only name the columns: every value is bound per call.
  const sampleState = newOrderState(0, 'draft', 0);
  const idIs = sql.placeholder('id');
  const versionIs = sql.placeholder('expected');
  const find = db.select().from(workOrders).where(eq(workOrders.id, idIs)).prepare();
  const insert = db
    .insert(workOrders)
    .values(placeholders(orderValues(sampleOrder)))
    .returning()
    .prepare();
  // A new order written once in the state an action took its draft to (createActedWithin):
  // the intake columns, then every column an applied action writes.
  const insertActed = db
    .insert(workOrders)
    .values(placeholders({ ...orderValues(sampleOrder), ...stateValues(sampleState, 0, null) }))
    .returning()
    .prepare();
  const update = db
    .update(workOrders)
    .set(placeholders(stateValues(sampleState, 0, null)))
    .where(and(eq(workOrders.id, idIs), eq(workOrders.version, versionIs)))
    .returning({ version: workOrders.version })
    .prepare();
  const event = db
    .insert(workOrderEvents)
    .values(placeholders(eventValues(0, sampleEvent)))
    .returning()
    .prepare();
  const takeCall = db
    .update(workOrders)
    .set({ agentId: sql`${sql.placeholder('agentId')}`, updatedAt: sql`${sql.placeholder('now')}`, version: sql`${workOrders.version} + 1` })
    .where(and(eq(workOrders.id, idIs), eq(workOrders.version, versionIs)))
    .returning({ version: workOrders.version })
    .prepare();
  const bump = db
    .insert(counters)
    .values({ name: sql.placeholder('name'), value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
    .prepare();
  const events = db
    .select()
    .from(workOrderEvents)
    .where(eq(workOrderEvents.orderId, sql.placeholder('orderId')))
    .orderBy(asc(workOrderEvents.at), asc(workOrderEvents.id))
    .prepare();
  return {
    find(id: number): WorkOrder | undefined {
      const row = find.get({ id });
      return row ? toWorkOrder(row) : undefined;
    },
    insertOrder: (o: NewOrderRow): WorkOrder => toWorkOrder(insert.get(orderValues(o))),
    /**
     * Inserts the new order `o` directly in the state `next` that an action took its draft (at
     * `version`) to: the row `insertOrder` then `updateState` would leave, written once.
     */
    // The row `returning()` gives back is read as an array and mapped by hand (order-rows-sqlite.ts:
    // what drizzle's mapResultRow gives, without its per-field dispatch), as the order reads are.
    insertActed: (o: NewOrderRow, next: OrderState, version: number, wait: RunningWaitClock | null): WorkOrder =>
      toWorkOrder(toOrderRow(insertActed.values({ ...orderValues(o), ...stateValues(next, version, wait) })[0]!)),
    /** Writes `next` if the row still has `version`: the new version, or undefined when it moved on. */
    updateState: (next: OrderState, version: number, wait: RunningWaitClock | null): number | undefined =>
      update.get({ ...stateValues(next, version, wait), id: next.id, expected: version })?.version,
    insertEvent: (orderId: number, e: EventInput): WorkOrderEventRecord => toEventRecord(toEventRow(event.values(eventValues(orderId, e))[0]!)),
    /** Sets the order's agent if the row still has `version`: the new version, or undefined. */
    takeCall: (id: number, agentId: number, now: number, version: number): number | undefined => takeCall.get({ id, agentId, now, expected: version })?.version,
    /** Bumps the counter `name` (order-numbers.ts): its new value. */
    bumpCounter: (name: string): number => bump.get({ name }).value,
    /** The order's history, oldest first (as listEvents). */
    events: (orderId: number): WorkOrderEventRecord[] => events.all({ orderId }).map(toEventRecord),
  };
}

export type OrderStatements = ReturnType<typeof prepareOrderStatements>;

const statementsByDb = new WeakMap<Db, OrderStatements>();

/** The prepared order statements of `db`'s connection (prepared on first use). */
export function orderStatements(db: Db): OrderStatements {
  let s = statementsByDb.get(db);
  if (!s) statementsByDb.set(db, (s = prepareOrderStatements(db)));
  return s;
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

export function toEventRecord(r: typeof workOrderEvents.$inferSelect): WorkOrderEventRecord {
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
