import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { SETTING_NAMES, unknownSettings } from '../../src/config/env.js';

t.test('a SUNLINE_ name the server does not read is reported (src/server.ts logs it at start)', async (t) => {
  t.same(
    unknownSettings({
      PATH: '/usr/bin',
      SUNLINE_PORT: '8080',
      SUNLINE_DATABSE_URL: 'postgres://x', // misspelt
      SUNLINE_INITIAL_ADMIN_PASWORD: 'x', // misspelt
      SUNLINE_INITIAL_ADMIN_PASSWORD: 'a-long-password',
      SUNLINE_DEMO_CALL_EVERY_MS: '100', // the demo's own
      SUNLINE_BENCH_LOG: '1',
      SUNLINE_TEST_DATABASE: 'postgres',
    }),
    ['SUNLINE_DATABSE_URL', 'SUNLINE_INITIAL_ADMIN_PASWORD'],
  );
  t.same(unknownSettings({}), []);
});

/** The settings a text names: `SUNLINE_A_B` and, after it on the same line, `_C` for SUNLINE_A_C (`_X_Y` replaces two parts). */
function namedIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    let last = '';
    for (const m of line.matchAll(/`((?:SUNLINE|MEDIASOUP)_[A-Z0-9_]+|_[A-Z0-9_]+)`/g)) {
      const named = m[1]!;
      const parts = named.split('_').length - 1;
      const name = named.startsWith('_') ? last.split('_').slice(0, -parts).join('_') + named : named;
      if (name.startsWith('SUNLINE_') || name.startsWith('MEDIASOUP_')) names.add(name);
      last = name;
    }
  }
  return names;
}

const ROOT = path.join(import.meta.dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

t.test("the README's settings table names settings the server reads; every setting is documented", async (t) => {
  const readme = read('README.md');
  const table = readme.slice(readme.indexOf('| variable | default | meaning |'));
  const inTable = namedIn(table.slice(0, table.indexOf('\n\n')));
  t.ok(inTable.size > 30);
  for (const name of inTable) t.ok(SETTING_NAMES.has(name), `${name} (README) is read by the server`);
  const docs = [
    readme,
    ...fs
      .readdirSync(path.join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => read(`docs/${f}`)),
  ];
  const documented = namedIn(docs.join('\n'));
  for (const name of SETTING_NAMES) t.ok(documented.has(name), `${name} is documented (README or docs/)`);
});
