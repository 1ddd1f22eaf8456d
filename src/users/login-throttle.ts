/**
 * Per-account login throttling: after `maxFailures` failed logins for one username within
 * `windowMs`, that username is locked for `lockMs`, doubling with each further lock up to
 * `maxLockMs`, whatever address the attempts come from (the per-address rate limit in
 * auth-routes.ts cannot see an attacker spread over many addresses). While locked, even the
 * right password is refused. A successful login forgets the username.
 *
 * Kept in memory, not in the database: a failed login is an unauthenticated request, and a
 * row written (and fsynced) per failure would hand anyone a cheap way to load the disk; nobody
 * but the attacker gains from restarting the server, and a restart is logged. Entries are
 * bounded (`maxEntries`, least recently failed unlocked ones dropped first) so a spray of
 * usernames cannot grow the map without end. Unknown usernames are counted the same way, so the lock does not
 * tell which accounts exist.
 */
import { defineErrors } from '../errors/index.js';

export interface LoginThrottleOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  readonly lockMs?: number;
  readonly maxLockMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** The numbers in use; not settings (a setting acts or does not exist: these are tested here). */
export const LOGIN_THROTTLE_DEFAULTS = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 60_000,
  maxLockMs: 15 * 60_000,
  maxEntries: 10_000,
} as const;

interface Entry {
  /** Attempts not (yet) known to have succeeded, within the window. */
  failures: number;
  firstFailureAt: number;
  lastFailureAt: number;
  /** How many locks this username has had since it was last forgotten (the backoff exponent). */
  locks: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly o: Required<LoginThrottleOptions>;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: LoginThrottleOptions = {}) {
    this.o = { ...LOGIN_THROTTLE_DEFAULTS, now: Date.now, ...opts };
  }

  /**
   * Call before checking a password. Returns 0 when the attempt may go ahead (it is counted as
   * failed until `succeeded` says otherwise, so concurrent guesses cannot all slip in before
   * the first one is judged), else the milliseconds until the lock ends.
   */
  attempt(username: string): number {
    const key = keyOf(username);
    const now = this.o.now();
    let e = this.entries.get(key);
    if (e && e.lockedUntil > now) return e.lockedUntil - now;
    // A username quiet for a whole window after its last failure or lock is forgotten, backoff included.
    if (e && now - Math.max(e.lastFailureAt, e.lockedUntil) > this.o.windowMs) e = undefined;
    if (e && now - e.firstFailureAt > this.o.windowMs) {
      e.failures = 0;
      e.firstFailureAt = now;
    }
    e ??= { failures: 0, firstFailureAt: now, lastFailureAt: now, locks: 0, lockedUntil: 0 };
    e.failures += 1;
    e.lastFailureAt = now;
    if (e.failures >= this.o.maxFailures) {
      e.locks += 1;
      e.failures = 0;
      e.firstFailureAt = now;
      e.lockedUntil = now + Math.min(this.o.lockMs * 2 ** (e.locks - 1), this.o.maxLockMs);
    }
    // Re-inserted so that the map's order is least recently failed first.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.evict(now, key);
    return 0;
  }

  /** The attempt's password was right: the username starts afresh (and any lock it just earned goes). */
  succeeded(username: string): void {
    this.entries.delete(keyOf(username));
  }

  /** Lifts a lock (for an administrator's unlock). */
  unlock(username: string): void {
    this.entries.delete(keyOf(username));
  }

  /** Milliseconds until the username's lock ends; 0 when not locked. */
  lockedFor(username: string): number {
    const e = this.entries.get(keyOf(username));
    return e ? Math.max(0, e.lockedUntil - this.o.now()) : 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Over the bound: the least recently failed unlocked usernames go first, so a spray of names cannot lift a lock. */
  private evict(now: number, current: string): void {
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.o.maxEntries) return;
      if (e.lockedUntil <= now && key !== current) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.o.maxEntries) return;
      if (key !== current) this.entries.delete(key);
    }
  }
}

/** "Admin" and "admin " are one account to the throttle, whatever the user table makes of them. */
const keyOf = (username: string) => username.trim().normalize('NFKC').toLowerCase();

/** A login for a locked username: 429 with a fixed code and when to try again (Retry-After). */
export class LoginLockedError extends defineErrors('LoginLockedError', {
  LOGIN_LOCKED: [429, 'too many failed logins for this account; try again later'],
}) {
  declare readonly retryAfterSeconds: number;
  constructor(retryAfterMs: number) {
    super('LOGIN_LOCKED', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
  }
}
