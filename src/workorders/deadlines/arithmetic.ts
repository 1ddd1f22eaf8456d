/**
 * Deadline arithmetic in Chinese working days and working hours (Shanghai time, see
 * local-time.ts). The rules are spelled out in docs/workorder-lifecycle.md; in short:
 *
 * - The *intake day* of an instant T is T's own day if that is a working day and T is before
 *   the end of office hours; otherwise the next working day (an order received on Saturday or
 *   at 20:00 is treated as received on the next working morning).
 * - A limit of N working days ends at the close of office hours on the N-th working day after
 *   the intake day (the intake day itself is not counted: 受理当日不计入). N = 0 means the
 *   close of the intake day.
 * - A limit in working hours counts only the minutes inside office hours (lunch excluded).
 *
 * Every function here costs O(log holidays), not O(days): whole working days are counted by
 * WorkCalendar.workingDaysIn (whole weeks, then the calendar's exceptions in range), and only
 * the first and last day of a range are walked span by span. A deadline years ahead (or one a
 * client sent from the year 275760) costs no more than tomorrow's.
 */
import { dayOf, instantAt, type DayNumber } from './local-time.js';
import { MAX_SCAN_DAYS, workSpans, workdayMs, type Span, type WorkCalendar, type WorkHours } from './work-calendar.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** How close an order is to its deadline. */
export type DueState = 'on_time' | 'due_soon' | 'overdue';

function endOfDay(day: DayNumber, hours: WorkHours): number {
  const spans = workSpans(hours);
  const last = spans[spans.length - 1];
  if (!last) throw new RangeError('work hours have no span');
  return instantAt(day, last.to);
}

function assertDays(days: number): void {
  // Limits are whole working days; a fraction here would be a config or caller bug, not a rounding choice.
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${days}`);
}

/**
 * The working day an instant is counted from: its own day when that is a working day and the
 * instant is before the close of office hours, otherwise the next working day.
 */
export function intakeDay(ms: number, calendar: WorkCalendar, hours: WorkHours): DayNumber {
  const day = dayOf(ms);
  return calendar.isWorkingDay(day) && ms < endOfDay(day, hours) ? day : calendar.nextWorkingDay(day);
}

/**
 * The deadline of a limit of `days` working days starting at `startMs`: the close of office
 * hours on the `days`-th working day after the intake day of `startMs`.
 * Example (2026): accepted Fri 13 Feb 10:00, 3 working days → Sat 14 Feb (make-up day) is day 1,
 * the Spring Festival runs 15–23 Feb, so Tue 24 Feb is day 2 and Wed 25 Feb 17:30 the deadline.
 */
export function addWorkingDays(startMs: number, days: number, calendar: WorkCalendar, hours: WorkHours): number {
  assertDays(days);
  return endOfDay(calendar.nthWorkingDayAfter(intakeDay(startMs, calendar, hours), days), hours);
}

/**
 * An extension of `days` working days added to the current deadline. A deadline at the close
 * of office hours belongs to its own day (unlike an intake at that instant), so a deadline of
 * Fri 17:30 extended by 3 days becomes Wed 17:30, not Thu.
 */
export function extendDeadline(deadlineMs: number, days: number, calendar: WorkCalendar, hours: WorkHours): number {
  assertDays(days);
  const day = dayOf(deadlineMs);
  const base = calendar.isWorkingDay(day) && deadlineMs <= endOfDay(day, hours) ? day : calendar.nextWorkingDay(day);
  return endOfDay(calendar.nthWorkingDayAfter(base, days), hours);
}

/**
 * The instant `hours` working hours after `startMs` (fractions allowed), counting only time
 * inside office hours on working days. A limit that runs out exactly at a close of office
 * hours ends there (15:30 + 2 h = 17:30 the same day), not on the next morning.
 * `hours` = 0 gives the first working instant at or after `startMs`.
 */
export function addWorkingHours(startMs: number, hours: number, calendar: WorkCalendar, workHours: WorkHours): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`working hours must be ≥ 0, got ${hours}`);
  const spans = workSpans(workHours);
  const fullDay = workdayMs(workHours);
  let remaining = hours * HOUR_MS;
  const first = dayOf(startMs);
  // The first day from startMs on, then whole working days skipped at once, then the last day.
  const within = (day: DayNumber): number | undefined => {
    for (const span of spans) {
      const from = Math.max(instantAt(day, span.from), startMs);
      const to = instantAt(day, span.to);
      if (from >= to) continue;
      if (remaining <= to - from) return from + remaining;
      remaining -= to - from;
    }
    return undefined;
  };
  if (calendar.isWorkingDay(first)) {
    const end = within(first);
    if (end !== undefined) return end;
  }
  const wholeDays = Math.max(0, Math.ceil(remaining / fullDay) - 1);
  remaining -= wholeDays * fullDay;
  const last = calendar.nthWorkingDayAfter(first, wholeDays + 1);
  if (last - first > MAX_SCAN_DAYS) throw new RangeError(`no working time within ${MAX_SCAN_DAYS} days`);
  const end = within(last);
  // remaining ≤ one full working day here: the last day always has room for it.
  if (end === undefined) throw new RangeError(`working hours ${hours} overran the working day ${last}`);
  return end;
}

/** Working time (ms) on `day` between two instants (either may lie outside the day). */
function workingMsOn(day: DayNumber, fromMs: number, toMs: number, spans: readonly Span[], calendar: WorkCalendar): number {
  if (!calendar.isWorkingDay(day)) return 0;
  let total = 0;
  for (const span of spans) {
    const from = Math.max(instantAt(day, span.from), fromMs);
    const to = Math.min(instantAt(day, span.to), toMs);
    if (to > from) total += to - from;
  }
  return total;
}

/**
 * Working days from one instant to another: the number of working days D with
 * day(from) < D ≤ day(to); negative when `toMs` is earlier. For an intake during office hours,
 * `workingDaysBetween(T, addWorkingDays(T, N)) === N`.
 */
export function workingDaysBetween(fromMs: number, toMs: number, calendar: WorkCalendar): number {
  if (toMs < fromMs) return -workingDaysBetween(toMs, fromMs, calendar);
  return calendar.workingDaysIn(dayOf(fromMs) + 1, dayOf(toMs));
}

/** Working time (ms) inside office hours between two instants; negative when `toMs` is earlier. */
export function workingMsBetween(fromMs: number, toMs: number, calendar: WorkCalendar, workHours: WorkHours): number {
  if (toMs < fromMs) return -workingMsBetween(toMs, fromMs, calendar, workHours);
  const spans = workSpans(workHours);
  const [first, last] = [dayOf(fromMs), dayOf(toMs)];
  if (first === last) return workingMsOn(first, fromMs, toMs, spans, calendar);
  const between = calendar.workingDaysIn(first + 1, last - 1) * workdayMs(workHours);
  return workingMsOn(first, fromMs, toMs, spans, calendar) + between + workingMsOn(last, fromMs, toMs, spans, calendar);
}

/**
 * On time, due soon or overdue. Overdue strictly after the deadline (an order due at 17:30 and
 * replied at 17:30:00.000 is on time). Due soon when the working time left is at most
 * `dueSoonWorkingDays` full working days (fractions allowed: 0.5 = half a working day), so a
 * weekend or holiday between now and the deadline does not make an order look safer than it is.
 */
export function dueState(deadlineMs: number, nowMs: number, dueSoonWorkingDays: number, calendar: WorkCalendar, workHours: WorkHours): DueState {
  if (nowMs > deadlineMs) return 'overdue';
  const left = workingMsBetween(nowMs, deadlineMs, calendar, workHours);
  // Compare in whole minutes' precision so 0.1-day thresholds do not hinge on float dust.
  return left <= Math.round((dueSoonWorkingDays * workdayMs(workHours)) / MINUTE_MS) * MINUTE_MS ? 'due_soon' : 'on_time';
}
