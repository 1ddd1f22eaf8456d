/**
 * The quality-inspection (质检) repository as a port (issue 16, decision 0017): the statements
 * QaService needs of qa_samples and qa_scores, and what it reads of calls, orders and recordings,
 * asynchronous, in one of two dialects (qa-store-sqlite.ts, qa-store-pg.ts), held to the same
 * behaviour by one contract suite (test/qa/qa-store.test.ts). The rules (what is drawn, who
 * reaches which call, the revisions of a score) stay in QaService, written once.
 */
import type { Dialect } from '../db/async-db.js';
import type { QaSampleReason, qaScores } from '../db/schema.js';
import type { SampleCandidate } from './sampling.js';

/** A score's row (the same type in both schema files: test/db/dialect-parity.test.ts). */
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

export interface NewSampleRow {
  readonly callId: string;
  readonly agentId: number;
  readonly day: string;
  readonly reason: QaSampleReason;
}

export type CurrentScoreRow = QaScoreRow & { enteredAt: number; agentName: string | null; scorerName: string | null };

/** What the draw's transaction reads before it writes (QaQueries.writeDraw). */
export interface DrawSeen {
  /** The days among those being drawn that are drawn already. */
  readonly drawn: ReadonlySet<string>;
  /** Random samples per agent, per day being drawn (absent: none). */
  readonly random: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/** The statements, on one connection or inside one transaction. */
export interface QaQueries {
  /** Ended calls answered by an agent that entered in [start, end): a day's sampling candidates. */
  answeredCalls(start: number, end: number): Promise<SampleCandidate[]>;
  /** The days among `days` whose random sample was drawn already: marked in qa_drawn_days, or (drawn before it) with a random row. */
  drawnDays(days: readonly string[]): Promise<Set<string>>;
  /** Answered calls whose caller answered the survey 不满意 at or after `since`. */
  unsatisfiedSince(since: number): Promise<Array<SampleCandidate & { enteredAt: number }>>;
  /**
   * Answered calls of orders the citizen rated 不满意 in a callback (回访: the lifecycle's
   * `evaluate` with channel `callback`) at or after `since`: the call the order was taken on.
   */
  unsatisfiedCallbacksSince(since: number): Promise<Array<SampleCandidate & { enteredAt: number }>>;
  /**
   * Inserts the rows; a call already sampled (also earlier in `rows`) keeps its row and reason
   * (ON CONFLICT DO NOTHING in both dialects). Resolves to how many rows were new.
   */
  insertSamples(rows: readonly NewSampleRow[], at: number): Promise<number>;
  /**
   * The draw's write, in a transaction only, as one statement of the port (on SQLite one run():
   * no await between its statements): takes the draw lock (PostgreSQL: a transaction-level
   * advisory lock, {@link QA_DRAW_LOCK_KEY}; SQLite: the writer lock already runs one transaction
   * at a time), reads which of `days` are drawn and each agent's random samples on each of them,
   * asks `decide` for the rows to insert, inserts them (as {@link insertSamples}) and marks every
   * one of `days` drawn. A draw that ran meanwhile is seen by these reads. Resolves to how many
   * sample rows were new.
   */
  writeDraw(days: readonly string[], decide: (seen: DrawSeen) => readonly NewSampleRow[], at: number): Promise<number>;
  /** Sampled calls without a score, newest day first, unsatisfied ones first within a day, then by entry. */
  worklist(limit: number): Promise<WorklistRow[]>;
  isSampled(callId: string): Promise<boolean>;
  /** The calls of an order: the call it was taken on and the outbound calls made for it. */
  callsOfOrder(orderId: number): Promise<string[]>;
  sampleOf(callId: string): Promise<{ day: string; reason: QaSampleReason } | undefined>;
  call(callId: string): Promise<(QaCallRow & { outboundOrderId: number | null }) | undefined>;
  /** The order of a call: the inbound call's own order, else the order an outbound call was made for. */
  orderOf(callId: string, outboundOrderId: number | null): Promise<QaOrderSummary | undefined>;
  /** The call's first stored recording (else its first at all), the one a score refers to. */
  recordingOf(callId: string): Promise<string | null>;
  /** Every revision of the call's score, oldest first. */
  history(callId: string): Promise<QaScoreRow[]>;
  /** The call's current score (highest revision). */
  current(callId: string): Promise<QaScoreRow | undefined>;
  /**
   * Inserts revision `revision` of the call's score when the current revision is `revision - 1`
   * (0: none); undefined when another score got there first (also when it commits meanwhile on
   * PostgreSQL: the unique (call_id, revision) index, ON CONFLICT DO NOTHING).
   */
  insertScoreIfCurrent(row: QaScoreInsert & { revision: number }): Promise<QaScoreRow | undefined>;
  /** Current scores, newest call first: of one agent, and/or of calls entered in [from, to). */
  currentScores(f: { agentId?: number; from?: number; to?: number; limit: number }): Promise<CurrentScoreRow[]>;
  /** Sampled calls of [from, to) (by the call's entry): the figures' denominators. */
  samplesIn(from: number, to: number): Promise<Array<{ agentId: number; enteredAt: number; agentName: string | null }>>;
}

export interface QaStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: QaQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: QaQueries) => Promise<T>): Promise<T>;
}

/** Rows per INSERT of samples: far below both dialects' limits on bound parameters. */
export const SAMPLES_PER_INSERT = 500;

/** The PostgreSQL advisory lock key of the QA draw's transaction: 'SUNLQADR' as a 64-bit number (postgres.ts's MIGRATION_LOCK_KEY is 'SUNLMIGR'). */
export const QA_DRAW_LOCK_KEY = '6004791767856137298';

/** Random samples per agent per day, from rows of (day, agentId, n). */
export function randomCounts(rows: ReadonlyArray<{ day: string; agentId: number; n: number }>): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const day = out.get(r.day) ?? new Map<number, number>();
    day.set(r.agentId, Number(r.n));
    out.set(r.day, day);
  }
  return out;
}
