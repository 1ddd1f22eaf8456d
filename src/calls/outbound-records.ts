/**
 * Outbound calls in the database: a `calls` row with direction `out`, linked to the work order
 * it was made for (`calls.order_id`; an inbound call's order points at the call instead), and
 * its append-only events: `dialled`, `ringing`, `answered`, `hung_up {result, reason, cause}`.
 * The row's outcome is the result (answered, busy, no_answer, cancelled, failed); a citizen sent
 * to the survey after a 回访 call adds `survey {result}`.
 */
import { pino } from 'pino';
import { CallWrites } from './call-writes.js';
import type { OutboundResult } from '../contract/index.js';
import type { WorkOrder, WorkOrdersService } from '../workorders/index.js';
import { allowedActions, type Actor } from '../workorders/lifecycle/index.js';
import type { SurveyRecorded, SurveyResult } from './calls-repository.js';
import type { UnfinishedOutbound } from '../workorders/orders-store.js';

export type { UnfinishedOutbound };

export type OutboundEventType = 'dialled' | 'ringing' | 'answered' | 'hung_up';

export interface NewOutboundCall {
  callId: string;
  channelId: string;
  agentId: number;
  orderId: number;
  callerId: number | null;
  number: string;
  /** The hotline the call is made from (the caller ID the citizen sees). */
  hotline: string;
  at: number;
}

/**
 * The writes go through `writes` (call-writes.ts; the inbound calls' queue in the server), in
 * the order they were made: a method that returns nothing has queued its write. The reads go
 * through the orders port (orders-store.ts, `orders.store`): committed data only, on either
 * dialect.
 */
export class OutboundRecords {
  constructor(
    private readonly orders: WorkOrdersService,
    readonly writes: CallWrites = new CallWrites({ log: pino({ level: 'silent' }) }),
  ) {}

  /** Resolves once every write queued before the call has ended. */
  flushed(): Promise<void> {
    return this.writes.flushed();
  }

  /** The order a call is made for; ORDER_NOT_FOUND (404) when there is none. */
  order(orderId: number): Promise<WorkOrder> {
    return this.orders.get(orderId);
  }

  /** The order's number, or undefined when it is gone. */
  async orderNumber(orderId: number): Promise<string | undefined> {
    return (await this.orders.store.read((q) => q.orders.find(orderId)))?.number;
  }

  /** Written before the citizen is dialled: resolves once committed, rejects when it could not be written (nothing is dialled then). */
  dialled(c: NewOutboundCall): Promise<void> {
    return this.writes.write('dialled', { callId: c.callId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.insertCall({
          id: c.callId,
          channelId: c.channelId,
          direction: 'out',
          orderId: c.orderId,
          callerId: c.callerId,
          callerPhone: c.number,
          dialledNumber: c.number,
          hotline: c.hotline,
          state: 'entered',
          agentId: c.agentId,
          enteredAt: c.at,
        });
        await tx.calls.insertEvent({ callId: c.callId, type: 'dialled', at: c.at, agentId: c.agentId, data: { orderId: c.orderId } });
      }),
    );
  }

  ringing(callId: string, at: number): void {
    this.writes.record('ringing', { callId }, () =>
      this.orders.transaction((tx) => tx.calls.insertEvent({ callId, type: 'ringing' satisfies OutboundEventType, at })),
    );
  }

  /**
   * Queued like the others; the promise resolves once it is written (outbound.ts announces the
   * answer after it, so a node taking over finds the call answered), and rejects when the write
   * was given up on (the queue logged it).
   */
  answered(callId: string, agentId: number, at: number): Promise<void> {
    return this.writes.write('answered', { callId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'answered', answeredAt: at });
        await tx.calls.insertEvent({ callId, type: 'answered', at, agentId });
      }),
    );
  }

  ended(callId: string, at: number, end: { result: OutboundResult; reason: string | null; cause: number | null }): void {
    this.writes.record('ended', { callId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.updateCall(callId, { state: 'ended', endedAt: at, outcome: end.result });
        await tx.calls.insertEvent({ callId, type: 'hung_up', at, data: { result: end.result, reason: end.reason, cause: end.cause } });
      }),
    );
  }

  /** Whether the order waits for the citizen's evaluation by callback (reviewed, 待回访). */
  async awaitsEvaluation(orderId: number): Promise<boolean> {
    return (await this.orders.store.read((q) => q.orders.find(orderId)))?.status === 'reviewed';
  }

  /**
   * The citizen's key in the survey after a 回访 call (SUNLINE_OUTBOUND_SURVEY), one transaction:
   * the call event `survey {result}` and, for an answer while the order still waits for its
   * evaluation, the order's `evaluate` with channel `callback` (a callback evaluation, as the
   * agent's form records it); 不满意 on an order a unit handled opens supervision, as the phone
   * survey does. An order evaluated meanwhile (the agent's form) keeps that evaluation.
   */
  survey(callId: string, orderId: number, result: SurveyResult, at: number, actor: Actor): Promise<SurveyRecorded> {
    return this.writes.write('survey', { callId, orderId }, () =>
      this.orders.transaction(async (tx) => {
        await tx.calls.insertEvent({ callId, type: 'survey', at, data: { result } });
        if (result === 'no_answer' || (await this.orders.getWithin(tx, orderId)).status !== 'reviewed') return { orderId: null, actions: [] };
        const after = (await this.orders.applyWithin(tx, orderId, { type: 'evaluate', result, channel: 'callback' }, actor)).order;
        if (after.status === 'supervised') return { orderId, actions: ['evaluate', 'supervise'] }; // the lifecycle's own effect
        if (
          after.status !== 'evaluated' ||
          after.satisfaction !== 'unsatisfied' ||
          after.leadUnitId === null ||
          !allowedActions(after, actor).includes('supervise')
        ) {
          return { orderId, actions: ['evaluate'] };
        }
        const level = Math.max(1, after.supervisionLevel);
        await this.orders.applyWithin(tx, orderId, { type: 'supervise', level, reason: 'unsatisfied in the survey after a callback' }, actor);
        return { orderId, actions: ['evaluate', 'supervise'] };
      }),
    );
  }

  /**
   * What the database says of an outbound call whose citizen a restarted process finds in our
   * Stasis app: `survey` — ended by the agent's hang-up after an answer and no survey result yet,
   * i.e. the previous process had sent the citizen to the survey (with the call's order);
   * `unfinished` — still in progress (recover() ends it); `over` — anything else, or no such call.
   */
  leftInStasis(callId: string): Promise<{ kind: 'survey'; orderId: number } | { kind: 'unfinished' } | { kind: 'over' }> {
    return this.orders.store.read(async (q) => {
      const row = await q.calls.callEnd(callId);
      if (!row || row.direction !== 'out') return { kind: 'over' } as const;
      if (row.state !== 'ended') return { kind: 'unfinished' } as const;
      if (row.outcome !== 'answered' || row.orderId === null) return { kind: 'over' } as const;
      const events = await q.calls.callEventData(callId);
      if (events.some((e) => e.type === 'survey')) return { kind: 'over' } as const;
      const end = events.find((e) => e.type === 'hung_up');
      return end?.data?.['reason'] === 'agent_hangup' ? ({ kind: 'survey', orderId: row.orderId } as const) : ({ kind: 'over' } as const);
    });
  }

  /** Outbound calls the database holds as in progress (a previous process's, after a restart). */
  unfinished(): Promise<UnfinishedOutbound[]> {
    return this.orders.store.read((q) => q.calls.unfinishedOutbound());
  }
}
