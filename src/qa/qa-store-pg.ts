/** The quality-inspection repository on PostgreSQL (qa-store.ts; the async port: db/postgres-async.ts). jsonb's ->> stays here. */
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { callEvents, calls, qaDrawnDays, qaSamples, qaScores, recordings, users, workOrderEvents, workOrders } from '../db/schema-pg.js';
import {
  QA_DRAW_LOCK_KEY,
  randomCounts,
  SAMPLES_PER_INSERT,
  type CurrentScoreRow,
  type DrawSeen,
  type NewSampleRow,
  type QaCallRow,
  type QaOrderSummary,
  type QaQueries,
  type QaScoreInsert,
  type QaScoreRow,
  type QaStore,
  type WorklistRow,
} from './qa-store.js';
import type { SampleCandidate } from './sampling.js';

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

const orderColumns = {
  id: workOrders.id,
  number: workOrders.number,
  status: workOrders.status,
  category: workOrders.category,
  subject: workOrders.subject,
  content: workOrders.content,
  location: workOrders.location,
};

class PgQaQueries implements QaQueries {
  constructor(private readonly db: PgConn) {}

  async answeredCalls(start: number, end: number): Promise<SampleCandidate[]> {
    const rows = await this.db
      .select({ callId: calls.id, agentId: calls.agentId })
      .from(calls)
      .where(and(gte(calls.enteredAt, start), lt(calls.enteredAt, end), isNotNull(calls.answeredAt), isNotNull(calls.agentId), eq(calls.state, 'ended')));
    return rows.map((r) => ({ callId: r.callId, agentId: r.agentId! }));
  }

  async drawnDays(days: readonly string[]): Promise<Set<string>> {
    if (days.length === 0) return new Set();
    const marked = await this.db
      .select({ day: qaDrawnDays.day })
      .from(qaDrawnDays)
      .where(inArray(qaDrawnDays.day, [...days]));
    const random = await this.db
      .selectDistinct({ day: qaSamples.day })
      .from(qaSamples)
      .where(and(eq(qaSamples.reason, 'random'), inArray(qaSamples.day, [...days])));
    return new Set([...marked, ...random].map((r) => r.day));
  }

  async unsatisfiedSince(since: number): Promise<Array<SampleCandidate & { enteredAt: number }>> {
    const rows = await this.db
      .select({ callId: calls.id, agentId: calls.agentId, enteredAt: calls.enteredAt })
      .from(callEvents)
      .innerJoin(calls, eq(calls.id, callEvents.callId))
      .where(
        and(
          eq(callEvents.type, 'survey'),
          gte(callEvents.at, since),
          sql`${callEvents.data} ->> 'result' = 'unsatisfied'`,
          isNotNull(calls.agentId),
          isNotNull(calls.answeredAt),
        ),
      );
    return rows.map((r) => ({ callId: r.callId, agentId: r.agentId!, enteredAt: r.enteredAt }));
  }

  async unsatisfiedCallbacksSince(since: number): Promise<Array<SampleCandidate & { enteredAt: number }>> {
    const rows = await this.db
      .selectDistinct({ callId: calls.id, agentId: calls.agentId, enteredAt: calls.enteredAt })
      .from(workOrderEvents)
      .innerJoin(workOrders, eq(workOrders.id, workOrderEvents.orderId))
      .innerJoin(calls, eq(calls.id, workOrders.callId))
      .where(
        and(
          eq(workOrderEvents.action, 'evaluate'),
          gte(workOrderEvents.at, since),
          sql`${workOrderEvents.data} ->> 'channel' = 'callback'`,
          sql`${workOrderEvents.data} ->> 'result' = 'unsatisfied'`,
          isNotNull(calls.agentId),
          isNotNull(calls.answeredAt),
        ),
      );
    return rows.map((r) => ({ callId: r.callId, agentId: r.agentId!, enteredAt: r.enteredAt }));
  }

  async writeDraw(days: readonly string[], decide: (seen: DrawSeen) => readonly NewSampleRow[], at: number): Promise<number> {
    // Held until the transaction ends: a second draw waits here, then (READ COMMITTED: each
    // statement sees what committed before it began) reads what the first one wrote.
    await this.db.execute(sql`select pg_advisory_xact_lock(${QA_DRAW_LOCK_KEY})`);
    const counts =
      days.length === 0
        ? []
        : await this.db
            .select({ day: qaSamples.day, agentId: qaSamples.agentId, n: sql<number>`count(*)::integer` })
            .from(qaSamples)
            .where(and(eq(qaSamples.reason, 'random'), inArray(qaSamples.day, [...days])))
            .groupBy(qaSamples.day, qaSamples.agentId);
    const rows = decide({ drawn: await this.drawnDays(days), random: randomCounts(counts) });
    const added = await this.insertSamples(rows, at);
    if (days.length > 0)
      await this.db
        .insert(qaDrawnDays)
        .values(days.map((day) => ({ day, drawnAt: at })))
        .onConflictDoNothing();
    return added;
  }

  async insertSamples(rows: readonly NewSampleRow[], at: number): Promise<number> {
    let added = 0;
    for (let i = 0; i < rows.length; i += SAMPLES_PER_INSERT) {
      const r = await this.db
        .insert(qaSamples)
        .values(rows.slice(i, i + SAMPLES_PER_INSERT).map((s) => ({ ...s, sampledAt: at })))
        .onConflictDoNothing();
      added += r.rowCount ?? 0;
    }
    return added;
  }

  worklist(limit: number): Promise<WorklistRow[]> {
    return this.db
      .select({ ...callColumns, day: qaSamples.day, reason: qaSamples.reason })
      .from(qaSamples)
      .innerJoin(calls, eq(calls.id, qaSamples.callId))
      .leftJoin(users, eq(users.id, calls.agentId))
      .where(sql`not exists (select 1 from qa_scores s where s.call_id = ${qaSamples.callId})`)
      .orderBy(desc(qaSamples.day), desc(qaSamples.reason), asc(calls.enteredAt))
      .limit(limit);
  }

  async isSampled(callId: string): Promise<boolean> {
    const rows = await this.db.select({ c: qaSamples.callId }).from(qaSamples).where(eq(qaSamples.callId, callId)).limit(1);
    return rows.length > 0;
  }

  async callsOfOrder(orderId: number): Promise<string[]> {
    const [own] = await this.db.select({ id: workOrders.callId }).from(workOrders).where(eq(workOrders.id, orderId)).limit(1);
    const out = await this.db.select({ id: calls.id }).from(calls).where(eq(calls.orderId, orderId));
    const ownId = own?.id ?? null;
    return [...new Set([...(ownId === null ? [] : [ownId]), ...out.map((c) => c.id)])];
  }

  async sampleOf(callId: string) {
    const [row] = await this.db.select({ day: qaSamples.day, reason: qaSamples.reason }).from(qaSamples).where(eq(qaSamples.callId, callId)).limit(1);
    return row;
  }

  async call(callId: string): Promise<(QaCallRow & { outboundOrderId: number | null }) | undefined> {
    const [row] = await this.db
      .select({ ...callColumns, outboundOrderId: calls.orderId })
      .from(calls)
      .leftJoin(users, eq(users.id, calls.agentId))
      .where(eq(calls.id, callId))
      .limit(1);
    return row;
  }

  async orderOf(callId: string, outboundOrderId: number | null): Promise<QaOrderSummary | undefined> {
    const [own] = await this.db.select(orderColumns).from(workOrders).where(eq(workOrders.callId, callId)).limit(1);
    if (own || outboundOrderId === null) return own;
    const [out] = await this.db.select(orderColumns).from(workOrders).where(eq(workOrders.id, outboundOrderId)).limit(1);
    return out;
  }

  async recordingOf(callId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ id: recordings.id })
      .from(recordings)
      .where(eq(recordings.callId, callId))
      .orderBy(sql`${recordings.state} = 'stored' desc`, asc(recordings.startedAt))
      .limit(1);
    return row?.id ?? null;
  }

  history(callId: string): Promise<QaScoreRow[]> {
    return this.db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(asc(qaScores.revision));
  }

  async current(callId: string): Promise<QaScoreRow | undefined> {
    const [row] = await this.db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(desc(qaScores.revision)).limit(1);
    return row;
  }

  async insertScoreIfCurrent(row: QaScoreInsert & { revision: number }): Promise<QaScoreRow | undefined> {
    const [cur] = await this.db
      .select({ r: sql<number>`coalesce(max(${qaScores.revision}), 0)::integer` })
      .from(qaScores)
      .where(eq(qaScores.callId, row.callId));
    if ((cur?.r ?? 0) !== row.revision - 1) return undefined;
    // Under READ COMMITTED another scorer's revision may commit after the check: the unique
    // (call_id, revision) index makes this insert do nothing then (a conflict, not an error).
    const [created] = await this.db.insert(qaScores).values(row).onConflictDoNothing().returning();
    return created;
  }

  async currentScores(f: { agentId?: number; from?: number; to?: number; limit: number }): Promise<CurrentScoreRow[]> {
    const scorer = sql`(select display_name from users u2 where u2.id = ${qaScores.scorerId})`;
    const rows = await this.db
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
      .limit(f.limit);
    return rows.map((r) => ({ ...r.s, enteredAt: r.enteredAt, agentName: r.agentName, scorerName: r.scorerName }));
  }

  samplesIn(from: number, to: number): Promise<Array<{ agentId: number; enteredAt: number; agentName: string | null }>> {
    return this.db
      .select({ agentId: qaSamples.agentId, enteredAt: calls.enteredAt, agentName: users.displayName })
      .from(qaSamples)
      .innerJoin(calls, eq(calls.id, qaSamples.callId))
      .leftJoin(users, eq(users.id, qaSamples.agentId))
      .where(and(gte(calls.enteredAt, from), lt(calls.enteredAt, to)));
  }
}

export function pgQaStore(db: PostgresAsyncDb): QaStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgQaQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgQaQueries(tx))),
  };
}
