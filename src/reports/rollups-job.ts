/**
 * The rollups' background job (report-rollups.ts, docs/kpis.md "Daily rollups"): one turn at a
 * time, `busyMs` apart while a backlog lasts, `idleMs` once nothing is pending; a failed turn is
 * reported and tried again later (lib/turn-loop.ts). {@link ReportRollups} runs its turns in a worker thread on a
 * SQLite file; {@link PortRollupsJob} runs them on the asynchronous port (PostgreSQL: the database
 * does the reading, this thread only awaits its statements).
 */
import { TurnLoop } from '../lib/turn-loop.js';
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

/** The loop's timing of a job's options (the defaults above where unset). */
export const loopTiming = (o: JobTiming) => ({ busyMs: o.busyMs ?? BUSY_MS, idleMs: o.idleMs ?? IDLE_MS, ...(o.onError ? { onError: o.onError } : {}) });

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
    this.loop = new TurnLoop(() => this.catchUp(1, o.onBuild), loopTiming(o));
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
