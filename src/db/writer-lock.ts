/**
 * A first-in first-out lock for SQLite's one writer connection (decision 0017): an async
 * transaction holds it from `BEGIN IMMEDIATE` to `COMMIT`/`ROLLBACK`, so the transactions of
 * concurrent requests take turns in the order they asked and none sees another's uncommitted rows.
 */
export class WriterLock {
  private held = false;
  private readonly waiting: { tag: unknown; wake: () => void }[] = [];

  /** Whether a transaction holds the lock now. */
  get locked(): boolean {
    return this.held;
  }

  /** How many callers wait for the lock. */
  get queued(): number {
    return this.waiting.length;
  }

  /** The tag the first waiter gave `acquire` (undefined if none waits or it gave none). */
  get next(): unknown {
    return this.waiting[0]?.tag;
  }

  /** The release function if the lock was free (taken now, synchronously), else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.held) return undefined;
    this.held = true;
    return this.releaser();
  }

  /**
   * Resolves with the release function once the lock is this caller's. `tag` tells the holder
   * who comes next (`next`): a SQLite port keeps its batch open for its own transactions only.
   */
  acquire(tag?: unknown): Promise<() => void> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => this.waiting.push({ tag, wake: () => resolve(this.releaser()) }));
  }

  /**
   * Resolves once every holder queued before the call has released the lock (its turn taken and
   * given back at once). One turn, not "until nobody holds it": two callers looping until then
   * handed the lock to each other in microtasks forever, and no timer or I/O ran again.
   */
  async idle(): Promise<void> {
    if (this.held) (await this.acquire())();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.wake();
      else this.held = false;
    };
  }
}
