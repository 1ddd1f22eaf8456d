import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import {
  CalendarConfigSchema,
  DEFAULT_TIME_LIMITS,
  SlaConfigSchema,
  buildWorkCalendar,
  formatShanghai,
  handlingDeadline,
  orderDueState,
  parseDate,
  signForDeadline,
  type CalendarConfig,
} from '../../src/workorders/deadlines/index.js';

const readYaml = (name: string): unknown => parse(readFileSync(new URL(`../../config/${name}`, import.meta.url), 'utf8'));
const bj = (s: string) => Date.parse(`${s}:00+08:00`);

t.test('the shipped calendar.yaml is valid and holds the official 2025 and 2026 schedules', async (t) => {
  const parsed = CalendarConfigSchema.safeParse(readYaml('calendar.yaml'));
  t.ok(parsed.success, parsed.success ? 'valid' : JSON.stringify(parsed.error.issues));
  if (!parsed.success) return;
  const built = buildWorkCalendar(parsed.data);
  t.ok(built.ok, built.ok ? 'builds' : JSON.stringify(built.problems));
  if (!built.ok) return;
  const cal = built.calendar;
  const day = (s: string) => parseDate(s) ?? Number.NaN;

  // 365 days − 104 weekend days − 13 statutory holidays = 248 working days, both years.
  for (const year of [2025, 2026]) {
    let working = 0;
    for (let d = day(`${year}-01-01`); d <= day(`${year}-12-31`); d++) if (cal.isWorkingDay(d)) working++;
    t.equal(working, 248, `${year} has 248 working days`);
  }
  const expectWorking = [
    '2025-01-26',
    '2025-02-08',
    '2025-04-27',
    '2025-09-28',
    '2025-10-11',
    '2026-01-04',
    '2026-02-14',
    '2026-02-28',
    '2026-05-09',
    '2026-09-20',
    '2026-10-10',
  ];
  for (const d of expectWorking) t.equal(cal.isWorkingDate(d), true, `${d} make-up working day`);
  const expectOff = [
    '2025-01-01',
    '2025-01-28',
    '2025-02-04',
    '2025-04-04',
    '2025-05-05',
    '2025-06-02',
    '2025-10-08',
    '2026-01-02',
    '2026-02-16',
    '2026-02-23',
    '2026-04-06',
    '2026-05-05',
    '2026-06-19',
    '2026-09-25',
    '2026-10-07',
  ];
  for (const d of expectOff) t.equal(cal.isWorkingDate(d), false, `${d} holiday`);
  t.equal(cal.holidayName(day('2026-02-20')), '春节');
  t.equal(cal.holidayName(day('2025-10-06')), '国庆节、中秋节');
  t.equal(cal.isMakeUpDay(day('2026-02-28')), true);
  t.equal(cal.isWorkingDate('2026-02-24'), true, 'Tue after the Spring Festival');
});

t.test('the shipped sla.yaml is valid and matches the documented defaults', async (t) => {
  const sla = SlaConfigSchema.parse(readYaml('sla.yaml'));
  t.same(sla.timeLimits, { consultation: 1, request_for_help: 3, complaint: 5, report: 15, suggestion: 5, praise: 1 });
  t.same(sla.workHours, { start: '08:30', end: '17:30', lunch: { start: '12:00', end: '13:30' } });
  t.equal(sla.signFor.workingHours, 2);
  t.equal(sla.dueSoon.workingDays, 1);
  t.same(SlaConfigSchema.parse({}).timeLimits, DEFAULT_TIME_LIMITS, 'an empty file gets the defaults');
  t.same(SlaConfigSchema.parse({}).workHours, { start: '08:30', end: '17:30' });

  const built = buildWorkCalendar(CalendarConfigSchema.parse(readYaml('calendar.yaml')));
  if (!built.ok) throw new Error('calendar');
  const cal = built.calendar;
  t.equal(formatShanghai(handlingDeadline('complaint', bj('2026-02-13 10:00'), sla, cal)), '2026-02-27 17:30', 'the example in sla.yaml');
  t.equal(formatShanghai(handlingDeadline('consultation', bj('2025-09-30 16:00'), sla, cal)), '2025-10-09 17:30');
  t.equal(formatShanghai(signForDeadline(bj('2026-03-09 11:00'), sla, cal)), '2026-03-09 14:30');
  t.equal(orderDueState(bj('2026-03-09 17:30'), bj('2026-03-07 10:00'), sla, cal), 'due_soon');
});

t.test('SlaConfigSchema refuses unknown keys and impossible hours, at the right path', async (t) => {
  const issues = (v: unknown) => {
    const r = SlaConfigSchema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
  };
  t.same(
    issues({ timeLimits: { complaints: 5 } }).map((i) => i.code),
    ['unrecognized_keys'],
    'a misspelt category',
  );
  t.same(issues({ workHours: { start: '17:30', end: '08:30' } }), [
    { path: 'workHours.end', code: 'custom', message: '"end" (08:30) must be later than "start" (17:30)' },
  ]);
  t.same(
    issues({ workHours: { lunch: { start: '07:00', end: '08:00' } } }).map((i) => i.path),
    ['workHours.lunch'],
  );
  t.same(
    issues({ workHours: { lunch: { start: '13:00', end: '12:00' } } }).map((i) => i.path),
    ['workHours.lunch.end'],
  );
  t.same(
    issues({ workHours: { start: '8:30' } }).map((i) => i.path),
    ['workHours.start'],
    'needs two-digit hours',
  );
  t.same(
    issues({ timeLimits: { complaint: 2.5 } }).map((i) => i.path),
    ['timeLimits.complaint'],
  );
  t.same(
    issues({ signFor: { workingHours: 0 } }).map((i) => i.path),
    ['signFor.workingHours'],
  );
  t.same(
    issues({ dueSoon: { workingDays: -1 } }).map((i) => i.path),
    ['dueSoon.workingDays'],
  );
});

t.test('CalendarConfigSchema checks the shape', async (t) => {
  const fails = (v: unknown) => {
    const r = CalendarConfigSchema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  t.same(fails({ timezone: 'Asia/Tokyo' }), ['timezone']);
  t.same(fails({ years: { 2026: { holidays: [{ name: '春节', from: '2026-02-30' }] } } }), ['years.2026.holidays.0.from'], 'no 30 February');
  t.same(fails({ years: { 2026: { makeUpWorkdays: ['2026/02/14'] } } }), ['years.2026.makeUpWorkdays.0']);
  t.same(fails({ years: { '26': {} } }), ['years.26']);
  t.same(fails({ years: { 2026: { holiday: [] } } }), ['years.2026'], 'unknown key');
  t.same(fails({ years: { 2026: { holidays: [{ name: ' ', from: '2026-02-15' }] } } }), ['years.2026.holidays.0.name']);
  t.same(CalendarConfigSchema.parse({}), { timezone: 'Asia/Shanghai', years: {} });
});

t.test('buildWorkCalendar lists every date mistake with its path', async (t) => {
  const config: CalendarConfig = {
    timezone: 'Asia/Shanghai',
    years: {
      '2026': {
        holidays: [
          { name: '春节', from: '2026-02-15', to: '2026-02-23' },
          { name: '元宵', from: '2026-02-23' }, // overlaps
          { name: '清明节', from: '2026-04-06', to: '2026-04-04' }, // backwards
          { name: '国庆节', from: '2026-10-01', to: '2026-12-07' }, // typo: 68 days
          { name: '元旦', from: '2027-01-01' }, // wrong year
        ],
        makeUpWorkdays: ['2026-02-14', '2026-02-15', '2026-02-17', '2026-02-14', '2025-06-01'],
      },
      '2027': { holidays: [{ name: '元旦', from: '2026-12-31' }], makeUpWorkdays: [] }, // December before: allowed
    },
  };
  const r = buildWorkCalendar(config);
  t.equal(r.ok, false);
  if (r.ok) return;
  t.same(r.problems, [
    { path: ['years', '2026', 'holidays', 1], message: '2026-02-23 is already a holiday (春节); ranges must not overlap' },
    { path: ['years', '2026', 'holidays', 2, 'to'], message: '"to" (2026-04-04) is before "from" (2026-04-06)' },
    { path: ['years', '2026', 'holidays', 3, 'to'], message: '国庆节 runs 68 days (2026-10-01 to 2026-12-07); more than 31 days is surely a typo' },
    {
      path: ['years', '2026', 'holidays', 4, 'from'],
      message: '2027-01-01 is not in 2026: dates under years.2026 must fall in that year (or the December before it)',
    },
    { path: ['years', '2026', 'makeUpWorkdays', 2], message: '2026-02-17 is a Tuesday; a make-up working day is always a Saturday or Sunday' },
    { path: ['years', '2026', 'makeUpWorkdays', 3], message: '2026-02-14 is listed twice as a make-up working day' },
    {
      path: ['years', '2026', 'makeUpWorkdays', 4],
      message: '2025-06-01 is not in 2026: dates under years.2026 must fall in that year (or the December before it)',
    },
    { path: ['years', '2026', 'makeUpWorkdays', 1], message: '2026-02-15 is listed both as a holiday (春节) and as a make-up working day' },
  ]);

  const ok = buildWorkCalendar({
    timezone: 'Asia/Shanghai',
    years: { '2027': { holidays: [{ name: '元旦', from: '2026-12-31', to: '2027-01-01' }], makeUpWorkdays: [] } },
  });
  t.ok(ok.ok && !ok.calendar.isWorkingDate('2026-12-31'), 'a range reaching into the December before is accepted');
});
