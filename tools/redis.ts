/**
 * A real, private Redis for tests and benchmarks (issue 16; a sandbox, so in tools/, decision
 * 0009 #17): Debian's redis-server (package redis-server from scripts/setup.sh) in a temp folder,
 * listening on 127.0.0.1 at a free port, nothing saved to disk (no RDB, no AOF). The system
 * service the Debian package installs is never used. Stopped and deleted at teardown.
 *
 * No orphans, as tools/postgres.ts: `setpriv --pdeathsig KILL` has the kernel kill the server
 * when the test process dies, an 'exit' hook kills it too, and every start removes the folders
 * of owners that are gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { freePort, killOnExit, ownedTempDir, stopper, sweepOrphans } from './sandbox-folders.js';

const PREFIX = 'sunline-redis-';
const SERVER_BIN = '/usr/bin/redis-server';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** True when a Redis at 127.0.0.1:port answers PING with PONG. */
export function pingRedis(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedis(t: Teardown): Promise<RedisServer> {
  if (!fs.existsSync(SERVER_BIN)) throw new Error(`no ${SERVER_BIN}: install the Debian package redis-server (scripts/setup.sh)`);
  sweepOrphans(PREFIX);
  const dir = ownedTempDir(PREFIX);

  let proc: ChildProcess | undefined;
  let port = 0;
  let output = '';
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    output = '';
    const settings = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', SERVER_BIN, ...settings], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    if (await ready(child, port)) {
      proc = child;
      break;
    }
    child.kill('SIGKILL');
    // A port taken between freePort() and the bind: try another one.
    if (attempt >= 2 || !/Address already in use/i.test(output)) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start:\n${output}`);
    }
  }

  const stop = stopper(proc, dir, 'SIGTERM');
  t.teardown(stop);
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

/** True once the server answers PING; false if it exited first. */
async function ready(proc: ChildProcess, port: number): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) return false;
    if (await pingRedis(port, 500)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
