/** The recordings repository on SQLite (recordings-store.ts; the async port: db/sqlite-async.ts). */
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { callEvents, calls, recordingAudit, recordings, workOrders } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
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

class SqliteRecordingsQueries implements RecordingsQueries {
  constructor(private readonly conn: SqliteConn) {}

  callToRecord(callId: string): Promise<CallToRecord | undefined> {
    // The call and its order in one run(): one snapshot.
    return this.conn.run((db) => {
      const call = db.select().from(calls).where(eq(calls.id, callId)).get();
      if (!call?.channelId) return undefined;
      // An inbound call's order points at the call; an outbound call names the order it was made for.
      const order = db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.callId, callId)).get();
      return { callId, channelId: call.channelId, hotline: call.hotline, agentId: call.agentId, orderId: order?.id ?? call.orderId ?? null };
    });
  }

  activeFor(callId: string): Promise<RecordingRow | undefined> {
    return this.conn.run((db) =>
      db
        .select()
        .from(recordings)
        .where(and(eq(recordings.callId, callId), eq(recordings.state, 'recording')))
        .get(),
    );
  }

  insert(row: RecordingInsert): Promise<void> {
    return this.conn.run((db) => {
      db.insert(recordings).values(row).run();
    });
  }

  get(id: string): Promise<RecordingRow | undefined> {
    return this.conn.run((db) => db.select().from(recordings).where(eq(recordings.id, id)).get());
  }

  pendingOfEndedCalls(): Promise<Array<RecordingRow & { callEndedAt: number | null }>> {
    return this.conn.run((db) =>
      db
        .select({ r: recordings, callEndedAt: calls.endedAt })
        .from(recordings)
        .innerJoin(calls, eq(calls.id, recordings.callId))
        .where(and(eq(recordings.state, 'recording'), eq(calls.state, 'ended')))
        .all()
        .map((x) => ({ ...x.r, callEndedAt: x.callEndedAt })),
    );
  }

  markStored(id: string, v: StoredFile): Promise<boolean> {
    return this.conn.run(
      (db) =>
        db
          .update(recordings)
          .set({ state: 'stored', ...v })
          .where(and(eq(recordings.id, id), eq(recordings.state, 'recording')))
          .run().changes === 1,
    );
  }

  markFailed(id: string): Promise<boolean> {
    return this.conn.run(
      (db) =>
        db
          .update(recordings)
          .set({ state: 'failed' })
          .where(and(eq(recordings.id, id), eq(recordings.state, 'recording')))
          .run().changes === 1,
    );
  }

  expired(before: number, limit: number): Promise<RecordingRow[]> {
    return this.conn.run((db) =>
      db
        .select()
        .from(recordings)
        .where(and(lt(recordings.startedAt, before), inArray(recordings.state, ['stored', 'failed'])))
        .orderBy(asc(recordings.startedAt))
        .limit(limit)
        .all(),
    );
  }

  markPurged(id: string, at: number): Promise<boolean> {
    return this.conn.run(
      (db) =>
        db
          .update(recordings)
          .set({ state: 'purged', purgedAt: at })
          .where(and(eq(recordings.id, id), inArray(recordings.state, ['stored', 'failed'])))
          .run().changes === 1,
    );
  }

  async insertAudits(rows: readonly NewRecordingAudit[]): Promise<void> {
    // drizzle refuses an insert of no values.
    if (rows.length === 0) return;
    await this.conn.run((db) => {
      db.insert(recordingAudit)
        .values([...rows])
        .run();
    });
  }

  auditOf(recordingId: string): Promise<RecordingAuditRow[]> {
    return this.conn.run((db) => db.select().from(recordingAudit).where(eq(recordingAudit.recordingId, recordingId)).orderBy(asc(recordingAudit.id)).all());
  }

  ofCall(callId: string): Promise<RecordingRow[]> {
    return this.conn.run((db) =>
      db.select().from(recordings).where(eq(recordings.callId, callId)).orderBy(asc(recordings.startedAt), asc(recordings.id)).all(),
    );
  }

  ofOrder(orderId: number): Promise<RecordingRow[]> {
    return this.conn.run((db) =>
      db.select().from(recordings).where(eq(recordings.orderId, orderId)).orderBy(asc(recordings.startedAt), asc(recordings.id)).all(),
    );
  }

  ofAgent(agentId: number, limit: number): Promise<RecordingRow[]> {
    // Walks recordings_started_idx backwards.
    return this.conn.run((db) =>
      db.select().from(recordings).where(eq(recordings.agentId, agentId)).orderBy(desc(recordings.startedAt), desc(recordings.id)).limit(limit).all(),
    );
  }

  holdEvents(callId: string): Promise<Array<{ type: string; at: number }>> {
    return this.conn.run((db) =>
      db
        .select({ type: callEvents.type, at: callEvents.at })
        .from(callEvents)
        .where(and(eq(callEvents.callId, callId), inArray(callEvents.type, ['held', 'resumed'])))
        .orderBy(asc(callEvents.id))
        .all(),
    );
  }

  orderUnits(orderId: number): Promise<RecordedOrder | undefined> {
    return this.conn.run((db) =>
      db
        .select({ leadUnitId: workOrders.leadUnitId, coUnitIds: workOrders.coUnitIds, confidential: workOrders.confidential })
        .from(workOrders)
        .where(eq(workOrders.id, orderId))
        .get(),
    );
  }
}

export function sqliteRecordingsStore(db: SqliteAsyncDb): RecordingsStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteRecordingsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteRecordingsQueries(tx))),
  };
}
