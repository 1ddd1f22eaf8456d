/**
 * What the server sandboxes of tools/ (postgres.ts, redis.ts) share: a free loopback port, and no
 * orphans — each server's temp folder names the test process that owns it, a folder whose owner
 * is gone is removed at the next start, and the servers still running when the process exits are
 * killed (the kernel kills them too when it dies: `setpriv --pdeathsig KILL`).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const OWNER_FILE = 'owner.pid';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

/** Killed when this process exits, unless it exited first. */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function ownerAlive(dir: string): boolean {
  try {
    process.kill(Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the folders of earlier runs (named `prefix…` in the temp folder) whose test process is gone. */
export function sweepOrphans(prefix: string): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), name);
    if (name.startsWith(prefix) && !ownerAlive(dir)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A new temp folder `prefix…` owned by this process. */
export function ownedTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Stops the server with `signal` (SIGKILL after 5 s), then removes its folder; the same promise
 * for every call after the first.
 */
export function stopper(server: ChildProcess, dir: string, signal: NodeJS.Signals): () => Promise<void> {
  const exited = new Promise<void>((resolve) => (server.exitCode !== null || server.signalCode !== null ? resolve() : server.once('exit', () => resolve())));
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      if (server.exitCode === null && server.signalCode === null) server.kill(signal);
      const killer = setTimeout(() => server.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      fs.rmSync(dir, { recursive: true, force: true });
    })());
}
