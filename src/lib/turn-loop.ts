/**
 * A background job's turns, one at a time: `busyMs` apart while the last turn left work
 * (resolved false), `idleMs` once it did not (true); a turn that throws is reported and the next
 * comes after `idleMs`. Used by the report rollups' job (reports/rollups-job.ts) and the hot
 * topics' index catch-up (reports/hot-topics.ts); the timer never keeps the process alive.
 */
export interface TurnLoopOptions {
  readonly busyMs: number;
  readonly idleMs: number;
  /** Told when a turn fails (the loop tries again after `idleMs`). */
  readonly onError?: (err: unknown) => void;
  /** Called after a turn that threw (e.g. to drop a worker that failed). */
  readonly failed?: () => Promise<void>;
}

export class TurnLoop {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private current: Promise<void> = Promise.resolve();

  /** `turn` resolves true when nothing is left. */
  constructor(
    private readonly turn: () => Promise<boolean>,
    private readonly o: TurnLoopOptions,
  ) {}

  /** Starts the turns, the first after `busyMs` (again after close(): the timed jobs moved back to this node, cluster/timed-jobs.ts). */
  start(): void {
    this.closed = false;
    this.schedule(this.o.busyMs);
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
    this.schedule(done ? this.o.idleMs : this.o.busyMs);
  }
}
