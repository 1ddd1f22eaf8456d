/**
 * An editor save or a rollback writes nothing unless the whole set loads, also when another file
 * of the folder cannot be read (too large, unreadable): the check used to lay the edit over the
 * files it could read, found a valid set, wrote the edit and then failed to load it.
 */
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { ConfigStore, formatProblem } from '../../src/config/files/index.js';
import { MAX_FILE_BYTES } from '../../src/config/files/loader.js';
import { IVR, NUMBERS, edit } from './fixtures/yaml.js';

t.test('a save while another file cannot be read is refused with that file, and nothing is written', async (t) => {
  const dir = t.testdir({ 'numbers.yaml': NUMBERS, 'ivr.yaml': IVR, 'kb.yaml': 'staleGraceDays: 30\n' });
  const store = await ConfigStore.open({ dir, watch: false, log: pino({ level: 'silent' }), displayDir: 'config' });
  t.teardown(() => store.close());
  const version = store.status().version;
  await writeFile(path.join(dir, 'kb.yaml'), 'staleGraceDays: 20\n#' + 'x'.repeat(MAX_FILE_BYTES) + '\n');

  const edited = edit(NUMBERS, 'skill: consumer', 'skill: consumer-rights');
  const checked = await store.check({ numbers: edited });
  t.equal(checked.ok, false, "the editor's check says the set does not load");
  if (!checked.ok) t.match(checked.problems.map(formatProblem), ['config/kb.yaml:1:1 file too large']);

  const res = await store.apply({ numbers: edited }, { source: 'editor', actorId: 1 }, version);
  t.equal(res.ok, false);
  if (!res.ok && !res.conflict) t.match(res.problems.map(formatProblem), ['config/kb.yaml:1:1 file too large']);
  t.equal(await readFile(path.join(dir, 'numbers.yaml'), 'utf8'), NUMBERS, 'numbers.yaml is not written');
  t.equal(store.status().version, version);
  t.equal(store.current().numbers.numbers[1]?.skill, 'consumer');

  // Replacing the unreadable file itself is allowed: that is how it gets fixed.
  const fixed = await store.apply({ kb: 'staleGraceDays: 20\n' }, { source: 'editor', actorId: 1 }, version);
  t.equal(fixed.ok, true);
  t.equal(store.current().kb.staleGraceDays, 20);
});
