/**
 * The supervision audit's repository as a port (issue 16, decision 0017): its two statements,
 * asynchronous, in one of two dialects (audit-store-sqlite.ts, audit-store-pg.ts), held to the
 * same behaviour by one contract suite (test/supervision/audit-store.test.ts). The order of the
 * writes stays SupervisionAuditLog's (audit.ts), written once.
 */
import type { Dialect } from '../db/async-db.js';
import type { SupervisionAuditDto } from '../contract/supervision.js';
import type { SupervisionAuditEntry } from './supervisor.js';

export interface SupervisionAuditQuery {
  readonly callId?: string | undefined;
  readonly leadId?: number | undefined;
  readonly limit: number;
}

/** The statements, on one connection or inside one transaction. */
export interface SupervisionAuditQueries {
  insertEntry(row: SupervisionAuditEntry): Promise<void>;
  /** Newest first; by call and/or lead. */
  listEntries(q: SupervisionAuditQuery): Promise<SupervisionAuditDto[]>;
}

export interface SupervisionAuditStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: SupervisionAuditQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: SupervisionAuditQueries) => Promise<T>): Promise<T>;
}
