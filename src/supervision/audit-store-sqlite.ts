/** The supervision audit's repository on SQLite (audit-store.ts; the async port: db/sqlite-async.ts). */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { supervisionAudit } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import type { SupervisionAuditDto } from '../contract/supervision.js';
import type { SupervisionAuditQueries, SupervisionAuditQuery, SupervisionAuditStore } from './audit-store.js';
import type { SupervisionAuditEntry } from './supervisor.js';

class SqliteSupervisionAuditQueries implements SupervisionAuditQueries {
  constructor(private readonly conn: SqliteConn) {}

  insertEntry(row: SupervisionAuditEntry): Promise<void> {
    return this.conn.run((db) => {
      db.insert(supervisionAudit).values(row).run();
    });
  }

  listEntries(q: SupervisionAuditQuery): Promise<SupervisionAuditDto[]> {
    const where: SQL[] = [];
    if (q.callId !== undefined) where.push(eq(supervisionAudit.callId, q.callId));
    if (q.leadId !== undefined) where.push(eq(supervisionAudit.leadId, q.leadId));
    return this.conn.run((db) =>
      db
        .select()
        .from(supervisionAudit)
        .where(where.length > 0 ? and(...where) : undefined)
        .orderBy(desc(supervisionAudit.id))
        .limit(q.limit)
        .all(),
    );
  }
}

export function sqliteSupervisionAuditStore(db: SqliteAsyncDb): SupervisionAuditStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteSupervisionAuditQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteSupervisionAuditQueries(tx))),
  };
}
