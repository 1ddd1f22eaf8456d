/**
 * The recordings and recording_audit tables (issue 13). recording_audit is append-only: rows
 * are inserted, never updated or deleted (PIPL: who heard which citizen's voice, and when).
 */
import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { calls, callEvents, recordingAudit, recordings, workOrders, type RecordingAuditAction } from '../db/schema.js';

export type RecordingRow = typeof recordings.$inferSelect;
export type RecordingAuditRow = typeof recordingAudit.$inferSelect;

/** What the recorder needs of the call when recording starts. */
export interface CallToRecord {
  readonly callId: string;
  readonly channelId: string;
  readonly hotline: string;
  readonly agentId: number | null;
  readonly orderId: number | null;
}

export class RecordingsRepository {
  constructor(private readonly db: Db) {}

  callToRecord(callId: string): CallToRecord | undefined {
    const call = this.db.select().from(calls).where(eq(calls.id, callId)).get();
    if (!call?.channelId) return undefined;
    // An inbound call's order points at the call; an outbound call names the order it was made for.
    const order = this.db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.callId, callId)).get();
    return { callId, channelId: call.channelId, hotline: call.hotline, agentId: call.agentId, orderId: order?.id ?? call.orderId ?? null };
  }

  /** The call's recording still being written, if any (one per call: a resumed call keeps its own). */
  activeFor(callId: string): RecordingRow | undefined {
    return this.db
      .select()
      .from(recordings)
      .where(and(eq(recordings.callId, callId), eq(recordings.state, 'recording')))
      .get();
  }

  insert(row: typeof recordings.$inferInsert): void {
    this.db.insert(recordings).values(row).run();
  }

  get(id: string): RecordingRow | undefined {
    return this.db.select().from(recordings).where(eq(recordings.id, id)).get();
  }

  /** Recordings being written whose call has ended (Sunline's side): candidates to move into storage. */
  pendingOfEndedCalls(): Array<RecordingRow & { callEndedAt: number | null }> {
    return this.db
      .select({ r: recordings, callEndedAt: calls.endedAt })
      .from(recordings)
      .innerJoin(calls, eq(calls.id, recordings.callId))
      .where(and(eq(recordings.state, 'recording'), eq(calls.state, 'ended')))
      .all()
      .map((x) => ({ ...x.r, callEndedAt: x.callEndedAt }));
  }

  stored(id: string, v: { storedAt: number; durationMs: number; sizeBytes: number; sha256: string; storageKey: string }): void {
    this.db
      .update(recordings)
      .set({ state: 'stored', ...v })
      .where(and(eq(recordings.id, id), eq(recordings.state, 'recording')))
      .run();
  }

  failed(id: string): void {
    this.db
      .update(recordings)
      .set({ state: 'failed' })
      .where(and(eq(recordings.id, id), eq(recordings.state, 'recording')))
      .run();
  }

  /** Stored or failed recordings started before `before`: the retention purge's work. */
  expired(before: number, limit: number): RecordingRow[] {
    return this.db
      .select()
      .from(recordings)
      .where(and(lt(recordings.startedAt, before), sql`${recordings.state} in ('stored', 'failed')`))
      .orderBy(asc(recordings.startedAt))
      .limit(limit)
      .all();
  }

  /** Marks a recording purged and writes its audit row, in one transaction. */
  purged(id: string, at: number, details: Record<string, unknown>): void {
    this.db.transaction((tx) => {
      tx.update(recordings).set({ state: 'purged', purgedAt: at }).where(eq(recordings.id, id)).run();
      tx.insert(recordingAudit).values({ at, actorId: null, action: 'purge', recordingId: id, range: null, details }).run();
    });
  }

  audit(row: {
    at: number;
    actorId: number | null;
    action: RecordingAuditAction;
    recordingId: string;
    range: string | null;
    details: Record<string, unknown>;
  }): void {
    this.db.insert(recordingAudit).values(row).run();
  }

  auditOf(recordingId: string): RecordingAuditRow[] {
    return this.db.select().from(recordingAudit).where(eq(recordingAudit.recordingId, recordingId)).orderBy(asc(recordingAudit.id)).all();
  }

  ofCall(callId: string): RecordingRow[] {
    return this.db.select().from(recordings).where(eq(recordings.callId, callId)).orderBy(asc(recordings.startedAt)).all();
  }

  ofOrder(orderId: number): RecordingRow[] {
    return this.db.select().from(recordings).where(eq(recordings.orderId, orderId)).orderBy(asc(recordings.startedAt)).all();
  }

  /** An agent's latest recordings, newest first (walks recordings_started_idx backwards). */
  ofAgent(agentId: number, limit: number): RecordingRow[] {
    return this.db.select().from(recordings).where(eq(recordings.agentId, agentId)).orderBy(desc(recordings.startedAt)).limit(limit).all();
  }

  /** The call's hold and resume events (hold marks of its recording). */
  holdEvents(callId: string): Array<{ type: string; at: number }> {
    return this.db
      .select({ type: callEvents.type, at: callEvents.at })
      .from(callEvents)
      .where(and(eq(callEvents.callId, callId), sql`${callEvents.type} in ('held', 'resumed')`))
      .orderBy(asc(callEvents.id))
      .all();
  }
}
