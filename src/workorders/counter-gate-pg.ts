/**
 * How many creates of this node may be inside the numbered insert of one day's counter at once
 * (orders-store-pg.ts, decision 0019): the statement takes the counter's row lock and holds it to
 * COMMIT, so every other create of the day waits for it in PostgreSQL. Each commit then wakes
 * every waiter — PostgreSQL's row lock hands over by waking the next waiter, which finds the row
 * updated, lets go and retries on the new version while the next one wakes — so with 16 creates in
 * flight each commit cost ~15 wake-ups and lock retries, CPU that grew with the creates in flight
 * (docs/performance.md, 2026-12-07 evening). With COUNTER_SLOTS = 2 one create holds the lock and
 * one waits for it in PostgreSQL, ready as soon as it is free; the others wait here, in memory,
 * until a create of theirs has committed or rolled back. Numbers are still taken in PostgreSQL,
 * under its lock: several nodes stay correct (each has its own gate).
 *
 * Only a transaction whose numbered insert is its first statement waits here: it holds no lock
 * yet, so nobody can be waiting for it, and a wait here can never close a cycle PostgreSQL's
 * deadlock detector would not see. A transaction that has run statements before (the call path's
 * call row, then its draft) goes straight to PostgreSQL, as before.
 */

/** One holding the counter's lock, one waiting in PostgreSQL to take it next. */
export const COUNTER_SLOTS = 2;

interface Gate {
  busy: number;
  readonly waiting: Array<() => void>;
}

/** A node's gates, one per counter in use (removed when idle: a day's counter ends with its day). */
export class CounterGates {
  private readonly gates = new Map<string, Gate>();

  /** Resolves once a slot of `counter` is this caller's; give it back with leave(counter). */
  enter(counter: string): Promise<void> {
    let gate = this.gates.get(counter);
    if (!gate) this.gates.set(counter, (gate = { busy: 0, waiting: [] }));
    if (gate.busy < COUNTER_SLOTS) {
      gate.busy++;
      return Promise.resolve();
    }
    const g = gate;
    return new Promise((resolve) => g.waiting.push(resolve));
  }

  leave(counter: string): void {
    const gate = this.gates.get(counter);
    if (!gate) return;
    const next = gate.waiting.shift();
    if (next)
      next(); // the slot passes on
    else if (--gate.busy === 0) this.gates.delete(counter);
  }
}

/**
 * The slots one transaction holds: taken at its first numbered insert of a counter (a second one
 * of the same counter, or a retry of the transaction, reuses it), all given back when the
 * transaction has ended — committed or rolled back — before its flush is waited for.
 */
export class HeldSlots {
  private readonly held = new Set<string>();
  /** Whether the transaction (this attempt of it) has sent a statement: then it takes no slot. */
  sent = false;
  constructor(private readonly gates: CounterGates) {}

  async take(counter: string): Promise<void> {
    if (this.held.has(counter) || this.sent) return;
    this.held.add(counter);
    await this.gates.enter(counter);
  }

  release(): void {
    for (const c of this.held) this.gates.leave(c);
    this.held.clear();
  }
}
