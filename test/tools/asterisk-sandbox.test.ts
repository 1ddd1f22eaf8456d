/**
 * The Asterisk sandbox itself: the shipped modules.conf loads completely, restart keeps the
 * instance reachable on the same ports, stop leaves nothing behind, and a test process that
 * dies without stopping leaves no Asterisk running.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asteriskAvailable, asteriskRoot, startAsterisk } from '../../tools/asterisk-sandbox.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function alive(pid: number): boolean {
  try {
    // A killed child of a dead parent may linger briefly as a zombie: that is not running.
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function eventually(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function asteriskPidOf(instDir: string): number {
  return (JSON.parse(fs.readFileSync(path.join(instDir, 'owner.json'), 'utf8')) as { asteriskPid: number }).asteriskPid;
}

const available = asteriskAvailable();
if (!available.ok) {
  t.fail(`Telephony tests need the Asterisk sandbox: ${available.reason}`);
} else {
  await t.test('every module in dialplan/modules.conf is running', async (t) => {
    const ast = await startAsterisk();
    t.teardown(() => ast.stop());
    const wanted = [...fs.readFileSync(path.join(REPO, 'dialplan/modules.conf'), 'utf8').matchAll(/^load\s*=>\s*(\S+)/gm)].map((m) => m[1] ?? '');
    t.ok(wanted.length > 50, `modules.conf lists ${wanted.length} modules`);
    const shown = await ast.cli('module show');
    const notRunning = wanted.filter((m) => !new RegExp(`^${m.replace('.', '\\.')}\\s.*\\sRunning\\s`, 'm').test(shown));
    t.same(notRunning, [], 'all listed modules are Running');
    t.match(await ast.cli('dialplan show from-trunk'), /_123XX/, 'the shipped dialplan is loaded');
    t.match(await ast.cli('queue show 12345'), /12345 has 0 calls/, 'the 12345 queue exists');
  });

  await t.test('restart keeps the instance on the same ports; stop leaves nothing', async (t) => {
    const ast = await startAsterisk({ ariApp: 'sunline-restart' });
    const { instDir } = ast;
    const before = { ari: ast.ari.url, ami: ast.ami.port, sip: ast.sip.port, pid: asteriskPidOf(instDir) };
    t.match(await ast.cli('dialplan show globals'), /ARI_APP=sunline-restart/, 'the ARI app name is set per instance');
    await ast.restart();
    t.same({ ari: ast.ari.url, ami: ast.ami.port, sip: ast.sip.port }, { ari: before.ari, ami: before.ami, sip: before.sip }, 'same ports');
    t.not(asteriskPidOf(instDir), before.pid, 'a new Asterisk process');
    t.match(await ast.cli('core show uptime'), /System uptime/, 'the CLI answers after restart');
    const pid = asteriskPidOf(instDir);
    await ast.stop();
    await ast.stop();
    t.notOk(alive(pid), 'no Asterisk process after stop');
    t.notOk(fs.existsSync(instDir), 'instance folder removed');
  });

  await t.test('a test process killed without stop() leaves no Asterisk and no folder', async (t) => {
    // A child process starts a sandbox and is SIGKILLed: no exit hook can run there.
    const harness = path.join(REPO, 'tools/asterisk-sandbox.ts');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
      import { startAsterisk } from ${JSON.stringify(harness)};
      const a = await startAsterisk();
      process.stdout.write(a.instDir + '\\n');
      setInterval(() => {}, 1000);
    `,
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const instDir = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const pid = asteriskPidOf(instDir);
    t.ok(alive(pid), 'the child started Asterisk');
    child.kill('SIGKILL');
    await eventually('Asterisk killed with its owner (pdeathsig)', () => !alive(pid));
    t.pass('Asterisk died with the test process');
    t.ok(fs.existsSync(instDir), 'its folder is still there');
    const next = await startAsterisk();
    t.teardown(() => next.stop());
    t.notOk(fs.existsSync(instDir), 'the next start removed the stale folder');
    t.equal(path.dirname(next.instDir), path.join(asteriskRoot(), 'tmp'));
  });
}
