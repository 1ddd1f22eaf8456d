/**
 * Calls in the database: the call record, its append-only event log (the KPIs are computed
 * from it) and, written in the same transaction as the call, the call's work-order draft.
 */
import { and, desc, eq, isNull, ne, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { callEvents, callers, calls, workOrders, type CallState } from '../db/schema.js';
import type { OrderSummary, RecentCall } from '../contract/index.js';
import type { WorkOrdersService, Tx } from '../workorders/index.js';
import { TERMINAL_STATUSES, allowedActions, type Actor, type Satisfaction } from '../workorders/lifecycle/index.js';

export type CallEventType =
  | 'entered'
  | 'greeted'
  | 'closed'
  | 'menu'
  | 'queued'
  | 'offered'
  | 'answered'
  | 'rejected'
  | 'abandoned'
  | 'hung_up'
  | 'transferred'
  | 'adopted'
  | 'priority_changed'
  | 'withdrawn'
  | 'survey'
  | 'held'
  | 'resumed'
  | 'muted'
  | 'unmuted'
  | 'conference_started'
  | 'conference_ended'
  /** The caller pressed the callback key while waiting in the queue (callback-requests.ts). */
  | 'callback_requested';

/** A post-call survey answer, or `no_answer` (no key, or a key that means nothing). */
export type SurveyResult = Satisfaction | 'no_answer';

/** What the survey did to the call's work order (null: call event only). */
export interface SurveyRecorded {
  orderId: number | null;
  actions: string[];
}

export interface NewInboundCall {
  callId: string;
  channelId: string;
  callerPhone: string;
  callerName: string | null;
  dialled: string;
  hotline: string;
  at: number;
  /** 'entered' through the front door; 'queued' when adopted from the queue. */
  state: Extract<CallState, 'entered' | 'queued'>;
}

export interface CreatedCall {
  callerId: number;
  orderId: number;
  orderNumber: string;
}

export interface UnfinishedCall {
  callId: string;
  channelId: string;
  callerId: number;
  callerPhone: string;
  dialled: string;
  state: Exclude<CallState, 'ended'>;
  agentId: number | null;
  enteredAt: number;
  orderId: number;
  orderNumber: string;
}

export interface CallerProfile {
  id: number;
  name: string | null;
  callCount: number;
  firstSeenAt: number;
}

export const CLOSED_ORDER_STATUSES = ['closed', 'merged'];

export class CallsRepository {
  constructor(
    private readonly db: Db,
    private readonly orders: WorkOrdersService,
  ) {}

  /** One transaction: the caller (upserted by number), the call, its first event, its draft order. */
  createInbound(c: NewInboundCall): CreatedCall {
    return this.orders.transaction((tx) => {
      const caller = this.insertCall(tx, c, { state: c.state, queuedAt: c.state === 'queued' ? c.at : null });
      this.eventIn(tx, c.callId, c.state === 'queued' ? 'adopted' : 'entered', c.at, null, { dialled: c.dialled, hotline: c.hotline });
      const order = this.orders.createDraftWithin(tx, {
        channel: c.dialled,
        callId: c.callId,
        callerId: caller.id,
        callerPhone: c.callerPhone,
        callerName: c.callerName,
      });
      return { callerId: caller.id, orderId: order.id, orderNumber: order.number };
    });
  }

  event(callId: string, type: CallEventType, at: number, agentId: number | null = null, data?: Record<string, unknown>): void {
    this.eventIn(this.db, callId, type, at, agentId, data);
  }

  queued(callId: string, at: number): void {
    this.orders.transaction((tx) => {
      tx.update(calls)
        .set({ queuedAt: at })
        .where(and(eq(calls.id, callId), isNull(calls.queuedAt)))
        .run();
      // An offer may have been recorded first (ARI and AMI events race): never step back.
      tx.update(calls)
        .set({ state: 'queued' })
        .where(and(eq(calls.id, callId), eq(calls.state, 'entered')))
        .run();
      this.eventIn(tx, callId, 'queued', at);
    });
  }

  offered(callId: string, agentId: number, at: number): void {
    this.orders.transaction((tx) => {
      tx.update(calls).set({ state: 'offered' }).where(eq(calls.id, callId)).run();
      this.eventIn(tx, callId, 'offered', at, agentId);
    });
  }

  /** The agent took the call: the call and its order carry the agent. */
  answered(callId: string, orderId: number, agentId: number, at: number): void {
    this.orders.transaction((tx) => {
      tx.update(calls).set({ state: 'answered', answeredAt: at, agentId, outcome: 'answered' }).where(eq(calls.id, callId)).run();
      this.orders.takeCallWithin(tx, orderId, agentId);
      this.eventIn(tx, callId, 'answered', at, agentId);
    });
  }

  ended(callId: string, at: number, reason: string): void {
    this.orders.transaction((tx) => {
      tx.update(calls).set({ state: 'ended', endedAt: at }).where(eq(calls.id, callId)).run();
      this.eventIn(tx, callId, 'hung_up', at, null, { reason });
    });
  }

  /** The caller gave up before an agent answered: one transaction for the call and its order. */
  abandoned(callId: string, orderId: number, at: number, actor: Actor, where: 'front_door' | 'queue'): void {
    this.orders.transaction((tx) => {
      tx.update(calls).set({ state: 'ended', endedAt: at, outcome: 'abandoned' }).where(eq(calls.id, callId)).run();
      this.eventIn(tx, callId, 'abandoned', at, null, { where });
      this.orders.applyWithin(
        tx,
        orderId,
        { type: 'abandon', reason: where === 'queue' ? 'caller hung up while waiting in the queue' : 'caller hung up during the greeting' },
        actor,
      );
    });
  }

  /**
   * The caller asked to be called back while waiting in the queue (the key of dialplan
   * [sunline-queue-keys]): the call ends unanswered — an abandon in the queue, as the figures
   * count it — and its order becomes a missed call with a callback duty, marked as asked for.
   */
  callbackRequested(callId: string, orderId: number, at: number, actor: Actor): void {
    this.orders.transaction((tx) => {
      tx.update(calls).set({ state: 'ended', endedAt: at, outcome: 'abandoned' }).where(eq(calls.id, callId)).run();
      this.eventIn(tx, callId, 'abandoned', at, null, { where: 'queue', callbackRequested: true });
      this.eventIn(tx, callId, 'callback_requested', at, null, {});
      this.orders.applyWithin(tx, orderId, { type: 'abandon', reason: 'the caller asked to be called back while waiting in the queue' }, actor);
    });
  }

  /** The caller's menu choice (ivr.yaml `menu`): the call now counts for `hotline`. */
  menuChoice(callId: string, at: number, digit: string | null, hotline: string | null): void {
    this.orders.transaction((tx) => {
      if (hotline !== null) tx.update(calls).set({ hotline }).where(eq(calls.id, callId)).run();
      this.eventIn(tx, callId, 'menu', at, null, { digit, hotline });
    });
  }

  /**
   * The line was closed (ivr.yaml `hours.outsideHours: hangup`) and the call ended after the
   * closed prompt: outcome `closed` (not an abandon: nobody was offered it), and its order a
   * missed call with a callback duty, in one transaction.
   */
  closedLine(callId: string, orderId: number, at: number, actor: Actor): void {
    this.orders.transaction((tx) => {
      tx.update(calls).set({ state: 'ended', endedAt: at, outcome: 'closed' }).where(eq(calls.id, callId)).run();
      this.eventIn(tx, callId, 'hung_up', at, null, { reason: 'closed' });
      this.orders.applyWithin(tx, orderId, { type: 'abandon', reason: 'called outside office hours; the call ended after the closed prompt' }, actor);
    });
  }

  /**
   * A call that began and ended while we were down (the dialplan's fallback, outage-calls.ts),
   * in one transaction: the caller, the call (ended), its events at the times Asterisk recorded
   * and its order — a missed-call order with a callback duty when nobody answered, else the
   * draft closed (we have no record of the conversation).
   */
  importOutage(c: Omit<NewInboundCall, 'state'> & { endedAt: number; where: 'front_door' | 'queue' | 'answered' }, actor: Actor): CreatedCall {
    return this.orders.transaction((tx) => {
      const answered = c.where === 'answered';
      const caller = this.insertCall(tx, c, {
        state: 'ended',
        queuedAt: c.where === 'front_door' ? null : c.at,
        endedAt: c.endedAt,
        outcome: answered ? 'answered' : 'abandoned',
      });
      this.eventIn(tx, c.callId, 'entered', c.at, null, { dialled: c.dialled, hotline: c.hotline, via: 'fallback' });
      const reason = answered
        ? 'answered while the Sunline server was down: no record of the conversation'
        : c.where === 'queue'
          ? 'caller hung up while waiting in the queue (server down)'
          : 'caller hung up during the greeting (server down)';
      // The draft and its close or abandon in one write of the order (history: create, then the action).
      const order = this.orders.createActedWithin(
        tx,
        { channel: c.dialled, callId: c.callId, callerId: caller.id, callerPhone: c.callerPhone, callerName: c.callerName },
        { type: answered ? 'close' : 'abandon', reason },
        actor,
      );
      if (answered) this.eventIn(tx, c.callId, 'hung_up', c.endedAt, null, { reason: 'outage' });
      else this.eventIn(tx, c.callId, 'abandoned', c.endedAt, null, { where: c.where, outage: true });
      return { callerId: caller.id, orderId: order.id, orderNumber: order.number };
    });
  }

  /**
   * One transaction: the call event `survey` and, for an answer, the call's order (followed
   * into the order it was merged into): `evaluate` (channel survey) when the order was answered
   * on the spot, else `record_survey` (status unchanged); an unsatisfied evaluated order with a
   * lead unit is then supervised — by WorkOrdersService itself when it runs the clocks
   * (workorders/order-clocks.ts), else here, if the lifecycle allows it. A closed order only gets the event.
   */
  survey(callId: string, result: SurveyResult, at: number, actor: Actor): SurveyRecorded {
    return this.orders.transaction((tx) => {
      this.eventIn(tx, callId, 'survey', at, null, { result });
      if (result === 'no_answer') return { orderId: null, actions: [] };
      const row = tx.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.callId, callId)).get();
      let order = row ? this.orders.get(row.id) : undefined;
      if (order?.status === 'merged' && order.mergedIntoId !== null) order = this.orders.get(order.mergedIntoId);
      if (!order || TERMINAL_STATUSES.includes(order.status)) return { orderId: null, actions: [] };
      const first =
        order.status === 'answered_on_spot' ? ({ type: 'evaluate', result, channel: 'survey' } as const) : ({ type: 'record_survey', result } as const);
      const after = this.orders.applyWithin(tx, order.id, first, actor).order;
      const actions: string[] = [first.type];
      if (after.status === 'supervised' && order.status !== 'supervised') actions.push('supervise');
      else if (
        after.status === 'evaluated' &&
        after.leadUnitId !== null &&
        after.satisfaction === 'unsatisfied' &&
        allowedActions(after, actor).includes('supervise')
      ) {
        this.orders.applyWithin(
          tx,
          order.id,
          { type: 'supervise', level: Math.max(1, after.supervisionLevel), reason: 'unsatisfied in the post-call survey' },
          actor,
        );
        actions.push('supervise');
      }
      return { orderId: order.id, actions };
    });
  }

  /**
   * One transaction: the call event `transferred` and a note on the call's order while the agent
   * may still edit it (draft or accepted: its content gets a line naming the unit); an order
   * already saved only gets the call event.
   */
  transferred(callId: string, orderId: number, at: number, actor: Actor, unit: { id: string; name: string; phone: string }): void {
    this.orders.transaction((tx) => {
      this.eventIn(tx, callId, 'transferred', at, actor.id, { unitId: unit.id, phone: unit.phone });
      const order = this.orders.get(orderId);
      if (order.status !== 'draft' && order.status !== 'accepted') return;
      const note = `[转接 transferred → ${unit.name} ${unit.phone}]`;
      const content = order.fields.content ? `${order.fields.content}\n${note}` : note;
      this.orders.applyWithin(tx, orderId, { type: 'update_fields', fields: { content } }, actor);
    });
  }

  /** Calls the database holds as in progress (a previous process's, after a restart), oldest first. */
  unfinished(): UnfinishedCall[] {
    return this.db
      .select({
        callId: calls.id,
        channelId: calls.channelId,
        callerId: calls.callerId,
        callerPhone: calls.callerPhone,
        dialled: calls.dialledNumber,
        state: calls.state,
        agentId: calls.agentId,
        enteredAt: calls.enteredAt,
        orderId: workOrders.id,
        orderNumber: workOrders.number,
      })
      .from(calls)
      .innerJoin(workOrders, eq(workOrders.callId, calls.id))
      .where(ne(calls.state, 'ended'))
      .orderBy(calls.enteredAt)
      .all()
      .filter((r): r is UnfinishedCall => r.channelId !== null && r.callerId !== null);
  }

  findByChannel(channelId: string): { id: string; state: CallState } | undefined {
    return this.db.select({ id: calls.id, state: calls.state }).from(calls).where(eq(calls.channelId, channelId)).get();
  }

  callerProfile(callerId: number): CallerProfile | null {
    const row = this.db.select({ id: callers.id, name: callers.name, firstSeenAt: callers.firstSeenAt }).from(callers).where(eq(callers.id, callerId)).get();
    if (!row) return null;
    const count = this.db
      .select({ n: sql<number>`count(*)` })
      .from(calls)
      .where(eq(calls.callerId, callerId))
      .get();
    return { ...row, callCount: count?.n ?? 0 };
  }

  recentCalls(callerId: number, excludeCallId: string, limit = 5): RecentCall[] {
    return this.db
      .select({ callId: calls.id, dialledNumber: calls.dialledNumber, enteredAt: calls.enteredAt, outcome: calls.outcome, agentId: calls.agentId })
      .from(calls)
      .where(and(eq(calls.callerId, callerId), ne(calls.id, excludeCallId)))
      .orderBy(desc(calls.enteredAt))
      .limit(limit)
      .all();
  }

  /** The caller's orders still open (not the draft of this call). */
  openOrders(callerId: number, excludeOrderId: number, limit = 10): OrderSummary[] {
    return this.db
      .select({
        id: workOrders.id,
        number: workOrders.number,
        status: workOrders.status,
        category: workOrders.category,
        subject: workOrders.subject,
        createdAt: workOrders.createdAt,
      })
      .from(workOrders)
      .where(and(eq(workOrders.callerId, callerId), ne(workOrders.id, excludeOrderId), notInArray(workOrders.status, CLOSED_ORDER_STATUSES)))
      .orderBy(desc(workOrders.createdAt))
      .limit(limit)
      .all();
  }

  /**
   * The caller (upserted by number; last seen never goes back, an imported call may be older)
   * and the call row, inside the caller's transaction.
   */
  private insertCall(
    tx: Tx,
    c: Omit<NewInboundCall, 'state'>,
    row: Pick<typeof calls.$inferInsert, 'state' | 'queuedAt' | 'endedAt' | 'outcome'>,
  ): { id: number } {
    const caller = tx
      .insert(callers)
      .values({ phone: c.callerPhone, name: c.callerName, firstSeenAt: c.at, lastSeenAt: c.at })
      .onConflictDoUpdate({ target: callers.phone, set: { lastSeenAt: sql`max(${callers.lastSeenAt}, ${c.at})` } })
      .returning({ id: callers.id })
      .get();
    tx.insert(calls)
      .values({
        id: c.callId,
        channelId: c.channelId,
        callerId: caller.id,
        callerPhone: c.callerPhone,
        dialledNumber: c.dialled,
        hotline: c.hotline,
        enteredAt: c.at,
        ...row,
      })
      .run();
    return caller;
  }

  private eventIn(tx: Tx | Db, callId: string, type: CallEventType, at: number, agentId: number | null = null, data?: Record<string, unknown>): void {
    tx.insert(callEvents)
      .values({ callId, type, at, agentId, data: data ?? null })
      .run();
  }
}
