/**
 * The prompt check when the server loads its configuration (issue 11 item 3): at start and after
 * a hot reload, each prompt named in numbers.yaml / ivr.yaml is looked for in SUNLINE_SOUNDS_DIR;
 * a missing one is logged and shown in /health/ready's components.config.warnings at its
 * FILE:LINE:COL; an unreachable folder is said once. Real app, real files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { REPO } from './fixtures/yaml.js';

function tmp(t: Test, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The shipped config and prompts copied, the app started on them with its log captured. */
async function started(t: Test, soundsDir?: string) {
  const config = tmp(t, 'sunline-prompt-config-');
  fs.cpSync(path.join(REPO, 'config'), config, { recursive: true });
  const lines: string[] = [];
  const env = loadEnv({
    SUNLINE_DATA_DIR: tmp(t, 'sunline-prompt-data-'),
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_CONFIG_DIR: config,
    SUNLINE_SOUNDS_DIR: soundsDir ?? path.join(config, 'no-such-folder'),
  });
  const app = await buildApp(env, { logger: createLogger({ level: 'info' }, { write: (l: string) => void lines.push(l) }) });
  t.teardown(() => app.close());
  const ready = async () => {
    const res = await app.http.inject({ url: '/health/ready' });
    return res.json().components.config as { warnings: string[]; prompts: { reachable: boolean | null } };
  };
  const logged = (msg: string) => lines.filter((l) => (JSON.parse(l) as { msg: string }).msg === msg).map((l) => JSON.parse(l) as { problem: string });
  return { app, config, ready, logged };
}

t.test('every shipped prompt is found in the shipped sounds folder: no warning', async (t) => {
  const { ready, logged } = await started(t, path.join(REPO, 'dialplan', 'sounds'));
  const config = await ready();
  t.same(config.warnings, []);
  t.same(config.prompts, { soundsDir: path.join(REPO, 'dialplan', 'sounds'), reachable: true, missing: [] });
  t.same(logged('prompt missing from the sounds folder'), []);
});

t.test('a missing prompt is warned at its line at start, and a reload that names another is checked again', async (t) => {
  const sounds = tmp(t, 'sunline-sounds-');
  fs.cpSync(path.join(REPO, 'dialplan', 'sounds'), sounds, { recursive: true });
  fs.rmSync(path.join(sounds, 'sunline', 'greeting-12333.wav'));
  const { app, config, ready, logged } = await started(t, sounds);
  const numbersLine = fs
    .readFileSync(path.join(config, 'numbers.yaml'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('prompt: sunline/greeting-12333'));
  const first = await ready();
  t.equal(first.warnings.length, 1, first.warnings.join('\n'));
  t.match(first.warnings[0], `${path.join(config, 'numbers.yaml')}:${numbersLine + 1}:`);
  t.match(first.warnings[0], /sound "sunline\/greeting-12333" not found/);
  t.equal(logged('prompt missing from the sounds folder').length, 1, 'logged once');

  // Hot reload (what the watcher or the editor triggers): ivr.yaml names a prompt that is not there.
  const ivr = path.join(config, 'ivr.yaml');
  fs.writeFileSync(ivr, fs.readFileSync(ivr, 'utf8').replace('default: sunline/greeting-default', 'default: sunline/greeting-new'));
  const res = await app.config.reload({ source: 'file' });
  t.ok(res.ok && res.changed, 'reloaded');
  const deadline = Date.now() + 5000;
  while ((await ready()).warnings.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const second = await ready();
  t.equal(second.warnings.length, 2, second.warnings.join('\n'));
  t.ok(
    second.warnings.some((w) => w.startsWith(`${ivr}:`) && w.includes('sunline/greeting-new')),
    'the new name at its ivr.yaml line',
  );
});

t.test('an unreachable sounds folder is said once, not at every reload, and no prompt is claimed missing', async (t) => {
  const { app, config, ready, logged } = await started(t);
  t.same((await ready()).prompts.reachable, false);
  t.same((await ready()).warnings, []);
  const ivr = path.join(config, 'ivr.yaml');
  fs.writeFileSync(ivr, `${fs.readFileSync(ivr, 'utf8')}\n# edited\n`);
  t.ok((await app.config.reload()).ok);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(logged('sounds folder not reachable: prompts not checked (SUNLINE_SOUNDS_DIR)').length, 1, 'said once');
  t.same(logged('prompt missing from the sounds folder'), []);
});
