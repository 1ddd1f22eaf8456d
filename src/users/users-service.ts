/** Users and their login sessions. The session token lives only in the cookie; we store its hash. */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { sessions, users, type AdminAuditAction, type UserRole } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import { listAudit, writeAudit, type AuditEntry, type AuditNote } from './admin-audit.js';
import { LoginLockedError, LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { SessionCache } from './session-cache.js';
import type { SessionUser } from './session-user.js';

export type { SessionUser } from './session-user.js';

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
  unitId?: string | null;
  /** The password was set by someone else: the account must change it at its next login. */
  mustChangePassword?: boolean;
}

/** What an administrator may change of an account (undefined: unchanged; unitId null: none). */
export interface AccountPatch {
  readonly displayName?: string;
  readonly role?: UserRole;
  readonly unitId?: string | null;
}

const SYSTEM_USERNAME = '_system';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

// A fixed dummy hash so that an unknown username costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * Accounts and sessions. The session checked on every request comes from an in-memory cache
 * (session-cache.ts says when it is dropped); every change of a session or an account that can
 * end a session goes through here, so that the cache is told in the same call.
 */
export class UsersService {
  /** Sessions by token, for the check on every request and socket event. */
  readonly sessionCache: SessionCache;
  private readonly sessionRow;
  /** SQLite's data_version: moves when another connection commits (undefined without a client). */
  private readonly dataVersion: Database.Statement<[], number> | undefined;
  private lastDataVersion: number | undefined;
  /** Told after sessions ended (logout, disabled user, changed password or role): the sockets re-check theirs. */
  private readonly endListeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly sessionTtlMs: number,
    private readonly now: () => number = Date.now,
    /** Failed logins per username (backoff and lock, whatever the address). */
    readonly loginThrottle: LoginThrottle = new LoginThrottle({ now }),
    sessionCache?: SessionCache,
  ) {
    this.sessionCache = sessionCache ?? new SessionCache();
    // Prepared once: building the join as a drizzle query cost more than running it.
    this.sessionRow = db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('hash')), eq(users.disabled, false)))
      .prepare();
    const client = (db as unknown as { $client?: Database.Database }).$client;
    this.dataVersion = client?.prepare<[], number>('pragma data_version').pluck();
  }

  /** A new account; with `audit`, the audit row is written in the same transaction. */
  async create(u: NewUser, audit?: AuditNote): Promise<SessionUser> {
    const passwordHash = await hashPassword(u.password);
    const row = this.db.transaction((tx) => {
      const row = tx
        .insert(users)
        .values({
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          unitId: u.unitId ?? null,
          passwordHash,
          mustChangePassword: u.mustChangePassword ?? false,
        })
        .returning()
        .get();
      if (audit)
        writeAudit(tx, this.now(), audit, 'user.create', row.id, {
          username: row.username,
          displayName: row.displayName,
          role: row.role,
          unitId: row.unitId,
          mustChangePassword: row.mustChangePassword,
        });
      return row;
    });
    return toSessionUser(row);
  }

  /** Create or update (password, role, name) a user by username: used by seeds. */
  async upsert(u: NewUser): Promise<SessionUser> {
    const existing = this.db.select().from(users).where(eq(users.username, u.username)).get();
    if (!existing) return this.create(u);
    const passwordHash = await hashPassword(u.password);
    const row = this.db
      .update(users)
      .set({ displayName: u.displayName, role: u.role, unitId: u.unitId ?? null, passwordHash, disabled: false })
      .where(eq(users.id, existing.id))
      .returning()
      .get();
    // Its sessions stay, but what they carry (role, unit, name) may have changed.
    this.sessionCache.revokeUser(row.id);
    this.sessionsEnded();
    return toSessionUser(row);
  }

  /**
   * Changes an account's name, role or unit. A changed role or unit ends the account's sessions
   * (what they were allowed to see has changed); a changed name only refreshes them. Returns the
   * account as it is now, or undefined for an unknown user.
   */
  update(userId: number, patch: AccountPatch, audit?: AuditNote): (SessionUser & { readonly disabled: boolean }) | undefined {
    const result = this.db.transaction((tx) => {
      const before = tx.select().from(users).where(eq(users.id, userId)).get();
      if (!before) return undefined;
      const row = tx
        .update(users)
        .set({
          displayName: patch.displayName ?? before.displayName,
          role: patch.role ?? before.role,
          unitId: patch.unitId === undefined ? before.unitId : patch.unitId,
        })
        .where(eq(users.id, userId))
        .returning()
        .get();
      const scopeChanged = row.role !== before.role || row.unitId !== before.unitId;
      if (scopeChanged) tx.delete(sessions).where(eq(sessions.userId, userId)).run();
      if (audit) {
        const changed = (['displayName', 'role', 'unitId'] as const).filter((k) => row[k] !== before[k]);
        const from = Object.fromEntries(changed.map((k) => [k, before[k]]));
        const to = Object.fromEntries(changed.map((k) => [k, row[k]]));
        writeAudit(tx, this.now(), audit, 'user.update', userId, { from, to, sessionsEnded: scopeChanged });
      }
      return { row, scopeChanged };
    });
    if (!result) return undefined;
    this.sessionCache.revokeUser(userId);
    if (result.scopeChanged) this.sessionsEnded();
    return { ...toSessionUser(result.row), disabled: result.row.disabled };
  }

  /** An account by id (disabled ones included), or undefined. */
  byId(userId: number): (SessionUser & { readonly disabled: boolean }) | undefined {
    const row = this.db.select().from(users).where(eq(users.id, userId)).get();
    return row && { ...toSessionUser(row), disabled: row.disabled };
  }

  /**
   * The platform's own account, the actor of automatic changes (e.g. an abandoned call's order
   * becoming a missed-call order). Disabled: it can never log in.
   */
  systemUser(): SessionUser {
    const existing = this.db.select().from(users).where(eq(users.username, SYSTEM_USERNAME)).get();
    if (existing) return toSessionUser(existing);
    const row = this.db
      .insert(users)
      .values({ username: SYSTEM_USERNAME, displayName: 'Sunline', role: 'admin', passwordHash: '!', disabled: true })
      .returning()
      .get();
    return toSessionUser(row);
  }

  /**
   * Returns the session token and user, or null for bad credentials or a disabled user. Throws
   * LoginLockedError while the username is locked after repeated failures (login-throttle.ts),
   * without looking at the password.
   */
  async login(username: string, password: string): Promise<{ token: string; user: SessionUser; expiresAt: number } | null> {
    const wait = this.loginThrottle.attempt(username);
    if (wait > 0) throw new LoginLockedError(wait);
    const row = this.db.select().from(users).where(eq(users.username, username)).get();
    if (!row) {
      dummyHash ??= hashPassword('dummy-password');
      await verifyPassword(password, await dummyHash);
      return null;
    }
    if (row.disabled || !(await verifyPassword(password, row.passwordHash))) return null;
    this.loginThrottle.succeeded(username);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.sessionTtlMs;
    this.db
      .insert(sessions)
      .values({ tokenHash: tokenHash(token), userId: row.id, createdAt: this.now(), expiresAt })
      .run();
    return { token, user: toSessionUser(row), expiresAt };
  }

  /** The user of a live session: not logged out, not expired, the user not disabled. */
  userForToken(token: string): SessionUser | null {
    const now = this.now();
    this.dropCacheIfChangedElsewhere();
    const cached = this.sessionCache.get(token, now);
    if (cached) return cached;
    const row = this.sessionRow.get({ hash: tokenHash(token) });
    if (!row || row.expiresAt <= now) return null;
    const user = toSessionUser(row.user);
    this.sessionCache.set(token, { user, expiresAt: row.expiresAt, readAt: now });
    return user;
  }

  logout(token: string): void {
    this.sessionCache.revoke(token);
    this.db
      .delete(sessions)
      .where(eq(sessions.tokenHash, tokenHash(token)))
      .run();
    this.sessionsEnded();
  }

  /** The user can no longer log in and every session of theirs ends. Returns false for an unknown user. */
  disable(userId: number, audit?: AuditNote): boolean {
    const changed = this.db.transaction((tx) => {
      const n = tx.update(users).set({ disabled: true }).where(eq(users.id, userId)).run().changes;
      tx.delete(sessions).where(eq(sessions.userId, userId)).run();
      if (audit && n > 0) writeAudit(tx, this.now(), audit, 'user.disable', userId);
      return n;
    });
    this.sessionCache.revokeUser(userId);
    this.sessionsEnded();
    return changed > 0;
  }

  /** The user may log in again (their old sessions stay ended). Returns false for an unknown user. */
  enable(userId: number, audit?: AuditNote): boolean {
    return this.db.transaction((tx) => {
      const n = tx.update(users).set({ disabled: false }).where(eq(users.id, userId)).run().changes;
      if (audit && n > 0) writeAudit(tx, this.now(), audit, 'user.enable', userId);
      return n > 0;
    });
  }

  /** Lifts the login lock of an existing account (login-throttle.ts), audited. */
  unlockLogin(userId: number, audit: AuditNote): void {
    this.db.transaction((tx) => {
      const row = tx.select({ username: users.username }).from(users).where(eq(users.id, userId)).get();
      if (!row) return;
      writeAudit(tx, this.now(), audit, 'user.unlock', userId, { wasLockedForMs: this.loginThrottle.lockedFor(row.username) });
      this.loginThrottle.unlock(row.username);
    });
  }

  /**
   * An administrative action that changes no row of ours (a live queue penalty, a prompt file),
   * written to the audit log once the change succeeded; `targetUserId` null when no account is its object.
   */
  recordAction(action: AdminAuditAction, targetUserId: number | null, note: AuditNote, extra: Record<string, unknown> = {}): void {
    writeAudit(this.db, this.now(), note, action, targetUserId, extra);
  }

  /** The audit log of account administration, newest first (admin-audit.ts). */
  auditLog(opts: { limit: number; beforeId?: number; targetUserId?: number }): AuditEntry[] {
    return listAudit(this.db, opts);
  }

  /** Whether the user exists (the platform's own account included). */
  exists(userId: number): boolean {
    return this.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get() !== undefined;
  }

  /**
   * A new password; every session of the user ends (they log in again with it) except
   * `keepToken`'s, the session that asked for the change. `mustChange`: the account must change
   * it at its next login (an administrator's reset); otherwise a pending forced change is done.
   */
  async changePassword(userId: number, password: string, keepToken?: string, audit?: AuditNote, mustChange = false): Promise<void> {
    const passwordHash = await hashPassword(password);
    const kept = keepToken === undefined ? undefined : tokenHash(keepToken);
    this.db.transaction((tx) => {
      tx.update(users).set({ passwordHash, mustChangePassword: mustChange }).where(eq(users.id, userId)).run();
      if (audit) writeAudit(tx, this.now(), audit, 'user.password', userId, { mustChangePassword: mustChange });
      tx.delete(sessions)
        .where(kept === undefined ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.tokenHash, kept)))
        .run();
    });
    this.sessionCache.revokeUser(userId);
    this.sessionsEnded();
  }

  /**
   * A signed-in user's own password change: the current password is checked first, counted by
   * the login throttle like a login (a stolen session cannot guess the password at will), then
   * every other session of theirs ends. Throws WRONG_PASSWORD or LoginLockedError.
   */
  async changeOwnPassword(user: SessionUser, current: string, next: string, token: string): Promise<void> {
    const wait = this.loginThrottle.attempt(user.username);
    if (wait > 0) throw new LoginLockedError(wait);
    const row = this.db.select().from(users).where(eq(users.id, user.id)).get();
    if (!row || row.disabled || !(await verifyPassword(current, row.passwordHash))) throw new AppError('WRONG_PASSWORD');
    this.loginThrottle.succeeded(user.username);
    await this.changePassword(user.id, next, token);
  }

  /** Whether an enabled administrator account exists (the platform's own account is not one). */
  hasAdmin(): boolean {
    const row = this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.username, SYSTEM_USERNAME)))
      .get();
    return row !== undefined;
  }

  /** `listener` runs after any session may have ended; returns the unsubscribe. */
  onSessionsEnded(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private sessionsEnded(): void {
    for (const listener of this.endListeners) listener();
  }

  /**
   * SQLite's data_version on our connection: it moves when another connection (another process
   * on the same file, such as `sunline users disable`) commits; undefined without a client.
   */
  commitsElsewhere(): number | undefined {
    return this.dataVersion?.get();
  }

  /**
   * Another connection (another process on the same file) may have ended a session or disabled
   * a user: data_version tells that something was committed there, and the cache starts over.
   */
  private dropCacheIfChangedElsewhere(): void {
    if (!this.dataVersion) return;
    const v = this.dataVersion.get();
    if (v !== this.lastDataVersion) {
      if (this.lastDataVersion !== undefined) this.sessionCache.clear();
      this.lastDataVersion = v;
    }
  }

  /** An account by username (disabled ones included), or undefined. */
  byUsername(username: string): (SessionUser & { readonly disabled: boolean }) | undefined {
    const row = this.db.select().from(users).where(eq(users.username, username)).get();
    return row && { ...toSessionUser(row), disabled: row.disabled };
  }

  /** Every account but the platform's own, by username. */
  list(): (SessionUser & { readonly disabled: boolean })[] {
    return this.db
      .select()
      .from(users)
      .where(ne(users.username, SYSTEM_USERNAME))
      .orderBy(users.username)
      .all()
      .map((row) => ({ ...toSessionUser(row), disabled: row.disabled }));
  }

  purgeExpiredSessions(): number {
    return this.db.delete(sessions).where(lt(sessions.expiresAt, this.now())).run().changes;
  }
}

function toSessionUser(row: typeof users.$inferSelect): SessionUser {
  return { id: row.id, username: row.username, displayName: row.displayName, role: row.role, unitId: row.unitId, mustChangePassword: row.mustChangePassword };
}
