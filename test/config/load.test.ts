import t from 'tap';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MENU_WARNING, formatProblem, hotlineFor, loadConfigDir, validateConfigSet, type LoadResult } from '../../src/config/files/index.js';
import { IVR, NUMBERS, REAL_CONFIG, SHIPPED_CALENDAR_AT, copyRealConfig, edit } from './fixtures/yaml.js';

/** Every problem and warning of a result as the CLI would print it. */
function lines(r: LoadResult): string[] {
  return [...(r.ok ? [] : r.problems), ...r.warnings].map(formatProblem);
}

function check(numbers: string, ivr: string = IVR): LoadResult {
  return validateConfigSet({ numbers, ivr }, { displayDir: 'config' });
}

t.test('the shipped config/ directory is valid and holds all seven hotlines', async (t) => {
  const r = await loadConfigDir(REAL_CONFIG, { now: SHIPPED_CALENDAR_AT });
  if (!r.ok) return t.fail(lines(r).join('\n'));
  t.strictSame(r.warnings, []);
  t.strictSame(
    r.config.numbers.numbers.map((h) => h.number),
    ['12345', '12333', '12328', '12315', '12330', '12356', '12329'],
  );
  const h = hotlineFor(r.config.numbers, '12315');
  t.equal(h.unit.name, '市市场监管局');
  t.equal(h.greeting.prompt, 'sunline/greeting-12315');
  t.equal(hotlineFor(r.config.numbers, '99999').number, '12345', 'unknown numbers fall back to defaultNumber');
  t.equal(r.config.ivr.hours.mode, 'always');
  t.strictSame(r.config.ivr.survey.digits, { satisfied: '1', basicallySatisfied: '2', unsatisfied: '3' });
  t.equal(r.config.ivr.menu, undefined);
});

t.test('a valid set is typed, defaulted and deep-frozen', async (t) => {
  const r = check(NUMBERS);
  if (!r.ok) return t.fail(lines(r).join('\n'));
  t.equal(r.config.numbers.numbers[0]?.priorityBoost, 0, 'priorityBoost defaults to 0');
  t.equal(r.config.numbers.numbers[1]?.priorityBoost, 5);
  t.strictSame(r.config.ivr.hours, { mode: 'always', timezone: 'Asia/Shanghai', schedule: [], outsideHours: 'queue' });
  t.strictSame(r.config.ivr.holidays, { mode: 'normal' });
  t.equal(r.config.ivr.survey.timeoutSeconds, 10);
  t.ok(Object.isFrozen(r.config));
  t.ok(Object.isFrozen(r.config.numbers.numbers[0]?.greeting));
  t.throws(() => {
    (r.config.numbers.numbers as unknown as string[]).push('x');
  });
});

t.test('YAML syntax error is reported at the unclosed bracket', async (t) => {
  const r = check(edit(NUMBERS, 'en: City hotline }', 'en: City hotline'));
  t.equal(r.ok, false);
  t.strictSame(lines(r), ['config/numbers.yaml:4:11 YAML syntax error: "{" is not closed with "}"']);
});

t.test('duplicate YAML key names the key and the first line', async (t) => {
  const r = check(edit(NUMBERS, '    skill: consumer\n', '    skill: consumer\n    skill: other\n'));
  t.strictSame(lines(r), ['config/numbers.yaml:13:5 duplicate key "skill" (first defined at line 12)']);
});

t.test('unknown key is reported at the key, with a suggestion', async (t) => {
  const r = check(edit(NUMBERS, '    greeting: { prompt: sunline/greeting-12345 }', '    greting: { prompt: sunline/greeting-12345 }'));
  t.strictSame(lines(r), [
    'config/numbers.yaml:3:5 numbers[0]: missing required field "greeting"',
    'config/numbers.yaml:6:5 unknown key "greting" (did you mean "greeting"?)',
  ]);
  const far = check(edit(NUMBERS, 'defaultNumber: "12345"', 'defaultNumber: "12345"\ncolour: blue'));
  t.strictSame(lines(far), ['config/numbers.yaml:2:1 unknown key "colour" (allowed here: defaultNumber, overflowSeconds, numbers)']);
});

t.test('wrong type is reported at the value', async (t) => {
  t.strictSame(lines(check(edit(NUMBERS, 'skill: general', 'skill: 42'))), [
    'config/numbers.yaml:7:12 numbers[0].skill: must be text, got the number 42 — put it in quotes: "42"',
  ]);
  t.strictSame(lines(check(edit(NUMBERS, 'number: "12315"', 'number: 12315'))), [
    'config/numbers.yaml:8:13 numbers[1].number: must be text, got the number 12315 — put it in quotes: "12315"',
  ]);
  t.strictSame(lines(check(edit(NUMBERS, 'priorityBoost: 5', 'priorityBoost: 2.5'))), [
    'config/numbers.yaml:13:20 numbers[1].priorityBoost: must be a whole number, got the number 2.5',
  ]);
});

t.test('missing field is reported at the mapping it belongs in', async (t) => {
  t.strictSame(lines(check(edit(NUMBERS, '    skill: general\n', ''))), ['config/numbers.yaml:3:5 numbers[0]: missing required field "skill"']);
  t.strictSame(lines(check(NUMBERS, edit(IVR, '  default: sunline/greeting-default\n', '  fallback: sunline/short\n'))), [
    'config/ivr.yaml:2:3 greeting: missing required field "default"',
  ]);
});

t.test('numbers: digits only, no duplicates, non-empty greeting', async (t) => {
  t.strictSame(lines(check(edit(NUMBERS, 'number: "12315"', 'number: "12345"'))), [
    'config/numbers.yaml:8:13 numbers[1].number: duplicate number "12345" (first defined at line 3)',
  ]);
  t.strictSame(lines(check(edit(NUMBERS, 'number: "12315"', 'number: "123-15"'))), [
    'config/numbers.yaml:8:13 numbers[1].number: must be 3 to 20 digits, e.g. "12345"',
  ]);
  t.strictSame(lines(check(edit(NUMBERS, 'prompt: sunline/greeting-12345', 'prompt: ""'))), [
    'config/numbers.yaml:6:25 numbers[0].greeting.prompt: must not be empty',
  ]);
  t.strictSame(lines(check(edit(NUMBERS, 'prompt: sunline/greeting-12345', 'prompt: greeting.wav'))), [
    'config/numbers.yaml:6:25 numbers[0].greeting.prompt: write the sound name without the file extension (Asterisk picks the format)',
  ]);
  t.strictSame(lines(check(edit(NUMBERS, 'defaultNumber: "12345"', 'defaultNumber: "12000"'))), [
    'config/numbers.yaml:1:16 defaultNumber: "12000" is not one of the numbers listed under "numbers"',
  ]);
});

t.test('numbers: without defaultNumber, its default "12345" must be listed too', async (t) => {
  // Before, the unchecked default let an unlisted dialled number go to whichever hotline came first.
  const withoutDefault = NUMBERS.replace('defaultNumber: "12345"\n', '');
  const ok = check(withoutDefault);
  if (!ok.ok) return t.fail(lines(ok).join('\n'));
  t.equal(hotlineFor(ok.config.numbers, '12399').number, '12345');
  t.strictSame(lines(check(edit(withoutDefault, 'number: "12345"', 'number: "12333"'))), [
    'config/numbers.yaml:1:1 defaultNumber: "12345" (the default when defaultNumber is not given) is not one of the numbers listed under "numbers"',
  ]);
});

const SCHEDULE = `hours:
  mode: schedule
  closedPrompt: sunline/closed
  schedule:
    - days: [mon, tue]
      from: "20:00"
      to: "08:00"
    - days: [sat, funday]
      from: "8:00"
      to: "17:00"
`;

t.test('business hours: format, order and day names', async (t) => {
  t.strictSame(lines(check(NUMBERS, IVR + SCHEDULE)), [
    'config/ivr.yaml:12:11 hours.schedule[0]: "to" ("08:00") must be later than "from" ("20:00")',
    'config/ivr.yaml:13:19 hours.schedule[1].days[1]: must be one of "mon", "tue", "wed", "thu", "fri", "sat", "sun", got "funday"',
    'config/ivr.yaml:14:13 hours.schedule[1].from: must be a time "HH:MM" from "00:00" to "24:00", in quotes',
  ]);
  const fixed = SCHEDULE.replace('from: "20:00"', 'from: "08:00"')
    .replace('to: "08:00"', 'to: "24:00"')
    .replace('[sat, funday]', '[sat]')
    .replace('"8:00"', '"09:00"');
  const ok = check(NUMBERS, IVR + fixed);
  if (!ok.ok) return t.fail(lines(ok).join('\n'));
  t.strictSame(ok.config.ivr.hours.schedule, [
    { days: ['mon', 'tue'], from: '08:00', to: '24:00' },
    { days: ['sat'], from: '09:00', to: '17:00' },
  ]);
});

t.test('business hours: schedule mode needs ranges and a closed prompt; overlaps warn', async (t) => {
  t.strictSame(lines(check(NUMBERS, IVR + 'hours:\n  mode: schedule\n')), [
    'config/ivr.yaml:7:3 hours: "schedule" needs at least one range when mode is "schedule"',
    'config/ivr.yaml:7:3 hours: missing required field "closedPrompt" (needed when mode is "schedule")',
  ]);
  const overlap = `hours:
  mode: schedule
  closedPrompt: sunline/closed
  schedule:
    - { days: [mon, tue], from: "08:00", to: "12:00" }
    - { days: [tue], from: "11:00", to: "18:00" }
`;
  const r = check(NUMBERS, IVR + overlap);
  t.equal(r.ok, true, 'an overlap is only a warning');
  t.strictSame(lines(r), ['config/ivr.yaml:11:7 warning: hours.schedule[1] overlaps hours.schedule[0] on tue']);
});

t.test('settings that cannot act in the chosen mode are warned about at their key (7×24 hours, holidays without announce)', async (t) => {
  const ignored = `hours:
  mode: always
  closedPrompt: sunline/closed
  outsideHours: hangup
  schedule:
    - { days: [mon], from: "08:00", to: "12:00" }
holidays:
  mode: normal
  prompt: sunline/holiday-notice
`;
  const r = check(NUMBERS, IVR + ignored);
  t.equal(r.ok, true, 'warnings only');
  t.strictSame(lines(r), [
    'config/ivr.yaml:8:3 warning: hours.closedPrompt is ignored because mode is "always" (7×24 service)',
    'config/ivr.yaml:9:3 warning: hours.outsideHours is ignored because mode is "always" (7×24 service)',
    'config/ivr.yaml:10:3 warning: hours.schedule is ignored because mode is "always" (7×24 service)',
    'config/ivr.yaml:14:3 warning: holidays.prompt is ignored because mode is not "announce"',
  ]);
});

t.test('holidays, survey and timezone cross-field checks', async (t) => {
  const ivr = `greeting:
  default: sunline/greeting-default
hours:
  timezone: Mars/Olympus
holidays:
  mode: announce
survey:
  enabled: true
  timeoutSeconds: 0
  digits:
    satisfied: 1
    basicallySatisfied: 1
`;
  t.strictSame(lines(check(NUMBERS, ivr)), [
    'config/ivr.yaml:4:13 hours.timezone: unknown time zone; use an IANA name such as "Asia/Shanghai"',
    'config/ivr.yaml:6:3 holidays: missing required field "prompt" (needed when mode is "announce")',
    'config/ivr.yaml:8:3 survey: missing required field "prompt" (needed when enabled is true)',
    'config/ivr.yaml:9:19 survey.timeoutSeconds: must be at least 1, got the number 0',
    'config/ivr.yaml:12:25 survey.digits.basicallySatisfied: key "1" is already used for "satisfied"',
  ]);
});

t.test('survey keys: a given key must not take the default of one not given', async (t) => {
  // Before, satisfied: 2 loaded beside the default basicallySatisfied 2, and a caller's 2 was stored as basically satisfied.
  t.strictSame(lines(check(NUMBERS, IVR + '  digits: { satisfied: 2 }\n')), [
    'config/ivr.yaml:6:24 survey.digits.satisfied: key "2" is already used for "basicallySatisfied" (its default; give "basicallySatisfied" another key)',
  ]);
  const swapped = check(NUMBERS, IVR + '  digits: { satisfied: 2, basicallySatisfied: 1 }\n');
  if (!swapped.ok) return t.fail(lines(swapped).join('\n'));
  t.strictSame(swapped.config.ivr.survey.digits, { satisfied: '2', basicallySatisfied: '1', unsatisfied: '3' });
  t.strictSame(lines(check(NUMBERS, IVR + '  digits: { unsatisfied: "#" }\n')), []);
});

t.test('a menu is allowed but produces the GB/T 33358 lint warning', async (t) => {
  const menu = 'menu:\n  prompt: sunline/menu\n  options:\n    - { digit: 1, number: "12315" }\n';
  const r = check(NUMBERS, IVR + menu);
  if (!r.ok) return t.fail(lines(r).join('\n'));
  t.strictSame(r.warnings, [{ file: 'config/ivr.yaml', line: 6, col: 1, message: MENU_WARNING, severity: 'warning' }]);
  t.equal(MENU_WARNING, 'GB/T 33358 advises routing by the number dialled instead of an interactive menu');
  t.strictSame(r.config.ivr.menu, { prompt: 'sunline/menu', timeoutSeconds: 5, options: [{ digit: '1', number: '12315' }] });

  const bad = check(NUMBERS, IVR + menu + '    - { digit: 1, number: "12399" }\n');
  t.strictSame(lines(bad), [
    'config/ivr.yaml:10:16 menu.options[1].digit: key "1" is used twice',
    'config/ivr.yaml:10:27 menu.options[1].number: "12399" is not listed in numbers.yaml',
    'config/ivr.yaml:6:1 warning: GB/T 33358 advises routing by the number dialled instead of an interactive menu',
  ]);
});

t.test('several errors in several files are all reported, in file order', async (t) => {
  let numbers = edit(NUMBERS, 'number: "12315"', 'number: "12345"');
  numbers = edit(numbers, '    skill: general\n', '    skil: general\n');
  numbers = edit(numbers, 'en: Consumer rights', 'en: ""');
  const ivr = edit(IVR, 'enabled: true', 'enabled: yes');
  const r = check(numbers, ivr);
  t.equal(r.ok, false);
  t.strictSame(lines(r), [
    'config/numbers.yaml:3:5 numbers[0]: missing required field "skill"',
    'config/numbers.yaml:7:5 unknown key "skil" (did you mean "skill"?)',
    'config/numbers.yaml:8:13 numbers[1].number: duplicate number "12345" (first defined at line 3)',
    'config/numbers.yaml:9:27 numbers[1].name.en: must not be empty',
    'config/ivr.yaml:4:12 survey.enabled: must be true or false, got "yes"',
  ]);
});

t.test('empty and missing files', async (t) => {
  t.strictSame(lines(check('', '# nothing yet\n')), ['config/numbers.yaml:1:1 the file is empty', 'config/ivr.yaml:1:1 the file is empty']);
  // An optional file with nothing in it takes every default, as a missing one does (sla.yaml "a missing or empty file is valid").
  const optional = validateConfigSet(
    { numbers: NUMBERS, ivr: IVR, sla: '', kb: '# synonyms: []\n', agents: '\n\n', qa: '---\n', recording: '# off for now\n# enabled: false\n' },
    { displayDir: 'config' },
  );
  if (!optional.ok) return t.fail(lines(optional).join('\n'));
  const missing = validateConfigSet({ numbers: NUMBERS, ivr: IVR }, { displayDir: 'config' });
  if (!missing.ok) return t.fail(lines(missing).join('\n'));
  t.strictSame(optional.config, missing.config, 'the same defaults as missing files');
  t.strictSame(lines(check(NUMBERS, IVR)), []);
  t.strictSame(lines(validateConfigSet({ numbers: NUMBERS, ivr: IVR, sla: 'null\n' }, { displayDir: 'config' })), []);
  t.strictSame(lines(validateConfigSet({ numbers: NUMBERS, ivr: IVR, sla: '[]\n' }, { displayDir: 'config' })), [
    'config/sla.yaml:1:1 must be a mapping of "key: value" lines, got a list',
  ]);
  const dir = t.testdir({ 'numbers.yaml': NUMBERS, 'numbers.yml': 'x: 1\n', 'notes.txt': 'hi' });
  const r = await loadConfigDir(dir, { displayDir: 'cfg' });
  t.strictSame(lines(r), [
    'cfg/ivr.yaml:1:1 file not found (this file is required)',
    'cfg/numbers.yml:1:1 warning: unknown config file is ignored; did you mean "numbers.yaml"?',
  ]);
});

t.test('problem paths use the directory as given', async (t) => {
  const root = t.testdir({});
  const dir = path.join(root, 'config');
  await copyRealConfig(dir);
  await writeFile(path.join(dir, 'numbers.yaml'), NUMBERS.replace('skill: general', 'skill: General'));
  const r = await loadConfigDir(dir);
  t.strictSame(lines(r), [`${dir}/numbers.yaml:7:12 numbers[0].skill: must be lower-case letters, digits, "-" or "_", starting with a letter, e.g. "hrss"`]);
  t.strictSame(
    r.files.map((f) => [f.key, f.file]),
    [
      ['numbers', `${dir}/numbers.yaml`],
      ['ivr', `${dir}/ivr.yaml`],
      ['sla', `${dir}/sla.yaml`],
      ['calendar', `${dir}/calendar.yaml`],
      ['org', `${dir}/org.yaml`],
      ['kb', `${dir}/kb.yaml`],
      ['recording', `${dir}/recording.yaml`],
      ['assessment', `${dir}/assessment.yaml`],
      ['qa', `${dir}/qa.yaml`],
      ['agents', `${dir}/agents.yaml`],
    ],
  );
});

t.test('a NUL written as a YAML escape, in a value or a key of any file, is refused at its line and column', async (t) => {
  for (const escaped of ['\\0', '\\x00', '\\u0000']) {
    const text = NUMBERS.replace('name: 市市场监管局', `name: "市市场${escaped}监管局"`);
    const line = text.split('\n').findIndex((l) => l.includes('市市场')) + 1;
    const value = check(text);
    t.notOk(value.ok, `a value with ${escaped}`);
    t.match(lines(value), [new RegExp(`^config/numbers\\.yaml:${line}:\\d+ .*NUL character`)], `a value with ${escaped}`);
  }
  const key = check(NUMBERS, `${IVR}\n"x\\0": 1\n`);
  t.notOk(key.ok, 'a key');
  t.match(lines(key), [/^config\/ivr\.yaml:\d+:1 .*NUL character/], 'a key');
  const tab = check(NUMBERS.replace('name: 市市场监管局', 'name: "市市场\\t监管局"'));
  t.ok(tab.ok, 'other escapes are left to each field’s own rules');
});
