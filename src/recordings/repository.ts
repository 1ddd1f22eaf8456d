/**
 * The recordings and recording_audit tables (issue 13) above the port (recordings-store.ts,
 * decision 0017): the rules written once for both dialects. recording_audit is append-only:
 * rows are inserted, never updated or deleted (PIPL: who heard which citizen's voice, and when);
 * a purge and its audit row are one transaction.
 */
import type {
  CallToRecord,
  NewRecordingAudit,
  RecordedOrder,
  RecordingAuditRow,
  RecordingInsert,
  RecordingRow,
  RecordingsStore,
  StoredFile,
} from './recordings-store.js';

export type { CallToRecord, RecordingAuditRow, RecordingRow } from './recordings-store.js';

export class RecordingsRepository {
  constructor(private readonly store: RecordingsStore) {}

  callToRecord(callId: string): Promise<CallToRecord | undefined> {
    return this.store.read((q) => q.callToRecord(callId));
  }

  /** The call's recording still being written, if any (one per call: a resumed call keeps its own). */
  activeFor(callId: string): Promise<RecordingRow | undefined> {
    return this.store.read((q) => q.activeFor(callId));
  }

  insert(row: RecordingInsert): Promise<void> {
    return this.store.transaction((tx) => tx.insert(row));
  }

  get(id: string): Promise<RecordingRow | undefined> {
    return this.store.read((q) => q.get(id));
  }

  /** Recordings being written whose call has ended (Sunline's side): candidates to move into storage. */
  pendingOfEndedCalls(): Promise<Array<RecordingRow & { callEndedAt: number | null }>> {
    return this.store.read((q) => q.pendingOfEndedCalls());
  }

  stored(id: string, v: StoredFile): Promise<boolean> {
    return this.store.transaction((tx) => tx.markStored(id, v));
  }

  failed(id: string): Promise<boolean> {
    return this.store.transaction((tx) => tx.markFailed(id));
  }

  /** Stored or failed recordings started before `before`: the retention purge's work. */
  expired(before: number, limit: number): Promise<RecordingRow[]> {
    return this.store.read((q) => q.expired(before, limit));
  }

  /**
   * Marks a recording purged and writes its audit row by the system, in one transaction; false
   * (and no audit row) when it was purged meanwhile (another node's purge).
   */
  purged(id: string, at: number, details: Record<string, unknown>): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.markPurged(id, at))) return false;
      await tx.insertAudits([{ at, actorId: null, action: 'purge', recordingId: id, range: null, details }]);
      return true;
    });
  }

  /** One access's audit row; resolves once it is committed (playback sends no byte before). */
  audit(row: NewRecordingAudit): Promise<void> {
    return this.store.transaction((tx) => tx.insertAudits([row]));
  }

  /**
   * One list's audit rows, one per recording it shows, in one transaction; resolves once they are
   * committed (the list is not answered before). None for an empty list: no transaction.
   */
  async auditAll(rows: readonly NewRecordingAudit[]): Promise<void> {
    if (rows.length === 0) return;
    await this.store.transaction((tx) => tx.insertAudits(rows));
  }

  auditOf(recordingId: string): Promise<RecordingAuditRow[]> {
    return this.store.read((q) => q.auditOf(recordingId));
  }

  ofCall(callId: string): Promise<RecordingRow[]> {
    return this.store.read((q) => q.ofCall(callId));
  }

  ofOrder(orderId: number): Promise<RecordingRow[]> {
    return this.store.read((q) => q.ofOrder(orderId));
  }

  /** An agent's latest recordings, newest first. */
  ofAgent(agentId: number, limit: number): Promise<RecordingRow[]> {
    return this.store.read((q) => q.ofAgent(agentId, limit));
  }

  /** The call's hold and resume events (hold marks of its recording). */
  holdEvents(callId: string): Promise<Array<{ type: string; at: number }>> {
    return this.store.read((q) => q.holdEvents(callId));
  }

  orderUnits(orderId: number): Promise<RecordedOrder | undefined> {
    return this.store.read((q) => q.orderUnits(orderId));
  }
}
