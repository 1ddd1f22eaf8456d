/** kb.yaml is checked like the other config files: FILE:LINE:COL, a word in two groups refused. */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';

t.test('a bad kb.yaml is refused with its lines; the shipped one loads', async (t) => {
  const dir = t.testdir({});
  for (const f of fs.readdirSync('config')) fs.copyFileSync(path.join('config', f), path.join(dir, f));
  const ok = await loadConfigDir(dir, { displayDir: 'config' });
  t.ok(ok.ok, 'the shipped set loads');
  if (ok.ok) t.equal(ok.config.kb.reviewers[0], 'lead1');
  fs.writeFileSync(path.join(dir, 'kb.yaml'), 'synonyms:\n  - [社保, 社会保险]\n  - [医保, 社保]\n  - [孤单]\nstaleGraceDays: -1\n');
  const bad = await loadConfigDir(dir, { displayDir: 'config' });
  t.notOk(bad.ok);
  if (!bad.ok)
    t.same(bad.problems.map(formatProblem), [
      'config/kb.yaml:3:10 synonyms[1][1]: "社保" is already in synonyms[0]; merge the two groups',
      'config/kb.yaml:4:5 synonyms[2]: must have at least 2 items',
      'config/kb.yaml:5:17 staleGraceDays: must be at least 0, got the number -1',
    ]);
});
