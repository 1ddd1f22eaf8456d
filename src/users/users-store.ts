/**
 * The accounts and login sessions repository as a port (issue 16, decision 0017): the
 * statements UsersService needs, asynchronous, in one of two dialects (users-store-sqlite.ts,
 * users-store-pg.ts), each checked by the same contract suite (test/users/users-store.test.ts)
 * against a real database. The domain rules (who may change what, which sessions end, the
 * session cache, the audit's content) stay in UsersService, written once.
 */
import type { AdminAuditAction, users } from '../db/schema.js';
import { uniqueViolation, type Dialect } from '../db/async-db.js';
import { AccountError } from './account-errors.js';
import type { AuditEntry } from './admin-audit.js';

/** An account's row (the same type in both schema files: test/db/dialect-parity.test.ts). */
export type UserRow = typeof users.$inferSelect;
export type NewUserRow = Pick<typeof users.$inferInsert, 'username' | 'displayName' | 'role' | 'unitId' | 'passwordHash' | 'mustChangePassword' | 'disabled'>;
export type UserChange = Partial<Pick<UserRow, 'displayName' | 'role' | 'unitId' | 'passwordHash' | 'disabled' | 'mustChangePassword'>>;

export interface NewSessionRow {
  readonly tokenHash: string;
  readonly userId: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface NewAuditRow {
  readonly at: number;
  readonly actorId: number;
  readonly action: AdminAuditAction;
  readonly targetUserId: number | null;
  readonly details: Record<string, unknown>;
}

export interface AuditQuery {
  readonly limit: number;
  readonly beforeId?: number;
  readonly targetUserId?: number;
}

/** The statements, on one connection or inside one transaction. */
export interface UsersQueries {
  userById(id: number): Promise<UserRow | undefined>;
  userByUsername(username: string): Promise<UserRow | undefined>;
  /** Throws AccountError USERNAME_TAKEN when the username exists (in both dialects: the unique index). */
  insertUser(row: NewUserRow): Promise<UserRow>;
  /** The row as changed, or undefined for an unknown id. */
  updateUser(id: number, change: UserChange): Promise<UserRow | undefined>;
  /** Every account but `exceptUsername`, by username. */
  listUsers(exceptUsername: string): Promise<UserRow[]>;
  /** Whether an enabled administrator other than `exceptUsername` exists. */
  hasEnabledAdmin(exceptUsername: string): Promise<boolean>;
  insertSession(row: NewSessionRow): Promise<void>;
  /** The session of this token hash with its user, if the user is enabled (expiry is the caller's to check). */
  sessionByTokenHash(tokenHash: string): Promise<{ user: UserRow; expiresAt: number } | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes the user's sessions (but `exceptTokenHash`'s); resolves to how many. */
  deleteSessionsOf(userId: number, exceptTokenHash?: string): Promise<number>;
  /** Deletes the sessions that expired before `now`; resolves to how many. */
  deleteSessionsExpiredBefore(now: number): Promise<number>;
  insertAudit(row: NewAuditRow): Promise<void>;
  /** Newest first (admin-audit.ts). */
  listAudit(q: AuditQuery): Promise<AuditEntry[]>;
}

export interface UsersStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: UsersQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: UsersQueries) => Promise<T>): Promise<T>;
  /**
   * A number that moves when another process committed to the same database: SQLite's
   * data_version on the writer connection; on PostgreSQL the count of `sunline_users`
   * notifications (db/postgres-commit-signal.ts). Undefined where there is none.
   */
  commitsElsewhere(): number | undefined;
}

/** SQLite names the columns of a violated unique index, PostgreSQL the index. */
const USERNAME_UNIQUE = new Set(['users.username', 'users_username_uq']);

/** A failed insert or update of an account, as the domain error it stands for (else unchanged). */
export function accountWriteError(err: unknown): unknown {
  const v = uniqueViolation(err);
  if (v && USERNAME_UNIQUE.has(v.target)) return new AccountError('USERNAME_TAKEN', undefined, { cause: err });
  return err;
}
