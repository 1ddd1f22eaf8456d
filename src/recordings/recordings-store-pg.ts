/** The recordings repository on PostgreSQL (recordings-store.ts; the async port: db/postgres-async.ts). */
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { callEvents, calls, recordingAudit, recordings, workOrders } from '../db/schema-pg.js';
import type {
  CallToRecord,
  NewRecordingAudit,
  RecordingAuditRow,
  RecordingInsert,
  RecordingRow,
  RecordingsQueries,
  RecordingsStore,
  StoredFile,
  RecordedOrder,
} from './recordings-store.js';

class PgRecordingsQueries implements RecordingsQueries {
  constructor(private readonly db: PgConn) {}

  async callToRecord(callId: string): Promise<CallToRecord | undefined> {
    // The call and its order in one statement: one snapshot under READ COMMITTED.
    const [row] = await this.db
      .select({ channelId: calls.channelId, hotline: calls.hotline, agentId: calls.agentId, outboundOrderId: calls.orderId, ownOrderId: workOrders.id })
      .from(calls)
      .leftJoin(workOrders, eq(workOrders.callId, calls.id))
      .where(eq(calls.id, callId))
      .orderBy(asc(workOrders.id))
      .limit(1);
    if (!row?.channelId) return undefined;
    return { callId, channelId: row.channelId, hotline: row.hotline, agentId: row.agentId, orderId: row.ownOrderId ?? row.outboundOrderId ?? null };
  }

  async activeFor(callId: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db
      .select()
      .from(recordings)
      .where(and(eq(recordings.callId, callId), eq(recordings.state, 'recording')))
      .limit(1);
    return row;
  }

  async insert(row: RecordingInsert): Promise<void> {
    await this.db.insert(recordings).values(row);
  }

  async get(id: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db.select().from(recordings).where(eq(recordings.id, id));
    return row;
  }

  async pendingOfEndedCalls(): Promise<Array<RecordingRow & { callEndedAt: number | null }>> {
    const rows = await this.db
      .select({ r: recordings, callEndedAt: calls.endedAt })
      .from(recordings)
      .innerJoin(calls, eq(calls.id, recordings.callId))
      .where(and(eq(recordings.state, 'recording'), eq(calls.state, 'ended')));
    return rows.map((x) => ({ ...x.r, callEndedAt: x.callEndedAt }));
  }

  async markStored(id: string, v: StoredFile): Promise<boolean> {
    const rows = await this.db
      .update(recordings)
      .set({ state: 'stored', ...v })
      .where(and(eq(recordings.id, id), eq(recordings.state, 'recording')))
      .returning({ id: recordings.id });
    return rows.length === 1;
  }

  async markFailed(id: string): Promise<boolean> {
    const rows = await this.db
      .update(recordings)
      .set({ state: 'failed' })
      .where(and(eq(recordings.id, id), eq(recordings.state, 'recording')))
      .returning({ id: recordings.id });
    return rows.length === 1;
  }

  expired(before: number, limit: number): Promise<RecordingRow[]> {
    return this.db
      .select()
      .from(recordings)
      .where(and(lt(recordings.startedAt, before), inArray(recordings.state, ['stored', 'failed'])))
      .orderBy(asc(recordings.startedAt))
      .limit(limit);
  }

  async markPurged(id: string, at: number): Promise<boolean> {
    // A row another node is purging is locked by its UPDATE: this one waits for that commit,
    // re-reads the row (READ COMMITTED) and no longer matches.
    const rows = await this.db
      .update(recordings)
      .set({ state: 'purged', purgedAt: at })
      .where(and(eq(recordings.id, id), inArray(recordings.state, ['stored', 'failed'])))
      .returning({ id: recordings.id });
    return rows.length === 1;
  }

  async insertAudits(rows: readonly NewRecordingAudit[]): Promise<void> {
    // drizzle refuses an insert of no values.
    if (rows.length === 0) return;
    await this.db.insert(recordingAudit).values([...rows]);
  }

  auditOf(recordingId: string): Promise<RecordingAuditRow[]> {
    return this.db.select().from(recordingAudit).where(eq(recordingAudit.recordingId, recordingId)).orderBy(asc(recordingAudit.id));
  }

  ofCall(callId: string): Promise<RecordingRow[]> {
    return this.db.select().from(recordings).where(eq(recordings.callId, callId)).orderBy(asc(recordings.startedAt), asc(recordings.id));
  }

  ofOrder(orderId: number): Promise<RecordingRow[]> {
    return this.db.select().from(recordings).where(eq(recordings.orderId, orderId)).orderBy(asc(recordings.startedAt), asc(recordings.id));
  }

  ofAgent(agentId: number, limit: number): Promise<RecordingRow[]> {
    return this.db.select().from(recordings).where(eq(recordings.agentId, agentId)).orderBy(desc(recordings.startedAt), desc(recordings.id)).limit(limit);
  }

  holdEvents(callId: string): Promise<Array<{ type: string; at: number }>> {
    return this.db
      .select({ type: callEvents.type, at: callEvents.at })
      .from(callEvents)
      .where(and(eq(callEvents.callId, callId), inArray(callEvents.type, ['held', 'resumed'])))
      .orderBy(asc(callEvents.id));
  }

  async orderUnits(orderId: number): Promise<RecordedOrder | undefined> {
    const [row] = await this.db
      .select({ leadUnitId: workOrders.leadUnitId, coUnitIds: workOrders.coUnitIds, confidential: workOrders.confidential })
      .from(workOrders)
      .where(eq(workOrders.id, orderId));
    return row;
  }
}

export function pgRecordingsStore(db: PostgresAsyncDb): RecordingsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgRecordingsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgRecordingsQueries(tx))),
  };
}
