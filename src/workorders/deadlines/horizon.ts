/**
 * How far ahead a deadline set by hand may lie (dispatch, redispatch, granted extension, send
 * back, supervision). sla.yaml allows at most 90 working days per category (about 4½ months
 * with holidays) and one extension at most 60 working days (lifecycle/effects.ts); two years
 * leaves room for several extensions and a supervised round on top, and the State Council
 * publishes the holiday calendar only a year at a time anyway. Anything later is a typo or an
 * attack (a deadline in the year 275760 once froze the server while its due state was counted).
 */
import { dayOf, instantAt } from './local-time.js';

export const DEADLINE_HORIZON_DAYS = 731;

/** The deadline fields an order action may carry. */
const DEADLINE_FIELDS = ['deadlineAt', 'signDeadlineAt'] as const;

export interface DeadlineOutOfRange {
  readonly field: (typeof DEADLINE_FIELDS)[number];
  readonly value: number;
  /** The latest instant allowed now (epoch ms). */
  readonly latest: number;
}

/** The latest deadline allowed at `now`: the end of the day DEADLINE_HORIZON_DAYS ahead (Shanghai time). */
export function latestDeadline(now: number): number {
  return instantAt(dayOf(now) + DEADLINE_HORIZON_DAYS + 1, 0) - 1;
}

/** The first deadline field of `action` beyond the horizon, or undefined when every one is within it. */
export function deadlineOutOfRange(action: Readonly<Record<string, unknown>>, now: number): DeadlineOutOfRange | undefined {
  const latest = latestDeadline(now);
  for (const field of DEADLINE_FIELDS) {
    const value = action[field];
    if (typeof value === 'number' && !(value <= latest)) return { field, value, latest };
  }
  return undefined;
}
