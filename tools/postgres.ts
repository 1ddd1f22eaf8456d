/**
 * A real, private PostgreSQL for tests and benchmarks (issue 16; a sandbox, so in tools/,
 * decision 0009 #17): Debian's server binaries (/usr/lib/postgresql/<newest>/bin, packages
 * postgresql + postgresql-contrib from scripts/setup.sh) on a fresh data directory in a temp
 * folder, listening on 127.0.0.1 at a free port and on a unix socket in that folder; trust
 * authentication, fsync off (a test database need not survive power loss). Stopped and deleted
 * at teardown.
 *
 * initdb and postgres refuse to run as root, so as root (CI) both run as the unprivileged
 * `postgres` user the Debian package creates, through setpriv, and the temp folder is theirs.
 * No orphans: `setpriv --pdeathsig KILL` has the kernel kill the server when the test process
 * dies (the backends follow their postmaster), an 'exit' hook kills it too, and every start
 * removes the folders of owners that are gone.
 *
 * The cluster's locale is C.UTF-8: pg_trgm only makes trigrams of characters the locale calls
 * alphanumeric, and in the C locale no Chinese character is (decision 0011).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, killOnExit, ownedTempDir, stopper, sweepOrphans } from './sandbox-folders.js';

const PREFIX = 'sunline-pg-';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/<database>: the database made for this test. */
  readonly url: string;
  readonly port: number;
  /** The folder of the unix socket (.s.PGSQL.PORT). */
  readonly socketDir: string;
  /** A URL of a new empty database on this server. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The bin folder of the newest PostgreSQL installed from Debian's packages. */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`no PostgreSQL server under ${base}: install the Debian packages postgresql and postgresql-contrib (scripts/setup.sh)`);
  return path.join(base, versions[0]!, 'bin');
}

/** As root: run as the `postgres` user (initdb and postgres refuse root). */
function asServerUser(): string[] {
  if (process.getuid?.() !== 0) return [];
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) throw new Error('running as root and there is no `postgres` user: install the Debian package postgresql (scripts/setup.sh)');
  return ['--reuid', 'postgres', '--regid', 'postgres', '--init-groups'];
}

/**
 * A freshly initialised data directory, made once per machine and PostgreSQL version and copied
 * for each server (initdb takes 3-4 s, a copy half a second). Built in a folder of its own and
 * renamed into place, so a concurrent start never copies a half-made one.
 */
function templateDataDir(bin: string, user: string[], env: NodeJS.ProcessEnv): string {
  const template = path.join(os.tmpdir(), `sunline-pgtemplate-${path.basename(path.dirname(bin))}-${user.length > 0 ? 'postgres' : process.getuid?.()}`);
  if (fs.existsSync(path.join(template, 'PG_VERSION'))) return template;
  const building = fs.mkdtempSync(`${template}.building-`);
  if (user.length > 0) spawnSync('chown', ['postgres:postgres', building]);
  const data = path.join(building, 'data');
  const init = spawnSync(
    'setpriv',
    [...user, path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
    { cwd: building, env, encoding: 'utf8' },
  );
  if (init.status !== 0) {
    fs.rmSync(building, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr}${init.stdout}`);
  }
  try {
    fs.renameSync(data, template);
  } catch {
    // Another process made it meanwhile: use theirs.
  }
  fs.rmSync(building, { recursive: true, force: true });
  return template;
}

export async function startPostgres(t: Teardown, opts: { database?: string } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  sweepOrphans(PREFIX);
  const user = asServerUser();
  const env = { PATH: `${bin}:/usr/bin:/bin`, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: os.tmpdir() };
  const template = templateDataDir(bin, user, env);
  const dir = ownedTempDir(PREFIX);
  const data = path.join(dir, 'data');
  // cp -a keeps the owner (postgres) and the 0700 mode PostgreSQL insists on.
  const copy = spawnSync('cp', ['-a', template, data], { encoding: 'utf8' });
  if (user.length > 0) spawnSync('chown', ['postgres:postgres', dir]);
  if (copy.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`copying the PostgreSQL template ${template} failed: ${copy.stderr}`);
  }

  let proc: ChildProcess | undefined;
  let port = 0;
  let output = '';
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    output = '';
    const settings = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: dir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '40',
      shared_buffers: '32MB',
    };
    const args = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', ...user, path.join(bin, 'postgres'), '-D', data, ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    if (await ready(child, port, dir)) {
      proc = child;
      break;
    }
    child.kill('SIGKILL');
    // A port taken between freePort() and the bind: try another one.
    if (attempt >= 2 || !/could not bind|Address already in use/i.test(output)) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start:\n${output}`);
    }
  }

  const server = proc;
  const urlOf = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new pg.Client({ connectionString: urlOf('postgres') });
    await client.connect();
    try {
      await client.query(`create database ${name}`);
    } finally {
      await client.end();
    }
    return urlOf(name);
  };
  // SIGINT: "fast" shutdown (disconnects clients, no checkpoint wait beyond what fsync=off makes cheap).
  const stop = stopper(server, dir, 'SIGINT');
  t.teardown(stop);
  const url = await createDatabase(opts.database ?? 'sunline');
  return { url, port, socketDir: dir, createDatabase, stop };
}

/** True once the server accepts a connection; false if it exited first. */
async function ready(proc: ChildProcess, port: number, dir: string): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) return false;
    const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}
