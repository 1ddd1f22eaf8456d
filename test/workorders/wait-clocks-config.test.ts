/**
 * sla.yaml's waiting-clock limits and automatic-supervision rule: the shipped values, and a bad
 * edit refused at FILE:LINE:COL while the last good configuration keeps serving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { pino } from 'pino';
import { ConfigStore, formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { DEFAULT_WAIT_LIMITS, SlaConfigSchema } from '../../src/workorders/deadlines/index.js';

function copyConfig(t: { teardown(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-sla-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  return dir;
}

/** Replaces the one line of sla.yaml starting (after indentation) with `prefix`; returns its 1-based number and text. */
function editLine(dir: string, prefix: string, replacement: string): { line: number; text: string } {
  const file = path.join(dir, 'sla.yaml');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.trimStart().startsWith(prefix));
  if (i < 0) throw new Error(`no line ${prefix}`);
  lines[i] = lines[i]!.replace(/\S.*$/, replacement);
  fs.writeFileSync(file, lines.join('\n'));
  return { line: i + 1, text: lines[i]! };
}

t.test('the shipped sla.yaml: the waiting clocks, and automatic supervision off', async (t) => {
  const r = await loadConfigDir('config');
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'));
  t.same(r.config.sla.waitLimits, { dispatch: 2, redispatch: 2, review: 4, extension: 4, callback: 2, unsatisfied: 4 });
  t.same(r.config.sla.autoSupervision, { enabled: false, afterOverdueWorkingHours: 8, level: 1 });
  t.same(SlaConfigSchema.parse({}).waitLimits, DEFAULT_WAIT_LIMITS, 'an empty file gets the same defaults');
  t.equal(SlaConfigSchema.parse({ waitLimits: { review: 0.5 } }).waitLimits.review, 0.5, 'fractions of an hour');
});

t.test('a bad limit or rule is refused at its line and column', async (t) => {
  const dir = copyConfig(t);
  const neg = editLine(dir, 'dispatch:', 'dispatch: -1       # 派单时限');
  const typo = editLine(dir, 'review:', 'reveiw: 4');
  const level = editLine(dir, 'level:', 'level: 4');
  const enabled = editLine(dir, 'enabled:', 'enabled: "yes"');
  const r = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(r.ok, false);
  if (r.ok) return;
  const col = (l: { text: string }, s: string) => l.text.indexOf(s) + 1;
  t.same(
    r.problems.map(formatProblem).sort(),
    [
      `config/sla.yaml:${neg.line}:${col(neg, '-1')} waitLimits.dispatch: must be more than 0, got the number -1`,
      `config/sla.yaml:${typo.line}:${col(typo, 'reveiw')} unknown key "reveiw" (did you mean "review"?)`,
      `config/sla.yaml:${level.line}:${col(level, '4')} autoSupervision.level: must be at most 3, got the number 4`,
      `config/sla.yaml:${enabled.line}:${col(enabled, '"yes"')} autoSupervision.enabled: must be true or false, got "yes"`,
    ].sort(),
  );
});

t.test('the server keeps the last good sla.yaml when an edit is bad', async (t) => {
  const dir = copyConfig(t);
  const store = await ConfigStore.open({ dir, watch: false, log: pino({ level: 'silent' }), displayDir: 'config' });
  t.teardown(() => store.close());
  const good = store.current();
  editLine(dir, 'callback:', 'callback: 0');
  const r = await store.reload();
  t.equal(r.ok, false);
  if (r.ok) return;
  t.match(r.problems.map(formatProblem).join('\n'), /^config\/sla\.yaml:\d+:\d+ waitLimits\.callback: must be more than 0, got the number 0$/);
  t.equal(store.current(), good, 'the last good configuration keeps serving');
  t.equal(store.current().sla.waitLimits.callback, 2);
  editLine(dir, 'callback:', 'callback: 1.5');
  t.match(await store.reload(), { ok: true, changed: true });
  t.equal(store.current().sla.waitLimits.callback, 1.5, 'a good edit applies');
});
