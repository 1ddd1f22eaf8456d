import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';

function copyConfig(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-dl-'));
  fs.cpSync('config', dir, { recursive: true });
  return dir;
}

t.test('sla.yaml and calendar.yaml load with the set', async (t) => {
  const r = await loadConfigDir('config');
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.equal(r.config.sla.timeLimits.complaint, 5);
  t.ok(r.config.calendar.years['2026'], '2026 calendar shipped');
});

t.test('a make-up working day on a weekday is refused at its line and column', async (t) => {
  const dir = copyConfig();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'calendar.yaml');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('- 2026-02-14'));
  t.ok(i >= 0, 'the 2026 Spring Festival make-up Saturday is listed');
  lines[i] = lines[i]!.replace('2026-02-14', '2026-02-16');
  fs.writeFileSync(file, lines.join('\n'));
  const r = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(r.ok, false);
  if (r.ok) return;
  t.same(r.problems.map(formatProblem), [
    `config/calendar.yaml:${i + 1}:${lines[i]!.indexOf('2026-02-16') + 1} 2026-02-16 is a Monday; a make-up working day is always a Saturday or Sunday`,
  ]);
});

t.test('an unknown sla key is an error pointing at the key', async (t) => {
  const dir = copyConfig();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.appendFileSync(path.join(dir, 'sla.yaml'), '\ndueSooon: 2\n');
  const r = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(r.ok, false);
  if (r.ok) return;
  const lineNo = fs.readFileSync(path.join(dir, 'sla.yaml'), 'utf8').split('\n').length - 1;
  t.match(r.problems.map(formatProblem).join('\n'), `config/sla.yaml:${lineNo}:1 unknown key "dueSooon"`);
});
