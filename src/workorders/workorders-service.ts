/**
 * Work orders through their lifecycle. Each change is ONE synchronous better-sqlite3
 * transaction: load the row, run the pure `transition`, write the next state (bumping
 * `version`) and append the history event. A refusal or any exception rolls everything back
 * (decision 0009 #8: never pass an async function to a transaction).
 */
import type { Db } from '../db/connection.js';
import { WorkOrderError } from './errors.js';
import { AppError } from '../errors/index.js';
import { TERMINAL_STATUSES, transition, type Actor, type OrderAction, type OrderEvent, type OrderState, type OrderStatus } from './lifecycle/index.js';
import { nextWait, waitClockOf } from './deadlines/wait-clocks.js';
import { unsatisfiedSupervision, type OrderClocks } from './order-clocks.js';
import { findClockless, setWaitClock } from './wait-clock-backfill.js';
import { newLookupCode } from './lookup-code.js';
import { orderNumbers } from './order-numbers.js';
import {
  listEvents,
  orderStatements,
  unsavedOrder,
  type NewOrderRow,
  type OrderStatements,
  type RunningWaitClock,
  type Tx,
  type WorkOrder,
  type WorkOrderEventRecord,
} from './repository.js';

export interface NewDraft {
  /** Dialled number ('12345') or online channel ('web', 'wechat', …). */
  readonly channel: string;
  readonly callId?: string | null;
  readonly callerId?: number | null;
  readonly callerPhone?: string | null;
  readonly callerName?: string | null;
  /** The agent taking the call; recorded as the actor of the `create` event. */
  readonly agentId?: number | null;
}

export interface ApplyResult {
  readonly order: WorkOrder;
  readonly event: WorkOrderEventRecord;
}

export interface WorkOrdersServiceOptions {
  /** Number prefix, `HZ` by default. */
  readonly numberPrefix?: string;
  /** Told after each committed change, creates included (e.g. an agent saving its call's order ends wrap-up). */
  readonly onApplied?: (change: OrderApplied) => void;
  /**
   * Waiting clocks and automatic supervision (order-clocks.ts): without them no waiting clock
   * starts and an unsatisfied order waits for someone to supervise it.
   */
  readonly clocks?: OrderClocks;
  /**
   * Whether a unit id names a unit of the organisation tree (config/org.yaml, read at each
   * call); a dispatch to any other unit is UNKNOWN_UNIT. Without it every unit id is taken.
   */
  readonly unitExists?: (unitId: string) => boolean;
}

export interface OrderApplied {
  readonly orderId: number;
  readonly callId: string | null;
  /**
   * A lifecycle action; `create` (a new draft or missed-call order: no earlier version of it
   * exists); or `take_call` (the agent who answered the order's call, takeCallWithin).
   */
  readonly action: OrderAction['type'] | 'create' | 'take_call';
  /** Null for a create nobody made (the front door's draft of a call, a missed call): its history event has no actor either. */
  readonly actor: Actor | null;
  /** The order's status after the change. */
  readonly status: OrderStatus;
  /** The units the order was with before or is with after the change (lead and co-handlers), for scoped consoles. */
  readonly unitIds: readonly string[];
}

/**
 * Every read and write of an order runs as a statement prepared once on `db`'s connection
 * (repository.ts orderStatements); the `tx` the *In/*Within methods take must be a
 * transaction of that same Db, whose connection they then write on.
 */
export class WorkOrdersService {
  private readonly nextNumber: (now: number) => string;
  private readonly onApplied: ((change: OrderApplied) => void) | undefined;
  private readonly clocks: OrderClocks | undefined;
  private readonly unitExists: ((unitId: string) => boolean) | undefined;
  private readonly stmts: OrderStatements;
  /** Changes applied inside {@link transaction}, told to onApplied once it commits. */
  private pending: OrderApplied[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    opts: WorkOrdersServiceOptions = {},
  ) {
    this.nextNumber = orderNumbers(db, opts.numberPrefix ?? 'HZ');
    this.onApplied = opts.onApplied;
    this.clocks = opts.clocks;
    this.unitExists = opts.unitExists;
    this.stmts = orderStatements(db);
  }

  /** A draft for a call in progress or an online message not yet accepted; published (`create`) after its commit. */
  createDraft(input: NewDraft): WorkOrder {
    return this.create(input, 'draft');
  }

  /** A missed-call order for an abandoned call: it carries a callback duty (漏接回拨). Published (`create`) after its commit. */
  createMissedCall(input: NewDraft): WorkOrder {
    return this.create(input, 'missed_call');
  }

  get(id: number): WorkOrder {
    const order = this.stmts.find(id);
    if (!order) throw notFound(id);
    return order;
  }

  /** The order's history, oldest first; never rewritten. */
  history(orderId: number): WorkOrderEventRecord[] {
    if (!this.stmts.find(orderId)) throw notFound(orderId);
    return listEvents(this.db, orderId);
  }

  /**
   * Applies one lifecycle action. Throws WorkOrderError with the lifecycle's refusal code,
   * ORDER_NOT_FOUND, or CONFLICT when `expectedVersion` is given and the order has moved on.
   * `link` is applied to both orders in the same transaction.
   */
  apply(orderId: number, action: OrderAction, actor: Actor, expectedVersion?: number): ApplyResult {
    const now = this.now();
    const result = this.db.transaction(() => {
      if (action.type === 'merge_into') this.checkMergeTarget(orderId, action.targetOrderId);
      const r = this.applyIn(orderId, action, actor, now, expectedVersion);
      if (action.type === 'link') {
        this.applyIn(action.otherOrderId, { type: 'link', otherOrderId: orderId }, actor, now);
      }
      return r;
    });
    this.told(applied(result, action.type, actor));
    return { order: result.order, event: result.event };
  }

  /**
   * Runs `fn` in one transaction of this service's Db, for changes that write other tables with
   * the order (the call record, an attachment): the order changes made in it through
   * {@link createDraftWithin}, {@link applyWithin} and {@link takeCallWithin} (and {@link apply},
   * {@link createDraft}, {@link createMissedCall} called inside it) are told to onApplied after
   * the commit, and not at all when it rolls back.
   */
  transaction<T>(fn: (tx: Tx) => T): T {
    if (this.pending) return this.db.transaction(fn); // nested: the outer one tells
    this.pending = [];
    let applied: OrderApplied[];
    let result: T;
    try {
      result = this.db.transaction(fn);
      applied = this.pending;
    } finally {
      this.pending = null;
    }
    for (const change of applied) this.onApplied?.(change);
    return result;
  }

  /** A committed change is told now; one made inside {@link transaction} once that commits. */
  private told(change: OrderApplied): void {
    if (this.pending) this.pending.push(change);
    else this.onApplied?.(change);
  }

  /** Inside a transaction of this service's Db. */
  private applyIn(orderId: number, action: OrderAction, actor: Actor, now: number, expectedVersion?: number): ApplyResult & { before: WorkOrder } {
    const order = this.stmts.find(orderId);
    if (!order) throw notFound(orderId);
    if (expectedVersion !== undefined && expectedVersion !== order.version) {
      throw new WorkOrderError('CONFLICT', `order ${order.number} is at version ${order.version}, not ${expectedVersion}; reload and try again`, {
        details: { version: order.version },
      });
    }
    const { next, event: change, wait } = this.decide(order, action, actor, now);
    const version = this.stmts.updateState(next, order.version, wait);
    // Unreachable inside one SQLite write transaction, but never write over a row we did not read.
    if (version === undefined) throw new WorkOrderError('CONFLICT', `order ${order.number} changed meanwhile; reload and try again`);
    const event = this.stmts.insertEvent(orderId, change);
    const stored = this.stmts.find(orderId);
    if (!stored) throw notFound(orderId);
    return { order: this.superviseIfUnsatisfied(stored, now), event, before: order };
  }

  /**
   * What `action` does to `order` (the pure lifecycle transition), checked as every change is,
   * and the waiting clock the next state runs. Throws the refusal; writes nothing. `order.id` 0
   * is a new order not written yet (createActedWithin): its refusal names no order.
   */
  private decide(order: WorkOrder, action: OrderAction, actor: Actor, now: number): { next: OrderState; event: OrderEvent; wait: RunningWaitClock | null } {
    const result = transition(order, action, actor, now);
    if (!result.ok) {
      throw new WorkOrderError(result.code, result.message, { details: { ...(order.id !== 0 ? { orderId: order.id } : {}), action: action.type } });
    }
    if (action.type === 'dispatch' || action.type === 'redispatch') this.checkUnits([result.next.leadUnitId, ...result.next.coUnitIds]);
    return { next: result.next, event: result.event, wait: this.waitOf(order, result.next, now) };
  }

  /** An order evaluated unsatisfied enters supervision at once, in the same transaction; any other order is returned as is. */
  private superviseIfUnsatisfied(stored: WorkOrder, now: number): WorkOrder {
    const supervision = this.clocks && unsatisfiedSupervision(stored, this.clocks, now);
    return supervision ? this.applyIn(stored.id, supervision.action, supervision.actor, now).order : stored;
  }

  /**
   * Starts the waiting clock of the orders that wait without one (wait-clock-backfill.ts), from
   * when they entered their state; run at start-up. Returns how many clocks were started.
   */
  startMissingClocks(batch = 500): number {
    const clocks = this.clocks;
    if (!clocks) return 0;
    let started = 0;
    for (;;) {
      const found = findClockless(this.db, batch);
      const n = this.db.transaction((tx) => found.filter((o) => setWaitClock(tx, o, clocks.waitDeadline(o.clock, o.since))).length);
      started += n;
      // A row another writer changed meanwhile is left for its own clock; stop when nothing moves.
      if (found.length < batch || n === 0) return started;
    }
  }

  /** The waiting clock `next` runs: the running one while the same clock runs, a new one when a clock starts. */
  private waitOf(prev: WorkOrder, next: OrderState, now: number): RunningWaitClock | null {
    const clocks = this.clocks;
    if (!clocks) return null;
    return nextWait(prev.wait, waitClockOf(next), (c) => clocks.waitDeadline(c, now));
  }

  /** Every unit a dispatch names is in the organisation tree; nothing is written otherwise. */
  private checkUnits(unitIds: ReadonlyArray<string | null>): void {
    if (!this.unitExists) return;
    const unknown = unitIds.filter((u): u is string => u !== null && !this.unitExists!(u));
    if (unknown.length > 0) throw new AppError('UNKNOWN_UNIT', `no unit ${unknown.join(', ')} in org.yaml`, { details: { unitIds: unknown } });
  }

  private checkMergeTarget(orderId: number, targetId: number): void {
    if (targetId === orderId) return; // the machine refuses it with its own code
    const target = this.stmts.find(targetId);
    if (!target) throw new WorkOrderError('INVALID_FIELD', `order ${targetId} to merge into does not exist`);
    if (TERMINAL_STATUSES.includes(target.status)) {
      throw new WorkOrderError('INVALID_FIELD', `order ${target.number} is ${target.status}: it cannot take another demand`);
    }
  }

  /**
   * The same as createDraft, inside a {@link transaction} of this service (e.g. the call record
   * and its draft are written together by the front door): published after that commits.
   */
  createDraftWithin(_tx: Tx, input: NewDraft): WorkOrder {
    const pending = this.inTransaction('createDraftWithin');
    const order = this.createIn(input, 'draft', this.now());
    pending.push(created(order, input));
    return order;
  }

  /**
   * A new order taken at once by `action` (the HTTP create and the online intake: `accept`),
   * inside a {@link transaction}: what createDraftWithin then applyWithin(action) leave — the
   * same row, the same two history events (`create`, then the action's, at one time), the same
   * two changes told to onApplied after the commit — with the order row, its indexes and its
   * full-text entry written ONCE: the draft and the action's transition are computed in memory
   * (decide) and the final row is inserted. A refused action throws before the order is written
   * (the transaction's rollback takes its number back, as it does for the two steps).
   * Not for `merge_into` and `link`, which act on a second, existing order.
   */
  createActedWithin(_tx: Tx, input: NewDraft, action: Exclude<OrderAction, { type: 'merge_into' | 'link' }>, actor: Actor): WorkOrder {
    const pending = this.inTransaction('createActedWithin');
    const now = this.now();
    const row = this.newRow(input, 'draft', now);
    const draft = unsavedOrder(row);
    const { next, event: change, wait } = this.decide(draft, action, actor, now);
    const stored = this.stmts.insertActed(row, next, draft.version, wait);
    this.stmts.insertEvent(stored.id, createEvent(draft, input));
    const event = this.stmts.insertEvent(stored.id, change);
    const order = this.superviseIfUnsatisfied(stored, now);
    pending.push(created({ id: stored.id, callId: stored.callId, status: draft.status }, input));
    pending.push(applied({ order, event, before: draft }, action.type, actor));
    return order;
  }

  /** The same as apply, inside a {@link transaction} of this service. */
  applyWithin(_tx: Tx, orderId: number, action: OrderAction, actor: Actor): ApplyResult {
    const pending = this.inTransaction('applyWithin');
    const result = this.applyIn(orderId, action, actor, this.now());
    pending.push(applied(result, action.type, actor));
    return { order: result.order, event: result.event };
  }

  /**
   * The agent who answered the order's call takes the order (its `agentId`), inside a
   * {@link transaction}: a history event `take_call` and a version bump; the status stays.
   */
  takeCallWithin(_tx: Tx, orderId: number, agentId: number): WorkOrder {
    const pending = this.inTransaction('takeCallWithin');
    const now = this.now();
    const order = this.stmts.find(orderId);
    if (!order) throw notFound(orderId);
    if (this.stmts.takeCall(orderId, agentId, now, order.version) === undefined)
      throw new WorkOrderError('CONFLICT', `order ${order.number} changed meanwhile`);
    const actor: Actor = { id: agentId, role: 'agent', unitId: null };
    this.stmts.insertEvent(orderId, {
      at: now,
      action: 'take_call',
      fromStatus: order.status,
      toStatus: order.status,
      actorId: agentId,
      actorRole: 'agent',
      data: { agentId },
    });
    pending.push({ orderId, callId: order.callId, action: 'take_call', actor, status: order.status, unitIds: unitsOf(order) });
    return this.get(orderId);
  }

  private inTransaction(what: string): OrderApplied[] {
    // Outside our transaction nobody could tell the change after its commit.
    if (!this.pending) throw new Error(`WorkOrdersService.${what} runs only inside WorkOrdersService.transaction`);
    return this.pending;
  }

  private create(input: NewDraft, status: 'draft' | 'missed_call'): WorkOrder {
    const now = this.now();
    const order = this.db.transaction(() => this.createIn(input, status, now));
    this.told(created(order, input));
    return order;
  }

  private createIn(input: NewDraft, status: 'draft' | 'missed_call', now: number): WorkOrder {
    const order = this.stmts.insertOrder(this.newRow(input, status, now));
    this.stmts.insertEvent(order.id, createEvent(order, input));
    return order;
  }

  /** The row of a new order: its number (the day's counter, taken now), lookup code, status and callback clock. */
  private newRow(input: NewDraft, status: 'draft' | 'missed_call', now: number): NewOrderRow {
    const number = this.nextNumber(now);
    const wait = status === 'missed_call' && this.clocks ? { clock: 'callback' as const, deadlineAt: this.clocks.waitDeadline('callback', now) } : null;
    return { ...input, number, lookupCode: newLookupCode(), status, callbackDue: status === 'missed_call', wait, now };
  }
}

/** The `create` history event of a new order: by the agent taking the call, if any; its number and channel (and call). */
function createEvent(order: WorkOrder, input: NewDraft) {
  const agentId = input.agentId ?? null;
  return {
    at: order.createdAt,
    action: 'create',
    fromStatus: null,
    toStatus: order.status,
    actorId: agentId,
    actorRole: agentId === null ? null : ('agent' as const),
    data: { number: order.number, channel: input.channel, ...(input.callId ? { callId: input.callId } : {}) },
  };
}

/** What onApplied is told of a create: the agent taking the call, if any, is its actor (as in its history event); a new order has no unit. */
function created(order: Pick<WorkOrder, 'id' | 'callId' | 'status'>, input: NewDraft): OrderApplied {
  const agentId = input.agentId ?? null;
  return {
    orderId: order.id,
    callId: order.callId,
    action: 'create',
    actor: agentId === null ? null : { id: agentId, role: 'agent', unitId: null },
    status: order.status,
    unitIds: [],
  };
}

const unitsOf = (o: WorkOrder): string[] => (o.leadUnitId === null ? [...o.coUnitIds] : [o.leadUnitId, ...o.coUnitIds]);

/** What onApplied is told of a change: the units before and after (a re-dispatch moves the order between scopes). */
function applied(r: ApplyResult & { before: WorkOrder }, action: OrderAction['type'], actor: Actor): OrderApplied {
  return {
    orderId: r.order.id,
    callId: r.order.callId,
    action,
    actor,
    status: r.order.status,
    unitIds: [...new Set([...unitsOf(r.before), ...unitsOf(r.order)])],
  };
}

const notFound = (id: number) => new WorkOrderError('ORDER_NOT_FOUND', `work order ${id} not found`);
