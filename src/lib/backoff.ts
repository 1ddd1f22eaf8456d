/**
 * Capped, jittered exponential backoff for the Asterisk connections (decision 0009 #2).
 *
 * The first retry is fast (a restarting Asterisk is often back within a second), each next delay
 * grows ×1.7 up to a cap, and jitter spreads reconnect storms when several processes (or the ARI
 * and AMI connections of one process) lose Asterisk at the same moment.
 */

/** Tuning for {@link backoffDelay}; every field has a production default. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 250. */
  readonly initialMs?: number;
  /** Growth factor per attempt. Default 1.7. */
  readonly factor?: number;
  /** Upper bound for any delay, in ms. Default 30 000. */
  readonly maxMs?: number;
  /**
   * Fraction of the delay that is randomised, 0…1. Default 0.2: the delay lies in
   * [base × 0.8, base]. Jitter only shortens, so the cap is never exceeded.
   */
  readonly jitter?: number;
}

const DEFAULTS = { initialMs: 250, factor: 1.7, maxMs: 30_000, jitter: 0.2 } as const;

/**
 * Delay before retry number `attempt` (0 = first retry). Pure: pass `random` to make it
 * deterministic in tests.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const initialMs = opts.initialMs ?? DEFAULTS.initialMs;
  const factor = opts.factor ?? DEFAULTS.factor;
  const maxMs = opts.maxMs ?? DEFAULTS.maxMs;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? DEFAULTS.jitter));
  const n = Math.max(0, Math.floor(attempt));
  // Math.pow overflows to Infinity for huge attempts; min() keeps that finite.
  const base = Math.min(maxMs, initialMs * Math.pow(factor, n));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 - jitter * r));
}

/** Stateful wrapper: call {@link Backoff.next} before each retry and {@link Backoff.reset} on success. */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {}

  /** Number of retries handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Delay for the next retry; advances the attempt counter. */
  next(): number {
    return backoffDelay(this.#attempt++, this.opts, this.random);
  }

  /** Back to the fast first retry (call after a successful connect). */
  reset(): void {
    this.#attempt = 0;
  }
}
