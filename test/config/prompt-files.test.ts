/**
 * `sunline config check --sounds DIR` (issue 11 item 3): each prompt named in numbers.yaml and
 * ivr.yaml must exist in Asterisk's sounds folder (any extension Asterisk plays), else a warning
 * at the prompt's FILE:LINE:COL; a sounds folder that cannot be read is one warning; the check
 * stays valid (exit 0) either way, as a missing prompt falls back and is not a broken config.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli } from '../../src/cli.js';

async function check(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['config', 'check', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

t.test('the shipped prompts are all in dialplan/sounds', async (t) => {
  const r = await check(['config', '--sounds', 'dialplan/sounds']);
  t.equal(r.code, 0);
  t.same(
    r.out.filter((l) => l.includes('warning: sound')),
    [],
  );
});

t.test('a missing prompt is a warning at its place; an unreadable folder is one warning', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-sounds-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const cfg = path.join(root, 'config');
  fs.cpSync('config', cfg, { recursive: true });
  const sounds = path.join(root, 'sounds');
  fs.cpSync('dialplan/sounds', sounds, { recursive: true });
  fs.rmSync(path.join(sounds, 'sunline', 'greeting-12315.wav'));
  fs.writeFileSync(path.join(sounds, 'sunline', 'greeting-12333.wav'), '');
  fs.renameSync(path.join(sounds, 'sunline', 'greeting-12333.wav'), path.join(sounds, 'sunline', 'greeting-12333.ulaw'));
  const numbers = fs.readFileSync(path.join(cfg, 'numbers.yaml'), 'utf8').split('\n');
  const line = numbers.findIndex((l) => l.includes('prompt: sunline/greeting-12315')) + 1;
  const col = numbers[line - 1]!.indexOf('sunline/greeting-12315') + 1;

  const r = await check([cfg, '--sounds', sounds]);
  t.equal(r.code, 0, 'still valid: the greeting falls back');
  t.same(
    r.out.filter((l) => l.includes('warning: sound')),
    [`${cfg}/numbers.yaml:${line}:${col} warning: sound "sunline/greeting-12315" not found in ${sounds} (callers hear the fallback)`],
    'another extension Asterisk plays (.ulaw) counts',
  );

  const gone = await check([cfg, '--sounds', path.join(root, 'nowhere')]);
  t.equal(gone.code, 0);
  t.same(
    gone.out.filter((l) => l.includes('warning: sound')),
    [`${path.join(root, 'nowhere')}:1:1 warning: sounds folder not readable (ENOENT): prompts not checked`],
  );
});
