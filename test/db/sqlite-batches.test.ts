/**
 * SQLite's transactions in batches (decision 0021, src/db/sqlite-async.ts): the port's
 * transactions that wait for the writer lock, or start in the same turn of the event loop, run
 * as savepoints inside one BEGIN … COMMIT. Each caller hears of its transaction once that COMMIT
 * is done; a transaction that fails is undone alone; reads never see a batch before its COMMIT;
 * a COMMIT that fails fails every member and leaves nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { openDb } from '../../src/db/connection.js';
import { sqliteAsync, type SqliteAsyncDb } from '../../src/db/sqlite-async.js';

/** A migrated database file with a table of its own, its port, and a separate connection to look from. */
function setup(t: Test): { port: SqliteAsyncDb; outside: Database.Database; sqlite: Database.Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-batches-'));
  const h = openDb({ file: path.join(dir, 'db.sqlite'), synchronous: 'group' });
  h.sqlite.exec(`create table kv (k integer primary key, v text not null check (v <> 'bad'))`);
  // Batches end when no transaction of the port waits, never by age: the tests see the same batches on a loaded machine.
  const port = sqliteAsync(h, { ms: 60_000, burst: 1 });
  const outside = new Database(h.file, { readonly: true });
  t.teardown(async () => {
    outside.close();
    await port.close();
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { port, outside, sqlite: h.sqlite };
}

const put = (port: SqliteAsyncDb, k: number, v = `v${k}`) =>
  port.transaction((tx) => tx.run((d) => d.run(sql`insert into kv values (${k}, ${v})`)).then(() => k));
const keysIn = (c: Database.Database) => (c.prepare('select k from kv order by k').pluck().all() as number[]).join(',');

t.test('transactions started together commit in fewer COMMITs, each caller told after its COMMIT', async (t) => {
  const { port, outside } = setup(t);
  const seenAtResolve: string[] = [];
  const all = Array.from({ length: 20 }, (_, i) => put(port, i + 1).then((k) => seenAtResolve.push(`${k}:${keysIn(outside).split(',').includes(String(k))}`)));
  await Promise.all(all);
  t.equal(keysIn(outside), Array.from({ length: 20 }, (_, i) => i + 1).join(','), 'every row is committed');
  t.ok(
    seenAtResolve.every((s) => s.endsWith(':true')),
    'another connection saw each row when its caller was told',
  );
  const b = port.batches;
  t.equal(b.committed, 20, 'twenty transactions committed');
  t.ok(b.commits < 20, `in fewer COMMITs (${b.commits})`);
});

t.test('a transaction that fails is undone alone; the others of its batch commit', async (t) => {
  const { port, outside } = setup(t);
  const results = await Promise.allSettled([
    put(port, 1),
    put(port, 2, 'bad'),
    // Writes, then throws: its row goes, not its neighbours'.
    port.transaction(async (tx) => {
      await tx.run((d) => d.run(sql`insert into kv values (3, 'v3')`));
      throw new Error('changed my mind');
    }),
    // A statement fails, the function catches it and goes on: refused, and undone.
    port.transaction(async (tx) => {
      await tx.run((d) => d.run(sql`insert into kv values (4, 'v4')`));
      await tx.run((d) => d.run(sql`insert into kv values (5, 'bad')`)).catch(() => undefined);
      return 'went on';
    }),
    put(port, 6),
  ]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled'],
  );
  t.match((results[1] as PromiseRejectedResult).reason, { cause: { code: 'SQLITE_CONSTRAINT_CHECK' } }, 'the failed statement’s own error');
  t.match((results[2] as PromiseRejectedResult).reason, { message: 'changed my mind' });
  t.match(
    (results[3] as PromiseRejectedResult).reason,
    { code: 'TRANSACTION_ABORTED' },
    'a function that went on after a failed statement is not reported done',
  );
  t.equal(keysIn(outside), '1,6', 'only the transactions that succeeded are in the database');
  t.ok(port.batches.commits < 3, 'the survivors shared a COMMIT');
});

t.test('reads never see a batch before its COMMIT', async (t) => {
  const { port, sqlite } = setup(t);
  const read = () => port.read((c) => c.run((d) => d.all<{ k: number }>(sql`select k from kv`).map((r) => r.k)));
  let inside: number[] | undefined;
  let waiting: { read: number[]; writer: string } | undefined;
  const first = put(port, 1);
  // Queued behind the first: runs inside the same batch, the first's row written but not committed.
  const second = port.transaction(async (tx) => {
    inside = await read();
    await tx.run((d) => d.run(sql`insert into kv values (2, 'v2')`));
  });
  const third = port.transaction(async (tx) => {
    await tx.run((d) => d.run(sql`insert into kv values (3, 'v3')`));
    // Runs after this transaction is done and before its batch's COMMIT (queued before it).
    setImmediate(() => void read().then((r) => (waiting = { read: r, writer: keysIn(sqlite) })));
  });
  await Promise.all([first, second, third]);
  t.same(inside, [], 'inside the batch, a read outside the transaction sees nothing uncommitted');
  t.same(waiting, { read: [], writer: '1,2,3' }, 'nor while the batch waits for its COMMIT, its three rows on the writer');
  t.same((await read()).sort(), [1, 2, 3], 'after: every row');
  t.equal(port.batches.commits, 1, 'one COMMIT');
});

t.test('a COMMIT that fails fails every member of the batch and leaves nothing', async (t) => {
  const { port, outside, sqlite } = setup(t);
  // A deferred foreign key is checked at COMMIT only: the one way a savepoint's RELEASE succeeds and the COMMIT fails.
  sqlite.exec(
    `create table parent (id integer primary key); create table child (id integer primary key, parent integer references parent(id) deferrable initially deferred)`,
  );
  const results = await Promise.allSettled([put(port, 1), port.transaction((tx) => tx.run((d) => d.run(sql`insert into child values (1, 99)`))), put(port, 2)]);
  t.same(
    results.map((r) => r.status),
    ['rejected', 'rejected', 'rejected'],
    'every member is told the COMMIT failed',
  );
  t.match((results[0] as PromiseRejectedResult).reason, { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }, 'COMMIT’s own error');
  t.equal(keysIn(outside), '', 'nothing committed');
  t.equal(sqlite.inTransaction, false, 'the writer is out of the transaction');
  await put(port, 3);
  t.equal(keysIn(outside), '3', 'the next transaction commits');
});

t.test('another turn of the lock (idle(), a read without a connection of its own) commits the batch first', async (t) => {
  const { port, outside } = setup(t);
  const first = put(port, 1);
  let seenAtIdle = '';
  const idle = port.lock.idle().then(() => (seenAtIdle = keysIn(outside)));
  await Promise.all([first, idle]);
  t.equal(seenAtIdle, '1', 'idle() returns once the batch before it is committed');
  t.equal(port.lock.locked, false);
});

t.test('an in-memory database: no batch waits for the next turn of the event loop', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  h.sqlite.exec(`create table kv (k integer primary key, v text not null)`);
  const port = sqliteAsync(h);
  await put(port, 1);
  t.equal(port.lock.locked, false, 'the lock is free as soon as the only transaction is done');
  t.equal(h.sqlite.inTransaction, false, 'and committed');
  const read = await port.read((c) => c.run((d) => d.all<{ k: number }>(sql`select k from kv`)));
  t.same(read, [{ k: 1 }]);
});

t.test('the connection closed while a batch waits for its COMMIT: the member is told, the lock is free', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-batches-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const h = openDb({ file: path.join(dir, 'db.sqlite') });
  h.sqlite.exec(`create table kv (k integer primary key, v text not null)`);
  const port = sqliteAsync(h, { burst: 1 });
  const pending = put(port, 1);
  // The transaction's function is done within these microtasks; its batch waits for the next turn.
  for (let i = 0; i < 20; i++) await Promise.resolve();
  t.equal(port.lock.locked, true, 'the batch is open');
  h.sqlite.close();
  await t.rejects(pending, /not open/, 'the caller hears the COMMIT failed');
  t.equal(port.lock.locked, false, 'the lock is free');
});

t.test('a batch whose only transaction failed ends at once: the writer is free for another connection', async (t) => {
  const { port, sqlite, outside } = setup(t);
  await t.rejects(put(port, 1, 'bad'));
  t.equal(sqlite.inTransaction, false, 'no BEGIN is left open');
  t.equal(port.lock.locked, false, 'nor the lock held');
  // A second writer in this process (blocking, as a test's or a tool's own connection is) gets in without waiting.
  const other = new Database(outside.name);
  t.teardown(() => other.close());
  other.pragma('busy_timeout = 0');
  t.doesNotThrow(() => other.prepare(`insert into kv values (9, 'v9')`).run(), 'the other connection writes at once');
});

t.test('transactions one after another (each awaited before the next) do not wait a turn of the event loop each', async (t) => {
  const { port, outside } = setup(t);
  let turns = 0;
  let counting = true;
  const count = () => {
    turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  // As the call path's write queue: each write starts when the one before it is done.
  for (let k = 1; k <= 40; k++) await put(port, k);
  counting = false;
  t.equal(keysIn(outside).split(',').length, 40, 'all committed');
  // The first wait brings nobody; the batches then commit at once (another wait every 100 ms at most).
  t.ok(turns < 20, `40 sequential transactions took ${turns} turns of the event loop, not one each`);
});

t.test('a batch waits for the next turn only while transactions come in a burst', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-batches-'));
  const h = openDb({ file: path.join(dir, 'db.sqlite'), synchronous: 'group' });
  h.sqlite.exec(`create table kv (k integer primary key, v text not null)`);
  // The server's limits: at most 8 transactions within 20 ms and a batch commits as soon as it is done.
  const port = sqliteAsync(h);
  t.teardown(async () => {
    await port.close();
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /** A transaction that looks, from a setImmediate queued before any wait of its batch, whether the batch is still open. */
  const probed = (k: number) => {
    let open: boolean | undefined;
    const done = port.transaction(async (tx) => {
      await tx.run((d) => d.run(sql`insert into kv values (${k}, 'v')`));
      setImmediate(() => (open = h.sqlite.inTransaction));
    });
    return done.then(async () => {
      await new Promise((r) => setImmediate(r));
      return open;
    });
  };
  const sparse: (boolean | undefined)[] = [];
  for (let k = 1; k <= 3; k++) {
    sparse.push(await probed(k));
    await new Promise((r) => setTimeout(r, 30));
  }
  t.same(sparse, [false, false, false], 'a few transactions far apart: each commits at once, no wait');
  const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => probed(100 + i)));
  t.equal(burst.at(-1), true, 'twelve at once: the last one’s batch waited for the next turn');
  t.equal(burst.filter((o) => o === true).length >= 1, true);
});
