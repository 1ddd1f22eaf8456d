import t, { type Test } from 'tap';
import { once } from 'node:events';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { ConfigInvalidError, ConfigStore, formatProblem, type SunlineConfig } from '../../src/config/files/index.js';
import { IVR, NUMBERS, edit } from './fixtures/yaml.js';

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A real pino logger whose lines the test can read back. */
function memoryLog() {
  const entries: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void entries.push(JSON.parse(s) as LogLine) });
  return { log, entries, msgs: () => entries.map((e) => e.msg) };
}

/** Wait for a store event, failing the test instead of hanging if it never comes. */
function next<E extends 'changed' | 'rejected'>(store: ConfigStore, event: E) {
  return once(store, event, { signal: AbortSignal.timeout(5000) });
}

async function openIn(t: Test, opts: { watch: boolean; rearmMs?: number }) {
  const root = t.testdir({ config: { 'numbers.yaml': NUMBERS, 'ivr.yaml': IVR } });
  const dir = path.join(root, 'config');
  const mem = memoryLog();
  const store = await ConfigStore.open({ dir, watch: opts.watch, log: mem.log, debounceMs: 50, displayDir: 'config', rearmMs: opts.rearmMs ?? 1000 });
  t.teardown(() => store.close());
  return { root, dir, store, ...mem };
}

/** Save the way editors do: write a temp file, then rename it over the original. */
async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}

const skillOf = (c: SunlineConfig, i: number) => c.numbers.numbers[i]?.skill;

t.test('open throws ConfigInvalidError with every problem when the first load is bad', async (t) => {
  const dir = t.testdir({ 'numbers.yaml': edit(NUMBERS, 'skill: general', 'skil: general'), 'ivr.yaml': IVR });
  const err = await ConfigStore.open({ dir, watch: false, log: pino({ level: 'silent' }), displayDir: 'config' }).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(err instanceof ConfigInvalidError);
  const e = err as ConfigInvalidError;
  t.equal(e.code, 'CONFIG_INVALID');
  t.strictSame(e.problems.map(formatProblem), [
    'config/numbers.yaml:3:5 numbers[0]: missing required field "skill"',
    'config/numbers.yaml:7:5 unknown key "skil" (did you mean "skill"?)',
  ]);
});

t.test('watcher: good change swaps, bad change is rejected and keeps the last good, fix swaps again', async (t) => {
  const { dir, store, msgs, entries } = await openIn(t, { watch: true });
  const first = store.current();
  t.equal(store.status().version, 1);
  t.equal(skillOf(first, 0), 'general');

  // 1. a good change, written in place
  const changed = next(store, 'changed');
  await writeFile(path.join(dir, 'numbers.yaml'), edit(NUMBERS, 'skill: general', 'skill: city'));
  const [cfg, version] = (await changed) as [SunlineConfig, number];
  t.equal(version, 2);
  t.equal(skillOf(cfg, 0), 'city');
  t.equal(store.current(), cfg, 'current() is the object the event carried');
  t.equal(skillOf(first, 0), 'general', 'the old object was not mutated');
  t.ok(msgs().includes('config reloaded'));

  // 2. a bad change, saved editor-style (temp file + rename)
  const rejected = next(store, 'rejected');
  await atomicWrite(path.join(dir, 'numbers.yaml'), edit(NUMBERS, 'number: "12315"', 'number: "12345"'));
  const [problems] = await rejected;
  const expected = ['config/numbers.yaml:8:13 numbers[1].number: duplicate number "12345" (first defined at line 3)'];
  t.strictSame(problems.map(formatProblem), expected);
  t.equal(store.current(), cfg, 'the last good config keeps serving');
  const st = store.status();
  t.equal(st.version, 2);
  t.strictSame(st.lastError?.problems.map(formatProblem), expected);
  const rejectLog = entries.find((e) => e.msg === 'config rejected');
  t.strictSame(rejectLog?.problems, expected, 'the log line carries the FILE:LINE:COL lines');

  // 3. the fix swaps again and clears the error
  const fixed = next(store, 'changed');
  await atomicWrite(path.join(dir, 'numbers.yaml'), edit(NUMBERS, 'skill: consumer', 'skill: market'));
  const [cfg3, v3] = (await fixed) as [SunlineConfig, number];
  t.equal(v3, 3);
  t.equal(skillOf(cfg3, 1), 'market');
  t.equal(skillOf(cfg3, 0), 'general');
  t.equal(store.status().lastError, null);
  t.equal(store.status().lastGood.files[0]?.file, 'config/numbers.yaml');
});

t.test('manual reload: unchanged content does not bump the version', async (t) => {
  const { dir, store } = await openIn(t, { watch: false });
  t.strictSame(await store.reload(), { ok: true, changed: false, version: 1, warnings: [] });
  await writeFile(path.join(dir, 'ivr.yaml'), IVR + 'menu:\n  prompt: sunline/menu\n  options:\n    - { digit: 1, number: "12315" }\n');
  const r = await store.reload();
  t.equal(r.ok && r.changed && r.version, 2);
  t.strictSame(store.status().warnings.map(formatProblem), [
    'config/ivr.yaml:6:1 warning: GB/T 33358 advises routing by the number dialled instead of an interactive menu',
  ]);
  await writeFile(path.join(dir, 'ivr.yaml'), 'greeting: [\n');
  const bad = await store.reload();
  t.equal(bad.ok, false);
  t.equal(store.status().version, 2);
  t.ok(store.current().ivr.menu, 'still the version with the menu');
});

t.test('a throwing listener does not break the store', async (t) => {
  const { dir, store, msgs } = await openIn(t, { watch: false });
  store.on('changed', () => {
    throw new Error('listener bug');
  });
  await writeFile(path.join(dir, 'numbers.yaml'), edit(NUMBERS, 'skill: general', 'skill: city'));
  const r = await store.reload();
  t.equal(r.ok && r.version, 2);
  t.equal(skillOf(store.current(), 0), 'city');
  t.ok(msgs().includes('config listener failed'));
});

t.test('watcher re-arms when the directory is replaced', async (t) => {
  const { root, dir, store } = await openIn(t, { watch: true, rearmMs: 50 });
  const numbers = await readFile(path.join(dir, 'numbers.yaml'), 'utf8');
  // Deploy-style swap: a new directory renamed over the old one's path.
  const fresh = path.join(root, 'config.new');
  await mkdir(fresh);
  await writeFile(path.join(fresh, 'numbers.yaml'), edit(numbers, 'skill: general', 'skill: swapped'));
  await writeFile(path.join(fresh, 'ivr.yaml'), IVR);
  const changed = next(store, 'changed');
  await rename(dir, path.join(root, 'config.old'));
  await rename(fresh, dir);
  const [cfg] = (await changed) as [SunlineConfig, number];
  t.equal(skillOf(cfg, 0), 'swapped');

  // and the new watch works for ordinary edits
  const again = next(store, 'changed');
  await writeFile(path.join(dir, 'numbers.yaml'), edit(numbers, 'skill: general', 'skill: edited'));
  const [cfg2] = (await again) as [SunlineConfig, number];
  t.equal(skillOf(cfg2, 0), 'edited');
  await rm(path.join(root, 'config.old'), { recursive: true });
});
