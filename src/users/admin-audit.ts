/**
 * The audit log of account administration (issue 11 item 1): one row per administrative action,
 * written by UsersService in the same transaction as the change it records, so that a change
 * without its row (or a row without its change) cannot exist. A refused action writes none.
 * `details` carries what changed (name, role, unit, how the password was set), never a password.
 * Administrative changes that are not accounts' rows (a live queue penalty, a prompt upload) are
 * written through UsersService.recordAction right after the change succeeded.
 *
 * UsersService writes and reads its rows through its store (users-store.ts, asynchronous); the
 * agents' skills store writes its `user.skills` rows the same way inside its own transaction
 * (agents/skills-store.ts).
 */
import type { AdminAuditAction } from '../db/schema.js';

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
