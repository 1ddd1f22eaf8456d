/**
 * A throwaway PostgreSQL for bench:orders-pg with a production server's durability: unlike
 * tools/postgres.ts (fsync, synchronous_commit and full_page_writes off, 32 MB of shared buffers:
 * a test database need not survive power loss), this one commits durably — fsync on,
 * synchronous_commit on, full-page writes on — with the WAL's fsync timed (track_wal_io_timing,
 * pg_stat_wal) and memory sized for a million orders. Debian's binaries (tools/postgres.ts
 * postgresBinDir), a fresh initdb in a temp folder owned by this process (tools/sandbox-folders.ts:
 * swept when its owner is gone, the server killed with it), the server's log in server.log there
 * (auto_explain writes its plans into it).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresBinDir } from '../../tools/postgres.js';
import { freePort, killOnExit, ownedTempDir, stopper, sweepOrphans } from '../../tools/sandbox-folders.js';

const PREFIX = 'sunline-bench-pg-';

export interface DurablePostgres {
  /** postgres://postgres@127.0.0.1:PORT/sunline */
  readonly url: string;
  /** The postmaster's process id (its backends are its children). */
  readonly pid: number;
  /** The server's log (stderr), auto_explain's plans included. */
  readonly logFile: string;
  /** The settings it was started with. */
  readonly settings: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Starts the server (initdb first: 3–4 s) and creates the database `sunline` (UTF-8, C.UTF-8: pg_trgm needs it).
 * `statements`: pg_stat_statements loaded too (planning tracked), its extension created in `sunline`.
 */
export async function startDurablePostgres(opts: { statements?: boolean } = {}): Promise<DurablePostgres> {
  const bin = postgresBinDir();
  sweepOrphans(PREFIX);
  // initdb and postgres refuse root: as root, both run as Debian's `postgres` user.
  const user = process.getuid?.() === 0 ? ['--reuid', 'postgres', '--regid', 'postgres', '--init-groups'] : [];
  const env = { PATH: `${bin}:/usr/bin:/bin`, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: os.tmpdir() };
  const dir = ownedTempDir(PREFIX);
  if (user.length > 0) spawnSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const init = spawnSync(
    'setpriv',
    [...user, path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'],
    { cwd: dir, env, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr}${init.stdout}`);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    // Durable commits, PostgreSQL's defaults (stated, so that nothing inherited turns them off).
    fsync: 'on',
    full_page_writes: 'on',
    wal_sync_method: 'fdatasync',
    track_wal_io_timing: 'on',
    max_connections: '40',
    // Sized for a million orders on this 24 GB machine (PostgreSQL's defaults are 128 MB and 1 GB).
    shared_buffers: '1GB',
    effective_cache_size: '4GB',
    maintenance_work_mem: '512MB',
    work_mem: '16MB',
    max_wal_size: '4GB',
    shared_preload_libraries: opts.statements ? 'auto_explain,pg_stat_statements' : 'auto_explain',
    ...(opts.statements ? { 'pg_stat_statements.track_planning': 'on', 'pg_stat_statements.track': 'all' } : {}),
  };
  const log = path.join(dir, 'server.log');
  const out = fs.openSync(log, 'a');
  const args = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', ...user, path.join(bin, 'postgres'), '-D', data, ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', out, out],
  });
  killOnExit(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline)
      throw new Error(`PostgreSQL did not start:\n${fs.readFileSync(log, 'utf8').slice(-4000)}`);
    const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`create database sunline template template0 encoding 'UTF8' locale 'C.UTF-8'`);
      await client.end();
      if (opts.statements) {
        const db = new pg.Client({ host: dir, port, user: 'postgres', database: 'sunline' });
        await db.connect();
        await db.query('create extension pg_stat_statements');
        await db.end();
      }
      break;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // synchronous_commit is not on the command line, so that ALTER SYSTEM and a reload can switch it
  // for the comparison run (on: PostgreSQL's default, as a server runs).
  return { url: `postgres://postgres@127.0.0.1:${port}/sunline`, pid: child.pid!, logFile: log, settings, stop: stopper(child, dir, 'SIGINT') };
}

/**
 * CPU seconds (user + system) of the server: the postmaster, its live children (backends, WAL
 * writer, checkpointer, autovacuum workers) and the children it has reaped (cutime, cstime), so
 * that a process ending between two readings does not take its time with it.
 */
export function serverCpuSeconds(pid: number): number {
  return Object.values(serverCpuByProcess(pid)).reduce((a, b) => a + b, 0);
}

/**
 * serverCpuSeconds by kind of process (its title: `backend`, `checkpointer`, `walwriter`,
 * `autovacuum worker`, …); `reaped` is the time of the children that have ended (cutime,
 * cstime: autovacuum workers mostly), `postmaster` its own.
 */
export function serverCpuByProcess(pid: number): Record<string, number> {
  const ticks = 100; // USER_HZ on Linux
  const out: Record<string, number> = {};
  const add = (k: string, s: number) => (out[k] = (out[k] ?? 0) + s);
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command (in parentheses, which may hold spaces): state ppid … utime(14) stime(15) cutime(16) cstime(17).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(name) === pid) {
      add('postmaster', (Number(f[11]) + Number(f[12])) / ticks);
      add('reaped', (Number(f[13]) + Number(f[14])) / ticks);
    } else if (Number(f[1]) === pid) add(processKind(name), (Number(f[11]) + Number(f[12])) / ticks);
  }
  return out;
}

/** `postgres: checkpointer` → checkpointer; `postgres: autovacuum worker sunline` → autovacuum worker; a session → backend. */
function processKind(pid: string): string {
  let title = '';
  try {
    title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return 'ended';
  }
  const kind = title.replace(/^postgres:\s*/, '');
  for (const k of ['checkpointer', 'background writer', 'walwriter', 'autovacuum launcher', 'autovacuum worker', 'logical replication launcher'])
    if (kind.startsWith(k)) return k;
  return 'backend';
}
