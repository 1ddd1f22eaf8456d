/**
 * The work-order and call writes on PostgreSQL (orders-store.ts; the async port:
 * db/postgres-async.ts). Statement for statement the SQLite adapter's (orders-store-sqlite.ts,
 * repository.ts's prepared statements), with what PostgreSQL's concurrency needs:
 *
 * - inside a transaction an order is read with a row lock (`FOR NO KEY UPDATE`: inserts that only
 *   refer to the order — history, attachments, warnings: FOR KEY SHARE — do not wait). Under READ
 *   COMMITTED two nodes applying to one order then take turns: the second reads the order the
 *   first committed, so its version check (an HTTP client's `expectedVersion`) and the
 *   lifecycle decide on the current state, as on SQLite under the writer lock. Without the lock
 *   the second's UPDATE … WHERE version would match nothing and a change that did not conflict
 *   (another field, another link) would be refused as CONFLICT;
 * - the day's counter is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` in the order's
 *   transaction: the row lock it takes serialises the creates until commit (two nodes never get
 *   one number), and a rolled-back create gives its number back. A write transaction commits
 *   without waiting for its WAL flush, so that lock is not held across an fsync, and is answered
 *   after a shared flush (commit-flush-pg.ts, decision 0019);
 * - the calls' rows, written and read in the same transactions, are call-queries-pg.ts's.
 *
 * The rows' columns are repository.ts's; test/workorders/orders-store.test.ts holds both adapters to the same rows.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { callers, counters, workOrderAttachments, workOrderEvents, workOrders } from '../db/schema-pg.js';
import { sharedFlush, type SharedFlush } from './commit-flush-pg.js';
import { CounterGates, HeldSlots } from './counter-gate-pg.js';
import { waitClockOf, type WaitClock } from './deadlines/wait-clocks.js';
import type { OrderState, OrderStatus, Satisfaction } from './lifecycle/index.js';
import type { AttachmentRow, NumberedOrder, OrdersHandle, OrdersStore, WorkOrderQueries } from './orders-store.js';
import {
  eventValues,
  stateValues,
  toEventRecord,
  toWorkOrder,
  type EventInput,
  type RunningWaitClock,
  type WorkOrder,
  type WorkOrderEventRecord,
} from './repository.js';
import type { ClocklessOrder } from './wait-clock-backfill.js';
import { PgCallQueries } from './call-queries-pg.js';
import { insertNumberedPrepared } from './numbered-insert-pg.js';

/** The statuses whose waiting clock a backfill starts (wait-clock-backfill.ts). */
const STATUS_CLOCKS: readonly OrderStatus[] = ['accepted', 'returned', 'replied', 'missed_call'];

class PgWorkOrderQueries implements WorkOrderQueries {
  /** `inTx`: the connection is a transaction's client, and an order read there is locked until it ends. */
  constructor(
    private readonly db: PgConn,
    private readonly inTx: boolean,
    /** The transaction's slots of this node's counter gates (counter-gate-pg.ts); none outside a transaction. */
    private readonly slots?: HeldSlots,
  ) {}

  // The reads of the route simulator, the callback duty and automatic supervision.
  async openCountOfPhone(phone: string, closed: readonly string[]): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(workOrders)
      .innerJoin(callers, eq(callers.id, workOrders.callerId))
      .where(and(eq(callers.phone, phone), notInArray(workOrders.status, [...closed])));
    return row?.n ?? 0;
  }

  async missedWithDuty(phone: string, exceptId: number, createdBy: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: workOrders.id })
      .from(workOrders)
      .where(
        and(
          eq(workOrders.callerPhone, phone),
          eq(workOrders.status, 'missed_call'),
          eq(workOrders.callbackDue, true),
          ne(workOrders.id, exceptId),
          lte(workOrders.createdAt, createdBy),
        ),
      )
      .orderBy(asc(workOrders.id));
    return rows.map((r) => r.id);
  }

  overdue(statuses: readonly OrderStatus[], level: number, dueBy: number, limit: number): Promise<Array<{ id: number; deadlineAt: number | null }>> {
    return this.db
      .select({ id: workOrders.id, deadlineAt: workOrders.deadlineAt })
      .from(workOrders)
      .where(and(inArray(workOrders.status, [...statuses]), lt(workOrders.supervisionLevel, level), lte(workOrders.deadlineAt, dueBy)))
      .orderBy(asc(workOrders.deadlineAt), asc(workOrders.id))
      .limit(limit);
  }

  async find(id: number): Promise<WorkOrder | undefined> {
    const q = this.db.select().from(workOrders).where(eq(workOrders.id, id));
    const [row] = await (this.inTx ? q.for('no key update') : q);
    return row ? toWorkOrder(row) : undefined;
  }

  async idOfCall(callId: string): Promise<number | undefined> {
    const [row] = await this.db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.callId, callId));
    return row?.id;
  }

  async bumpCounter(name: string): Promise<number> {
    const [row] = await this.db
      .insert(counters)
      .values({ name, value: 1 })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
      .returning({ value: counters.value });
    return row!.value;
  }

  /**
   * One statement: the counter's upsert, the order's id (its identity sequence) and number, the
   * history rows and the order itself, so that the counter's row lock — which every other create
   * of the day waits for — is held from this statement to COMMIT, with no round trip between
   * (decision 0019). The history is inserted before the order it refers to, in the same
   * statement: the foreign key is checked at the statement's end. The number is the counter's
   * value with at least six digits after the head, as orderNumberOf writes it. A named statement
   * prepared once per connection (numbered-insert-pg.ts).
   */
  async insertNumbered(o: NumberedOrder): Promise<WorkOrder> {
    await this.slots?.take(o.numbering.counter);
    return toWorkOrder(await insertNumberedPrepared(this.db, o));
  }

  async updateState(next: OrderState, version: number, wait: RunningWaitClock | null): Promise<number | undefined> {
    const [row] = await this.db
      .update(workOrders)
      .set(stateValues(next, version, wait))
      .where(and(eq(workOrders.id, next.id), eq(workOrders.version, version)))
      .returning({ version: workOrders.version });
    return row?.version;
  }

  async insertEvent(orderId: number, e: EventInput): Promise<WorkOrderEventRecord> {
    const [row] = await this.db.insert(workOrderEvents).values(eventValues(orderId, e)).returning();
    return toEventRecord(row!);
  }

  async takeCall(id: number, agentId: number, now: number, version: number): Promise<number | undefined> {
    const [row] = await this.db
      .update(workOrders)
      .set({ agentId, updatedAt: now, version: sql`${workOrders.version} + 1` })
      .where(and(eq(workOrders.id, id), eq(workOrders.version, version)))
      .returning({ version: workOrders.version });
    return row?.version;
  }

  async events(orderId: number): Promise<WorkOrderEventRecord[]> {
    const rows = await this.db
      .select()
      .from(workOrderEvents)
      .where(eq(workOrderEvents.orderId, orderId))
      .orderBy(asc(workOrderEvents.at), asc(workOrderEvents.id));
    return rows.map(toEventRecord);
  }

  /** wait-clock-backfill.ts findClockless, statement for statement. */
  async clockless(limit: number): Promise<ClocklessOrder[]> {
    const rows = await this.db
      .select({
        id: workOrders.id,
        version: workOrders.version,
        status: workOrders.status,
        pendingExtension: workOrders.pendingExtension,
        satisfaction: workOrders.satisfaction,
        updatedAt: workOrders.updatedAt,
      })
      .from(workOrders)
      .where(
        and(
          isNull(workOrders.waitClock),
          or(
            inArray(workOrders.status, [...STATUS_CLOCKS]),
            and(inArray(workOrders.status, ['signed', 'in_progress']), isNotNull(workOrders.pendingExtension)),
            and(eq(workOrders.status, 'evaluated'), eq(workOrders.satisfaction, 'unsatisfied')),
          ),
        ),
      )
      .limit(limit);
    const found: ClocklessOrder[] = [];
    for (const r of rows) {
      const state = { status: r.status as OrderStatus, pendingExtension: r.pendingExtension ?? null, satisfaction: r.satisfaction as Satisfaction | null };
      const clock = waitClockOf(state);
      if (clock === null) continue;
      const since = clock === 'extension' ? state.pendingExtension?.requestedAt : await this.enteredAt(r.id, clock, state.status);
      found.push({ id: r.id, version: r.version, clock, since: since ?? r.updatedAt });
    }
    return found;
  }

  /** The last history event that put the order into the state `clock` runs in. */
  private async enteredAt(orderId: number, clock: WaitClock, status: OrderStatus): Promise<number | undefined> {
    const into =
      clock === 'unsatisfied'
        ? inArray(workOrderEvents.action, ['evaluate', 'record_survey'])
        : and(eq(workOrderEvents.toStatus, status), or(isNull(workOrderEvents.fromStatus), ne(workOrderEvents.fromStatus, status)));
    const [row] = await this.db
      .select({ at: workOrderEvents.at })
      .from(workOrderEvents)
      .where(and(eq(workOrderEvents.orderId, orderId), into))
      .orderBy(desc(workOrderEvents.at), desc(workOrderEvents.id))
      .limit(1);
    return row?.at;
  }

  async setWaitClock(id: number, version: number, clock: WaitClock, deadlineAt: number): Promise<boolean> {
    const rows = await this.db
      .update(workOrders)
      .set({ waitClock: clock, waitDeadlineAt: deadlineAt })
      .where(and(eq(workOrders.id, id), eq(workOrders.version, version), isNull(workOrders.waitClock)))
      .returning({ id: workOrders.id });
    return rows.length > 0;
  }

  /** One insert per row, in the order given (as on SQLite): the stored rows in that order. */
  async insertAttachments<R extends object>(rows: readonly R[]): Promise<AttachmentRow[]> {
    const stored: AttachmentRow[] = [];
    for (const r of rows) {
      const [row] = await this.db
        .insert(workOrderAttachments)
        .values(r as typeof workOrderAttachments.$inferInsert)
        .returning();
      stored.push(row!);
    }
    return stored;
  }
}

const handleOf = (conn: PgConn, inTx: boolean, slots?: HeldSlots): OrdersHandle => ({
  orders: new PgWorkOrderQueries(conn, inTx, slots),
  calls: new PgCallQueries(conn),
});

/** The transaction's handle; `slots.sent` set by its first statement (drizzle's session sends every statement through `client.query`). */
function txHandleOf(tx: PgConn, slots: HeldSlots): OrdersHandle {
  slots.sent = false; // a retried transaction starts again
  const session = tx._.session as unknown as { client: { query: (...a: unknown[]) => unknown } };
  const client = session.client;
  const counted: typeof client = Object.create(client) as typeof client;
  counted.query = (...args: unknown[]) => {
    const r = client.query(...args);
    slots.sent = true;
    return r;
  };
  session.client = counted;
  return handleOf(tx, true, slots);
}

/**
 * `flush` null: this database has no shared flush for us (sharedFlushIfAvailable); each transaction commits durably on its own.
 * A transaction's counter slots (counter-gate-pg.ts) are given back once it has committed or rolled back, before its flush.
 */
export function pgOrdersStore(db: PostgresAsyncDb, flush: SharedFlush | null = sharedFlush(db)): OrdersStore {
  const gates = new CounterGates();
  const run = <T>(fn: (tx: OrdersHandle) => Promise<T>, slots: HeldSlots): Promise<T> =>
    flush ? db.transactionUnflushed((tx) => fn(txHandleOf(tx, slots))) : db.transaction((tx) => fn(txHandleOf(tx, slots)));
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(handleOf(conn, false))),
    async transaction(fn) {
      const slots = new HeldSlots(gates);
      let result;
      try {
        result = await run(fn, slots);
      } finally {
        slots.release();
      }
      if (flush) await flush();
      return result;
    },
  };
}
