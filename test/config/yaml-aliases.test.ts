/**
 * YAML aliases that cannot be turned into data: an alias with no anchor before it, and nested
 * aliases that multiply (an "alias bomb"). yaml's toJS throws for both instead of reporting them,
 * so they must become FILE:LINE:COL problems like any other bad edit: refused by `config check`,
 * the editor's check and a reload, with the last good set still running.
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { ConfigStore, formatProblem, validateConfigSet, type LoadResult } from '../../src/config/files/index.js';
import { IVR, NUMBERS } from './fixtures/yaml.js';

function lines(r: LoadResult): string[] {
  return [...(r.ok ? [] : r.problems), ...r.warnings].map(formatProblem);
}

// line 3, column 8 is the first alias of an anchor that holds aliases itself.
const BOMB = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
`;

t.test('an alias without its anchor is a problem at the alias, not an exception', async (t) => {
  const r = validateConfigSet({ numbers: NUMBERS, ivr: IVR, kb: 'staleGraceDays: *days\n' }, { displayDir: 'config' });
  t.equal(r.ok, false);
  t.strictSame(lines(r), ['config/kb.yaml:1:17 YAML alias "*days" has no anchor "&days" before it']);

  const later = validateConfigSet({ numbers: NUMBERS, ivr: IVR, kb: 'reviewers: [*x]\nstaleGraceDays: &x 3\n' }, { displayDir: 'config' });
  t.strictSame(lines(later), ['config/kb.yaml:1:13 YAML alias "*x" has no anchor "&x" before it'], 'an anchor after its alias does not count');
});

t.test('aliases that expand too far are a problem at the first nested alias, and the other files are still checked', async (t) => {
  const r = validateConfigSet({ numbers: NUMBERS, ivr: IVR, kb: BOMB, sla: 'dueSoon: { workingDays: 11 }\n' }, { displayDir: 'config' });
  t.equal(r.ok, false);
  t.strictSame(lines(r), [
    'config/sla.yaml:1:25 dueSoon.workingDays: must be at most 10, got the number 11',
    'config/kb.yaml:3:8 YAML aliases expand to more than 100 copies: write the values out instead of nesting aliases',
  ]);
});

t.test('an alias used as yaml allows it still loads', async (t) => {
  const r = validateConfigSet({ numbers: NUMBERS, ivr: IVR, kb: 'reviewers: &r [lead1]\nsynonyms: [[社保, 社会保险]]\n' }, { displayDir: 'config' });
  if (!r.ok) return t.fail(lines(r).join('\n'));
  t.strictSame(r.config.kb.reviewers, ['lead1']);
});

t.test('a reload of a file with a bad alias is rejected with its line and the last good set keeps running', async (t) => {
  const dir = t.testdir({ 'numbers.yaml': NUMBERS, 'ivr.yaml': IVR, 'kb.yaml': 'staleGraceDays: 30\n' });
  const store = await ConfigStore.open({ dir, watch: false, log: pino({ level: 'silent' }), displayDir: 'config' });
  t.teardown(() => store.close());
  const version = store.status().version;

  await writeFile(path.join(dir, 'kb.yaml'), 'staleGraceDays: *days\n');
  const res = await store.reload();
  t.equal(res.ok, false);
  if (!res.ok) t.strictSame(res.problems.map(formatProblem), ['config/kb.yaml:1:17 YAML alias "*days" has no anchor "&days" before it']);
  t.strictSame(store.status().lastError?.problems.map(formatProblem), ['config/kb.yaml:1:17 YAML alias "*days" has no anchor "&days" before it']);
  t.equal(store.current().kb.staleGraceDays, 30, 'the last good kb.yaml still serves');
  t.equal(store.status().version, version);

  await writeFile(path.join(dir, 'kb.yaml'), BOMB);
  const bomb = await store.reload();
  t.equal(bomb.ok, false);
  if (!bomb.ok) t.match(bomb.problems.map(formatProblem), ['config/kb.yaml:3:8 YAML aliases expand to more than 100 copies']);

  const check = await store.check({ kb: 'staleGraceDays: *days\n' });
  t.strictSame(lines(check), ['config/kb.yaml:1:17 YAML alias "*days" has no anchor "&days" before it'], "the editor's check answers with the problem");
  t.equal(store.current().kb.staleGraceDays, 30);
});
