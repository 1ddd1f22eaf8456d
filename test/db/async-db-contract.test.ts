/**
 * The asynchronous port's own rules (decision 0017), the same on both dialects: a transaction
 * commits all or nothing; a failed statement aborts it, a later statement on it is refused
 * (TRANSACTION_ABORTED) and a function that swallowed the failure does not commit; a handle kept
 * past its transaction is refused (TRANSACTION_CLOSED). SQLite on a temp file, PostgreSQL real
 * (tools/postgres.ts). The statements are the dialect's own (raw SQL through drizzle).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { AsyncDbError } from '../../src/db/async-db.js';
import { openDb } from '../../src/db/connection.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { sqliteAsync, type SqliteConn } from '../../src/db/sqlite-async.js';
import { startPostgres } from '../helpers/postgres.js';

type Test = { teardown(fn: () => unknown): void };

/** What the checks need of a dialect: one statement each, on a connection or transaction handle. */
interface Rig {
  transaction<T>(fn: (tx: Handle) => Promise<T>): Promise<T>;
  /** The values in the test table, outside any transaction. */
  values(): Promise<number[]>;
}

interface Handle {
  insert(v: number): Promise<void>;
  /** A statement that fails (a duplicate primary key). */
  fail(): Promise<void>;
}

let databases = 0;

const DIALECTS: Record<'sqlite' | 'postgres', (parent: Test) => Promise<(t: Test) => Promise<Rig>>> = {
  async sqlite() {
    return async (t) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-async-db-'));
      const handle = openDb({ file: path.join(dir, 'sunline.db') });
      handle.sqlite.exec('CREATE TABLE contract_t (v INTEGER PRIMARY KEY)');
      const db = sqliteAsync(handle);
      t.teardown(async () => {
        await db.close();
        handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      return {
        transaction: (fn) =>
          db.transaction((tx) =>
            fn({
              insert: (v) => tx.run((d) => void d.run(sql`INSERT INTO contract_t (v) VALUES (${v})`)),
              fail: () => tx.run((d) => void d.run(sql`INSERT INTO contract_t (v) VALUES (0)`)),
            }),
          ),
        values: () => db.read((c) => c.run((d) => d.all<{ v: number }>(sql`SELECT v FROM contract_t ORDER BY v`).map((r) => r.v))),
      };
    };
  },
  async postgres(parent) {
    const server = await startPostgres(parent);
    return async (t) => {
      const url = await server.createDatabase(`async_db_${++databases}`);
      const handle = await openPostgres({ url, max: 4 });
      await handle.pool.query('CREATE TABLE contract_t (v INTEGER PRIMARY KEY)');
      t.teardown(() => handle.close());
      const db = postgresAsync(handle);
      return {
        transaction: (fn) =>
          db.transaction((tx) =>
            fn({
              insert: async (v) => void (await tx.execute(sql`INSERT INTO contract_t (v) VALUES (${v})`)),
              fail: async () => void (await tx.execute(sql`INSERT INTO contract_t (v) VALUES (0)`)),
            }),
          ),
        values: () => db.read(async (c) => (await c.execute<{ v: number }>(sql`SELECT v FROM contract_t ORDER BY v`)).rows.map((r) => r.v)),
      };
    };
  },
};

/** The AsyncDbError code of a rejection (drizzle wraps a statement's error on PostgreSQL: its cause), or what else it was. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof AsyncDbError) return e.code;
    return `other: ${String(err)}`;
  }
}

for (const [dialect, setup] of Object.entries(DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t);

    t.test('a transaction commits all its statements, or none when its function throws', async (t) => {
      const rig = await open(t);
      await rig.transaction(async (tx) => {
        await tx.insert(0);
        await tx.insert(1);
      });
      t.same(await rig.values(), [0, 1]);
      t.equal(
        await refusal(
          rig.transaction(async (tx) => {
            await tx.insert(2);
            throw new Error('changed my mind');
          }),
        ),
        'other: Error: changed my mind',
      );
      t.same(await rig.values(), [0, 1], 'nothing of the thrown transaction is kept');
    });

    t.test('a function that swallowed a failed statement does not commit, and is not told it did', async (t) => {
      const rig = await open(t);
      await rig.transaction((tx) => tx.insert(0));
      const outcome = await refusal(
        rig.transaction(async (tx) => {
          await tx.insert(5);
          await tx.fail().catch(() => undefined);
        }),
      );
      t.equal(outcome, 'TRANSACTION_ABORTED');
      t.same(await rig.values(), [0], 'the statement before the failed one is not kept');
    });

    t.test('a statement after a failed one is refused', async (t) => {
      const rig = await open(t);
      await rig.transaction((tx) => tx.insert(0));
      let after = '';
      const outcome = await refusal(
        rig.transaction(async (tx) => {
          await tx.fail().catch(() => undefined);
          after = await refusal(tx.insert(7));
        }),
      );
      t.equal(after, 'TRANSACTION_ABORTED');
      t.equal(outcome, 'TRANSACTION_ABORTED');
      t.same(await rig.values(), [0]);
    });

    t.test('a handle kept past its transaction is refused', async (t) => {
      const rig = await open(t);
      let kept: Handle | undefined;
      await rig.transaction(async (tx) => {
        kept = tx;
        await tx.insert(1);
      });
      t.equal(await refusal(kept!.insert(2)), 'TRANSACTION_CLOSED');
      // The pooled client it ran on serves the next transaction normally.
      await rig.transaction((tx) => tx.insert(3));
      t.same(await rig.values(), [1, 3]);
    });
  });
}

/**
 * SQLite only: two ports over one better-sqlite3 connection (the app's `asyncDb` and the one
 * `sqliteOrdersStoreOn` builds over the same drizzle handle) share the connection's writer lock
 * (sqlite-async.ts): their transactions take turns, in the order they asked, instead of the
 * second BEGIN running inside the first's open transaction; and a read through either port while
 * the other's transaction is open never sees its uncommitted rows.
 */
t.test('sqlite: two ports over one connection take turns', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-async-db-'));
  const handle = openDb({ file: path.join(dir, 'sunline.db') });
  handle.sqlite.exec('CREATE TABLE contract_t (v INTEGER PRIMARY KEY)');
  const first = sqliteAsync(handle);
  const second = sqliteAsync(handle);
  // As sqliteOrdersStoreOn builds it: the writer's drizzle handle only, no read connection.
  const bare = sqliteAsync({ db: handle.db, sqlite: handle.sqlite, file: ':memory:', durability: handle.durability });
  t.teardown(async () => {
    await Promise.all([first.close(), second.close(), bare.close()]);
    handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const insert = (tx: SqliteConn, v: number) => tx.run((d) => void d.run(sql`INSERT INTO contract_t (v) VALUES (${v})`));
  const values = (c: SqliteConn) => c.run((d) => d.all<{ v: number }>(sql`SELECT v FROM contract_t ORDER BY v`).map((r) => r.v));
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { open, opened };
  };
  const turns = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };

  // Interleaved: the first port's transaction awaits between its statements; the second port's
  // asks meanwhile, and the first port asks again after it.
  const steps: string[] = [];
  const holdFirst = gate();
  const a = first.transaction(async (tx) => {
    steps.push('a begins');
    await insert(tx, 1);
    await holdFirst.opened;
    await insert(tx, 2);
    steps.push('a ends');
  });
  await turns();
  const b = second.transaction(async (tx) => {
    steps.push('b begins');
    await insert(tx, 10);
    await turns();
    await insert(tx, 11);
    steps.push('b ends');
  });
  const c = first.transaction(async (tx) => {
    steps.push('c begins');
    await insert(tx, 20);
    steps.push('c ends');
  });
  await turns();
  t.same(steps, ['a begins'], "the other port's transaction waits for the open one (and the first port's next waits behind it)");
  t.same(await second.read(values), [], "a read through the other port sees committed rows only (its read connection), not the open transaction's");
  let bareRead: number[] | undefined;
  const bareReading = bare.read(values).then((v) => (bareRead = v));
  await turns();
  t.equal(bareRead, undefined, 'a port without a read connection waits for the open transaction to end');
  holdFirst.open();
  await Promise.all([a, b, c, bareReading]);
  t.same(steps, ['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends'], 'one after the other, in the order they asked');
  // It reads once the lock is free: after the transaction it waited for (and those queued with it), never inside one.
  t.ok(
    [
      [1, 2],
      [1, 2, 10, 11],
      [1, 2, 10, 11, 20],
    ].some((committed) => JSON.stringify(committed) === JSON.stringify(bareRead)),
    `the waiting read saw whole commits only: ${JSON.stringify(bareRead)}`,
  );
  t.same(await first.read(values), [1, 2, 10, 11, 20], 'every transaction committed');

  // A rollback on one port takes only its own rows, never those of the other port's transaction waiting behind it.
  const holdFailing = gate();
  const failing = second.transaction(async (tx) => {
    await insert(tx, 30);
    await holdFailing.opened;
    throw new Error('changed my mind');
  });
  await turns();
  const after = first.transaction((tx) => insert(tx, 31));
  await turns();
  holdFailing.open();
  t.equal(await refusal(failing), 'other: Error: changed my mind');
  await after;
  t.same(await bare.read(values), [1, 2, 10, 11, 20, 31], "the rolled-back transaction's row is gone, the next one's kept");
  t.notOk(handle.sqlite.inTransaction, 'no transaction left open on the connection');
  t.equal(first.lock, second.lock, 'one lock per connection');
  t.equal(first.lock, bare.lock);
});
