/**
 * Every prompt the shipped config files name — in force or in a commented example an
 * administrator is invited to uncomment — is shipped in dialplan/sounds/sunline/ (8 kHz mono
 * 16-bit WAV, what scripts/gen-prompts.sh writes), so that turning on business hours, the holiday
 * announcement or the menu as the comments show never plays the fallback instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';

const SOUNDS = 'dialplan/sounds/sunline';

t.test('each sunline/<name> in config/*.yaml is a shipped 8 kHz mono 16-bit WAV', async (t) => {
  const named = new Set<string>();
  for (const file of fs.readdirSync('config').filter((f) => f.endsWith('.yaml'))) {
    for (const m of fs.readFileSync(path.join('config', file), 'utf8').matchAll(/\bsunline\/([a-z0-9][a-z0-9_-]*)/g)) named.add(m[1]!);
  }
  t.ok(named.has('closed') && named.has('holiday-notice') && named.has('menu'), 'the commented examples are among them');
  for (const name of [...named].sort()) {
    const file = path.join(SOUNDS, `${name}.wav`);
    if (!fs.existsSync(file)) {
      t.fail(`${file} is missing`);
      continue;
    }
    const head = fs.readFileSync(file).subarray(0, 44);
    t.equal(head.toString('ascii', 0, 4) + head.toString('ascii', 8, 12), 'RIFFWAVE', `${name}: a WAV file`);
    t.same([head.readUInt16LE(22), head.readUInt32LE(24), head.readUInt16LE(34)], [1, 8000, 16], `${name}: mono, 8 kHz, 16-bit`);
  }
});
