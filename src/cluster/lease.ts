/**
 * The call-control lease (issue 16 item 3): with several nodes, exactly one holds the ARI/AMI
 * connections and the browser audio for an Asterisk. The lease is one Redis key whose value is
 * the holder's node id:
 *
 * - acquire: `SET key nodeId NX PX ttl`, tried every renew interval while standby;
 * - renew: every renew interval, a Lua compare-and-extend (PEXPIRE only while the value is ours);
 * - release (clean shutdown): a Lua compare-and-delete, so a standby takes over at its next try.
 *
 * Fencing: the holder counts its lease from the moment it SENT the command that won or extended
 * it (Redis starts the ttl later, never earlier), on a monotonic clock. When no renewal has
 * succeeded by `ttl - renew/2` after that moment, or a renewal finds the key no longer ours, it
 * is fenced at once (`onFenced`, synchronous: the caller stops touching Asterisk there and then)
 * — before Redis can let another node in. Replies to commands sent before a role change are
 * ignored. A fenced node goes back to standby and competes again like any other.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { createClient } from 'redis';
import { redis } from '../lib/redis.js';
import type { Logger } from '../logging/logger.js';

/** The one lease key of a deployment (one Redis per Sunline deployment, as for the socket.io rooms). */
export const LEASE_KEY = 'sunline:call-control:lease';

const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export type LeaseRole = 'leader' | 'standby';

export interface LeaseOptions {
  /** SUNLINE_REDIS_URL */
  readonly url: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  readonly log: Logger;
  /** This node holds the lease now: start call control. */
  readonly onAcquired: () => void;
  /** This node must stop touching Asterisk now (lost, not renewed in time, or Redis unreachable). */
  readonly onFenced: (reason: string) => void;
  readonly key?: string;
  /** What the lease is for, in its log lines (default 'call-control'). */
  readonly label?: string;
  /** Unique per process start by default (host, pid, random): a restarted node never finds itself holding. */
  readonly nodeId?: string;
}

type RedisClient = ReturnType<typeof createClient>;

export class CallControlLease {
  readonly nodeId: string;
  readonly #o: LeaseOptions;
  readonly #key: string;
  readonly #client: RedisClient;
  #role: LeaseRole = 'standby';
  /** Bumped at every role change and at stop: replies to older commands are ignored. */
  #generation = 0;
  /** Monotonic ms until which the lease is surely ours. */
  #validUntil = 0;
  #tick: NodeJS.Timeout | undefined;
  #fence: NodeJS.Timeout | undefined;
  #stopped = false;
  #down = false;

  constructor(opts: LeaseOptions) {
    if (opts.renewMs * 2 > opts.ttlMs) throw new Error('the lease renew interval must be at most half its ttl');
    this.#o = opts;
    this.#key = opts.key ?? LEASE_KEY;
    this.nodeId = opts.nodeId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    // No offline queue: while Redis is away a renewal fails at once instead of waiting to be sent.
    this.#client = redis().createClient({
      url: opts.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: opts.ttlMs, reconnectStrategy: (retries) => Math.min(100 * (retries + 1), opts.renewMs) },
    });
    this.#client.on('error', (err: unknown) => {
      if (!this.#down) opts.log.warn({ err }, 'lease: redis connection lost; reconnecting');
      this.#down = true;
    });
    this.#client.on('ready', () => {
      if (this.#down) opts.log.info('lease: redis connection back');
      this.#down = false;
    });
  }

  get role(): LeaseRole {
    return this.#role;
  }

  /** Connects (retrying in the background if Redis is away) and competes for the lease every renew interval. */
  start(): void {
    this.#client.connect().catch((err: unknown) => this.#o.log.warn({ err }, 'lease: redis connect failed'));
    this.#tick = setInterval(() => this.#step(), this.#o.renewMs);
    this.#step();
  }

  /**
   * One renewal now, for a holder; false when the lease is not (or no longer) ours, and then the
   * holder is fenced. Also what the timer does every renew interval.
   */
  async renew(): Promise<boolean> {
    if (this.#role !== 'leader') return false;
    const generation = this.#generation;
    const sentAt = performance.now();
    let extended: boolean;
    try {
      extended = (await this.#client.eval(RENEW_SCRIPT, { keys: [this.#key], arguments: [this.nodeId, String(this.#o.ttlMs)] })) === 1;
    } catch (err) {
      // Not fenced yet: the fence timer decides, on time, whether a renewal made it.
      if (generation === this.#generation) this.#o.log.warn({ err }, 'lease: renewal failed');
      return false;
    }
    if (generation !== this.#generation) return false;
    if (!extended) {
      this.#fenced('the lease is held by another node');
      return false;
    }
    this.#hold(sentAt);
    return true;
  }

  /** Clean shutdown: stop competing; if holding, delete the key (only if still ours) so a standby takes over at once. */
  async release(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#tick);
    clearTimeout(this.#fence);
    const held = this.#role === 'leader';
    this.#role = 'standby';
    this.#generation++;
    if (held && this.#client.isReady) await this.#delete();
    if (this.#client.isOpen) this.#client.destroy();
  }

  #step(): void {
    if (this.#stopped) return;
    if (this.#role === 'leader') void this.renew();
    else void this.#acquire();
  }

  async #acquire(): Promise<void> {
    if (!this.#client.isReady) return;
    const generation = this.#generation;
    const sentAt = performance.now();
    let won: boolean;
    try {
      won = (await this.#client.set(this.#key, this.nodeId, { condition: 'NX', expiration: { type: 'PX', value: this.#o.ttlMs } })) === 'OK';
    } catch (err) {
      this.#o.log.debug({ err }, 'lease: acquire failed');
      return;
    }
    if (!won || generation !== this.#generation || this.#stopped) return;
    if (sentAt + this.#o.ttlMs - this.#o.renewMs / 2 <= performance.now()) {
      // Won, but the reply came too late to act on safely: give it back.
      if (this.#client.isReady) void this.#delete();
      return;
    }
    this.#role = 'leader';
    this.#generation++;
    this.#hold(sentAt);
    this.#o.log.info({ nodeId: this.nodeId, ttlMs: this.#o.ttlMs }, `${this.#o.label ?? 'call-control'} lease acquired: this node is the leader`);
    this.#o.onAcquired();
  }

  /** The lease is ours until sentAt + ttl; fenced half a renew interval before that unless renewed. */
  #hold(sentAt: number): void {
    this.#validUntil = Math.max(this.#validUntil, sentAt + this.#o.ttlMs);
    clearTimeout(this.#fence);
    const left = this.#validUntil - this.#o.renewMs / 2 - performance.now();
    if (left <= 0) return this.#fenced('the lease was not renewed in time');
    this.#fence = setTimeout(() => this.#fenced('the lease was not renewed in time (Redis unreachable or too slow)'), left);
  }

  #fenced(reason: string): void {
    if (this.#role !== 'leader') return;
    this.#role = 'standby';
    this.#generation++;
    clearTimeout(this.#fence);
    this.#o.log.warn({ nodeId: this.nodeId, reason }, `${this.#o.label ?? 'call-control'} lease lost: this node is fenced and stands by`);
    try {
      this.#o.onFenced(reason);
    } finally {
      // If the key is still ours (a slow reply), free it so that a standby need not wait for it to expire.
      if (this.#client.isReady) void this.#delete();
    }
  }

  async #delete(): Promise<void> {
    try {
      await this.#client.eval(RELEASE_SCRIPT, { keys: [this.#key], arguments: [this.nodeId] });
    } catch (err) {
      this.#o.log.debug({ err }, 'lease: release failed (the key expires by itself)');
    }
  }
}
