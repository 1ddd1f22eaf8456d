/**
 * The supervision_audit table (issue 13 item 3): who listened to, whispered to or barged into
 * which call, when, in which mode, and why it ended (PIPL, like recording_audit). Append-only:
 * rows are inserted, never updated or deleted. The statements are the store's (audit-store.ts:
 * SQLite or PostgreSQL, decision 0017).
 *
 * Rows are written in the order `write` is called, one after the other: the supervisor does not
 * wait for them (its start, switch and stop take no extra I/O turn), and on PostgreSQL two
 * inserts on different pooled clients could otherwise commit, and take their ids, out of order
 * (a stop listed before its start).
 */
import type { SupervisionAuditDto } from '../contract/supervision.js';
import type { SupervisionAuditQuery, SupervisionAuditStore } from './audit-store.js';
import type { SupervisionAuditEntry } from './supervisor.js';

export class SupervisionAuditLog {
  /** The last write; the next one starts when it has settled. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: SupervisionAuditStore) {}

  /** Resolves once this row (and every row written before it) is committed; rejects if its insert failed. */
  write(row: SupervisionAuditEntry): Promise<void> {
    const written = this.tail.then(() => this.store.transaction((tx) => tx.insertEntry(row)));
    this.tail = written.catch(() => undefined);
    return written;
  }

  /** Newest first; by call and/or lead. */
  list(q: SupervisionAuditQuery): Promise<SupervisionAuditDto[]> {
    return this.store.read((r) => r.listEntries(q));
  }

  /** Resolves when every write asked for so far has settled (at shutdown). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
