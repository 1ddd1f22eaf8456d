/**
 * The recordings repository as a port (issue 16, decision 0017): the statements of recordings and
 * recording_audit, and what the recorder and playback read of calls, their events and orders,
 * asynchronous, in one of two dialects (recordings-store-sqlite.ts, recordings-store-pg.ts), held
 * to the same behaviour by one contract suite (test/recordings/recordings-store.test.ts). The
 * rules (what is recorded, who hears what, every access audited — each list that shows a
 * recording as each playback and download — the retention) stay above it (repository.ts,
 * recorder.ts, playback.ts, retention.ts), written once.
 */
import type { Dialect } from '../db/async-db.js';
import type { RecordingAuditAction, recordingAudit, recordings } from '../db/schema.js';
import type { OrderUnits } from '../workorders/scope.js';

/** What a scope check needs of a recording's order: its units, and whether the reporter asked for confidentiality (保密). */
export interface RecordedOrder extends OrderUnits {
  readonly confidential: boolean;
}

/** The same types in both schema files (test/db/dialect-parity.test.ts). */
export type RecordingRow = typeof recordings.$inferSelect;
export type RecordingInsert = typeof recordings.$inferInsert;
export type RecordingAuditRow = typeof recordingAudit.$inferSelect;

/** What the recorder needs of the call when recording starts. */
export interface CallToRecord {
  readonly callId: string;
  readonly channelId: string;
  readonly hotline: string;
  readonly agentId: number | null;
  readonly orderId: number | null;
}

export interface StoredFile {
  readonly storedAt: number;
  readonly durationMs: number;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly storageKey: string;
}

export interface NewRecordingAudit {
  readonly at: number;
  /** null: the system (the retention purge). */
  readonly actorId: number | null;
  readonly action: RecordingAuditAction;
  readonly recordingId: string;
  readonly range: string | null;
  readonly details: Record<string, unknown>;
}

/** The statements, on one connection or inside one transaction. */
export interface RecordingsQueries {
  /** The call's channel, hotline and agent, and its order (an inbound call's own, else the one an outbound call was made for); undefined without a channel. */
  callToRecord(callId: string): Promise<CallToRecord | undefined>;
  /** The call's recording still being written, if any. */
  activeFor(callId: string): Promise<RecordingRow | undefined>;
  insert(row: RecordingInsert): Promise<void>;
  get(id: string): Promise<RecordingRow | undefined>;
  /** Recordings being written whose call has ended (Sunline's side): candidates to move into storage. */
  pendingOfEndedCalls(): Promise<Array<RecordingRow & { callEndedAt: number | null }>>;
  /** A recording being written becomes stored; false when it was not being written (any more). */
  markStored(id: string, v: StoredFile): Promise<boolean>;
  /** A recording being written becomes failed; false when it was not being written (any more). */
  markFailed(id: string): Promise<boolean>;
  /** Stored or failed recordings started before `before`, oldest first: the retention purge's work. */
  expired(before: number, limit: number): Promise<RecordingRow[]>;
  /**
   * A stored or failed recording becomes purged; false when it is not stored or failed (purged
   * meanwhile, e.g. by another node: on PostgreSQL the UPDATE waits for that node's commit and
   * then matches nothing).
   */
  markPurged(id: string, at: number): Promise<boolean>;
  /** Appends recording_audit rows (never updated or deleted) in one statement, in their order (a list's: one per recording shown); none for none. */
  insertAudits(rows: readonly NewRecordingAudit[]): Promise<void>;
  /** A recording's audit rows, oldest first. */
  auditOf(recordingId: string): Promise<RecordingAuditRow[]>;
  ofCall(callId: string): Promise<RecordingRow[]>;
  ofOrder(orderId: number): Promise<RecordingRow[]>;
  /** An agent's latest recordings, newest first. */
  ofAgent(agentId: number, limit: number): Promise<RecordingRow[]>;
  /** The call's hold and resume events, in their order (hold marks of its recording). */
  holdEvents(callId: string): Promise<Array<{ type: string; at: number }>>;
  /** The units of an order and whether its reporter is confidential (a dispatcher's or unit handler's scope check); undefined when there is none. */
  orderUnits(orderId: number): Promise<RecordedOrder | undefined>;
}

export interface RecordingsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: RecordingsQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: RecordingsQueries) => Promise<T>): Promise<T>;
}
