import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { recordsHotline } from '../../src/config/files/schemas/recording.js';

function copyConfig(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-rec-'));
  fs.cpSync('config', dir, { recursive: true });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('recording.yaml loads with the set; a missing file means record everything for 3 years', async (t) => {
  const r = await loadConfigDir('config');
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.same(r.config.recording, { enabled: true, retentionDays: 1095, disabledHotlines: [], unitHandlersMayPlay: false, supervision: { notifyAgent: false } });
  const dir = copyConfig(t);
  fs.rmSync(path.join(dir, 'recording.yaml'));
  const missing = await loadConfigDir(dir);
  if (!missing.ok) return t.fail(missing.problems.map(formatProblem).join('\n'));
  t.equal(missing.config.recording.retentionDays, 1095);
  t.ok(recordsHotline(missing.config.recording, '12345'));
});

t.test('a hotline can be left unrecorded; recording off records nothing', async (t) => {
  const dir = copyConfig(t);
  fs.writeFileSync(path.join(dir, 'recording.yaml'), 'disabledHotlines: ["12356"]\n');
  const r = await loadConfigDir(dir);
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.notOk(recordsHotline(r.config.recording, '12356'));
  t.ok(recordsHotline(r.config.recording, '12345'));
  t.notOk(recordsHotline({ ...r.config.recording, enabled: false }, '12345'));
});

t.test('bad values are refused at their file, line and column', async (t) => {
  const dir = copyConfig(t);
  fs.writeFileSync(path.join(dir, 'recording.yaml'), 'enabled: true\nretentionDays: 0\ndisabledHotlines: ["12x"]\nrecordAll: yes\n');
  const r = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(r.ok, false);
  if (r.ok) return;
  const text = r.problems.map(formatProblem).join('\n');
  t.match(text, /config\/recording\.yaml:2:16 .*1/, 'retention of 0 days');
  t.match(text, /config\/recording\.yaml:3:20 disabledHotlines\[0\]: must be 3 to 20 digits/, 'a number that is not one');
  t.match(text, /config\/recording\.yaml:4:1 unknown key "recordAll"/);
});

t.test('an unrecorded hotline numbers.yaml does not list is a warning', async (t) => {
  const dir = copyConfig(t);
  fs.writeFileSync(path.join(dir, 'recording.yaml'), 'disabledHotlines: ["12399"]\n');
  const r = await loadConfigDir(dir, { displayDir: 'config' });
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.match(r.warnings.map(formatProblem).join('\n'), 'config/recording.yaml:1:20 warning: disabledHotlines[0]: "12399" is not listed in numbers.yaml');
});
