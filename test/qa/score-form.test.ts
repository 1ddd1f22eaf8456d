/**
 * The scoring form of config/qa.yaml (issue 13 item 4): loaded and checked like every config file
 * (FILE:LINE:COL), a score checked against it, its total (a red line zeroes it), the form version,
 * and the weekly figures' arithmetic.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { formVersion, type QaItem } from '../../src/qa/qa-config.js';
import { weekOf, weeklyFigures } from '../../src/qa/qa-figures.js';
import { scoreAgainstForm } from '../../src/qa/score-form.js';

const item = (id: string, maxPoints: number, fatal = false): QaItem => ({ id, label: { zh: id, en: id }, maxPoints, fatal });
const FORM = [item('greeting', 40), item('policy', 60), item('privacy', 0, true), item('rude', 0, true)];

t.test('the shipped qa.yaml loads; a bad one is refused at its lines', async (t) => {
  const dir = t.testdir({});
  for (const f of fs.readdirSync('config')) fs.copyFileSync(path.join('config', f), path.join(dir, f));
  const ok = await loadConfigDir(dir, { displayDir: 'config' });
  t.ok(ok.ok, 'the shipped set loads');
  if (ok.ok) {
    t.equal(
      ok.config.qa.items.reduce((s, i) => s + i.maxPoints, 0),
      100,
    );
    t.ok(
      ok.config.qa.items.some((i) => i.fatal),
      'the shipped form has a red line',
    );
  }
  fs.writeFileSync(
    path.join(dir, 'qa.yaml'),
    [
      'items:',
      '  - id: greeting',
      '    label: { zh: 开头语, en: Greeting }',
      '    maxPoints: 30',
      '  - id: greeting',
      '    label: { zh: 重复, en: Again }',
      '    maxPoints: 30',
      '  - id: Bad Id',
      '    label: { zh: 坏, en: Bad }',
      '    maxPoints: 1.5',
      'sampling:',
      '  perAgentPerDay: -1',
      '',
    ].join('\n'),
  );
  const bad = await loadConfigDir(dir, { displayDir: 'config' });
  t.notOk(bad.ok);
  if (!bad.ok)
    t.same(bad.problems.map(formatProblem), [
      'config/qa.yaml:5:9 items[1].id: "greeting" is already items[0].id',
      'config/qa.yaml:8:9 items[2].id: must be lower-case letters, digits, "-" or "_", starting with a letter, e.g. "greeting"',
      'config/qa.yaml:10:16 items[2].maxPoints: must be a whole number, got the number 1.5',
      'config/qa.yaml:12:19 sampling.perAgentPerDay: must be at least 0, got the number -1',
    ]);
  fs.writeFileSync(path.join(dir, 'qa.yaml'), 'items:\n  - id: a\n    label: { zh: 甲, en: A }\n    maxPoints: 90\n');
  const short = await loadConfigDir(dir, { displayDir: 'config' });
  t.notOk(short.ok);
  if (!short.ok) t.same(short.problems.map(formatProblem), ['config/qa.yaml:2:3 items: the maxPoints add up to 90; they must add up to 100']);
});

t.test('a score is the sum of its points; a committed red line makes it 0', async (t) => {
  const ok = scoreAgainstForm(FORM, { points: { greeting: 35, policy: 50 }, fatalErrors: [] });
  t.same(ok, { ok: true, score: { points: { greeting: 35, policy: 50, privacy: 0, rude: 0 }, fatalErrors: [], fatal: false, total: 85, max: 100 } });
  const fatal = scoreAgainstForm(FORM, { points: { greeting: 40, policy: 60 }, fatalErrors: ['privacy'] });
  t.ok(fatal.ok);
  if (fatal.ok) {
    t.equal(fatal.score.total, 0, 'a red line zeroes a perfect score');
    t.equal(fatal.score.fatal, true);
    t.same(fatal.score.points, { greeting: 40, policy: 60, privacy: 0, rude: 0 }, 'the points are kept for the agent to read');
  }
});

t.test('points and red lines that do not fit the form are refused, every problem named', async (t) => {
  const bad = scoreAgainstForm(FORM, { points: { greeting: 41, policy: 2.5, tone: 3 }, fatalErrors: ['greeting', 'nope', 'rude', 'rude'] });
  t.same(bad, {
    ok: false,
    problems: [
      'points.tone: no such item in the form',
      'points.greeting: must be a whole number from 0 to 40, got 41',
      'points.policy: must be a whole number from 0 to 60, got 2.5',
      'fatalErrors: "greeting" is not a red line (fatal) item',
      'fatalErrors: "nope" is no item of the form',
      'fatalErrors: "rude" is listed twice',
    ],
  });
  t.same(scoreAgainstForm(FORM, { points: { greeting: 10 }, fatalErrors: [] }), { ok: false, problems: ['points.policy: missing (0 to 60)'] });
  t.same(scoreAgainstForm(FORM, { points: { greeting: -1, policy: 0 }, fatalErrors: [] }), {
    ok: false,
    problems: ['points.greeting: must be a whole number from 0 to 40, got -1'],
  });
});

t.test('the form version changes with the items and only with them', async (t) => {
  const v = formVersion(FORM);
  t.match(v, /^[0-9a-f]{12}$/);
  t.equal(formVersion(FORM.map((i) => ({ ...i, label: { ...i.label } }))), v);
  t.not(formVersion([item('greeting', 50), ...FORM.slice(1)]), v, 'other points');
  t.not(formVersion([...FORM.slice(0, 2), item('privacy', 0, false), FORM[3]!]), v, 'a red line no more');
});

t.test('weekly figures: per agent per Beijing week (Monday to Sunday) of the call', async (t) => {
  const at = (s: string) => Date.parse(`${s}+08:00`);
  t.equal(weekOf(at('2026-11-30T00:00:00')), '2026-11-30', 'Monday 00:00 Beijing');
  t.equal(weekOf(at('2026-12-06T23:59:59')), '2026-11-30', 'Sunday 23:59 Beijing');
  t.equal(weekOf(at('2026-12-07T00:00:00')), '2026-12-07');
  const rows = weeklyFigures(
    [
      { agentId: 7, agentName: 'A', enteredAt: at('2026-12-01T10:00:00') },
      { agentId: 7, agentName: 'A', enteredAt: at('2026-12-02T10:00:00') },
      { agentId: 7, agentName: 'A', enteredAt: at('2026-12-03T10:00:00') },
      { agentId: 8, agentName: 'B', enteredAt: at('2026-12-07T09:00:00') },
    ],
    [
      { agentId: 7, agentName: 'A', enteredAt: at('2026-12-01T10:00:00'), total: 90, fatal: false },
      { agentId: 7, agentName: 'A', enteredAt: at('2026-12-02T10:00:00'), total: 0, fatal: true },
      { agentId: 7, agentName: 'A', enteredAt: at('2026-12-04T10:00:00'), total: 85, fatal: false },
    ],
  );
  t.same(rows, [
    { agentId: 7, agentName: 'A', week: '2026-11-30', sampled: 3, scored: 3, averageScore: 58.3, lowestScore: 0, fatalCount: 1, fatalRate: 0.3333 },
    { agentId: 8, agentName: 'B', week: '2026-12-07', sampled: 1, scored: 0, averageScore: null, lowestScore: null, fatalCount: 0, fatalRate: null },
  ]);
});
