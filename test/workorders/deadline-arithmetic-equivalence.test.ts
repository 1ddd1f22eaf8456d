/**
 * The working-time arithmetic counts whole weeks and the calendar's exceptions instead of
 * walking every day (a deadline in the year 275760 once froze the server for ~8 s). The old
 * day-by-day functions are kept here as the oracle: both must agree on random ranges, calendars
 * and office hours; and a range of centuries asks the calendar about a handful of days.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import {
  CalendarConfigSchema,
  WorkCalendar,
  addWorkingDays,
  addWorkingHours,
  buildWorkCalendar,
  dayOf,
  dueState,
  extendDeadline,
  workSpans,
  workdayMs,
  workingDaysBetween,
  workingMsBetween,
  type DayNumber,
  type WorkHours,
} from '../../src/workorders/deadlines/index.js';
import { instantAt } from '../../src/workorders/deadlines/local-time.js';

// ---- The oracle: the day-by-day arithmetic as it was before (src/workorders/deadlines/arithmetic.ts). ----
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SCAN = 3660;

function oldNextWorkingDay(cal: WorkCalendar, day: DayNumber): DayNumber {
  for (let d = day + 1; d <= day + SCAN; d++) if (cal.isWorkingDay(d)) return d;
  throw new RangeError('no working day');
}
function oldEndOfDay(day: DayNumber, hours: WorkHours): number {
  const spans = workSpans(hours);
  return instantAt(day, spans[spans.length - 1]!.to);
}
function oldNth(day: DayNumber, n: number, cal: WorkCalendar): DayNumber {
  let d = day;
  for (let i = 0; i < n; i++) d = oldNextWorkingDay(cal, d);
  return d;
}
function oldAddWorkingDays(startMs: number, days: number, cal: WorkCalendar, hours: WorkHours): number {
  const day = dayOf(startMs);
  const intake = cal.isWorkingDay(day) && startMs < oldEndOfDay(day, hours) ? day : oldNextWorkingDay(cal, day);
  return oldEndOfDay(oldNth(intake, days, cal), hours);
}
function oldExtendDeadline(deadlineMs: number, days: number, cal: WorkCalendar, hours: WorkHours): number {
  const day = dayOf(deadlineMs);
  const base = cal.isWorkingDay(day) && deadlineMs <= oldEndOfDay(day, hours) ? day : oldNextWorkingDay(cal, day);
  return oldEndOfDay(oldNth(base, days, cal), hours);
}
function oldAddWorkingHours(startMs: number, hours: number, cal: WorkCalendar, workHours: WorkHours): number {
  const spans = workSpans(workHours);
  let remaining = hours * HOUR_MS;
  const first = dayOf(startMs);
  for (let day = first; day <= first + SCAN; day++) {
    if (!cal.isWorkingDay(day)) continue;
    for (const span of spans) {
      const from = Math.max(instantAt(day, span.from), startMs);
      const to = instantAt(day, span.to);
      if (from >= to) continue;
      if (remaining <= to - from) return from + remaining;
      remaining -= to - from;
    }
  }
  throw new RangeError('no working time');
}
function oldWorkingDaysBetween(fromMs: number, toMs: number, cal: WorkCalendar): number {
  if (toMs < fromMs) return -oldWorkingDaysBetween(toMs, fromMs, cal);
  let count = 0;
  for (let d = dayOf(fromMs) + 1; d <= dayOf(toMs); d++) if (cal.isWorkingDay(d)) count++;
  return count;
}
function oldWorkingMsBetween(fromMs: number, toMs: number, cal: WorkCalendar, workHours: WorkHours): number {
  if (toMs < fromMs) return -oldWorkingMsBetween(toMs, fromMs, cal, workHours);
  const spans = workSpans(workHours);
  let total = 0;
  for (let day = dayOf(fromMs); day <= dayOf(toMs); day++) {
    if (!cal.isWorkingDay(day)) continue;
    for (const span of spans) {
      const from = Math.max(instantAt(day, span.from), fromMs);
      const to = Math.min(instantAt(day, span.to), toMs);
      if (to > from) total += to - from;
    }
  }
  return total;
}
function oldDueState(deadlineMs: number, nowMs: number, dueSoonDays: number, cal: WorkCalendar, workHours: WorkHours) {
  if (nowMs > deadlineMs) return 'overdue';
  const left = oldWorkingMsBetween(nowMs, deadlineMs, cal, workHours);
  return left <= Math.round((dueSoonDays * workdayMs(workHours)) / MINUTE_MS) * MINUTE_MS ? 'due_soon' : 'on_time';
}
// ---- end of the oracle ----

/** mulberry32: a seeded generator, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function shippedCalendar(): WorkCalendar {
  const raw: unknown = parse(readFileSync(new URL('../../config/calendar.yaml', import.meta.url), 'utf8'));
  const built = buildWorkCalendar(CalendarConfigSchema.parse(raw));
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.calendar;
}

const BASE = dayOf(Date.parse('2024-06-01T00:00:00+08:00'));

/** Holidays on weekdays and weekends, make-up days at weekends and on weekdays, some days both. */
function randomCalendar(random: () => number): WorkCalendar {
  const holidays = new Map<DayNumber, string>();
  const makeUpDays = new Set<DayNumber>();
  for (let i = 0; i < 120; i++) holidays.set(BASE + Math.floor(random() * 1200), 'h');
  for (let i = 0; i < 40; i++) makeUpDays.add(BASE + Math.floor(random() * 1200));
  return new WorkCalendar({ holidays, makeUpDays });
}

const HOURS: Record<string, WorkHours> = {
  lunch: { start: '08:30', end: '17:30', lunch: { start: '12:00', end: '13:30' } },
  plain: { start: '09:00', end: '17:00' },
  wholeDay: { start: '00:00', end: '23:59' },
};

/** A random instant on `day`: often exactly on a span edge or at midnight, where off-by-ones live. */
function instant(random: () => number, hours: WorkHours, day: DayNumber): number {
  const spans = workSpans(hours);
  const r = random();
  if (r < 0.15) return instantAt(day, 0);
  if (r < 0.35) {
    const s = spans[Math.floor(random() * spans.length)]!;
    return instantAt(day, random() < 0.5 ? s.from : s.to) + (random() < 0.3 ? -1 : 0);
  }
  return instantAt(day, 0) + Math.floor(random() * 86_400_000);
}

const CASES = 1500;

for (const [calName, makeCal] of [
  ['shipped calendar.yaml', () => shippedCalendar()],
  ['a random calendar', () => randomCalendar(rng(7))],
  ['an empty calendar', () => new WorkCalendar()],
] as const) {
  t.test(`new arithmetic equals the day-by-day oracle: ${calName}`, async (t) => {
    const cal = makeCal();
    let checked = 0;
    for (const [hoursName, hours] of Object.entries(HOURS)) {
      const random = rng(hoursName.length * 1000 + calName.length);
      for (let i = 0; i < CASES; i++) {
        const from = instant(random, hours, BASE + Math.floor(random() * 1100));
        // The same instant, the same day, nearby, or up to two years away; mostly later, sometimes earlier.
        const reach = [0, 3, 40, 730][Math.floor(random() * 4)]!;
        const to = random() < 0.05 ? from : instant(random, hours, dayOf(from) + Math.round((random() * 1.25 - 0.25) * reach));
        const where = `${hoursName} case ${i}: ${from} → ${to}`;
        if (workingDaysBetween(from, to, cal) !== oldWorkingDaysBetween(from, to, cal)) t.fail(`workingDaysBetween ${where}`);
        if (workingMsBetween(from, to, cal, hours) !== oldWorkingMsBetween(from, to, cal, hours)) t.fail(`workingMsBetween ${where}`);
        const soon = [0, 0.5, 1, 3][i % 4]!;
        if (dueState(to, from, soon, cal, hours) !== oldDueState(to, from, soon, cal, hours)) t.fail(`dueState ${where}`);
        const n = Math.floor(random() * 100);
        if (addWorkingDays(from, n, cal, hours) !== oldAddWorkingDays(from, n, cal, hours)) t.fail(`addWorkingDays ${n} ${where}`);
        if (extendDeadline(to, n % 61, cal, hours) !== oldExtendDeadline(to, n % 61, cal, hours)) t.fail(`extendDeadline ${n % 61} ${where}`);
        // Hours in minutes, quarters and thirds; the old loop and the new skip may differ by float dust only.
        const h = [Math.floor(random() * 80 * 60) / 60, Math.floor(random() * 320) / 4, random() * 80, 0][i % 4]!;
        const diff = Math.abs(addWorkingHours(from, h, cal, hours) - oldAddWorkingHours(from, h, cal, hours));
        if (!(diff < 1e-3)) t.fail(`addWorkingHours ${h} ${where}: off by ${diff} ms`);
        const day = dayOf(from);
        if (cal.nextWorkingDay(day) !== oldNextWorkingDay(cal, day)) t.fail(`nextWorkingDay ${where}`);
        checked++;
      }
    }
    t.equal(checked, CASES * Object.keys(HOURS).length, `${checked} random cases agree`);
  });
}

t.test('a deadline centuries away asks the calendar about a handful of days (no loop per day)', async (t) => {
  let asked = 0;
  class CountingCalendar extends WorkCalendar {
    override isWorkingDay(day: DayNumber): boolean {
      asked++;
      return super.isWorkingDay(day);
    }
  }
  const cal = new CountingCalendar({ holidays: new Map([[BASE + 3, 'h']]), makeUpDays: new Set([BASE + 9]) });
  const now = instantAt(BASE, 600);
  const far = 8_640_000_000_000_000; // the last instant JavaScript dates reach: year 275760
  t.equal(dueState(far, now, 1, cal, HOURS.lunch!), 'on_time');
  t.ok(workingMsBetween(now, far, cal, HOURS.lunch!) > 0);
  t.ok(workingDaysBetween(now, far, cal) > 70_000_000, 'tens of millions of working days, counted not walked');
  addWorkingDays(now, 10_000, cal, HOURS.lunch!);
  t.ok(asked < 50, `the calendar was asked about ${asked} days`);
});
