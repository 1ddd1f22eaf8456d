/**
 * The callback retry policy (pure): when a callback duty may be tried next, from the attempts so
 * far. At most `attempts` tries, `spacingMs` apart, and only while the line is open (ivr.yaml
 * `hours`, via `isOpen`): a citizen is not rung at night when the centre itself is closed.
 * A duty whose citizen was reached, or whose number is wrong, is not retried.
 */
import type { CallbackAttempt, CallbackAttemptOutcome, CallbackNextTry, OutboundResult } from '../contract/index.js';

/** SUNLINE_CALLBACK_* (config/env.ts). */
export interface CallbackPolicy {
  /** Most attempts per duty. */
  readonly attempts: number;
  /** Least time between two attempts. */
  readonly spacingMs: number;
}

export type AttemptOutcome = CallbackAttemptOutcome;
export type Attempt = CallbackAttempt;
export type NextTry = CallbackNextTry;

/** Q.850 causes that say the number itself is wrong: 1 unallocated, 3 no route, 22 number changed, 28 invalid format. */
export const WRONG_NUMBER_CAUSES: ReadonlySet<number> = new Set([1, 3, 22, 28]);

/** How an outbound call counts as an attempt (`cause`: its Q.850 hang-up cause, when known). */
export function attemptOutcome(result: OutboundResult, cause: number | null): AttemptOutcome | null {
  switch (result) {
    case 'answered':
      return 'reached';
    case 'busy':
    case 'no_answer':
      return result;
    case 'failed':
      return cause !== null && WRONG_NUMBER_CAUSES.has(cause) ? 'wrong_number' : 'failed';
    case 'cancelled':
      return null; // the agent hung up before anyone answered: not a try
  }
}

/**
 * When the duty may be tried next: `dueAt` for the first try, then `spacingMs` after the last
 * one, moved to the next instant the line is open (searched in 15-minute steps up to 8 days;
 * a line never open leaves the time as it is).
 */
export function nextTry(p: CallbackPolicy, dueAt: number, attempts: readonly Attempt[], isOpen: (at: number) => boolean): NextTry {
  const last = attempts.reduce<Attempt | null>((a, b) => (a === null || b.at > a.at ? b : a), null);
  if (last?.outcome === 'reached') return { state: 'done', why: 'reached' };
  if (last?.outcome === 'wrong_number') return { state: 'done', why: 'wrong_number' };
  if (attempts.length >= p.attempts) return { state: 'done', why: 'attempts_used' };
  const earliest = last ? Math.max(dueAt, last.at + p.spacingMs) : dueAt;
  return { state: 'due', at: nextOpen(earliest, isOpen) };
}

const STEP_MS = 15 * 60_000;
const HORIZON_MS = 8 * 24 * 3600_000;

function nextOpen(at: number, isOpen: (at: number) => boolean): number {
  if (isOpen(at)) return at;
  // The first open quarter hour boundary after `at`.
  for (let t = Math.ceil(at / STEP_MS) * STEP_MS; t <= at + HORIZON_MS; t += STEP_MS) if (isOpen(t)) return t;
  return at;
}
