/**
 * The Redis sandbox itself: it answers, stop leaves no server and no folder behind, and a test
 * process that dies without stopping leaves no redis-server running.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { pingRedis, startRedis } from '../../tools/redis.js';

const REPO = path.resolve(import.meta.dirname, '../..');

async function eventually(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out: ${what}`);
}

const sandboxFolders = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('sunline-redis-')));

t.test('a started server answers; stop (twice) leaves no server and no folder', async (t) => {
  const before = sandboxFolders();
  const redis = await startRedis(t);
  t.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
  t.ok(await pingRedis(redis.port), 'PING answered');
  const mine = [...sandboxFolders()].filter((n) => !before.has(n));
  t.equal(mine.length, 1, 'one temp folder');
  await redis.stop();
  await redis.stop();
  t.notOk(await pingRedis(redis.port), 'no server after stop');
  t.notOk(fs.existsSync(path.join(os.tmpdir(), mine[0]!)), 'folder removed');
});

t.test('a test process killed without stop() leaves no redis-server; the next start removes its folder', async (t) => {
  const harness = path.join(REPO, 'tools/redis.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `
      import { startRedis } from ${JSON.stringify(harness)};
      const r = await startRedis({ teardown() {} });
      process.stdout.write(r.port + '\\n');
      setInterval(() => {}, 1000);
    `,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  t.ok(await pingRedis(port), 'the child started redis-server');
  const stale = [...sandboxFolders()].filter((n) => fs.readFileSync(path.join(os.tmpdir(), n, 'owner.pid'), 'utf8') === String(child.pid));
  t.equal(stale.length, 1, "the child's folder");
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone; // reaped: its pid no longer answers, so its folder counts as an orphan
  await eventually('redis-server killed with its owner (pdeathsig)', async () => !(await pingRedis(port, 200)));
  t.pass('redis-server died with the test process');
  const next = await startRedis(t);
  t.ok(await pingRedis(next.port));
  t.notOk(fs.existsSync(path.join(os.tmpdir(), stale[0]!)), 'the next start removed the stale folder');
});
