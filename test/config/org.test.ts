import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { SHIPPED_CALENDAR_AT } from './fixtures/yaml.js';

/** A copy of the shipped config/ with org.yaml replaced (tests never touch the real one). */
function configWithOrg(org: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-org-'));
  fs.cpSync('config', dir, { recursive: true });
  const file = path.join(dir, 'org.yaml');
  if (org === undefined) fs.rmSync(file);
  else fs.writeFileSync(file, org);
  return dir;
}

/** "LINE:COL" of the first `needle` on 1-based line `line` of `text` (columns count characters). */
function at(text: string, line: number, needle: string): string {
  const l = text.split('\n')[line - 1] ?? '';
  const col = l.indexOf(needle);
  if (col < 0) throw new Error(`"${needle}" is not on line ${line}: ${l}`);
  return `${line}:${col + 1}`;
}

t.test('the shipped org.yaml loads: five levels, the hotline units, a county sub-platform', async (t) => {
  const r = await loadConfigDir('config', { now: SHIPPED_CALENDAR_AT });
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.strictSame(r.warnings.map(formatProblem), [], 'every numbers.yaml unit code is in org.yaml');
  const { org } = r.config;
  t.equal(org.areas[0]?.level, 'province');
  const units = new Set(org.units.map((u) => u.id));
  for (const code of r.config.numbers.numbers.map((h) => h.unit.code)) t.ok(units.has(code), `${code} is listed`);
  t.strictSame(
    org.units.filter((u) => u.subPlatform).map((u) => [u.id, u.area]),
    [['dq-12345', 'hz-deqing']],
  );
  t.ok(org.catalogue.length >= 10);
});

t.test('org.yaml is optional: without it the set loads with an empty organisation', async (t) => {
  const dir = configWithOrg(undefined);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await loadConfigDir(dir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.strictSame(r.config.org, { areas: [], units: [], catalogue: [] });
  t.strictSame(r.warnings, []);
});

// line numbers:  1
const BROKEN = `areas:
  - id: hz
    name: 湖州市
    level: city
    children:
      - id: hz-deqing
        name: 德清县
        level: county
        children:
          - { id: dq-xiantan, name: 仙潭村, level: village }
      - { id: hz-deqing, name: 德清县二, level: county }
units:
  - { id: city-12345, name: 12345热线中心, area: hz, kind: department }
  - { id: city-amr, name: 市市场监管局, area: hz, kind: department, subPlatform: true }
  - { id: city-amr, name: 重复单位, area: hz, kind: department }
  - { id: dq-gov, name: 德清县人民政府, area: hz-deqing, kind: territorial }
  - { id: dq-gov-2, name: 德清县政府二, area: hz-deqing, kind: territorial }
  - { id: aj-gov, name: 安吉县人民政府, area: hz-anji, kind: territorial }
  - id: dq-12345
    name: 德清县12345分平台
    area: hz-deqing
    kind: department
    subPlatform: true
    password: secret
catalogue:
  - id: consumer
    category: complaint
    keywords: [消费]
    lead: city-amr
  - id: consumer
    category: grumble
    keywords: [退款]
    areas: [hz-anji]
    lead: city-amrr
    coHandlers: [territorial, city-police]
`;

t.test('every kind of org.yaml mistake is reported at its line and column in one run', async (t) => {
  const dir = configWithOrg(BROKEN);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await loadConfigDir(dir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  t.equal(r.ok, false);
  if (r.ok) return;
  const f = 'config/org.yaml';
  const categories = '"consultation", "request_for_help", "complaint", "report", "suggestion", "praise", "any"';
  t.strictSame(r.problems.map(formatProblem), [
    `${f}:${at(BROKEN, 10, 'village')} areas[0].children[0].children[0].level: must be "township", one level below its parent "hz-deqing" (county); got "village"`,
    `${f}:${at(BROKEN, 11, 'hz-deqing')} areas[0].children[1].id: duplicate area id "hz-deqing" (first defined at line 6)`,
    `${f}:${at(BROKEN, 14, 'true')} units[1].subPlatform: a sub-platform (分平台) must belong to a county-level area; "hz" is city level`,
    `${f}:${at(BROKEN, 15, 'city-amr')} units[2].id: duplicate unit id "city-amr" (first defined at line 14)`,
    `${f}:${at(BROKEN, 17, 'territorial')} units[4].kind: area "hz-deqing" already has a territorial unit (line 16); an area has at most one`,
    `${f}:${at(BROKEN, 18, 'hz-anji')} units[5].area: unknown area "hz-anji"; use the id of an area listed under "areas"`,
    `${f}:${at(BROKEN, 24, 'password')} unknown key "password" (allowed here: id, name, area, kind, subPlatform, handlers, phone)`,
    `${f}:${at(BROKEN, 30, 'consumer')} catalogue[1].id: duplicate entry id "consumer" (first defined at line 26)`,
    `${f}:${at(BROKEN, 31, 'grumble')} catalogue[1].category: must be one of ${categories}, got "grumble"`,
    `${f}:${at(BROKEN, 33, 'hz-anji')} catalogue[1].areas[0]: unknown area "hz-anji"; use the id of an area listed under "areas"`,
    `${f}:${at(BROKEN, 34, 'city-amrr')} catalogue[1].lead: unknown unit "city-amrr"; use the id of a unit listed under "units", or "territorial"`,
    `${f}:${at(BROKEN, 35, 'city-police')} catalogue[1].coHandlers[1]: unknown unit "city-police"; use the id of a unit listed under "units", or "territorial"`,
  ]);
});

t.test('a missing required field points at the mapping it belongs in', async (t) => {
  const org = 'areas:\n  - id: hz\n    level: city\nunits: []\n';
  const dir = configWithOrg(org);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await loadConfigDir(dir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  t.equal(r.ok, false);
  if (r.ok) return;
  t.strictSame(r.problems.map(formatProblem), ['config/org.yaml:2:5 areas[0]: missing required field "name"']);
});

t.test('a hotline unit code missing from org.yaml is a warning on numbers.yaml, not an error', async (t) => {
  const org = 'areas:\n  - { id: hz, name: 湖州市, level: city }\nunits:\n  - { id: city-12345, name: 12345热线中心, area: hz, kind: department }\n';
  const dir = configWithOrg(org);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await loadConfigDir(dir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  const numbers = fs.readFileSync(path.join(dir, 'numbers.yaml'), 'utf8');
  const lines = numbers.split('\n');
  const line = lines.findIndex((l) => l.includes('code: city-hrss')) + 1;
  const warnings = r.warnings.map(formatProblem);
  t.equal(warnings.length, 6, 'one per hotline whose unit is not listed');
  t.equal(warnings[0], `config/numbers.yaml:${at(numbers, line, 'city-hrss')} warning: numbers[1].unit.code: unit "city-hrss" is not listed in org.yaml`);
});

t.test('a unit phone (transfer / three-way target) is 3 to 20 digits; a bad one is reported at its place', async (t) => {
  const good =
    "areas:\n  - { id: hz, name: 湖州市, level: city }\nunits:\n  - { id: city-amr, name: 市市场监管局, area: hz, kind: department, phone: '05722399003' }\n";
  const okDir = configWithOrg(good);
  t.teardown(() => fs.rmSync(okDir, { recursive: true, force: true }));
  const ok = await loadConfigDir(okDir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  if (!ok.ok) return t.fail(ok.problems.map(formatProblem).join('\n'));
  t.equal(ok.config.org.units[0]?.phone, '05722399003', 'kept as text: the leading 0 matters');
  const bad =
    'areas:\n  - { id: hz, name: 湖州市, level: city }\nunits:\n  - { id: city-amr, name: 市市场监管局, area: hz, kind: department, phone: 0572-2399 }\n';
  const badDir = configWithOrg(bad);
  t.teardown(() => fs.rmSync(badDir, { recursive: true, force: true }));
  const r = await loadConfigDir(badDir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  t.equal(r.ok, false);
  if (r.ok) return;
  t.strictSame(r.problems.map(formatProblem), [
    `config/org.yaml:${at(bad, 4, '0572-2399')} units[0].phone: must be a phone number of 3 to 20 digits, e.g. "05722039001"`,
  ]);
});

t.test('units[].handlers is ignored (accounts carry their unit): a warning at the key, and the shipped files do not use it', async (t) => {
  const org =
    'areas:\n  - { id: hz, name: 湖州市, level: city }\nunits:\n  - { id: city-12345, name: 12345热线中心, area: hz, kind: department, handlers: [dq.dispatcher] }\n';
  const dir = configWithOrg(org);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await loadConfigDir(dir, { displayDir: 'config', now: SHIPPED_CALENDAR_AT });
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.ok(
    r.warnings
      .map(formatProblem)
      .includes(
        `config/org.yaml:${at(org, 4, 'handlers')} warning: units[0].handlers is ignored: an account carries its unit (sunline users add --unit, /admin/accounts); remove it`,
      ),
    r.warnings.map(formatProblem).join('\n'),
  );
  t.notMatch(fs.readFileSync('config/org.yaml', 'utf8'), /^\s+handlers:/m, 'the shipped org.yaml does not set it');
  t.notMatch(fs.readFileSync('docs/configuration.md', 'utf8'), /^\s+handlers:/m, 'nor the documentation');
});
