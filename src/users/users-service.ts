/** Users and their login sessions. The session token lives only in the cookie; we store its hash. */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { sessions, users, type UserRole } from '../db/schema.js';
import { LoginLockedError, LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  unitId: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
  unitId?: string | null;
}

const SYSTEM_USERNAME = '_system';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

// A fixed dummy hash so that an unknown username costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly sessionTtlMs: number,
    private readonly now: () => number = Date.now,
    /** Failed logins per username (backoff and lock, whatever the address). */
    readonly loginThrottle: LoginThrottle = new LoginThrottle({ now }),
  ) {}

  async create(u: NewUser): Promise<SessionUser> {
    const passwordHash = await hashPassword(u.password);
    const row = this.db
      .insert(users)
      .values({ username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId ?? null, passwordHash })
      .returning()
      .get();
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
    return toSessionUser(row);
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
    this.db.insert(sessions).values({ tokenHash: tokenHash(token), userId: row.id, createdAt: this.now(), expiresAt }).run();
    return { token, user: toSessionUser(row), expiresAt };
  }

  userForToken(token: string): SessionUser | null {
    const row = this.db
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash(token)), gt(sessions.expiresAt, this.now()), eq(users.disabled, false)))
      .get();
    return row ? toSessionUser(row.user) : null;
  }

  logout(token: string): void {
    this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token))).run();
  }

  purgeExpiredSessions(): number {
    return this.db.delete(sessions).where(lt(sessions.expiresAt, this.now())).run().changes;
  }
}

function toSessionUser(row: typeof users.$inferSelect): SessionUser {
  return { id: row.id, username: row.username, displayName: row.displayName, role: row.role, unitId: row.unitId };
}
