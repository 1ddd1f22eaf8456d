/**
 * The official working-day calendar: Monday–Friday are working days unless the State Council
 * declares a holiday, and some Saturdays/Sundays become make-up working days (调休上班).
 * Built from config/calendar.yaml by `buildWorkCalendar` (calendar-config.ts).
 */
import { formatDate, isWeekend, parseClock, parseDate, yearOf, type DayNumber } from './local-time.js';

/** Guard against a calendar with no working day at all (every date a holiday): a search must end. */
export const MAX_SCAN_DAYS = 3660;

/** Weekdays (Mon–Fri) among the days [0, n), for any integer n: whole weeks, then the rest. Day 0 was a Thursday. */
const WEEKDAYS_IN_PART_WEEK = [0, 1, 2, 2, 2, 3, 4];
function weekdaysBefore(n: DayNumber): number {
  const weeks = Math.floor(n / 7);
  return weeks * 5 + (WEEKDAYS_IN_PART_WEEK[n - weeks * 7] ?? 0);
}

/** Official working days for the years the calendar lists. */
export class WorkCalendar {
  private readonly holidays: ReadonlyMap<DayNumber, string>;
  private readonly makeUpDays: ReadonlySet<DayNumber>;
  /** Years whose schedule was published and loaded; outside them only the weekday rule applies. */
  readonly years: readonly number[];
  /**
   * The days where the weekday rule is wrong, sorted: a holiday on a weekday (one working day
   * fewer) and a make-up working day at a weekend (one more); `shiftBefore[i]` sums the
   * changes of the first i. Counting working days is then whole weeks plus a binary search,
   * whatever the distance (an order's deadline may lie years ahead).
   */
  private readonly exceptions: readonly DayNumber[];
  private readonly shiftBefore: readonly number[];
  /** Weekday holidays in the whole calendar: the most working days any range can lose. */
  private readonly weekdayHolidays: number;

  constructor(opts: { holidays?: ReadonlyMap<DayNumber, string>; makeUpDays?: ReadonlySet<DayNumber>; years?: readonly number[] } = {}) {
    this.holidays = opts.holidays ?? new Map();
    this.makeUpDays = opts.makeUpDays ?? new Set();
    this.years = [...(opts.years ?? [])].sort((a, b) => a - b);
    const change = new Map<DayNumber, number>();
    for (const day of this.holidays.keys()) if (!isWeekend(day) && !this.makeUpDays.has(day)) change.set(day, -1);
    for (const day of this.makeUpDays) if (isWeekend(day)) change.set(day, 1);
    this.exceptions = [...change.keys()].sort((a, b) => a - b);
    const shift = [0];
    for (const day of this.exceptions) shift.push((shift[shift.length - 1] ?? 0) + (change.get(day) ?? 0));
    this.shiftBefore = shift;
    this.weekdayHolidays = [...change.values()].filter((c) => c < 0).length;
  }

  /** A working day is (Mon–Fri and not a holiday) or a make-up working day. */
  isWorkingDay(day: DayNumber): boolean {
    if (this.makeUpDays.has(day)) return true;
    return !isWeekend(day) && !this.holidays.has(day);
  }

  /** `isWorkingDay` for a "YYYY-MM-DD" date; throws RangeError on a malformed date (a programming error). */
  isWorkingDate(date: string): boolean {
    return this.isWorkingDay(dayFromDate(date));
  }

  /** The holiday's name (e.g. "春节") if `day` is an official holiday. */
  holidayName(day: DayNumber): string | undefined {
    return this.holidays.get(day);
  }

  isMakeUpDay(day: DayNumber): boolean {
    return this.makeUpDays.has(day);
  }

  /**
   * Whether the calendar knows the official schedule for `day`'s year. Deadlines in an
   * uncovered year silently ignore holidays, so callers should warn administrators to add it.
   */
  covers(day: DayNumber): boolean {
    return this.years.includes(yearOf(day));
  }

  /** The first working day strictly after `day`. */
  nextWorkingDay(day: DayNumber): DayNumber {
    const next = this.nthWorkingDayAfter(day, 1);
    if (next - day > MAX_SCAN_DAYS) throw new RangeError(`no working day within ${MAX_SCAN_DAYS} days after ${formatDate(day)}`);
    return next;
  }

  /** The number of working days D with from ≤ D ≤ to (0 when to < from). O(log holidays). */
  workingDaysIn(from: DayNumber, to: DayNumber): number {
    if (to < from) return 0;
    return weekdaysBefore(to + 1) - weekdaysBefore(from) + this.shiftBeforeDay(to + 1) - this.shiftBeforeDay(from);
  }

  /** The n-th working day after `day` (`day` itself for n = 0): a binary search over workingDaysIn. */
  nthWorkingDayAfter(day: DayNumber, n: number): DayNumber {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
    if (n === 0) return day;
    // By `hi` there are at least n + weekdayHolidays weekdays, so at least n working days.
    let lo = day + 1;
    let hi = day + 7 * (Math.ceil((n + this.weekdayHolidays) / 5) + 1);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.workingDaysIn(day + 1, mid) >= n) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The net change of the exceptions before `day` (binary search). */
  private shiftBeforeDay(day: DayNumber): number {
    let lo = 0;
    let hi = this.exceptions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.exceptions[mid] ?? Infinity) < day) lo = mid + 1;
      else hi = mid;
    }
    return this.shiftBefore[lo] ?? 0;
  }
}

function dayFromDate(date: string): DayNumber {
  const day = parseDate(date);
  if (day === undefined) throw new RangeError(`not a date "YYYY-MM-DD": ${date}`);
  return day;
}

/** Office hours of the handling units, as config/sla.yaml states them ("HH:MM", Shanghai time). */
export interface WorkHours {
  readonly start: string;
  readonly end: string;
  /** Optional lunch break, inside [start, end]; not counted as working time. */
  readonly lunch?: { readonly start: string; readonly end: string } | undefined;
}

/** One stretch of working time within a day, in minutes after local midnight: [from, to). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/**
 * The working spans of one working day, e.g. 08:30–12:00 and 13:30–17:30. Throws RangeError
 * on hours the schema would have refused (start ≥ end, lunch outside the day): arithmetic
 * with such hours would silently produce nonsense deadlines.
 */
export function workSpans(hours: WorkHours): readonly Span[] {
  const start = parseClock(hours.start);
  const end = parseClock(hours.end);
  if (start === undefined || end === undefined || start >= end) {
    throw new RangeError(`invalid work hours ${hours.start}–${hours.end}`);
  }
  if (!hours.lunch) return [{ from: start, to: end }];
  const ls = parseClock(hours.lunch.start);
  const le = parseClock(hours.lunch.end);
  if (ls === undefined || le === undefined || ls >= le || ls <= start || le >= end) {
    throw new RangeError(`invalid lunch break ${hours.lunch.start}–${hours.lunch.end} within ${hours.start}–${hours.end}`);
  }
  return [
    { from: start, to: ls },
    { from: le, to: end },
  ];
}

/** Length of one full working day in milliseconds (7.5 h for 08:30–17:30 with lunch 12:00–13:30). */
export function workdayMs(hours: WorkHours): number {
  return workSpans(hours).reduce((sum, s) => sum + (s.to - s.from) * 60_000, 0);
}
