/**
 * The QA tables (qa_samples, qa_scores) and what quality inspection reads of calls, orders and
 * recordings. qa_scores is append-only: an edit inserts the call's next revision.
 * SQLite specifics (json_extract) stay here.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { callEvents, calls, qaSamples, qaScores, recordings, users, workOrderEvents, workOrders, type QaSampleReason } from '../db/schema.js';
import type { SampleCandidate } from './sampling.js';

export type QaScoreRow = typeof qaScores.$inferSelect;
export type QaScoreInsert = typeof qaScores.$inferInsert;

export interface QaCallRow {
  readonly callId: string;
  readonly agentId: number | null;
  readonly agentName: string | null;
  readonly hotline: string;
  readonly direction: 'in' | 'out';
  readonly enteredAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
}

export interface QaOrderSummary {
  readonly id: number;
  readonly number: string;
  readonly status: string;
  readonly category: string | null;
  readonly subject: string | null;
  readonly content: string | null;
  readonly location: string | null;
}

export interface WorklistRow extends QaCallRow {
  readonly day: string;
  readonly reason: QaSampleReason;
}

/** The current score (highest revision) of each call. */
const isCurrent = sql`${qaScores.revision} = (select max(s2.revision) from qa_scores s2 where s2.call_id = ${qaScores.callId})`;

const callColumns = {
  callId: calls.id,
  agentId: calls.agentId,
  agentName: users.displayName,
  hotline: calls.hotline,
  direction: calls.direction,
  enteredAt: calls.enteredAt,
  answeredAt: calls.answeredAt,
  endedAt: calls.endedAt,
};

export class QaRepository {
  constructor(private readonly db: Db) {}

  /** Ended calls answered by an agent that entered in [start, end): a day's sampling candidates. */
  answeredCalls(start: number, end: number): SampleCandidate[] {
    return this.db
      .select({ callId: calls.id, agentId: calls.agentId })
      .from(calls)
      .where(and(gte(calls.enteredAt, start), lt(calls.enteredAt, end), isNotNull(calls.answeredAt), isNotNull(calls.agentId), eq(calls.state, 'ended')))
      .all()
      .map((r) => ({ callId: r.callId, agentId: r.agentId! }));
  }

  /** The days among `days` whose random sample was drawn already. */
  drawnDays(days: readonly string[]): Set<string> {
    if (days.length === 0) return new Set();
    const rows = this.db
      .selectDistinct({ day: qaSamples.day })
      .from(qaSamples)
      .where(and(eq(qaSamples.reason, 'random'), inArray(qaSamples.day, [...days])))
      .all();
    return new Set(rows.map((r) => r.day));
  }

  /** Answered calls whose caller answered the survey 不满意 at or after `since`. */
  unsatisfiedSince(since: number): Array<SampleCandidate & { enteredAt: number }> {
    return this.db
      .select({ callId: calls.id, agentId: calls.agentId, enteredAt: calls.enteredAt })
      .from(callEvents)
      .innerJoin(calls, eq(calls.id, callEvents.callId))
      .where(
        and(
          eq(callEvents.type, 'survey'),
          gte(callEvents.at, since),
          sql`json_extract(${callEvents.data}, '$.result') = 'unsatisfied'`,
          isNotNull(calls.agentId),
          isNotNull(calls.answeredAt),
        ),
      )
      .all()
      .map((r) => ({ callId: r.callId, agentId: r.agentId!, enteredAt: r.enteredAt }));
  }

  /**
   * Answered calls of orders the citizen rated 不满意 in a callback (回访: the lifecycle's `evaluate`
   * with channel `callback`) at or after `since`: the call the order was taken on.
   */
  unsatisfiedCallbacksSince(since: number): Array<SampleCandidate & { enteredAt: number }> {
    return this.db
      .selectDistinct({ callId: calls.id, agentId: calls.agentId, enteredAt: calls.enteredAt })
      .from(workOrderEvents)
      .innerJoin(workOrders, eq(workOrders.id, workOrderEvents.orderId))
      .innerJoin(calls, eq(calls.id, workOrders.callId))
      .where(
        and(
          eq(workOrderEvents.action, 'evaluate'),
          gte(workOrderEvents.at, since),
          sql`json_extract(${workOrderEvents.data}, '$.channel') = 'callback'`,
          sql`json_extract(${workOrderEvents.data}, '$.result') = 'unsatisfied'`,
          isNotNull(calls.agentId),
          isNotNull(calls.answeredAt),
        ),
      )
      .all()
      .map((r) => ({ callId: r.callId, agentId: r.agentId!, enteredAt: r.enteredAt }));
  }

  /** Adds calls to the worklist; a call already on it keeps its row (and reason). Returns how many were new. */
  addSamples(rows: ReadonlyArray<{ callId: string; agentId: number; day: string; reason: QaSampleReason }>, at: number): number {
    if (rows.length === 0) return 0;
    return this.db.transaction((tx) => {
      let added = 0;
      for (const r of rows)
        added += tx
          .insert(qaSamples)
          .values({ ...r, sampledAt: at })
          .onConflictDoNothing()
          .run().changes;
      return added;
    });
  }

  /** Sampled calls without a score, newest day first, unsatisfied ones first within a day. */
  worklist(limit: number): WorklistRow[] {
    return this.db
      .select({ ...callColumns, day: qaSamples.day, reason: qaSamples.reason })
      .from(qaSamples)
      .innerJoin(calls, eq(calls.id, qaSamples.callId))
      .leftJoin(users, eq(users.id, calls.agentId))
      .where(sql`not exists (select 1 from qa_scores s where s.call_id = ${qaSamples.callId})`)
      .orderBy(desc(qaSamples.day), desc(qaSamples.reason), asc(calls.enteredAt))
      .limit(limit)
      .all();
  }

  isSampled(callId: string): boolean {
    return this.db.select({ c: qaSamples.callId }).from(qaSamples).where(eq(qaSamples.callId, callId)).get() !== undefined;
  }

  /** The calls of an order: the call it was taken on and the outbound calls made for it. */
  callsOfOrder(orderId: number): string[] {
    const own = this.db.select({ id: workOrders.callId }).from(workOrders).where(eq(workOrders.id, orderId)).get()?.id ?? null;
    const out = this.db.select({ id: calls.id }).from(calls).where(eq(calls.orderId, orderId)).all();
    return [...new Set([...(own === null ? [] : [own]), ...out.map((c) => c.id)])];
  }

  sampleOf(callId: string): { day: string; reason: QaSampleReason } | undefined {
    return this.db.select({ day: qaSamples.day, reason: qaSamples.reason }).from(qaSamples).where(eq(qaSamples.callId, callId)).get();
  }

  call(callId: string): (QaCallRow & { outboundOrderId: number | null }) | undefined {
    return this.db
      .select({ ...callColumns, outboundOrderId: calls.orderId })
      .from(calls)
      .leftJoin(users, eq(users.id, calls.agentId))
      .where(eq(calls.id, callId))
      .get();
  }

  /** The order of a call: the inbound call's own order, else the order an outbound call was made for. */
  orderOf(callId: string, outboundOrderId: number | null): QaOrderSummary | undefined {
    const cols = {
      id: workOrders.id,
      number: workOrders.number,
      status: workOrders.status,
      category: workOrders.category,
      subject: workOrders.subject,
      content: workOrders.content,
      location: workOrders.location,
    };
    const own = this.db.select(cols).from(workOrders).where(eq(workOrders.callId, callId)).get();
    if (own || outboundOrderId === null) return own;
    return this.db.select(cols).from(workOrders).where(eq(workOrders.id, outboundOrderId)).get();
  }

  /** The call's first stored recording (else its first at all), the one a score refers to. */
  recordingOf(callId: string): string | null {
    const row = this.db
      .select({ id: recordings.id })
      .from(recordings)
      .where(eq(recordings.callId, callId))
      .orderBy(sql`${recordings.state} = 'stored' desc`, asc(recordings.startedAt))
      .get();
    return row?.id ?? null;
  }

  /** Every revision of the call's score, oldest first. */
  history(callId: string): QaScoreRow[] {
    return this.db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(asc(qaScores.revision)).all();
  }

  current(callId: string): QaScoreRow | undefined {
    return this.db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(desc(qaScores.revision)).get();
  }

  /**
   * Inserts revision `revision` of the call's score when the current revision is `revision - 1`
   * (0: none); false when another score got there first. One synchronous transaction.
   */
  insertIfCurrent(row: QaScoreInsert & { revision: number }): QaScoreRow | undefined {
    return this.db.transaction((tx) => {
      const cur = tx
        .select({ r: sql<number>`coalesce(max(${qaScores.revision}), 0)` })
        .from(qaScores)
        .where(eq(qaScores.callId, row.callId))
        .get();
      if ((cur?.r ?? 0) !== row.revision - 1) return undefined;
      return tx.insert(qaScores).values(row).returning().get();
    });
  }

  /** Current scores, newest first: of one agent, and/or of calls entered in [from, to). */
  currentScores(f: {
    agentId?: number;
    from?: number;
    to?: number;
    limit: number;
  }): Array<QaScoreRow & { enteredAt: number; agentName: string | null; scorerName: string | null }> {
    const scorer = sql`(select display_name from users u2 where u2.id = ${qaScores.scorerId})`;
    return this.db
      .select({ s: qaScores, enteredAt: calls.enteredAt, agentName: users.displayName, scorerName: sql<string | null>`${scorer}` })
      .from(qaScores)
      .innerJoin(calls, eq(calls.id, qaScores.callId))
      .leftJoin(users, eq(users.id, qaScores.agentId))
      .where(
        and(
          isCurrent,
          f.agentId === undefined ? undefined : eq(qaScores.agentId, f.agentId),
          f.from === undefined ? undefined : gte(calls.enteredAt, f.from),
          f.to === undefined ? undefined : lt(calls.enteredAt, f.to),
        ),
      )
      .orderBy(desc(calls.enteredAt), desc(qaScores.id))
      .limit(f.limit)
      .all()
      .map((r) => ({ ...r.s, enteredAt: r.enteredAt, agentName: r.agentName, scorerName: r.scorerName }));
  }

  /** Sampled calls of [from, to) (by the call's entry): the figures' denominators. */
  samplesIn(from: number, to: number): Array<{ agentId: number; enteredAt: number; agentName: string | null }> {
    return this.db
      .select({ agentId: qaSamples.agentId, enteredAt: calls.enteredAt, agentName: users.displayName })
      .from(qaSamples)
      .innerJoin(calls, eq(calls.id, qaSamples.callId))
      .leftJoin(users, eq(users.id, qaSamples.agentId))
      .where(and(gte(calls.enteredAt, from), lt(calls.enteredAt, to)))
      .all();
  }
}
