/** Users and their login sessions. The session token lives only in the cookie; we store its hash. */
import { createHash, randomBytes } from 'node:crypto';
import type { AdminAuditAction, UserRole } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import { AccountError } from './account-errors.js';
import type { AuditEntry, AuditNote } from './admin-audit.js';
import { LoginLockedError, LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { SessionCache } from './session-cache.js';
import { SessionRevocations, type SessionRevocation } from './session-revocations.js';
import type { SessionUser } from './session-user.js';
import type { NewAuditRow, UserRow, UsersStore } from './users-store.js';

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
 * end a session goes through here, so that the cache is told in the same call. The statements
 * are the store's (users-store.ts: SQLite or PostgreSQL, asynchronous, decision 0017); a change
 * and its audit row share one transaction.
 */
export class UsersService {
  /** Sessions by token, for the check on every request and socket event. */
  readonly sessionCache: SessionCache;
  private lastDataVersion: number | undefined;
  /** Told after sessions ended (logout, disabled user, changed password or role): the sockets re-check theirs. */
  private readonly endListeners = new Set<() => void>();
  /** Told of each revocation once committed, for the other nodes' caches (app.ts: through Redis). */
  private readonly revocations = new SessionRevocations();
  /** The platform's own account, once read or made (it never changes). */
  private system: Promise<SessionUser> | undefined;

  constructor(
    private readonly store: UsersStore,
    private readonly sessionTtlMs: number,
    private readonly now: () => number = Date.now,
    /** Failed logins per username (backoff and lock, whatever the address). */
    readonly loginThrottle: LoginThrottle = new LoginThrottle({ now }),
    sessionCache?: SessionCache,
  ) {
    this.sessionCache = sessionCache ?? new SessionCache();
  }

  /** A new account; with `audit`, the audit row is written in the same transaction. Throws USERNAME_TAKEN. */
  async create(u: NewUser, audit?: AuditNote): Promise<SessionUser> {
    const passwordHash = await hashPassword(u.password);
    const row = await this.store.transaction(async (tx) => {
      const row = await tx.insertUser({
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        unitId: u.unitId ?? null,
        passwordHash,
        mustChangePassword: u.mustChangePassword ?? false,
        disabled: false,
      });
      if (audit)
        await tx.insertAudit(
          auditRow(this.now(), audit, 'user.create', row.id, {
            username: row.username,
            displayName: row.displayName,
            role: row.role,
            unitId: row.unitId,
            mustChangePassword: row.mustChangePassword,
          }),
        );
      return row;
    });
    return toSessionUser(row);
  }

  /** Create or update (password, role, name) a user by username: used by seeds. */
  async upsert(u: NewUser): Promise<SessionUser> {
    const existing = await this.store.read((q) => q.userByUsername(u.username));
    if (!existing) return this.create(u);
    const passwordHash = await hashPassword(u.password);
    const row = (await this.store.transaction((tx) =>
      tx.updateUser(existing.id, { displayName: u.displayName, role: u.role, unitId: u.unitId ?? null, passwordHash, disabled: false }),
    ))!;
    // Its sessions stay, but what they carry (role, unit, name) may have changed.
    this.sessionCache.revokeUser(row.id);
    this.revocations.emit({ kind: 'user', userId: row.id });
    this.sessionsEnded();
    return toSessionUser(row);
  }

  /**
   * Changes an account's name, role or unit. A changed role or unit ends the account's sessions
   * (what they were allowed to see has changed); a changed name only refreshes them. Returns the
   * account as it is now, or undefined for an unknown user.
   */
  async update(userId: number, patch: AccountPatch, audit?: AuditNote): Promise<(SessionUser & { readonly disabled: boolean }) | undefined> {
    const result = await this.store.transaction(async (tx) => {
      const before = await tx.userById(userId);
      if (!before) return undefined;
      const row = (await tx.updateUser(userId, {
        displayName: patch.displayName ?? before.displayName,
        role: patch.role ?? before.role,
        unitId: patch.unitId === undefined ? before.unitId : patch.unitId,
      }))!;
      const scopeChanged = row.role !== before.role || row.unitId !== before.unitId;
      if (scopeChanged) await tx.deleteSessionsOf(userId);
      if (audit) {
        const changed = (['displayName', 'role', 'unitId'] as const).filter((k) => row[k] !== before[k]);
        const from = Object.fromEntries(changed.map((k) => [k, before[k]]));
        const to = Object.fromEntries(changed.map((k) => [k, row[k]]));
        await tx.insertAudit(auditRow(this.now(), audit, 'user.update', userId, { from, to, sessionsEnded: scopeChanged }));
      }
      return { row, scopeChanged };
    });
    if (!result) return undefined;
    this.sessionCache.revokeUser(userId);
    this.revocations.emit({ kind: 'user', userId });
    if (result.scopeChanged) this.sessionsEnded();
    return { ...toSessionUser(result.row), disabled: result.row.disabled };
  }

  /** An account by id (disabled ones included), or undefined. */
  async byId(userId: number): Promise<(SessionUser & { readonly disabled: boolean }) | undefined> {
    const row = await this.store.read((q) => q.userById(userId));
    return row && { ...toSessionUser(row), disabled: row.disabled };
  }

  /**
   * The platform's own account, the actor of automatic changes (e.g. an abandoned call's order
   * becoming a missed-call order), made the first time it is asked for and kept (it never
   * changes). Disabled: it can never log in.
   */
  systemUser(): Promise<SessionUser> {
    this.system ??= this.readOrMakeSystemUser().catch((err: unknown) => {
      this.system = undefined;
      throw err;
    });
    return this.system;
  }

  private async readOrMakeSystemUser(): Promise<SessionUser> {
    const existing = await this.store.read((q) => q.userByUsername(SYSTEM_USERNAME));
    if (existing) return toSessionUser(existing);
    try {
      const row = await this.store.transaction((tx) =>
        tx.insertUser({
          username: SYSTEM_USERNAME,
          displayName: 'Sunline',
          role: 'admin',
          unitId: null,
          passwordHash: '!',
          disabled: true,
          mustChangePassword: false,
        }),
      );
      return toSessionUser(row);
    } catch (err) {
      // Another process (or node) made it meanwhile.
      if (!(err instanceof AccountError && err.code === 'USERNAME_TAKEN')) throw err;
      const row = await this.store.read((q) => q.userByUsername(SYSTEM_USERNAME));
      if (!row) throw err;
      return toSessionUser(row);
    }
  }

  /**
   * Returns the session token and user, or null for bad credentials or a disabled user. Throws
   * LoginLockedError while the username is locked after repeated failures (login-throttle.ts),
   * without looking at the password.
   */
  async login(username: string, password: string): Promise<{ token: string; user: SessionUser; expiresAt: number } | null> {
    const wait = this.loginThrottle.attempt(username);
    if (wait > 0) throw new LoginLockedError(wait);
    const row = await this.store.read((q) => q.userByUsername(username));
    if (!row) {
      dummyHash ??= hashPassword('dummy-password');
      await verifyPassword(password, await dummyHash);
      return null;
    }
    if (row.disabled || !(await verifyPassword(password, row.passwordHash))) return null;
    this.loginThrottle.succeeded(username);
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    const expiresAt = createdAt + this.sessionTtlMs;
    await this.store.transaction((tx) => tx.insertSession({ tokenHash: tokenHash(token), userId: row.id, createdAt, expiresAt }));
    return { token, user: toSessionUser(row), expiresAt };
  }

  /** The user of a live session: not logged out, not expired, the user not disabled. */
  async userForToken(token: string): Promise<SessionUser | null> {
    const now = this.now();
    this.dropCacheIfChangedElsewhere();
    const cached = this.sessionCache.get(token, now);
    if (cached) return cached;
    // A logout (or a disabled user...) while the row is read must not be undone by caching what was read before it.
    const generation = this.sessionCache.generation;
    const hash = tokenHash(token);
    const row = await this.store.read((q) => q.sessionByTokenHash(hash));
    if (!row || row.expiresAt <= now) return null;
    const user = toSessionUser(row.user);
    if (this.sessionCache.generation === generation) this.sessionCache.set(token, { user, expiresAt: row.expiresAt, readAt: now, tokenHash: hash });
    return user;
  }

  async logout(token: string): Promise<void> {
    this.sessionCache.revoke(token);
    const hash = tokenHash(token);
    await this.store.transaction((tx) => tx.deleteSession(hash));
    this.revocations.emit({ kind: 'session', tokenHash: hash });
    this.sessionsEnded();
  }

  /** The user can no longer log in and every session of theirs ends. Resolves to false for an unknown user. */
  async disable(userId: number, audit?: AuditNote): Promise<boolean> {
    const changed = await this.store.transaction(async (tx) => {
      const row = await tx.updateUser(userId, { disabled: true });
      await tx.deleteSessionsOf(userId);
      if (audit && row) await tx.insertAudit(auditRow(this.now(), audit, 'user.disable', userId));
      return row !== undefined;
    });
    this.sessionCache.revokeUser(userId);
    this.revocations.emit({ kind: 'user', userId });
    this.sessionsEnded();
    return changed;
  }

  /** The user may log in again (their old sessions stay ended). Resolves to false for an unknown user. */
  enable(userId: number, audit?: AuditNote): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const row = await tx.updateUser(userId, { disabled: false });
      if (audit && row) await tx.insertAudit(auditRow(this.now(), audit, 'user.enable', userId));
      return row !== undefined;
    });
  }

  /** Lifts the login lock of an existing account (login-throttle.ts), audited. */
  async unlockLogin(userId: number, audit: AuditNote): Promise<void> {
    await this.store.transaction(async (tx) => {
      const row = await tx.userById(userId);
      if (!row) return;
      await tx.insertAudit(auditRow(this.now(), audit, 'user.unlock', userId, { wasLockedForMs: this.loginThrottle.lockedFor(row.username) }));
      this.loginThrottle.unlock(row.username);
    });
  }

  /**
   * An administrative action that changes no row of ours (a live queue penalty, a prompt file),
   * written to the audit log once the change succeeded; `targetUserId` null when no account is its object.
   */
  async recordAction(action: AdminAuditAction, targetUserId: number | null, note: AuditNote, extra: Record<string, unknown> = {}): Promise<void> {
    await this.store.transaction((tx) => tx.insertAudit(auditRow(this.now(), note, action, targetUserId, extra)));
  }

  /** The audit log of account administration, newest first (admin-audit.ts). */
  auditLog(opts: { limit: number; beforeId?: number; targetUserId?: number }): Promise<AuditEntry[]> {
    return this.store.read((q) => q.listAudit(opts));
  }

  /** Whether the user exists (the platform's own account included). */
  async exists(userId: number): Promise<boolean> {
    return (await this.store.read((q) => q.userById(userId))) !== undefined;
  }

  /**
   * A new password; every session of the user ends (they log in again with it) except
   * `keepToken`'s, the session that asked for the change. `mustChange`: the account must change
   * it at its next login (an administrator's reset); otherwise a pending forced change is done.
   */
  async changePassword(userId: number, password: string, keepToken?: string, audit?: AuditNote, mustChange = false): Promise<void> {
    const passwordHash = await hashPassword(password);
    const kept = keepToken === undefined ? undefined : tokenHash(keepToken);
    await this.store.transaction(async (tx) => {
      await tx.updateUser(userId, { passwordHash, mustChangePassword: mustChange });
      if (audit) await tx.insertAudit(auditRow(this.now(), audit, 'user.password', userId, { mustChangePassword: mustChange }));
      await tx.deleteSessionsOf(userId, kept);
    });
    this.sessionCache.revokeUser(userId);
    this.revocations.emit({ kind: 'user', userId });
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
    const row = await this.store.read((q) => q.userById(user.id));
    if (!row || row.disabled || !(await verifyPassword(current, row.passwordHash))) throw new AppError('WRONG_PASSWORD');
    this.loginThrottle.succeeded(user.username);
    await this.changePassword(user.id, next, token);
  }

  /** Whether an enabled administrator account exists (the platform's own account is not one). */
  hasAdmin(): Promise<boolean> {
    return this.store.read((q) => q.hasEnabledAdmin(SYSTEM_USERNAME));
  }

  /** `listener` runs after any session may have ended; returns the unsubscribe. */
  onSessionsEnded(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private sessionsEnded(): void {
    for (const listener of this.endListeners) listener();
  }

  /** Each revocation this service makes, once committed, for the other nodes (session-revocations.ts). */
  onRevoked(listener: (r: SessionRevocation) => void): () => void {
    return this.revocations.on(listener);
  }

  /** Another node's committed revocation: dropped from this cache, and this node's sockets re-check now. */
  applyRevocation(r: SessionRevocation): void {
    if (r.kind === 'session') this.sessionCache.revokeHash(r.tokenHash);
    else this.sessionCache.revokeUser(r.userId);
    this.sessionsEnded();
  }

  /**
   * Moves when another connection (another process on the same database, such as `sunline users
   * disable`) commits: SQLite's data_version, PostgreSQL's `sunline_users` notifications
   * (db/postgres-commit-signal.ts); undefined without one.
   */
  commitsElsewhere(): number | undefined {
    return this.store.commitsElsewhere();
  }

  /**
   * Another connection (another process on the same file) may have ended a session or disabled
   * a user: data_version tells that something was committed there, and the cache starts over.
   */
  private dropCacheIfChangedElsewhere(): void {
    const v = this.store.commitsElsewhere();
    if (v === undefined) return;
    if (v !== this.lastDataVersion) {
      if (this.lastDataVersion !== undefined) this.sessionCache.clear();
      this.lastDataVersion = v;
    }
  }

  /** An account by username (disabled ones included), or undefined. */
  async byUsername(username: string): Promise<(SessionUser & { readonly disabled: boolean }) | undefined> {
    const row = await this.store.read((q) => q.userByUsername(username));
    return row && { ...toSessionUser(row), disabled: row.disabled };
  }

  /** Every username in use (the platform's own account's included): what a new account may not take. */
  async takenUsernames(): Promise<ReadonlySet<string>> {
    const rows = await this.store.read((q) => q.listUsers(SYSTEM_USERNAME));
    return new Set([SYSTEM_USERNAME, ...rows.map((r) => r.username)]);
  }

  /** Every account but the platform's own, by username. */
  async list(): Promise<(SessionUser & { readonly disabled: boolean })[]> {
    const rows = await this.store.read((q) => q.listUsers(SYSTEM_USERNAME));
    return rows.map((row) => ({ ...toSessionUser(row), disabled: row.disabled }));
  }

  purgeExpiredSessions(): Promise<number> {
    return this.store.transaction((tx) => tx.deleteSessionsExpiredBefore(this.now()));
  }
}

/** The audit row of an action (admin-audit.ts): `extra` (what the change did) goes into details after the note's. */
function auditRow(at: number, note: AuditNote, action: AdminAuditAction, targetUserId: number | null, extra: Record<string, unknown> = {}): NewAuditRow {
  return { at, actorId: note.actorId, action, targetUserId, details: { ...note.details, ...extra } };
}

function toSessionUser(row: UserRow): SessionUser {
  return { id: row.id, username: row.username, displayName: row.displayName, role: row.role, unitId: row.unitId, mustChangePassword: row.mustChangePassword };
}
