/**
 * The orders store on PostgreSQL commits without waiting for the WAL flush and answers after a
 * shared flush (commit-flush-pg.ts, decision 0019). Real PostgreSQL (tools/postgres.ts):
 *
 * - creates from several nodes at once (one pool and one store each) get unique, gap-free
 *   numbers, and creates that fail after taking a number give it back without failing the others;
 * - every create that was answered survives an immediate stop of the server (SIGQUIT: no
 *   shutdown checkpoint, the WAL not yet written is lost) and a restart with crash recovery, and
 *   the numbers kept are still 1…n without a gap. The test server runs synchronous_commit = off;
 *   this database runs it on, as a production server does;
 * - sharedFlush itself, on a scripted pool: callers that arrive during a flush share the next one,
 *   and no caller is answered by a flush that began before it asked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync, type PostgresAsyncDb } from '../../src/db/postgres-async.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { sharedFlush } from '../../src/workorders/commit-flush-pg.js';
import { pgOrdersStore } from '../../src/workorders/orders-store-pg.js';
import { openPostgresDatabase } from '../../src/wiring/database.js';
import { startPostgres } from '../helpers/postgres.js';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const DAY = 'HZ-20261126-';
const seq = (n: number) => Array.from({ length: n }, (_, i) => `${DAY}${String(i + 1).padStart(6, '0')}`);

/** A node: its own migrated pool and orders store. */
async function node(t: { teardown(fn: () => unknown): void }, url: string): Promise<{ svc: WorkOrdersService; db: PostgresAsyncDb }> {
  const handle = await openPostgres({ url, max: 4 });
  // A client checked out when the server is stopped reports the lost connection to its statement; not as an uncaught error.
  const heard = new WeakSet<object>();
  handle.pool.on('acquire', (client) => {
    if (heard.has(client)) return;
    heard.add(client);
    client.on('error', () => undefined);
  });
  t.teardown(() => handle.close());
  const db = postgresAsync(handle);
  return { svc: new WorkOrdersService(pgOrdersStore(db), () => NOW), db };
}

async function storedNumbers(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ number: string }>('select number from work_orders order by number')).rows.map((r) => r.number);
  } finally {
    await client.end();
  }
}

t.test('creates from three nodes at once, some failing after their number: unique, gap-free, the others all kept', async (t) => {
  const server = await startPostgres(t);
  const url = await server.createDatabase('numbers');
  const migrated = await openPostgresDatabase({ url, poolSize: 2 });
  await migrated.close();
  const nodes = [await node(t, url), await node(t, url), await node(t, url)];
  const failed = new Set<number>();
  const attempts = Array.from({ length: 60 }, async (_, i) => {
    const { svc } = nodes[i % 3]!;
    if (i % 7 !== 3) return (await svc.createDraft({ channel: '12345' })).number;
    await t.rejects(
      svc.transaction(async (tx) => {
        await svc.createDraftWithin(tx, { channel: '12345' });
        throw new Error('the call record failed');
      }),
      /the call record failed/,
    );
    failed.add(i);
    return undefined;
  });
  const numbers = (await Promise.all(attempts)).filter((n): n is string => n !== undefined);
  t.equal(failed.size, 9);
  t.equal(new Set(numbers).size, 51, 'no number was handed out twice');
  t.same([...numbers].sort(), seq(51), 'the 51 kept creates hold 1…51: the failed ones gave their numbers back');
  t.same(await storedNumbers(url), seq(51), 'exactly the answered creates are stored');
});

/** The command line the postmaster was started with (postmaster.opts: the binary, then each argument in double quotes). */
function postmasterArgs(dataDir: string): string[] {
  const opts = fs.readFileSync(path.join(dataDir, 'postmaster.opts'), 'utf8').trim();
  return [...opts.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

async function restart(t: { teardown(fn: () => unknown): void }, dataDir: string, url: string): Promise<ChildProcess> {
  const user = process.getuid?.() === 0 ? ['--reuid', 'postgres', '--regid', 'postgres', '--init-groups'] : [];
  const [bin, ...args] = postmasterArgs(dataDir);
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', ...user, bin!, ...args], {
    env: { PATH: `${path.dirname(bin!)}:/usr/bin:/bin`, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  for (let i = 0; i < 300; i++) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return child;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL did not come back after the immediate stop:\n${output}`);
}

const exited = (p: ChildProcess) =>
  new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

t.test('every answered create survives an immediate stop of the server, and the numbers kept have no gap', async (t) => {
  const server = await startPostgres(t);
  const url = await server.createDatabase('crash');
  const migrated = await openPostgresDatabase({ url, poolSize: 2 });
  await migrated.close();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('alter database crash set synchronous_commit = on');
  await admin.end();
  const dataDir = path.join(server.socketDir, 'data');
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

  const nodes = [await node(t, url), await node(t, url)];
  const answered: string[] = [];
  let stopped = false;
  const loops = Array.from({ length: 6 }, async (_, i) => {
    const { svc } = nodes[i % 2]!;
    while (!stopped) {
      try {
        answered.push((await svc.createDraft({ channel: '12345' })).number);
      } catch {
        return; // the server went away under this create: it was never answered
      }
      if (answered.length >= 120 && !stopped) {
        stopped = true;
        process.kill(postmaster, 'SIGQUIT'); // immediate shutdown: whatever WAL is not written yet is gone
      }
    }
  });
  await Promise.all(loops);
  const child = await restart(t, dataDir, url);
  try {
    const stored = await storedNumbers(url);
    const kept = new Set(stored);
    t.same(
      answered.filter((n) => !kept.has(n)),
      [],
      `all ${answered.length} answered creates are stored after crash recovery`,
    );
    t.same(stored, seq(stored.length), `the ${stored.length} stored numbers run 1…${stored.length} without a gap`);
  } finally {
    child.kill('SIGINT');
    await exited(child);
  }
});

/** A pool whose flush statements resolve when the test says so. */
function scriptedPool() {
  const pending: Array<() => void> = [];
  const db = {
    dialect: 'postgres',
    read: () => new Promise<void>((resolve) => pending.push(resolve)),
  } as unknown as PostgresAsyncDb;
  return { db, pending };
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
  return done;
};

t.test('sharedFlush: one flush in flight, the callers meanwhile share the next one, none answered by an earlier flush', async (t) => {
  const { db, pending } = scriptedPool();
  const flush = sharedFlush(db);
  const a = flush();
  t.equal(pending.length, 1, 'the first caller starts a flush');
  const b = flush();
  const c = flush();
  t.equal(pending.length, 1, 'callers during a flush start none of their own');
  t.equal(b, c, 'they share one queued flush');
  pending[0]!();
  t.ok(await settled(a), 'the first flush answers its caller');
  t.notOk(await settled(b), 'but not those that asked after it began');
  t.equal(pending.length, 2, 'the queued flush starts when the first ends');
  const d = flush();
  t.not(d, b, 'a caller during the second flush waits for a third');
  pending[1]!();
  t.ok(await settled(b));
  t.notOk(await settled(d));
  pending[2]!();
  t.ok(await settled(d));
  t.equal(flush.count, 3, 'four callers, three flushes');
  const e = flush();
  t.equal(pending.length, 4, 'with nothing in flight a caller starts a flush at once');
  pending[3]!();
  t.ok(await settled(e));
});
