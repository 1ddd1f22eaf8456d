/**
 * Calls in the database: the call record, its append-only event log (the KPIs are computed
 * from it) and, written in the same transaction as the call, the call's work-order draft.
 */
import type { CallState } from '../db/schema.js';
import type { CallEventType, ChannelCall, CreatedCall, NewInboundCall, ScreenPopReads, SurveyRecorded, SurveyResult, UnfinishedCall } from './call-rows.js';
import type { OrdersHandle, OrdersTx, WorkOrdersService } from '../workorders/index.js';
import { pino } from 'pino';
import { CallWrites } from './call-writes.js';
import { TERMINAL_STATUSES, allowedActions, type Actor } from '../workorders/lifecycle/index.js';

export type {
  CallEventType,
  CallerProfile,
  ChannelCall,
  CreatedCall,
  NewInboundCall,
  ScreenPopReads,
  SurveyRecorded,
  SurveyResult,
  UnfinishedCall,
} from './call-rows.js';

export const CLOSED_ORDER_STATUSES = ['closed', 'merged'];
/** How many of the caller's other calls, and of their other open orders, the screen-pop shows. */
const RECENT_CALLS = 5;
const OPEN_ORDERS = 10;

/** An inbound call's order: its id, or the call's draft still being written (LiveCall.draft). */
export type OrderRef = number | PromiseLike<{ readonly orderId: number }>;

const orderIdOf = async (ref: OrderRef): Promise<number> => (typeof ref === 'number' ? ref : (await ref).orderId);

/**
 * The call path's writes go through `writes` (call-writes.ts), one transaction each in the order
 * they were made: a method that returns nothing has queued its write (`flushed()` waits for it);
 * one that returns a promise resolves with what the database made. Reads go through the orders
 * port (orders-store.ts: committed data, either dialect), each after the writes queued before it.
 */
export class CallsRepository {
  constructor(
    private readonly orders: WorkOrdersService,
    readonly writes: CallWrites = new CallWrites({ log: pino({ level: 'silent' }) }),
  ) {}

  /** Resolves once every write queued before the call has ended. */
  flushed(): Promise<void> {
    return this.writes.flushed();
  }

  /** One transaction: the caller (upserted by number), the call, its first event, its draft order. */
  createInbound(c: NewInboundCall): Promise<CreatedCall> {
    return this.writes.write('createInbound', { callId: c.callId }, () =>
      this.orders.transaction(async (tx) => {
        const callerId = await this.insertCall(tx, c, { state: c.state, queuedAt: c.state === 'queued' ? c.at : null });
        await this.eventIn(tx, c.callId, c.state === 'queued' ? 'adopted' : 'entered', c.at, null, { dialled: c.dialled, hotline: c.hotline });
        const order = await this.orders.createDraftWithin(tx, {
          channel: c.dialled,
          callId: c.callId,
          callerId,
          callerPhone: c.callerPhone,
          callerName: c.callerName,
        });
        return { callerId, orderId: order.id, orderNumber: order.number };
      }),
    );
  }

  event(callId: string, type: CallEventType, at: number, agentId: number | null = null, data?: Record<string, unknown>): void {
    this.writes.record('event', { callId, type }, () => this.orders.transaction((tx) => this.eventIn(tx, callId, type, at, agentId, data)));
  }

  queued(callId: string, at: number): void {
    this.writes.record('queued', { callId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.markQueued(callId, at);
        await this.eventIn(tx, callId, 'queued', at);
      }),
    );
  }

  offered(callId: string, agentId: number, at: number): void {
    this.writes.record('offered', { callId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'offered' });
        await this.eventIn(tx, callId, 'offered', at, agentId);
      }),
    );
  }

  /** The agent took the call: the call and its order carry the agent. */
  answered(callId: string, order: OrderRef, agentId: number, at: number): void {
    this.writes.record('answered', { callId }, async () => {
      const orderId = await orderIdOf(order);
      await this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'answered', answeredAt: at, agentId, outcome: 'answered' });
        await this.orders.takeCallWithin(tx, orderId, agentId);
        await this.eventIn(tx, callId, 'answered', at, agentId);
      });
    });
  }

  ended(callId: string, at: number, reason: string): void {
    this.writes.record('ended', { callId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'ended', endedAt: at });
        await this.eventIn(tx, callId, 'hung_up', at, null, { reason });
      }),
    );
  }

  /** The caller gave up before an agent answered: one transaction for the call and its order. */
  abandoned(callId: string, order: OrderRef, at: number, actor: Actor, where: 'front_door' | 'queue'): void {
    this.writes.record('abandoned', { callId }, async () => {
      const orderId = await orderIdOf(order);
      await this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'ended', endedAt: at, outcome: 'abandoned' });
        await this.eventIn(tx, callId, 'abandoned', at, null, { where });
        await this.orders.applyWithin(
          tx,
          orderId,
          { type: 'abandon', reason: where === 'queue' ? 'caller hung up while waiting in the queue' : 'caller hung up during the greeting' },
          actor,
        );
      });
    });
  }

  /**
   * The caller asked to be called back while waiting in the queue (the key of dialplan
   * [sunline-queue-keys]): the call ends unanswered — an abandon in the queue, as the figures
   * count it — and its order becomes a missed call with a callback duty, marked as asked for.
   */
  callbackRequested(callId: string, order: OrderRef, at: number, actor: Actor): void {
    this.writes.record('callbackRequested', { callId }, async () => {
      const orderId = await orderIdOf(order);
      await this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'ended', endedAt: at, outcome: 'abandoned' });
        await this.eventIn(tx, callId, 'abandoned', at, null, { where: 'queue', callbackRequested: true });
        await this.eventIn(tx, callId, 'callback_requested', at, null, {});
        await this.orders.applyWithin(tx, orderId, { type: 'abandon', reason: 'the caller asked to be called back while waiting in the queue' }, actor);
      });
    });
  }

  /** The caller's menu choice (ivr.yaml `menu`): the call now counts for `hotline`. */
  menuChoice(callId: string, at: number, digit: string | null, hotline: string | null): void {
    this.writes.record('menuChoice', { callId }, () =>
      this.orders.transaction(async (tx) => {
        if (hotline !== null) await tx.calls.updateCall(callId, { hotline });
        await this.eventIn(tx, callId, 'menu', at, null, { digit, hotline });
      }),
    );
  }

  /**
   * The line was closed (ivr.yaml `hours.outsideHours: hangup`) and the call ended after the
   * closed prompt: outcome `closed` (not an abandon: nobody was offered it), and its order a
   * missed call with a callback duty, in one transaction.
   */
  closedLine(callId: string, order: OrderRef, at: number, actor: Actor): void {
    this.writes.record('closedLine', { callId }, async () => {
      const orderId = await orderIdOf(order);
      await this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'ended', endedAt: at, outcome: 'closed' });
        await this.eventIn(tx, callId, 'hung_up', at, null, { reason: 'closed' });
        await this.orders.applyWithin(tx, orderId, { type: 'abandon', reason: 'called outside office hours; the call ended after the closed prompt' }, actor);
      });
    });
  }

  /**
   * A call that began and ended while we were down (the dialplan's fallback, outage-calls.ts),
   * in one transaction: the caller, the call (ended), its events at the times Asterisk recorded
   * and its order — a missed-call order with a callback duty when nobody answered, else the
   * draft closed (we have no record of the conversation).
   */
  importOutage(c: Omit<NewInboundCall, 'state'> & { endedAt: number; where: 'front_door' | 'queue' | 'answered' }, actor: Actor): Promise<CreatedCall> {
    return this.writes.write('importOutage', { callId: c.callId }, () =>
      this.orders.transaction(async (tx) => {
        const answered = c.where === 'answered';
        const callerId = await this.insertCall(tx, c, {
          state: 'ended',
          queuedAt: c.where === 'front_door' ? null : c.at,
          endedAt: c.endedAt,
          outcome: answered ? 'answered' : 'abandoned',
        });
        await this.eventIn(tx, c.callId, 'entered', c.at, null, { dialled: c.dialled, hotline: c.hotline, via: 'fallback' });
        const reason = answered
          ? 'answered while the Sunline server was down: no record of the conversation'
          : c.where === 'queue'
            ? 'caller hung up while waiting in the queue (server down)'
            : 'caller hung up during the greeting (server down)';
        // The draft and its close or abandon in one write of the order (history: create, then the action).
        const order = await this.orders.createActedWithin(
          tx,
          { channel: c.dialled, callId: c.callId, callerId, callerPhone: c.callerPhone, callerName: c.callerName },
          { type: answered ? 'close' : 'abandon', reason },
          actor,
        );
        if (answered) await this.eventIn(tx, c.callId, 'hung_up', c.endedAt, null, { reason: 'outage' });
        else await this.eventIn(tx, c.callId, 'abandoned', c.endedAt, null, { where: c.where, outage: true });
        return { callerId, orderId: order.id, orderNumber: order.number };
      }),
    );
  }

  /**
   * One transaction: the call event `survey` and, for an answer, the call's order (followed
   * into the order it was merged into): `evaluate` (channel survey) when the order was answered
   * on the spot, else `record_survey` (status unchanged); an unsatisfied evaluated order with a
   * lead unit is then supervised — by WorkOrdersService itself when it runs the clocks
   * (workorders/order-clocks.ts), else here, if the lifecycle allows it. A closed order only gets the event.
   */
  survey(callId: string, result: SurveyResult, at: number, actor: Actor): Promise<SurveyRecorded> {
    return this.writes.write('survey', { callId }, () =>
      this.orders.transaction(async (tx) => {
        await this.eventIn(tx, callId, 'survey', at, null, { result });
        if (result === 'no_answer') return { orderId: null, actions: [] };
        const id = await tx.orders.idOfCall(callId);
        let order = id !== undefined ? await this.orders.getWithin(tx, id) : undefined;
        if (order?.status === 'merged' && order.mergedIntoId !== null) order = await this.orders.getWithin(tx, order.mergedIntoId);
        if (!order || TERMINAL_STATUSES.includes(order.status)) return { orderId: null, actions: [] };
        const first =
          order.status === 'answered_on_spot' ? ({ type: 'evaluate', result, channel: 'survey' } as const) : ({ type: 'record_survey', result } as const);
        const after = (await this.orders.applyWithin(tx, order.id, first, actor)).order;
        const actions: string[] = [first.type];
        if (after.status === 'supervised' && order.status !== 'supervised') actions.push('supervise');
        else if (
          after.status === 'evaluated' &&
          after.leadUnitId !== null &&
          after.satisfaction === 'unsatisfied' &&
          allowedActions(after, actor).includes('supervise')
        ) {
          await this.orders.applyWithin(
            tx,
            order.id,
            { type: 'supervise', level: Math.max(1, after.supervisionLevel), reason: 'unsatisfied in the post-call survey' },
            actor,
          );
          actions.push('supervise');
        }
        return { orderId: order.id, actions };
      }),
    );
  }

  /**
   * One transaction: the call event `transferred` and a note on the call's order while the agent
   * may still edit it (draft or accepted: its content gets a line naming the unit); an order
   * already saved only gets the call event.
   */
  transferred(callId: string, order: OrderRef, at: number, actor: Actor, unit: { id: string; name: string; phone: string }): void {
    this.writes.record('transferred', { callId }, async () => {
      const orderId = await orderIdOf(order);
      await this.orders.transaction(async (tx) => {
        await this.eventIn(tx, callId, 'transferred', at, actor.id, { unitId: unit.id, phone: unit.phone });
        const order = await this.orders.getWithin(tx, orderId);
        if (order.status !== 'draft' && order.status !== 'accepted') return;
        const note = `[转接 transferred → ${unit.name} ${unit.phone}]`;
        const content = order.fields.content ? `${order.fields.content}\n${note}` : note;
        await this.orders.applyWithin(tx, orderId, { type: 'update_fields', fields: { content } }, actor);
      });
    });
  }

  /** Calls the database holds as in progress (a previous process's, after a restart), oldest first. */
  async unfinished(): Promise<UnfinishedCall[]> {
    const rows = await this.read((q) => q.calls.unfinishedInbound());
    return rows.filter((r): r is UnfinishedCall => r.channelId !== null && r.callerId !== null && r.state !== 'ended');
  }

  async findByChannel(channelId: string): Promise<ChannelCall | undefined> {
    return (await this.findByChannels([channelId])).get(channelId);
  }

  /** The calls rows of these caller channels, by channel (one read). */
  async findByChannels(channelIds: readonly string[]): Promise<Map<string, ChannelCall>> {
    const rows = await this.read((q) => q.calls.byChannels(channelIds));
    return new Map(rows.map((r) => [r.channelId, { id: r.id, state: r.state }]));
  }

  /**
   * What the screen-pop shows of the caller: the profile, their other calls, their other open
   * orders (committed data). Not behind the queued writes: the offer has waited for the call's
   * draft, so the call's own rows and every write queued before them are committed, and the pop
   * does not wait for the writes of other calls queued since.
   */
  screenPopReads(callerId: number, callId: string, orderId: number): Promise<ScreenPopReads> {
    return this.orders.store.read(async (q) => {
      const profile = await q.calls.callerProfile(callerId);
      const recentCalls = await q.calls.recentCalls(callerId, callId, RECENT_CALLS);
      const openOrders = await q.calls.openOrdersOf(callerId, orderId, CLOSED_ORDER_STATUSES, OPEN_ORDERS);
      return { caller: profile ?? null, recentCalls, openOrders };
    });
  }

  /** Whether the caller with this number has an order still open other than the one of call `callId`. */
  hasOpenOrders(phone: string, callId: string): Promise<boolean> {
    return this.read((q) => q.calls.hasOpenOrder(phone, callId, CLOSED_ORDER_STATUSES));
  }

  /**
   * A read of committed data through the orders port, after the writes queued before it (so the
   * call path reads what its own events wrote, as QueueStatsService does). Never call it from a
   * queued write: it would wait for itself.
   */
  private async read<T>(fn: (q: OrdersHandle) => Promise<T>): Promise<T> {
    await this.writes.flushed();
    return this.orders.store.read(fn);
  }

  /**
   * The caller (upserted by number; last seen never goes back, an imported call may be older)
   * and the call row, inside the caller's transaction: the caller's id.
   */
  private async insertCall(
    tx: OrdersTx,
    c: Omit<NewInboundCall, 'state'>,
    row: { state: CallState; queuedAt?: number | null; endedAt?: number | null; outcome?: string | null },
  ): Promise<number> {
    const callerId = await tx.calls.upsertCaller(c.callerPhone, c.callerName, c.at);
    await tx.calls.insertCall({
      id: c.callId,
      channelId: c.channelId,
      callerId,
      callerPhone: c.callerPhone,
      dialledNumber: c.dialled,
      hotline: c.hotline,
      enteredAt: c.at,
      ...row,
    });
    return callerId;
  }

  private eventIn(tx: OrdersTx, callId: string, type: CallEventType, at: number, agentId: number | null = null, data?: Record<string, unknown>): Promise<void> {
    return tx.calls.insertEvent({ callId, type, at, agentId, data: data ?? null });
  }
}
