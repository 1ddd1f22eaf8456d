/**
 * The deadline colours of the order desk (overdue / due soon / on time), counted exactly as
 * dueState counts them (deadlines/arithmetic.ts) for each clock an order can wait on: the unit's
 * handling and sign-for clocks, and the platform's waiting clocks (deadlines/wait-clocks.ts).
 */
import { dueState, workdayMs, type SlaConfig, type WaitClock, type WorkCalendar } from '../deadlines/index.js';

export type ClockKind = 'handling' | 'sign' | WaitClock;

export interface DeskClockConfig {
  readonly calendar: WorkCalendar;
  readonly sla: Readonly<Pick<SlaConfig, 'workHours' | 'signFor' | 'dueSoon' | 'waitLimits'>>;
  /** The due-soon threshold of a clock in working days. */
  dueSoonDays(clock: ClockKind): number;
}

const HOUR_MS = 3600_000;

/**
 * DeskClockConfig from sla.yaml and the calendar. The handling clock is due soon within
 * `dueSoon.workingDays`; the clocks counted in working hours (sign-for, the waiting clocks) in
 * the second half of their limit, or earlier if `dueSoon` is shorter — as the scheduler warns
 * about the sign-for clock (deadlines/scheduler.ts dueSoonWorkingDays).
 */
export function deskClockConfig(calendar: WorkCalendar, sla: DeskClockConfig['sla']): DeskClockConfig {
  const halfOf = (hours: number) => Math.min(sla.dueSoon.workingDays, (hours * HOUR_MS) / 2 / workdayMs(sla.workHours));
  return {
    calendar,
    sla,
    dueSoonDays: (clock) => (clock === 'handling' ? sla.dueSoon.workingDays : halfOf(clock === 'sign' ? sla.signFor.workingHours : sla.waitLimits[clock])),
  };
}

const CLOCK_KINDS: readonly ClockKind[] = ['handling', 'sign', 'dispatch', 'redispatch', 'review', 'extension', 'callback', 'unsatisfied'];
/** Further than any due-soon threshold reaches (sla.yaml caps dueSoon well below this, holidays included). */
const SEARCH_SPAN_MS = 120 * 24 * HOUR_MS;

/**
 * The latest deadline of `clock` that is still due soon at `now` (a deadline in [now, limit] is
 * due soon, one before `now` overdue), so that SQL can count colours on an indexed column. Found
 * by bisection on dueState itself (monotonic in the deadline), so SQL and the rows' colours agree.
 */
export function clockBoundary(now: number, cfg: DeskClockConfig, clock: ClockKind): number {
  const days = cfg.dueSoonDays(clock);
  const soon = (d: number) => dueState(d, now, days, cfg.calendar, cfg.sla.workHours) !== 'on_time';
  let lo = now; // due soon (or the threshold is 0 and nothing is)
  let hi = now + SEARCH_SPAN_MS;
  if (soon(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (soon(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** clockBoundary of each clock at `now`, each worked out once when first asked for (~0.3 ms each). */
export function soonLimits(now: number, cfg: DeskClockConfig): (clock: ClockKind) => number {
  const known = new Map<ClockKind, number>();
  return (clock) => {
    let limit = known.get(clock);
    if (limit === undefined) known.set(clock, (limit = clockBoundary(now, cfg, clock)));
    return limit;
  };
}

/** Every clock's boundary (tests, diagnostics). */
export function clockBoundaries(now: number, cfg: DeskClockConfig): Record<ClockKind, number> {
  return Object.fromEntries(CLOCK_KINDS.map((c) => [c, clockBoundary(now, cfg, c)])) as Record<ClockKind, number>;
}
