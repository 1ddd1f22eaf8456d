import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import {
  CalendarConfigSchema,
  WorkCalendar,
  addWorkingDays,
  addWorkingHours,
  buildWorkCalendar,
  dueState,
  extendDeadline,
  formatShanghai,
  intakeDay,
  parseDate,
  workingDaysBetween,
  workingMsBetween,
  type WorkHours,
} from '../../src/workorders/deadlines/index.js';

/** Beijing wall-clock time → epoch ms; the explicit offset makes it independent of the host TZ. */
const bj = (s: string) => Date.parse(`${s}:00+08:00`);
const fmt = formatShanghai;

function shippedCalendar(): WorkCalendar {
  const raw: unknown = parse(readFileSync(new URL('../../config/calendar.yaml', import.meta.url), 'utf8'));
  const built = buildWorkCalendar(CalendarConfigSchema.parse(raw));
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.calendar;
}

const cal = shippedCalendar();
const hours: WorkHours = { start: '08:30', end: '17:30', lunch: { start: '12:00', end: '13:30' } };
const days = (start: string, n: number) => fmt(addWorkingDays(bj(start), n, cal, hours));

t.test('working days across the 2026 Spring Festival and its make-up Saturdays', async (t) => {
  t.equal(days('2026-02-13 10:00', 1), '2026-02-14 17:30', 'Sat 14 Feb is a make-up working day');
  t.equal(days('2026-02-13 10:00', 3), '2026-02-25 17:30', '15–23 Feb off: day 2 is Tue 24');
  t.equal(days('2026-02-13 10:00', 5), '2026-02-27 17:30', 'complaint limit');
  t.equal(days('2026-02-13 10:00', 15), '2026-03-12 17:30', 'report limit');
  t.equal(days('2026-02-14 10:00', 1), '2026-02-24 17:30', 'intake on the make-up Saturday counts that day');
  t.equal(days('2026-02-15 10:00', 0), '2026-02-24 17:30', 'intake during the holiday waits for Tue 24');
  t.equal(days('2026-02-16 09:00', 1), '2026-02-25 17:30', 'a Monday inside the holiday is not a working day');
  t.equal(days('2026-02-26 10:00', 2), '2026-02-28 17:30', 'Sat 28 Feb is a make-up working day too');
  t.equal(days('2026-02-27 10:00', 2), '2026-03-02 17:30');
});

t.test('working days across National Day 2025', async (t) => {
  t.equal(days('2025-09-26 10:00', 1), '2025-09-28 17:30', 'Sun 28 Sep is a make-up day');
  t.equal(days('2025-09-30 10:00', 1), '2025-10-09 17:30', '1–8 Oct off');
  t.equal(days('2025-09-30 10:00', 3), '2025-10-11 17:30', 'Sat 11 Oct is a make-up day');
  t.equal(days('2025-09-29 09:00', 5), '2025-10-13 17:30');
  t.equal(days('2025-10-04 10:00', 1), '2025-10-10 17:30', 'intake on a holiday counts from Thu 9 Oct');
});

t.test('a weekend is skipped; intake outside office hours counts from the next working day', async (t) => {
  t.equal(days('2026-03-06 10:00', 1), '2026-03-09 17:30', 'Fri → Mon');
  t.equal(days('2026-03-06 17:29', 1), '2026-03-09 17:30', 'just before the close: Friday still counts');
  t.equal(days('2026-03-06 17:30', 1), '2026-03-10 17:30', 'at the close: counts as Monday’s intake');
  t.equal(days('2026-03-06 20:00', 1), '2026-03-10 17:30');
  t.equal(days('2026-03-07 11:00', 1), '2026-03-10 17:30', 'Saturday');
  t.equal(days('2026-03-08 23:59', 1), '2026-03-10 17:30', 'Sunday night');
  t.equal(days('2026-03-09 00:00', 1), '2026-03-10 17:30', 'Monday 00:00 Beijing is Sunday in UTC: still Monday');
  t.equal(days('2026-03-09 07:00', 1), '2026-03-10 17:30', 'before opening: the day counts');
  t.equal(days('2026-03-09 07:00', 0), '2026-03-09 17:30', '0 days = the close of the intake day');
  t.equal(fmt(intakeDay(bj('2026-03-07 11:00'), cal, hours) * 86_400_000 - 8 * 3_600_000), '2026-03-09 00:00');
});

t.test('extensions add working days to the current deadline', async (t) => {
  const ext = (deadline: string, n: number) => fmt(extendDeadline(bj(deadline), n, cal, hours));
  t.equal(ext('2026-03-06 17:30', 3), '2026-03-11 17:30', 'a deadline at the close belongs to its own day');
  t.equal(days('2026-03-06 17:30', 3), '2026-03-12 17:30', 'unlike an intake at that instant');
  t.equal(ext('2026-02-13 17:30', 2), '2026-02-24 17:30', 'across the Spring Festival');
  t.equal(ext('2025-09-30 17:30', 2), '2025-10-10 17:30', 'across National Day');
  t.equal(ext('2026-03-06 17:30', 0), '2026-03-06 17:30');
  t.equal(ext('2026-03-07 12:00', 1), '2026-03-10 17:30', 'an odd deadline on a Saturday moves to Monday first');
  t.throws(() => extendDeadline(bj('2026-03-06 17:30'), -1, cal, hours), RangeError);
});

t.test('working hours for the sign-for limit skip lunch, evenings, weekends and holidays', async (t) => {
  const h = (start: string, n: number, wh: WorkHours = hours) => fmt(addWorkingHours(bj(start), n, cal, wh));
  t.equal(h('2026-03-09 09:00', 2), '2026-03-09 11:00');
  t.equal(h('2026-03-09 11:00', 2), '2026-03-09 14:30', 'lunch 12:00–13:30 not counted');
  t.equal(h('2026-03-09 12:30', 0), '2026-03-09 13:30', '0 h = next working instant');
  t.equal(h('2026-03-09 15:30', 2), '2026-03-09 17:30', 'ends exactly at the close, not next morning');
  t.equal(h('2026-03-09 16:30', 2), '2026-03-10 09:30');
  t.equal(h('2026-03-07 10:00', 0.5), '2026-03-09 09:00', 'from Saturday');
  t.equal(h('2026-02-13 17:00', 2), '2026-02-14 10:00', 'onto the make-up Saturday');
  t.equal(h('2026-02-14 16:30', 2), '2026-02-24 09:30', 'over the Spring Festival');
  t.equal(h('2026-03-09 11:00', 2, { start: '09:00', end: '17:00' }), '2026-03-09 13:00', 'no lunch break configured');
  t.throws(() => addWorkingHours(bj('2026-03-09 09:00'), -1, cal, hours), RangeError);
  t.throws(() => addWorkingHours(bj('2026-03-09 09:00'), 1, cal, { start: '17:00', end: '09:00' }), RangeError);
});

t.test('workingDaysBetween counts the working days after the first day up to the second', async (t) => {
  t.equal(workingDaysBetween(bj('2026-02-13 10:00'), bj('2026-02-25 17:30'), cal), 3);
  t.equal(workingDaysBetween(bj('2026-02-25 17:30'), bj('2026-02-13 10:00'), cal), -3);
  t.equal(workingDaysBetween(bj('2025-09-30 10:00'), bj('2025-10-09 09:00'), cal), 1);
  t.equal(workingDaysBetween(bj('2026-03-09 08:00'), bj('2026-03-09 18:00'), cal), 0);
  // The two functions agree for every intake during office hours of 2026, for 0..15 days.
  let checked = 0;
  for (let day = parseDate('2026-01-01') ?? 0; day <= (parseDate('2026-12-20') ?? 0); day += 3) {
    const start = day * 86_400_000 - 8 * 3_600_000 + 10 * 3_600_000; // 10:00 Beijing
    if (!cal.isWorkingDay(day)) continue;
    for (const n of [0, 1, 3, 5, 15]) {
      const got = workingDaysBetween(start, addWorkingDays(start, n, cal, hours), cal);
      if (got !== n) t.fail(`day ${day} n=${n} gave ${got}`);
      checked++;
    }
  }
  t.ok(checked > 300, `checked ${checked} pairs`);
});

t.test('dueState: overdue strictly after the deadline; due soon by working time left', async (t) => {
  const d = bj('2026-03-09 17:30'); // Monday
  const st = (now: string, threshold = 1) => dueState(d, bj(now), threshold, cal, hours);
  t.equal(st('2026-03-06 10:00'), 'on_time', '13.5 working hours left');
  t.equal(st('2026-03-06 17:00'), 'on_time', '8 h left > 7.5 h');
  t.equal(st('2026-03-07 10:00'), 'due_soon', 'one full working day left');
  t.equal(st('2026-03-09 17:30'), 'due_soon', 'at the deadline: not yet overdue');
  t.equal(dueState(d, d + 1, 1, cal, hours), 'overdue');
  t.equal(st('2026-03-09 12:00', 0.5), 'on_time', '4 h left > 3.75 h');
  t.equal(st('2026-03-09 13:45', 0.5), 'due_soon', '3.75 h left');
  const sf = bj('2026-02-24 17:30');
  t.equal(dueState(sf, bj('2026-02-13 18:00'), 1, cal, hours), 'on_time', '15 working hours left');
  t.equal(dueState(sf, bj('2026-02-15 09:00'), 1, cal, hours), 'due_soon', 'nine calendar days, one working day');
  t.equal(workingMsBetween(bj('2026-03-09 09:00'), bj('2026-03-09 17:30'), cal, hours), 7 * 3_600_000);
  t.equal(workingMsBetween(bj('2026-03-09 17:30'), bj('2026-03-09 09:00'), cal, hours), -7 * 3_600_000);
});

t.test('results do not depend on the machine time zone', async (t) => {
  const saved = process.env.TZ;
  t.teardown(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
    process.env.TZ = tz;
    // 1770948000000 = 2026-02-13 10:00 Beijing; 1772011800000 = 2026-02-25 17:30 Beijing.
    t.equal(addWorkingDays(1770948000000, 3, cal, hours), 1772011800000, `${tz}: across Spring Festival`);
    // 1772985600000 = Monday 2026-03-09 00:00 Beijing (Sunday 16:00 UTC) → Tuesday 17:30.
    t.equal(addWorkingDays(1772985600000, 1, cal, hours), 1773135000000, `${tz}: midnight boundary`);
  }
});

t.test('a year missing from the calendar falls back to Mon–Fri and says so', async (t) => {
  const d = parseDate('2027-01-01') ?? 0;
  t.equal(cal.covers(d), false);
  t.equal(cal.covers(parseDate('2026-06-01') ?? 0), true);
  t.equal(cal.isWorkingDay(d), true, 'no 2027 schedule loaded: a Friday is a working day');
  t.same(cal.years, [2025, 2026]);
  t.equal(new WorkCalendar().isWorkingDate('2026-02-16'), true, 'an empty calendar knows no holidays');
  t.throws(() => cal.isWorkingDate('2026-02-30'), RangeError);
});

t.test('addWorkingDays refuses counts that are not whole non-negative numbers', async (t) => {
  t.throws(() => addWorkingDays(bj('2026-03-09 09:00'), -1, cal, hours), RangeError);
  t.throws(() => addWorkingDays(bj('2026-03-09 09:00'), 1.5, cal, hours), RangeError);
  const allOff = new WorkCalendar({ holidays: new Map(Array.from({ length: 4000 }, (_, i) => [20000 + i, 'x'])) });
  // Weekends are off and every weekday a holiday: there is no working day to find.
  t.throws(() => allOff.nextWorkingDay(20000), RangeError);
});
