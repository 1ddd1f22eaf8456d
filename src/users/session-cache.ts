/**
 * The sessions checked on every request, kept in memory (issue 18: reading the session and its
 * user from SQLite through drizzle was ~23 % of a GET). Never serves a session the database
 * would refuse:
 * - logout, a disabled user, a changed password or role: UsersService drops the entries at
 *   once (revoke / revokeUser) in the same call that writes the database;
 * - expiry: each entry keeps the session's expires_at and is checked against the clock on
 *   every hit (sessions have no sliding expiry: nothing is written per request);
 * - a change made by another connection (another process, e.g. an admin tool on the same
 *   database file): SQLite's data_version moves and the whole cache is dropped (UsersService);
 * - a logout or account change on another node (SUNLINE_REDIS_URL): that node tells the others
 *   through Redis (UsersService.onRevoked / applyRevocation) and the entries go at once;
 * - a change made on our own connection without UsersService: an entry is read again from the
 *   database once it is older than `recheckMs` (5 s by default), the longest it can be stale.
 * Bounded: at most `max` sessions, the least recently used dropped first.
 *
 * A session is read from the database asynchronously (decision 0017): `generation` moves with
 * every revoke and clear, and a reader caches what it read only if it has not moved meanwhile
 * (else a logout made while the row was on its way would be undone for up to recheckMs).
 */
import type { SessionUser } from './session-user.js';

export interface CachedSession {
  readonly user: SessionUser;
  readonly expiresAt: number;
  /** When it was read from the database. */
  readonly readAt: number;
  /** The token's hash (what another node names when it ends the session), if known. */
  readonly tokenHash?: string;
}

export const SESSION_CACHE_DEFAULTS = { max: 10_000, recheckMs: 5_000 } as const;

export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();
  private revocations = 0;
  readonly max: number;
  readonly recheckMs: number;

  constructor(opts: { max?: number; recheckMs?: number } = {}) {
    this.max = opts.max ?? SESSION_CACHE_DEFAULTS.max;
    this.recheckMs = opts.recheckMs ?? SESSION_CACHE_DEFAULTS.recheckMs;
  }

  /** Moves with every revoke, revokeUser and clear. */
  get generation(): number {
    return this.revocations;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The session's user if cached, not expired and read less than recheckMs ago. */
  get(token: string, now: number): SessionUser | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.expiresAt <= now || now - e.readAt >= this.recheckMs) {
      this.entries.delete(token);
      return undefined;
    }
    // Most recently used last: eviction takes the first.
    this.entries.delete(token);
    this.entries.set(token, e);
    return e.user;
  }

  set(token: string, session: CachedSession): void {
    this.entries.delete(token);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, session);
  }

  revoke(token: string): void {
    this.revocations++;
    this.entries.delete(token);
  }

  /** The session whose token hashes to `hash` (ended on another node, which tells the hash only). */
  revokeHash(hash: string): void {
    this.revocations++;
    for (const [token, e] of this.entries) if (e.tokenHash === hash) this.entries.delete(token);
  }

  /** Every session of the user (disabled, password or role changed). */
  revokeUser(userId: number): void {
    this.revocations++;
    for (const [token, e] of this.entries) if (e.user.id === userId) this.entries.delete(token);
  }

  clear(): void {
    this.revocations++;
    this.entries.clear();
  }
}
