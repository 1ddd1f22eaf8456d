/**
 * The supervision_audit table (issue 13 item 3): who listened to, whispered to or barged into
 * which call, when, in which mode, and why it ended (PIPL, like recording_audit). Append-only:
 * rows are inserted, never updated or deleted.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { supervisionAudit } from '../db/schema.js';
import type { SupervisionAuditDto } from '../contract/supervision.js';
import type { SupervisionAuditEntry } from './supervisor.js';

export class SupervisionAuditLog {
  constructor(private readonly db: Db) {}

  write(row: SupervisionAuditEntry): void {
    this.db.insert(supervisionAudit).values(row).run();
  }

  /** Newest first; by call and/or lead. */
  list(q: { callId?: string | undefined; leadId?: number | undefined; limit: number }): SupervisionAuditDto[] {
    const where: SQL[] = [];
    if (q.callId !== undefined) where.push(eq(supervisionAudit.callId, q.callId));
    if (q.leadId !== undefined) where.push(eq(supervisionAudit.leadId, q.leadId));
    return this.db
      .select()
      .from(supervisionAudit)
      .where(where.length > 0 ? and(...where) : undefined)
      .orderBy(desc(supervisionAudit.id))
      .limit(q.limit)
      .all();
  }
}
