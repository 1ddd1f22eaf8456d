/**
 * config/calendar.yaml: the State Council's holiday schedule (国务院办公厅关于X年部分节假日安排的通知),
 * one entry per year. The schema checks the shape; `buildWorkCalendar` checks the dates against
 * each other and builds the WorkCalendar. Every problem is reported at once, each with the
 * data path the config loader turns into a file line.
 */
import { z } from 'zod';
import { formatDate, isWeekend, parseDate, weekdayOf, type DayNumber } from './local-time.js';
import { WorkCalendar } from './work-calendar.js';
import { SHANGHAI_OFFSET_MS } from '../../lib/shanghai-time.js';

/** A data path into the parsed file, e.g. ['years', '2026', 'holidays', 1, 'to']. */
export type ConfigPath = readonly (string | number)[];

/** One mistake found in a config file, positioned by its data path. */
export interface ConfigProblem {
  readonly path: ConfigPath;
  readonly message: string;
}

const dateText = z.string().refine((s) => parseDate(s) !== undefined, 'must be a real date "YYYY-MM-DD", e.g. "2026-02-14"');

const HolidaySchema = z.strictObject({
  /** e.g. "春节"; shown in the admin UI and in messages. */
  name: z.string().trim().min(1, 'must name the holiday, e.g. "春节"'),
  from: dateText,
  /** Last day of the holiday, inclusive; omit for a one-day holiday. */
  to: dateText.optional(),
});

const YearSchema = z.strictObject({
  /** Where the dates come from (the notice's title and number), for the next administrator. */
  source: z.string().optional(),
  holidays: z.array(HolidaySchema).default([]),
  /** Weekend days that are working days (调休上班). */
  makeUpWorkdays: z.array(dateText).default([]),
});

export const CalendarConfigSchema = z.strictObject({
  /** Fixed: deadlines are computed with the UTC+8 offset of Asia/Shanghai (no DST). */
  timezone: z.literal('Asia/Shanghai', { error: 'must be "Asia/Shanghai": official working days are Beijing time' }).default('Asia/Shanghai'),
  years: z.record(z.string().regex(/^\d{4}$/, 'each key under "years" must be a year like 2026'), YearSchema).default({}),
});

export type CalendarConfig = z.output<typeof CalendarConfigSchema>;

/** A holiday range longer than this is almost certainly a typo (the longest, Spring Festival, is 9 days). */
const MAX_HOLIDAY_DAYS = 31;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export type BuildCalendarResult = { readonly ok: true; readonly calendar: WorkCalendar } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * Builds the WorkCalendar from a schema-valid calendar.yaml, or lists every problem:
 * a range that ends before it starts or is implausibly long, a date filed under the wrong year,
 * a day listed twice, a day that is both a holiday and a make-up working day, a make-up day
 * that is not a Saturday or Sunday (a weekday is a working day anyway: it is surely a typo).
 */
export function buildWorkCalendar(config: CalendarConfig): BuildCalendarResult {
  const problems: ConfigProblem[] = [];
  const holidays = new Map<DayNumber, string>();
  const makeUpDays = new Set<DayNumber>();
  const makeUpEntries: { day: DayNumber; path: ConfigPath }[] = [];

  for (const [yearKey, year] of Object.entries(config.years)) {
    const yearNo = Number(yearKey);
    const inYear = (day: DayNumber, path: ConfigPath): boolean => {
      // A year's notice may reach back into the December before it (e.g. 元旦 2023 began on 2022-12-31).
      const ok = day >= (parseDate(`${yearNo - 1}-12-01`) ?? 0) && day <= (parseDate(`${yearNo}-12-31`) ?? 0);
      if (!ok)
        problems.push({
          path,
          message: `${formatDate(day)} is not in ${yearNo}: dates under years.${yearNo} must fall in that year (or the December before it)`,
        });
      return ok;
    };

    year.holidays.forEach((h, i) => {
      const base = ['years', yearKey, 'holidays', i];
      const from = parseDate(h.from);
      const to = parseDate(h.to ?? h.from);
      if (from === undefined || to === undefined) return; // the schema reported it
      if (to < from) {
        problems.push({ path: [...base, 'to'], message: `"to" (${h.to}) is before "from" (${h.from})` });
        return;
      }
      if (to - from + 1 > MAX_HOLIDAY_DAYS) {
        problems.push({
          path: [...base, 'to'],
          message: `${h.name} runs ${to - from + 1} days (${h.from} to ${h.to}); more than ${MAX_HOLIDAY_DAYS} days is surely a typo`,
        });
        return;
      }
      if (!inYear(from, [...base, 'from']) || !inYear(to, [...base, 'to'])) return;
      for (let d = from; d <= to; d++) {
        const other = holidays.get(d);
        if (other !== undefined) problems.push({ path: base, message: `${formatDate(d)} is already a holiday (${other}); ranges must not overlap` });
        else holidays.set(d, h.name);
      }
    });

    year.makeUpWorkdays.forEach((text, i) => {
      const path = ['years', yearKey, 'makeUpWorkdays', i];
      const day = parseDate(text);
      if (day === undefined || !inYear(day, path)) return;
      if (!isWeekend(day)) {
        problems.push({ path, message: `${text} is a ${WEEKDAYS[weekdayOf(day)]}; a make-up working day is always a Saturday or Sunday` });
      } else if (makeUpDays.has(day)) {
        problems.push({ path, message: `${text} is listed twice as a make-up working day` });
      } else {
        makeUpDays.add(day);
        makeUpEntries.push({ day, path });
      }
    });
  }

  // After all years are read, so a clash across two years' lists is found too.
  for (const { day, path } of makeUpEntries) {
    const name = holidays.get(day);
    if (name !== undefined) problems.push({ path, message: `${formatDate(day)} is listed both as a holiday (${name}) and as a make-up working day` });
  }

  if (problems.length > 0) return { ok: false, problems };
  const years = Object.keys(config.years).map(Number);
  return { ok: true, calendar: new WorkCalendar({ holidays, makeUpDays, years }) };
}

/**
 * The years a calendar that lists some years lacks for time limits set at `now`: the Beijing year
 * of `now` and, from November on, the coming one (the State Council publishes it each November,
 * and time limits set in December run into it). A calendar listing no year at all (none kept)
 * lacks none: only weekends are days off there, as its file says.
 */
export function missingYears(config: CalendarConfig, now: number): string[] {
  if (Object.keys(config.years).length === 0) return [];
  const beijing = new Date(now + SHANGHAI_OFFSET_MS);
  const year = beijing.getUTCFullYear();
  const wanted = beijing.getUTCMonth() >= 10 ? [year, year + 1] : [year];
  return wanted.map(String).filter((y) => config.years[y] === undefined);
}
