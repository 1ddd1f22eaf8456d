/**
 * The server's timed jobs — the deadline scan (限时办结 warnings and auto-supervision), the report
 * rollups, the hot topics' index, the monthly assessment export, the expired sessions' purge — run
 * on ONE node of several (issue 16 item 2).
 *
 * Alone (no SUNLINE_REDIS_URL) a node runs them from the start, as it always did. With
 * SUNLINE_REDIS_URL every node competes for a lease of its own in Redis, `sunline:timed-jobs:lease`
 * (the call-control lease's mechanism, lease.ts, with the same ttl and renew interval, but a
 * separate key: a node for desks only may hold it, and a call-control role change does not move
 * the jobs unless the node closes its app). The holder starts the jobs; a node that loses the lease
 * (not renewed in time, Redis unreachable, clean shutdown) stops them, and another node's next try
 * takes them over within ttl + renew.
 *
 * Why one node: on two nodes each job did the same work twice — the rollups' worker built every
 * day twice and each build's write transaction blocked the other node's writers; the topic index
 * was segmented twice; nothing was wrong, because every job is idempotent (a deadline warning is
 * raised once by its unique key, a rollup day is replaced whole, the monthly workbook is written
 * to a temp file and renamed). That idempotence is also what makes a lease enough here, without
 * fencing: a job turn already under way when its node loses the lease finishes, and if the next
 * holder repeats it nothing is written twice. While Redis is unreachable no node holds the lease:
 * the jobs pause (warnings are raised late, not lost — the next scan finds every order past its
 * mark) and resume on the node that takes the lease when Redis is back.
 */
import type { Logger } from '../logging/logger.js';
import { CallControlLease } from './lease.js';

/** The one timed-jobs lease key of a deployment. */
export const TIMED_JOBS_LEASE_KEY = 'sunline:timed-jobs:lease';

/** A job as the owner drives it: start() begins its timers, stop() ends them (and may be followed by start() again). */
export interface TimedJob {
  readonly name: string;
  start(): void;
  stop(): Promise<void> | void;
}

export interface TimedJobsOptions {
  readonly log: Logger;
  /** SUNLINE_REDIS_URL: several nodes, the jobs follow the lease; absent: this node runs them. */
  readonly redisUrl?: string;
  readonly lease: { readonly ttlMs: number; readonly renewMs: number };
  /** Test hook. */
  readonly leaseKey?: string;
}

export type TimedJobsState = 'running' | 'standby' | 'closed';

export class TimedJobs {
  readonly #o: TimedJobsOptions;
  readonly #jobs: TimedJob[] = [];
  #lease: CallControlLease | undefined;
  #running = false;
  #closed = false;
  /** Start and stop one after the other: a stop still under way when the lease comes back is finished first. */
  #chain: Promise<void> = Promise.resolve();

  constructor(opts: TimedJobsOptions) {
    this.#o = opts;
  }

  get state(): TimedJobsState {
    return this.#closed ? 'closed' : this.#running ? 'running' : 'standby';
  }

  /** The names of the jobs, in the order they start. */
  get jobs(): string[] {
    return this.#jobs.map((j) => j.name);
  }

  add(job: TimedJob): void {
    if (this.#lease || this.#running) throw new Error('timed jobs are added before start()');
    this.#jobs.push(job);
  }

  /** Alone: the jobs start now. With Redis: the node competes for the lease; the jobs start when it is won. */
  start(): void {
    if (this.#closed) return;
    const url = this.#o.redisUrl;
    if (!url) {
      this.#startAll();
      return;
    }
    this.#lease = new CallControlLease({
      url,
      ttlMs: this.#o.lease.ttlMs,
      renewMs: this.#o.lease.renewMs,
      log: this.#o.log,
      key: this.#o.leaseKey ?? TIMED_JOBS_LEASE_KEY,
      label: 'timed-jobs',
      onAcquired: () => void this.#queue(() => this.#startAll()),
      onFenced: () => void this.#queue(() => this.#stopAll()),
    });
    this.#lease.start();
  }

  /** Stops the jobs and gives the lease back at once, so that another node takes them over at its next try. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease?.release();
    await this.#queue(() => this.#stopAll(), true);
  }

  #queue(step: () => Promise<void> | void, evenClosed = false): Promise<void> {
    this.#chain = this.#chain.then(() => (this.#closed && !evenClosed ? undefined : step()));
    return this.#chain;
  }

  #startAll(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    for (const job of this.#jobs) job.start();
    this.#o.log.info({ jobs: this.jobs }, 'timed jobs started on this node');
  }

  async #stopAll(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const job of [...this.#jobs].reverse()) {
      try {
        await job.stop();
      } catch (err) {
        this.#o.log.warn({ err, job: job.name }, 'a timed job did not stop cleanly');
      }
    }
    this.#o.log.info({ jobs: this.jobs }, 'timed jobs stopped on this node');
  }
}
