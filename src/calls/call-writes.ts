/**
 * The call path's writes, in the order of its events (decision 0017 step 2, "The writes: the
 * plan", point 3). The live state of the calls (who is offered, answered, queued) is
 * synchronous and ordered by the ARI/AMI events; a handler that awaited the database would let
 * the next event of the same call run first (on PostgreSQL, and on SQLite whenever the writer
 * lock is held across real I/O). So a handler does not await its write: it queues it here,
 * and the writes run one at a time in the order they were queued, each its own transaction
 * (CallsRepository, OutboundRecords). A write's promise resolves with its result — what the
 * database made (the draft's id and number, what a survey did to the order) — for a consumer
 * that needs it; a write queued after another sees what that one wrote.
 *
 * A failed write is retried (100 ms, 1 s) holding the queue — not a refusal of the domain
 * (a coded error with a 4xx status: AppError, WorkOrderError when the lifecycle refused the
 * change, …) nor a constraint violation, which would fail again — and only once per outage: while the database is down (a write was given up on and
 * none has succeeded since) a write gets one attempt. One given up on is logged with what it
 * was and rejects its promise. A node fenced off call control (its lease lost) drops the writes
 * still queued instead of running them (`fence()`, logged per write), as agent sessions do:
 * written after the new leader's takeover, they would overwrite its rows.
 */
import type { Logger } from 'pino';
import { isCodedError } from '../errors/index.js';

export interface CallWritesOptions {
  readonly log: Logger;
  /** The waits before the retries of a failed write (tests shorten them). */
  readonly retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [100, 1000];

/** A write dropped because this node lost call control (`fence()`). */
export class CallWriteDropped extends Error {
  constructor(what: string) {
    super(`call write dropped (${what}): this node lost call control`);
    this.name = 'CallWriteDropped';
  }
}

/** A refusal of the domain (a coded error with a 4xx status: the lifecycle, a missing order, …), not a failure of the database. */
function refusal(err: unknown): boolean {
  return isCodedError(err) && err.statusCode < 500;
}

/** A constraint violation (SQLite SQLITE_CONSTRAINT_*, PostgreSQL class 23), through drizzle's and the port's wrappers. */
function constraintViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^23[0-9A-Z]{3}$/.test(code))) return true;
  }
  return false;
}

export class CallWrites {
  /** The last write queued: each write starts when the one before it has ended. */
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private failed = 0;
  private dropped = 0;
  private down = false;
  private fenced = false;
  /** Ends the wait before a retry at once (set while a write waits for one). */
  private wake: (() => void) | null = null;

  constructor(private readonly o: CallWritesOptions) {}

  /**
   * Queues `fn` (one transaction) after every write queued before it. The promise resolves
   * with its result, or rejects when it is refused, given up on (logged) or dropped.
   */
  write<T>(what: string, context: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    this.queued++;
    const done = this.tail.then(() => this.run(what, context, fn));
    this.tail = done.catch(() => undefined);
    return done;
  }

  /**
   * Queues a write whose result nobody waits for: a failure is logged (by the queue when the
   * database failed, here when the domain refused it) and swallowed.
   */
  record(what: string, context: Record<string, unknown>, fn: () => Promise<unknown>): void {
    this.write(what, context, fn).catch((err: unknown) => {
      if (refusal(err)) this.o.log.warn({ err, ...context }, `call write refused: ${what}`);
    });
  }

  /** Resolves once every write queued before the call has ended (written, refused, given up on or dropped). */
  flushed(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  /** This node lost call control: the writes still queued, and any queued from now on, are dropped. */
  fence(): void {
    this.fenced = true;
    this.wake?.();
  }

  /** Writes waiting or running, writes given up on since start, and writes dropped after `fence()`. */
  stats(): { queued: number; failed: number; dropped: number } {
    return { queued: this.queued, failed: this.failed, dropped: this.dropped };
  }

  private async run<T>(what: string, context: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    const delays = this.down ? [] : (this.o.retryDelaysMs ?? RETRY_DELAYS_MS);
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.fenced) {
          this.dropped++;
          this.o.log.warn({ ...context, attempts: attempt }, `call write dropped: this node lost call control (${what})`);
          throw new CallWriteDropped(what);
        }
        try {
          const result = await fn();
          this.down = false;
          return result;
        } catch (err) {
          if (refusal(err)) throw err; // the domain refused it: a retry would too
          const delay = delays[attempt];
          const constraint = constraintViolation(err);
          if (delay === undefined || constraint) {
            this.failed++;
            if (!constraint) this.down = true;
            this.o.log.error({ err, ...context, attempts: attempt + 1 }, `call write not written: ${what}`);
            throw err;
          }
          this.o.log.warn({ err, ...context, attempt: attempt + 1, retryInMs: delay }, `call write failed, retrying: ${what}`);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              this.wake = null;
              resolve();
            }, delay);
            this.wake = () => {
              clearTimeout(timer);
              this.wake = null;
              resolve();
            };
          });
        }
      }
    } finally {
      this.queued--;
    }
  }
}
