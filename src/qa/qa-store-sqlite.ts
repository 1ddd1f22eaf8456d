/** The quality-inspection repository on SQLite (qa-store.ts; the async port: db/sqlite-async.ts). json_extract stays here. */
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { callEvents, calls, qaDrawnDays, qaSamples, qaScores, recordings, users, workOrderEvents, workOrders } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import {
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

const currentRevision = (db: Db, callId: string): number =>
  db
    .select({ r: sql<number>`coalesce(max(${qaScores.revision}), 0)` })
    .from(qaScores)
    .where(eq(qaScores.callId, callId))
    .get()?.r ?? 0;

/** The days among `days` marked drawn, or (drawn before qa_drawn_days) with a random row. */
function drawnOn(db: Db, days: readonly string[]): Set<string> {
  const marked = db
    .select({ day: qaDrawnDays.day })
    .from(qaDrawnDays)
    .where(inArray(qaDrawnDays.day, [...days]))
    .all();
  const random = db
    .selectDistinct({ day: qaSamples.day })
    .from(qaSamples)
    .where(and(eq(qaSamples.reason, 'random'), inArray(qaSamples.day, [...days])))
    .all();
  return new Set([...marked, ...random].map((r) => r.day));
}

/** The rows in chunks of SAMPLES_PER_INSERT, a call already sampled kept as it is; how many were new. */
function insertRows(db: Db, rows: readonly NewSampleRow[], at: number): number {
  let added = 0;
  for (let i = 0; i < rows.length; i += SAMPLES_PER_INSERT)
    added += db
      .insert(qaSamples)
      .values(rows.slice(i, i + SAMPLES_PER_INSERT).map((r) => ({ ...r, sampledAt: at })))
      .onConflictDoNothing()
      .run().changes;
  return added;
}

class SqliteQaQueries implements QaQueries {
  constructor(private readonly conn: SqliteConn) {}

  answeredCalls(start: number, end: number): Promise<SampleCandidate[]> {
    return this.conn.run((db) =>
      db
        .select({ callId: calls.id, agentId: calls.agentId })
        .from(calls)
        .where(and(gte(calls.enteredAt, start), lt(calls.enteredAt, end), isNotNull(calls.answeredAt), isNotNull(calls.agentId), eq(calls.state, 'ended')))
        .all()
        .map((r) => ({ callId: r.callId, agentId: r.agentId! })),
    );
  }

  drawnDays(days: readonly string[]): Promise<Set<string>> {
    if (days.length === 0) return Promise.resolve(new Set());
    return this.conn.run((db) => drawnOn(db, days));
  }

  unsatisfiedSince(since: number): Promise<Array<SampleCandidate & { enteredAt: number }>> {
    return this.conn.run((db) =>
      db
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
        .map((r) => ({ callId: r.callId, agentId: r.agentId!, enteredAt: r.enteredAt })),
    );
  }

  unsatisfiedCallbacksSince(since: number): Promise<Array<SampleCandidate & { enteredAt: number }>> {
    return this.conn.run((db) =>
      db
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
        .map((r) => ({ callId: r.callId, agentId: r.agentId!, enteredAt: r.enteredAt })),
    );
  }

  insertSamples(rows: readonly NewSampleRow[], at: number): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    // Every chunk in one run(): no await between them (decision 0017, 'The transition').
    return this.conn.run((db) => insertRows(db, rows, at));
  }

  writeDraw(days: readonly string[], decide: (seen: DrawSeen) => readonly NewSampleRow[], at: number): Promise<number> {
    // The reads, the rule and the writes in one run(): the writer lock (this transaction's)
    // keeps another draw out, and no await lets a synchronous writer in between them.
    return this.conn.run((db) => {
      const counts =
        days.length === 0
          ? []
          : db
              .select({ day: qaSamples.day, agentId: qaSamples.agentId, n: sql<number>`count(*)` })
              .from(qaSamples)
              .where(and(eq(qaSamples.reason, 'random'), inArray(qaSamples.day, [...days])))
              .groupBy(qaSamples.day, qaSamples.agentId)
              .all();
      const rows = decide({ drawn: days.length === 0 ? new Set() : drawnOn(db, days), random: randomCounts(counts) });
      const added = rows.length === 0 ? 0 : insertRows(db, rows, at);
      if (days.length > 0)
        db.insert(qaDrawnDays)
          .values(days.map((day) => ({ day, drawnAt: at })))
          .onConflictDoNothing()
          .run();
      return added;
    });
  }

  worklist(limit: number): Promise<WorklistRow[]> {
    return this.conn.run((db) =>
      db
        .select({ ...callColumns, day: qaSamples.day, reason: qaSamples.reason })
        .from(qaSamples)
        .innerJoin(calls, eq(calls.id, qaSamples.callId))
        .leftJoin(users, eq(users.id, calls.agentId))
        .where(sql`not exists (select 1 from qa_scores s where s.call_id = ${qaSamples.callId})`)
        .orderBy(desc(qaSamples.day), desc(qaSamples.reason), asc(calls.enteredAt))
        .limit(limit)
        .all(),
    );
  }

  isSampled(callId: string): Promise<boolean> {
    return this.conn.run((db) => db.select({ c: qaSamples.callId }).from(qaSamples).where(eq(qaSamples.callId, callId)).get() !== undefined);
  }

  callsOfOrder(orderId: number): Promise<string[]> {
    return this.conn.run((db) => {
      const own = db.select({ id: workOrders.callId }).from(workOrders).where(eq(workOrders.id, orderId)).get()?.id ?? null;
      const out = db.select({ id: calls.id }).from(calls).where(eq(calls.orderId, orderId)).all();
      return [...new Set([...(own === null ? [] : [own]), ...out.map((c) => c.id)])];
    });
  }

  sampleOf(callId: string) {
    return this.conn.run((db) => db.select({ day: qaSamples.day, reason: qaSamples.reason }).from(qaSamples).where(eq(qaSamples.callId, callId)).get());
  }

  call(callId: string): Promise<(QaCallRow & { outboundOrderId: number | null }) | undefined> {
    return this.conn.run((db) =>
      db
        .select({ ...callColumns, outboundOrderId: calls.orderId })
        .from(calls)
        .leftJoin(users, eq(users.id, calls.agentId))
        .where(eq(calls.id, callId))
        .get(),
    );
  }

  orderOf(callId: string, outboundOrderId: number | null): Promise<QaOrderSummary | undefined> {
    return this.conn.run((db) => {
      const own = db.select(orderColumns).from(workOrders).where(eq(workOrders.callId, callId)).get();
      if (own || outboundOrderId === null) return own;
      return db.select(orderColumns).from(workOrders).where(eq(workOrders.id, outboundOrderId)).get();
    });
  }

  recordingOf(callId: string): Promise<string | null> {
    return this.conn.run(
      (db) =>
        db
          .select({ id: recordings.id })
          .from(recordings)
          .where(eq(recordings.callId, callId))
          .orderBy(sql`${recordings.state} = 'stored' desc`, asc(recordings.startedAt))
          .get()?.id ?? null,
    );
  }

  history(callId: string): Promise<QaScoreRow[]> {
    return this.conn.run((db) => db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(asc(qaScores.revision)).all());
  }

  current(callId: string): Promise<QaScoreRow | undefined> {
    return this.conn.run((db) => db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(desc(qaScores.revision)).get());
  }

  insertScoreIfCurrent(row: QaScoreInsert & { revision: number }): Promise<QaScoreRow | undefined> {
    // The check and the insert in one run(): nothing lands between them.
    return this.conn.run((db) => {
      if (currentRevision(db, row.callId) !== row.revision - 1) return undefined;
      return db.insert(qaScores).values(row).onConflictDoNothing().returning().get();
    });
  }

  currentScores(f: { agentId?: number; from?: number; to?: number; limit: number }): Promise<CurrentScoreRow[]> {
    const scorer = sql`(select display_name from users u2 where u2.id = ${qaScores.scorerId})`;
    return this.conn.run((db) =>
      db
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
        .map((r) => ({ ...r.s, enteredAt: r.enteredAt, agentName: r.agentName, scorerName: r.scorerName })),
    );
  }

  samplesIn(from: number, to: number): Promise<Array<{ agentId: number; enteredAt: number; agentName: string | null }>> {
    return this.conn.run((db) =>
      db
        .select({ agentId: qaSamples.agentId, enteredAt: calls.enteredAt, agentName: users.displayName })
        .from(qaSamples)
        .innerJoin(calls, eq(calls.id, qaSamples.callId))
        .leftJoin(users, eq(users.id, qaSamples.agentId))
        .where(and(gte(calls.enteredAt, from), lt(calls.enteredAt, to)))
        .all(),
    );
  }
}

export function sqliteQaStore(db: SqliteAsyncDb): QaStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteQaQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteQaQueries(tx))),
  };
}
