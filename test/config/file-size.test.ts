/**
 * A config file is bounded like every input: one larger than 4 MiB (a log or a dump saved under a
 * config file's name) is not read into memory; the set is refused with that file's FILE:1:1
 * line, and a running server keeps its last good set.
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { ConfigStore, formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { MAX_FILE_BYTES } from '../../src/config/files/loader.js';
import { IVR, NUMBERS } from './fixtures/yaml.js';

/** A valid kb.yaml of exactly `bytes` bytes (a comment pads it). */
function kbOfSize(bytes: number): string {
  const head = 'staleGraceDays: 20\n#';
  return head + 'x'.repeat(bytes - head.length - 1) + '\n';
}

t.test('a file of at most 4 MiB is read; one byte more is refused at its first line', async (t) => {
  t.equal(MAX_FILE_BYTES, 4 * 1024 * 1024);
  const dir = t.testdir({ 'numbers.yaml': NUMBERS, 'ivr.yaml': IVR, 'kb.yaml': kbOfSize(MAX_FILE_BYTES) });
  const ok = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(ok.ok, true, 'exactly 4 MiB loads');
  if (ok.ok) t.equal(ok.config.kb.staleGraceDays, 20);

  await writeFile(path.join(dir, 'kb.yaml'), kbOfSize(MAX_FILE_BYTES + 1));
  const big = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(big.ok, false);
  if (!big.ok) t.strictSame(big.problems.map(formatProblem), ['config/kb.yaml:1:1 file too large (4194305 bytes; at most 4194304 bytes, 4 MiB)']);
});

t.test('a reload finding a file too large keeps the last good set', async (t) => {
  const dir = t.testdir({ 'numbers.yaml': NUMBERS, 'ivr.yaml': IVR, 'kb.yaml': 'staleGraceDays: 30\n' });
  const store = await ConfigStore.open({ dir, watch: false, log: pino({ level: 'silent' }), displayDir: 'config' });
  t.teardown(() => store.close());
  await writeFile(path.join(dir, 'kb.yaml'), kbOfSize(MAX_FILE_BYTES + 1));
  const res = await store.reload();
  t.equal(res.ok, false);
  t.match(store.status().lastError?.problems.map(formatProblem), ['config/kb.yaml:1:1 file too large']);
  t.equal(store.current().kb.staleGraceDays, 30);
});
