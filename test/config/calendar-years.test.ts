/**
 * calendar.yaml must list the years today's time limits run into (calendar-config.ts
 * missingYears): a year it lacks counts only weekends as days off, so deadlines over its
 * holidays come out early. The check warns — at the file's `years`, naming the State Council's
 * notice to copy from — for the current Beijing year and, from November on, the coming one. A
 * file that keeps no year at all is not warned about (no calendar kept, as documented).
 */
import t from 'tap';
import { formatProblem, validateConfigSet, type ConfigTexts } from '../../src/config/files/index.js';
import { IVR, NUMBERS } from './fixtures/yaml.js';

const at = (iso: string) => Date.parse(`${iso}T12:00:00+08:00`);
const CALENDAR = `timezone: Asia/Shanghai
years:
  2026:
    holidays:
      - { name: 元旦, from: 2026-01-01 }
`;
const warnings = (calendar: string, now: number) => {
  const texts: ConfigTexts = { numbers: NUMBERS, ivr: IVR, calendar };
  const r = validateConfigSet(texts, { displayDir: 'config', now });
  t.ok(r.ok, 'a warning, never an error: the set loads');
  return r.warnings.map(formatProblem);
};

t.test('the current year and, from November, the coming one must be listed', async (t) => {
  t.strictSame(warnings(CALENDAR, at('2026-06-01')), [], 'June 2026: 2026 is listed');
  t.strictSame(warnings(CALENDAR, at('2026-10-31')), [], 'still October: the coming year is not asked for yet');
  const december = warnings(CALENDAR, at('2026-12-07'));
  t.equal(december.length, 1);
  t.match(december[0], /^config\/calendar\.yaml:3:3 warning: years: no 2027 — time limits running into 2027 count only weekends as days off/);
  t.match(december[0], /国务院办公厅关于2027年部分节假日安排的通知/, 'names the notice to copy from');
  t.strictSame(
    warnings(CALENDAR, at('2027-03-01')).map((w) => /no (\d{4})/.exec(w)?.[1]),
    ['2027'],
    'the year itself, once it has begun',
  );
  t.strictSame(warnings(`${CALENDAR}  2027:\n    holidays: []\n`, at('2026-12-07')), [], 'listed, even with no holidays yet: no warning');
});

t.test('Beijing time decides the year', async (t) => {
  // 2026-12-31 17:00 UTC is already 2027-01-01 in Beijing; 60 days ahead is March 2027 either way.
  t.strictSame(warnings(CALENDAR, Date.parse('2026-10-31T17:00:00Z')).length, 1, 'Nov 1 in Beijing: the coming year is asked for');
  t.strictSame(warnings(CALENDAR, Date.parse('2026-10-31T15:00:00Z')).length, 0, 'still Oct 31 in Beijing');
});

t.test('a file that keeps no year is not warned about', async (t) => {
  t.strictSame(warnings('timezone: Asia/Shanghai\n', at('2026-12-07')), []);
  t.strictSame(warnings('', at('2026-12-07')), [], 'an empty calendar.yaml');
});
