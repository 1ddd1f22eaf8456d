/**
 * The order desk's proposal for a waiting extension request (desk/order-context.ts
 * proposedExtension): the requested working days on from the current deadline, holidays and
 * make-up days of the shipped calendar counted; from now once that deadline has passed, since a
 * grant must lie in the future (docs/workorder-lifecycle.md, grant_extension).
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { CalendarConfigSchema, buildWorkCalendar, formatShanghai, type WorkHours } from '../../src/workorders/deadlines/index.js';
import { proposedExtension } from '../../src/workorders/desk/order-context.js';

const bj = (s: string) => Date.parse(`${s}:00+08:00`);
const raw: unknown = parse(readFileSync(new URL('../../config/calendar.yaml', import.meta.url), 'utf8'));
const built = buildWorkCalendar(CalendarConfigSchema.parse(raw));
if (!built.ok) throw new Error(JSON.stringify(built.problems));
const cal = built.calendar;
const hours: WorkHours = { start: '08:30', end: '17:30', lunch: { start: '12:00', end: '13:30' } };
const propose = (deadline: string, days: number, now: string) => {
  const p = proposedExtension({ deadlineAt: bj(deadline), pendingExtension: { days } }, cal, hours, bj(now));
  return p && { days: p.days, deadlineAt: formatShanghai(p.deadlineAt) };
};

t.test('from the current deadline while it lies ahead (国庆节 2026 and its make-up Saturday counted)', async (t) => {
  // Wed 30 Sep 17:30; 1–7 Oct are the holiday, Sat 10 Oct a make-up working day: Thu 8, Fri 9, Sat 10.
  t.same(propose('2026-09-30 17:30', 3, '2026-09-29 10:00'), { days: 3, deadlineAt: '2026-10-10 17:30' });
});

t.test('from now once the deadline has passed', async (t) => {
  // Overdue since 30 Sep; asked on Mon 12 Oct 10:00: Tue 13, Wed 14, Thu 15.
  t.same(propose('2026-09-30 17:30', 3, '2026-10-12 10:00'), { days: 3, deadlineAt: '2026-10-15 17:30' });
});

t.test('no request or no deadline: no proposal', async (t) => {
  t.equal(proposedExtension({ deadlineAt: bj('2026-09-30 17:30'), pendingExtension: null }, cal, hours, 0), null);
  t.equal(proposedExtension({ deadlineAt: null, pendingExtension: { days: 3 } }, cal, hours, 0), null);
});
