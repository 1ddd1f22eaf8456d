/**
 * Work orders through their lifecycle. Each change is ONE transaction of the orders port
 * (orders-store.ts, decision 0017): load the row, run the pure `transition`, write the next
 * state (bumping `version`) and append the history event. A refusal or any exception rolls
 * everything back; onApplied is told after the commit only.
 */
import { WorkOrderError } from './errors.js';
import { AppError } from '../errors/index.js';
import { TERMINAL_STATUSES, transition, type Actor, type OrderAction, type OrderEvent, type OrderState, type OrderStatus } from './lifecycle/index.js';
import { nextWait, waitClockOf } from './deadlines/wait-clocks.js';
import { unsatisfiedSupervision, type OrderClocks } from './order-clocks.js';
import { newLookupCode } from './lookup-code.js';
import { orderNumbering } from './order-numbers.js';
import { unsavedOrder, type NewOrderRow, type RunningWaitClock, type WorkOrder, type WorkOrderEventRecord } from './repository.js';
import type { CallQueries, OrdersStore, WorkOrderQueries } from './orders-store.js';

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
 * A transaction of {@link WorkOrdersService.transaction}: the port's queries (the order's and the
 * call's, one transaction) and the changes made in it, told to onApplied once it commits. Never
 * kept after the function resolves.
 */
export interface OrdersTx {
  readonly orders: WorkOrderQueries;
  readonly calls: CallQueries;
  /** @internal the changes to tell after the commit */
  readonly applied: OrderApplied[];
}

/**
 * Every read and write of an order runs through the orders port (orders-store.ts); the `tx`
 * the *Within methods take is a transaction of {@link transaction}.
 */
export class WorkOrdersService {
  private readonly prefix: string;
  private readonly onApplied: ((change: OrderApplied) => void) | undefined;
  private readonly clocks: OrderClocks | undefined;
  private readonly unitExists: ((unitId: string) => boolean) | undefined;

  constructor(
    readonly store: OrdersStore,
    private readonly now: () => number = Date.now,
    opts: WorkOrdersServiceOptions = {},
  ) {
    this.prefix = opts.numberPrefix ?? 'HZ';
    this.onApplied = opts.onApplied;
    this.clocks = opts.clocks;
    this.unitExists = opts.unitExists;
  }

  /** A draft for a call in progress or an online message not yet accepted; published (`create`) after its commit. */
  createDraft(input: NewDraft): Promise<WorkOrder> {
    return this.create(input, 'draft');
  }

  /** A missed-call order for an abandoned call: it carries a callback duty (漏接回拨). Published (`create`) after its commit. */
  createMissedCall(input: NewDraft): Promise<WorkOrder> {
    return this.create(input, 'missed_call');
  }

  async get(id: number): Promise<WorkOrder> {
    const order = await this.store.read((q) => q.orders.find(id));
    if (!order) throw notFound(id);
    return order;
  }

  /** The order, inside a {@link transaction} (read `FOR UPDATE` on PostgreSQL). */
  async getWithin(tx: OrdersTx, id: number): Promise<WorkOrder> {
    const order = await tx.orders.find(id);
    if (!order) throw notFound(id);
    return order;
  }

  /** The order's history, oldest first; never rewritten. */
  history(orderId: number): Promise<WorkOrderEventRecord[]> {
    return this.store.read(async (q) => {
      if (!(await q.orders.find(orderId))) throw notFound(orderId);
      return q.orders.events(orderId);
    });
  }

  /**
   * Applies one lifecycle action. Throws WorkOrderError with the lifecycle's refusal code,
   * ORDER_NOT_FOUND, or CONFLICT when `expectedVersion` is given and the order has moved on.
   * `link` is applied to both orders in the same transaction.
   */
  async apply(orderId: number, action: OrderAction, actor: Actor, expectedVersion?: number): Promise<ApplyResult> {
    const now = this.now();
    return this.transaction(async (tx) => {
      // Two orders in one transaction (link writes both, merge_into reads its target first): their
      // rows are read — on PostgreSQL locked — in id order, so opposite changes at once take turns
      // instead of deadlocking (each holding one order and waiting for the other).
      const other = action.type === 'link' ? action.otherOrderId : action.type === 'merge_into' ? action.targetOrderId : orderId;
      if (other !== orderId) for (const id of [Math.min(orderId, other), Math.max(orderId, other)]) await tx.orders.find(id);
      const r = await this.applyIn(tx, orderId, action, actor, now, expectedVersion);
      if (action.type === 'link') {
        await this.applyIn(tx, action.otherOrderId, { type: 'link', otherOrderId: orderId }, actor, now);
      }
      tx.applied.push(applied(r, action.type, actor));
      return { order: r.order, event: r.event };
    });
  }

  /**
   * Runs `fn` in one transaction of the orders port, for changes that write the call (or an
   * attachment) with the order: the order changes made in it through {@link createDraftWithin},
   * {@link createActedWithin}, {@link applyWithin} and {@link takeCallWithin} are told to
   * onApplied after the commit, and not at all when it rolls back. Never call another
   * transaction-opening method of this service inside `fn` (on SQLite it would wait for the
   * writer lock `fn` holds).
   */
  async transaction<T>(fn: (tx: OrdersTx) => Promise<T>): Promise<T> {
    const changes: OrderApplied[] = [];
    const result = await this.store.transaction((h) => fn({ orders: h.orders, calls: h.calls, applied: changes }));
    for (const change of changes) this.onApplied?.(change);
    return result;
  }

  /** Inside a transaction. */
  private async applyIn(
    tx: OrdersTx,
    orderId: number,
    action: OrderAction,
    actor: Actor,
    now: number,
    expectedVersion?: number,
  ): Promise<ApplyResult & { before: WorkOrder }> {
    const order = await tx.orders.find(orderId);
    if (!order) throw notFound(orderId);
    if (expectedVersion !== undefined && expectedVersion !== order.version) {
      throw new WorkOrderError('CONFLICT', `order ${order.number} is at version ${order.version}, not ${expectedVersion}; reload and try again`, {
        details: { version: order.version },
      });
    }
    const { next, event: change, wait } = this.decide(order, action, actor, now);
    // The target only once the lifecycle has let this actor merge this order: a refusal about the
    // target before that would tell anyone whether an order id exists, its number and status.
    if (action.type === 'merge_into') await this.checkMergeTarget(tx, orderId, action.targetOrderId);
    const version = await tx.orders.updateState(next, order.version, wait);
    // The row is read FOR UPDATE on PostgreSQL and under the writer lock on SQLite, but never write over a row we did not read.
    if (version === undefined) throw new WorkOrderError('CONFLICT', `order ${order.number} changed meanwhile; reload and try again`);
    const event = await tx.orders.insertEvent(orderId, change);
    const stored = await tx.orders.find(orderId);
    if (!stored) throw notFound(orderId);
    return { order: await this.superviseIfUnsatisfied(tx, stored, now), event, before: order };
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
  private async superviseIfUnsatisfied(tx: OrdersTx, stored: WorkOrder, now: number): Promise<WorkOrder> {
    const supervision = this.clocks && unsatisfiedSupervision(stored, this.clocks, now);
    return supervision ? (await this.applyIn(tx, stored.id, supervision.action, supervision.actor, now)).order : stored;
  }

  /**
   * Starts the waiting clock of the orders that wait without one (wait-clock-backfill.ts), from
   * when they entered their state; run at start-up. Returns how many clocks were started.
   */
  async startMissingClocks(batch = 500): Promise<number> {
    const clocks = this.clocks;
    if (!clocks) return 0;
    let started = 0;
    for (;;) {
      const found = await this.store.read((q) => q.orders.clockless(batch));
      const n = await this.store.transaction(async (tx) => {
        let set = 0;
        for (const o of found) if (await tx.orders.setWaitClock(o.id, o.version, o.clock, clocks.waitDeadline(o.clock, o.since))) set++;
        return set;
      });
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

  private async checkMergeTarget(tx: OrdersTx, orderId: number, targetId: number): Promise<void> {
    if (targetId === orderId) return; // the machine refuses it with its own code
    const target = await tx.orders.find(targetId);
    if (!target) throw new WorkOrderError('INVALID_FIELD', `order ${targetId} to merge into does not exist`);
    if (TERMINAL_STATUSES.includes(target.status)) {
      throw new WorkOrderError('INVALID_FIELD', `order ${target.number} is ${target.status}: it cannot take another demand`);
    }
  }

  /**
   * The same as createDraft, inside a {@link transaction} of this service (e.g. the call record
   * and its draft are written together by the front door): published after that commits.
   */
  async createDraftWithin(tx: OrdersTx, input: NewDraft): Promise<WorkOrder> {
    const order = await this.createIn(tx, input, 'draft', this.now());
    tx.applied.push(created(order, input));
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
  async createActedWithin(tx: OrdersTx, input: NewDraft, action: Exclude<OrderAction, { type: 'merge_into' | 'link' }>, actor: Actor): Promise<WorkOrder> {
    const now = this.now();
    const row = this.newRow(input, 'draft', now);
    const draft = unsavedOrder({ ...row, number: '' }); // numbered when stored; the lifecycle does not read it
    const { next, event: change, wait } = this.decide(draft, action, actor, now);
    const stored = await tx.orders.insertNumbered({
      numbering: orderNumbering(this.prefix, now),
      row,
      acted: { next, version: draft.version, wait },
      events: [createEvent(now, draft.status, input), change],
    });
    const order = await this.superviseIfUnsatisfied(tx, stored, now);
    tx.applied.push(created({ id: stored.id, callId: stored.callId, status: draft.status }, input));
    tx.applied.push(applied({ order, before: draft }, action.type, actor));
    return order;
  }

  /** The same as apply, inside a {@link transaction} of this service. */
  async applyWithin(tx: OrdersTx, orderId: number, action: OrderAction, actor: Actor): Promise<ApplyResult> {
    const result = await this.applyIn(tx, orderId, action, actor, this.now());
    tx.applied.push(applied(result, action.type, actor));
    return { order: result.order, event: result.event };
  }

  /**
   * The agent who answered the order's call takes the order (its `agentId`), inside a
   * {@link transaction}: a history event `take_call` and a version bump; the status stays.
   */
  async takeCallWithin(tx: OrdersTx, orderId: number, agentId: number): Promise<WorkOrder> {
    const now = this.now();
    const order = await tx.orders.find(orderId);
    if (!order) throw notFound(orderId);
    if ((await tx.orders.takeCall(orderId, agentId, now, order.version)) === undefined)
      throw new WorkOrderError('CONFLICT', `order ${order.number} changed meanwhile`);
    const actor: Actor = { id: agentId, role: 'agent', unitId: null };
    await tx.orders.insertEvent(orderId, {
      at: now,
      action: 'take_call',
      fromStatus: order.status,
      toStatus: order.status,
      actorId: agentId,
      actorRole: 'agent',
      data: { agentId },
    });
    tx.applied.push({ orderId, callId: order.callId, action: 'take_call', actor, status: order.status, unitIds: unitsOf(order) });
    return this.getWithin(tx, orderId);
  }

  private async create(input: NewDraft, status: 'draft' | 'missed_call'): Promise<WorkOrder> {
    const now = this.now();
    return this.transaction(async (tx) => {
      const order = await this.createIn(tx, input, status, now);
      tx.applied.push(created(order, input));
      return order;
    });
  }

  /** A new order and its `create` event, numbered from the day's counter (taken now) as it is stored. */
  private createIn(tx: OrdersTx, input: NewDraft, status: 'draft' | 'missed_call', now: number): Promise<WorkOrder> {
    const numbering = orderNumbering(this.prefix, now);
    return tx.orders.insertNumbered({ numbering, row: this.newRow(input, status, now), acted: null, events: [createEvent(now, status, input)] });
  }

  /** The row of a new order but its number: lookup code, status and callback clock. */
  private newRow(input: NewDraft, status: 'draft' | 'missed_call', now: number): Omit<NewOrderRow, 'number'> {
    const wait = status === 'missed_call' && this.clocks ? { clock: 'callback' as const, deadlineAt: this.clocks.waitDeadline('callback', now) } : null;
    return { ...input, lookupCode: newLookupCode(), status, callbackDue: status === 'missed_call', wait, now };
  }
}

/** The `create` history event of a new order: by the agent taking the call, if any; its number (`numbered`: put first by the store) and channel (and call). */
function createEvent(at: number, status: OrderStatus, input: NewDraft) {
  const agentId = input.agentId ?? null;
  return {
    at,
    action: 'create',
    fromStatus: null,
    toStatus: status,
    actorId: agentId,
    actorRole: agentId === null ? null : ('agent' as const),
    data: { channel: input.channel, ...(input.callId ? { callId: input.callId } : {}) },
    numbered: true,
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
function applied(r: { order: WorkOrder; before: WorkOrder }, action: OrderAction['type'], actor: Actor): OrderApplied {
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
