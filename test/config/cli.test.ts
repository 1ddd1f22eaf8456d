import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO, copiedCalendarSummary, copyRealConfig, edit } from './fixtures/yaml.js';

const BIN = path.join(REPO, 'bin', 'sunline.mjs');

/** Run the real bin script the way an administrator would, from `cwd`. */
function sunline(cwd: string, ...args: string[]) {
  // The child runs TypeScript through tsx; its coverage would not map onto the in-process runs.
  const env = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout.split('\n').filter(Boolean), err: r.stderr.split('\n').filter(Boolean) };
}

t.test('config check on a valid copy exits 0 with a summary', async (t) => {
  const root = t.testdir({});
  await copyRealConfig(path.join(root, 'config'));
  const r = sunline(root, 'config', 'check');
  t.equal(r.code, 0);
  t.strictSame(r.out, [
    `config OK in config: numbers.yaml (7 numbers), ivr.yaml (hours always, survey on), sla.yaml (6 time limits), calendar.yaml (${await copiedCalendarSummary()}), org.yaml (23 units, 13 catalogue entries), kb.yaml (18 synonym groups, 1 reviewer), recording.yaml (recording on, kept 1095 days), assessment.yaml (weights 15/30/35/10/5/5, 约谈 bottom 3), qa.yaml (7 QA items, 2 calls per agent per day), agents.yaml (4 pause reasons)`,
  ]);
  t.strictSame(r.err, []);
});

t.test('config check on a broken copy exits 1 with FILE:LINE:COL lines', async (t) => {
  const root = t.testdir({});
  const dir = path.join(root, 'cfg');
  await copyRealConfig(dir);
  const file = path.join(dir, 'numbers.yaml');
  const text = await readFile(file, 'utf8');
  const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
  // a typo'd key on the 12333 entry and a duplicate number on the 12328 entry
  let broken = edit(text, '    skill: hrss\n', '    skil: hrss\n');
  broken = edit(broken, 'number: "12328"', 'number: "12333"');
  await writeFile(file, broken);
  await writeFile(
    path.join(dir, 'ivr.yaml'),
    (await readFile(path.join(dir, 'ivr.yaml'), 'utf8')) + 'menu:\n  prompt: sunline/menu\n  options:\n    - { digit: 1, number: "12315" }\n',
  );
  const ivrLines = (await readFile(path.join(dir, 'ivr.yaml'), 'utf8')).split('\n');
  const menuLine = ivrLines.indexOf('menu:') + 1;

  const r = sunline(root, 'config', 'check', './cfg/');
  t.equal(r.code, 1);
  const skilLine = lineOf('    skill: hrss');
  const entryLine = lineOf('  - number: "12333"');
  t.strictSame(r.out, [
    `cfg/numbers.yaml:${entryLine}:5 numbers[1]: missing required field "skill"`,
    `cfg/numbers.yaml:${skilLine}:5 unknown key "skil" (did you mean "skill"?)`,
    `cfg/numbers.yaml:${lineOf('  - number: "12328"')}:13 numbers[2].number: duplicate number "12333" (first defined at line ${entryLine})`,
    `cfg/ivr.yaml:${menuLine}:1 warning: GB/T 33358 advises routing by the number dialled instead of an interactive menu`,
  ]);
  t.strictSame(r.err, ['config INVALID: 3 errors, 1 warning in cfg']);
});

t.test('help exits 0; an unknown command exits 2', async (t) => {
  const root = t.testdir({});
  const help = sunline(root, 'help');
  t.equal(help.code, 0);
  t.equal(help.out[0], 'usage: sunline <command>');
  const bad = sunline(root, 'frobnicate');
  t.equal(bad.code, 2);
  t.equal(bad.err[0], 'sunline: unknown command "frobnicate"');
  t.strictSame(bad.out, []);
});

t.test('a missing directory is reported, not thrown', async (t) => {
  const root = t.testdir({});
  const r = sunline(root, 'config', 'check', 'nowhere');
  t.equal(r.code, 1);
  t.strictSame(r.out, ['nowhere/numbers.yaml:1:1 file not found (this file is required)', 'nowhere/ivr.yaml:1:1 file not found (this file is required)']);
});
