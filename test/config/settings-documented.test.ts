/**
 * docs/configuration.md lists every setting the server reads (the start-up warning for an unknown
 * SUNLINE_* variable sends the administrator there), and names no variable the server does not read;
 * its table of files is the loader's.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SETTING_NAMES, unknownSettings } from '../../src/config/env.js';
import { CONFIG_FILES, CONFIG_KEYS } from '../../src/config/files/registry.js';
import { REPO } from './fixtures/yaml.js';

const doc = await readFile(path.join(REPO, 'docs/configuration.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Every environment setting'));

/** The variables named in the first column of the index table. */
function indexed(): Set<string> {
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]!);
  }
  return names;
}

t.test('the index of docs/configuration.md lists every setting of src/config/env.ts', async (t) => {
  t.ok(section.startsWith('## Every environment setting'), 'the section exists');
  const listed = indexed();
  t.strictSame(
    [...SETTING_NAMES].filter((n) => !listed.has(n)),
    [],
    'settings missing from the index',
  );
  t.strictSame(
    [...listed].filter((n) => !SETTING_NAMES.has(n)),
    [],
    'names in the index the server does not read',
  );
});

t.test('every SUNLINE_ variable the page mentions is one the server reads', async (t) => {
  const mentioned = new Set([...doc.matchAll(/\bSUNLINE_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]));
  const source = Object.fromEntries([...mentioned].map((n) => [n, 'x']));
  t.strictSame(unknownSettings(source), []);
});

t.test('the table of files lists every config file the server reads, each required or not as the loader says', async (t) => {
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z]+\.yaml)` \| [^\n]* \| (yes|no) \|$/gm)) rows.set(m[1]!, m[2]!);
  for (const key of CONFIG_KEYS) {
    const { file, required } = CONFIG_FILES[key];
    t.equal(rows.get(file), required ? 'yes' : 'no', file);
  }
  t.strictSame(
    [...rows.keys()].filter((f) => !CONFIG_KEYS.some((k) => CONFIG_FILES[k].file === f)),
    [],
    'no file the server does not read',
  );
});
