import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
// The child runs TypeScript through tsx and is kept out of coverage (see the helper).
import { childEnv, freePort } from '../helpers/server-process.js';

t.test('server.ts listens, answers health, and stops cleanly on SIGTERM', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-proc-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...childEnv, SUNLINE_HOST: '127.0.0.1', SUNLINE_PORT: String(port), SUNLINE_DATA_DIR: dir, SUNLINE_TELEPHONY: 'false', SUNLINE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const until = Date.now() + 30_000;
  while (!out.includes('sunline listening')) {
    if (Date.now() > until) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
  t.equal(res.status, 200);
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exit code 0 after SIGTERM');
  t.match(out, /"msg":"shutting down"/);
  t.match(out, /"msg":"stopped"/);
});

t.test('server.ts refuses a bad environment with a clear message and exit 2', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...childEnv, SUNLINE_PORT: 'not-a-port' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 2);
  t.match(err, /SUNLINE_PORT/);
});

t.test('server.ts refuses a bad configuration with FILE:LINE:COL and exit 1', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-badcfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', path.join(dir, 'config'), { recursive: true });
  const file = path.join(dir, 'config', 'ivr.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8') + '\nsurvey_typo: true\n');
  const line = fs.readFileSync(file, 'utf8').split('\n').length - 1;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...childEnv, SUNLINE_DATA_DIR: dir, SUNLINE_CONFIG_DIR: path.join(dir, 'config'), SUNLINE_TELEPHONY: 'false', SUNLINE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 1);
  t.match(err, new RegExp(`ivr\\.yaml:${line}:1 unknown key "survey_typo"`));
});
