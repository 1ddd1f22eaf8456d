/**
 * The tests' TypeScript loader (test/loader/, decision 0020): a `.js` import names the `.ts`
 * beside it, output lines are the source's lines (what coverage maps through), and the output is
 * cached by the source's hash in node_modules/.cache.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from './fixtures/loader/typed.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = path.join(REPO, 'test/tools/fixtures/loader/typed.ts');

t.test('a .js import resolves to the .ts beside it, and a stack names the source line', async (t) => {
  const err = t.throws(() => fail({ name: 'circle' })) as Error;
  t.equal(err.message, 'no circle');
  t.match(err.stack ?? '', /fixtures\/loader\/typed\.ts:10:\d+/, 'the throw is on line 10 of the TypeScript');
});

t.test('the output is cached by content, and a changed file is transpiled again', async (t) => {
  // A name no other file has, to find this probe's entries among other processes' ones.
  const token = `probe_${process.pid}_${Date.now()}`;
  const dir = t.testdir({ 'probe.ts': `const ${token}: number = 1;\nexport const value = ${token} + 1;\n` });
  const probe = path.join(dir, 'probe.ts');
  const run = () =>
    spawnSync(
      process.execPath,
      ['--import=./test/loader/register.mjs', '--input-type=module', '-e', `import(${JSON.stringify(probe)}).then((m) => console.log(m.value))`],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    ).stdout.trim();
  const cacheRoot = path.join(REPO, 'node_modules/.cache/sunline-test-loader');
  const entries = () =>
    fs
      .readdirSync(cacheRoot)
      .flatMap((d) => fs.readdirSync(path.join(cacheRoot, d)).map((f) => path.join(cacheRoot, d, f)))
      .filter((f) => fs.readFileSync(f, 'utf8').includes(token));
  t.equal(run(), '2');
  t.equal(entries().length, 1, 'one cached output for the file');
  // Marked, the cached output shows whether the second process reads it instead of transpiling.
  const [entry] = entries();
  fs.writeFileSync(entry!, fs.readFileSync(entry!, 'utf8').replace(`${token} + 1`, `${token} + 100`));
  t.equal(run(), '101', 'the same text again: the cached output is what runs');
  t.equal(entries().length, 1, 'no new entry for an unchanged file');
  fs.writeFileSync(probe, `const ${token}: number = 41;\nexport const value = ${token} + 1;\n`);
  t.equal(run(), '42', 'the changed text is transpiled, not the stale output served');
  t.equal(entries().length, 2, 'a second entry for the changed text');
});
