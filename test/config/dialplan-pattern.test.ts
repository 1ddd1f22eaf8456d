/**
 * What config check assumes about the shipped dialplan must be true of it: the inbound pattern
 * numbers.yaml is checked against, and the queue's service level that the 12345 KPI needs.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './fixtures/yaml.js';
import { DIALPLAN_INBOUND_PATTERN } from '../../src/config/files/schemas/numbers.js';
import { validateConfigSet } from '../../src/config/files/index.js';
import { NUMBERS } from './fixtures/yaml.js';

const extensions = fs.readFileSync(path.join(REPO, 'dialplan', 'extensions.conf'), 'utf8');
const queues = fs.readFileSync(path.join(REPO, 'dialplan', 'queues.conf'), 'utf8');

/** The lines of one [context] of a dialplan file. */
function context(text: string, name: string): string[] {
  const start = text.indexOf(`[${name}]`);
  if (start < 0) return [];
  const rest = text.slice(start + name.length + 2);
  const end = rest.search(/^\[/m);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n');
}

t.test('the [from-trunk] context sends exactly the checked pattern into Stasis', async (t) => {
  const patterns = context(extensions, 'from-trunk')
    .map((l) => /^exten => (\S+?),1,/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  t.ok(patterns.includes(DIALPLAN_INBOUND_PATTERN), `[from-trunk] has exten => ${DIALPLAN_INBOUND_PATTERN}`);
  // (`h` is the hang-up extension.) The other patterns only strip an area-code prefix and jump back to the bare number.
  for (const p of patterns.filter((p) => p.startsWith('_') && p !== DIALPLAN_INBOUND_PATTERN))
    t.match(p, /^_0X+123XX$/, `${p} is an area-code prefix of ${DIALPLAN_INBOUND_PATTERN}`);
});

t.test('queues.conf measures the service level the 12345 KPI asks for (15 s)', async (t) => {
  t.match(queues, /^servicelevel = 15$/m);
});

t.test('a listed number the dialplan never routes is refused with its line', async (t) => {
  const res = validateConfigSet({ numbers: NUMBERS.replace('number: "12315"', 'number: "96315"') }, { displayDir: 'config' });
  t.equal(res.ok, false);
  const msgs = (res.ok ? [] : res.problems).map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`);
  t.match(msgs.join('\n'), /config\/numbers\.yaml:8:13 numbers\[1\]\.number: "96315" never reaches the server: the dialplan .* routes only _123XX/);
});
