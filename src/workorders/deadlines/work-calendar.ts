/**
 * The official working-day calendar: Monday–Friday are working days unless the State Council
 * declares a holiday, and some Saturdays/Sundays become make-up working days (调休上班).
 * Built from config/calendar.yaml by `buildWorkCalendar` (calendar-config.ts).
 */
import { formatDate, isWeekend, parseClock, parseDate, yearOf, type DayNumber } from './local-time.js';

/** Guard against a calendar with no working day at all (every date a holiday): a loop must end. */
export const MAX_SCAN_DAYS = 3660;

/** Official working days for the years the calendar lists. */
export class WorkCalendar {
  private readonly holidays: ReadonlyMap<DayNumber, string>;
  private readonly makeUpDays: ReadonlySet<DayNumber>;
  /** Years whose schedule was published and loaded; outside them only the weekday rule applies. */
  readonly years: readonly number[];

  constructor(opts: { holidays?: ReadonlyMap<DayNumber, string>; makeUpDays?: ReadonlySet<DayNumber>; years?: readonly number[] } = {}) {
    this.holidays = opts.holidays ?? new Map();
    this.makeUpDays = opts.makeUpDays ?? new Set();
    this.years = [...(opts.years ?? [])].sort((a, b) => a - b);
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
    for (let d = day + 1; d <= day + MAX_SCAN_DAYS; d++) if (this.isWorkingDay(d)) return d;
    throw new RangeError(`no working day within ${MAX_SCAN_DAYS} days after ${formatDate(day)}`);
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
