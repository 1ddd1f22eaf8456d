/** The supervision audit's repository on PostgreSQL (audit-store.ts; the async port: db/postgres-async.ts). */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { supervisionAudit } from '../db/schema-pg.js';
import type { SupervisionAuditDto } from '../contract/supervision.js';
import type { SupervisionAuditQueries, SupervisionAuditQuery, SupervisionAuditStore } from './audit-store.js';
import type { SupervisionAuditEntry } from './supervisor.js';

class PgSupervisionAuditQueries implements SupervisionAuditQueries {
  constructor(private readonly db: PgConn) {}

  async insertEntry(row: SupervisionAuditEntry): Promise<void> {
    await this.db.insert(supervisionAudit).values(row);
  }

  listEntries(q: SupervisionAuditQuery): Promise<SupervisionAuditDto[]> {
    const where: SQL[] = [];
    if (q.callId !== undefined) where.push(eq(supervisionAudit.callId, q.callId));
    if (q.leadId !== undefined) where.push(eq(supervisionAudit.leadId, q.leadId));
    return this.db
      .select()
      .from(supervisionAudit)
      .where(where.length > 0 ? and(...where) : undefined)
      .orderBy(desc(supervisionAudit.id))
      .limit(q.limit);
  }
}

export function pgSupervisionAuditStore(db: PostgresAsyncDb): SupervisionAuditStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgSupervisionAuditQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgSupervisionAuditQueries(tx))),
  };
}
