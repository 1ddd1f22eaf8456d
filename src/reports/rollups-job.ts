/**
 * The rollups' background job (report-rollups.ts, docs/kpis.md "Daily rollups"): one turn at a
 * time, `busyMs` apart while a backlog lasts, `idleMs` once nothing is pending; a failed turn is
 * reported and tried again later. {@link ReportRollups} runs its turns in a worker thread on a
 * SQLite file; {@link PortRollupsJob} runs them on the asynchronous port (PostgreSQL: the database
 * does the reading, this thread only awaits its statements).
 */
import { catchUpOps, runRollupOps, hasPendingRead, type BuiltDay, type RollupRunner } from './rollup-builder.js';

/** The job's pause when every closed day is built and clean, and between two days while a backlog lasts. */
export const IDLE_MS = 30_000;
export const BUSY_MS = 1_000;

export interface JobTiming {
  /** The pause between two turns while a backlog lasts (default 1 s). */
  readonly busyMs?: number;
  /** The pause once nothing is pending (default 30 s). */
  readonly idleMs?: number;
  /** Told when a turn fails (the job tries again later). */
  readonly onError?: (err: unknown) => void;
}

/** Runs `turn` (true: nothing left) again and again until closed; `failed` after a turn that threw. */
export class TurnLoop {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly turn: () => Promise<boolean>,
    private readonly o: JobTiming & { readonly failed?: () => Promise<void> },
  ) {}

  /** Starts the turns (again after close(): the timed jobs moved back to this node, cluster/timed-jobs.ts). */
  start(): void {
    this.closed = false;
    this.schedule(this.o.busyMs ?? BUSY_MS);
  }

  /**
   * Stops the turns; resolves once the turn under way (if any) has ended. `interrupt` runs first,
   * after the loop is marked closed (so that the turn it cuts short reports no error).
   */
  async close(interrupt?: () => Promise<void>): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await interrupt?.();
    await this.current;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.current = this.tick();
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    let done = true;
    try {
      done = await this.turn();
    } catch (err) {
      if (!this.closed) this.o.onError?.(err);
      await this.o.failed?.();
    }
    this.schedule(done ? (this.o.idleMs ?? IDLE_MS) : (this.o.busyMs ?? BUSY_MS));
  }
}

export interface PortRollupsOptions extends JobTiming {
  readonly runner: RollupRunner;
  readonly now?: () => number;
  /** Told of each build (its outcome, read and write times). */
  readonly onBuild?: (b: BuiltDay) => void;
}

/** The job on the asynchronous port: one day (or month) per source and turn. */
export class PortRollupsJob {
  private readonly now: () => number;
  private readonly loop: TurnLoop;

  constructor(private readonly o: PortRollupsOptions) {
    this.now = o.now ?? Date.now;
    this.loop = new TurnLoop(() => this.catchUp(1, o.onBuild), o);
  }

  start(): void {
    this.loop.start();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  /** Builds up to `maxDays` pending days (then months) of each source; true when nothing is left. */
  catchUp(maxDays = Infinity, onBuild?: (b: BuiltDay) => void): Promise<boolean> {
    return runRollupOps(this.o.runner, catchUpOps(this.now, maxDays, onBuild));
  }

  hasPending(): Promise<boolean> {
    return this.o.runner.snapshot(() => hasPendingRead(this.now()));
  }
}
