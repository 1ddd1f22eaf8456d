/**
 * The audit log of account administration (issue 11 item 1): one row per administrative action,
 * written by UsersService in the same transaction as the change it records, so that a change
 * without its row (or a row without its change) cannot exist. A refused action writes none.
 * `details` carries what changed (name, role, unit, how the password was set), never a password.
 * Administrative changes that are not accounts' rows (a live queue penalty, a prompt upload) are
 * written through UsersService.recordAction right after the change succeeded.
 *
 * UsersService writes and reads its rows through its store (users-store.ts, asynchronous);
 * `writeAudit` below is for the repositories still on the synchronous SQLite connection
 * (agents/skills.ts), inside their own transaction.
 */
import type { Db } from '../db/connection.js';
import { adminAudit, type AdminAuditAction } from '../db/schema.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Who acts and anything the row should add; UsersService fills in the action and the target. */
export interface AuditNote {
  readonly actorId: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actorId: number;
  readonly action: AdminAuditAction;
  readonly targetUserId: number | null;
  readonly details: Record<string, unknown>;
}

/** Writes the row inside `tx` (a synchronous SQLite transaction); `extra` (what the change did) goes into details after the note's. */
export function writeAudit(
  tx: Db | Tx,
  at: number,
  note: AuditNote,
  action: AdminAuditAction,
  targetUserId: number | null,
  extra: Record<string, unknown> = {},
): void {
  tx.insert(adminAudit)
    .values({ at, actorId: note.actorId, action, targetUserId, details: { ...note.details, ...extra } })
    .run();
}
