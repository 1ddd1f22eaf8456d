/**
 * A transaction whose connection is lost gives its pooled client back (src/db/postgres-async.ts).
 * drizzle's own transaction checks a client out of the pool and sends BEGIN before the `try`
 * whose `finally` releases it: when BEGIN failed (the server restarted, the network cut, the
 * backend terminated), the client stayed checked out for ever. Each such loss took one of the
 * pool's connections away until none was left and every transaction waited for the pool's
 * timeout; the orders store's crash test caught it as a pool that never ended.
 *
 * Real PostgreSQL, a pool of one connection, and the connection lost at each step of a
 * transaction: before BEGIN, during the function, at COMMIT. Each time the transaction rejects,
 * the pool drops the dead client, the next transaction runs on a new one and commits, and the
 * pool still ends.
 */
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import t, { type Test } from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { startPostgres } from '../helpers/postgres.js';

const server = await startPostgres(t);
const url = await server.createDatabase('lost');
const handle = await openPostgres({ url, max: 1, migrate: false });
t.teardown(() => handle.close());
await handle.pool.query('CREATE TABLE lost_t (id INTEGER PRIMARY KEY)');
const db = postgresAsync(handle);

/** Cuts a client's connection on the spot, as a dead server or network would. */
const cut = (client: pg.PoolClient) => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

/** The next client the pool hands out has its connection cut before its first statement. */
function cutNextCheckout(): void {
  handle.pool.once('acquire', (client) => {
    client.on('error', () => undefined);
    cut(client);
  });
}

/** The client of the transaction now running (the pool has one). */
let current: pg.PoolClient | undefined;
handle.pool.on('acquire', (client) => {
  current = client;
  client.on('error', () => undefined);
});

const stored = async () => (await handle.pool.query<{ id: number }>('SELECT id FROM lost_t ORDER BY id')).rows.map((r) => r.id);

/** A transaction on the port that commits, within a few seconds (the pool's own timeout is 10 s). */
async function commitsAfter(t: Test, id: number, what: string): Promise<void> {
  const started = Date.now();
  await db.transaction((tx) => tx.execute(sql`INSERT INTO lost_t VALUES (${id})`));
  t.ok(Date.now() - started < 5_000, `${what}: the next transaction gets a connection at once`);
  t.equal(handle.pool.totalCount, 1, `${what}: the pool holds one connection, the new one`);
  t.equal(handle.pool.idleCount, 1, `${what}: and it is back in the pool`);
}

t.test('the connection lost before BEGIN: the transaction rejects and the client is not kept', async (t) => {
  cutNextCheckout();
  let ran = false;
  await t.rejects(
    db.transaction(async () => {
      ran = true;
    }),
    'the transaction fails',
  );
  t.notOk(ran, 'its function never ran');
  await commitsAfter(t, 1, 'after a lost BEGIN');
});

t.test('the connection lost inside the function: the transaction rejects, nothing of it stays', async (t) => {
  await t.rejects(
    db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO lost_t VALUES (100)`);
      cut(current!);
      await tx.execute(sql`INSERT INTO lost_t VALUES (101)`);
    }),
    'the transaction fails',
  );
  await commitsAfter(t, 2, 'after a lost statement');
  t.same(await stored(), [1, 2], 'neither of its rows was committed');
});

t.test('the function fails and the connection is lost before ROLLBACK', async (t) => {
  await t.rejects(
    db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO lost_t VALUES (200)`);
      cut(current!);
      throw new Error('the caller gave up');
    }),
    'the transaction fails',
  );
  await commitsAfter(t, 3, 'after a lost ROLLBACK');
  t.same(await stored(), [1, 2, 3], 'its row was not committed');
});

t.test('the connection lost at COMMIT, unflushed or not', async (t) => {
  for (const [i, run] of [
    [4, db.transaction.bind(db)],
    [5, db.transactionUnflushed.bind(db)],
  ] as const) {
    await t.rejects(
      run(async (tx) => {
        await tx.execute(sql`INSERT INTO lost_t VALUES (${300 + i})`);
        cut(current!);
      }),
      'the transaction fails',
    );
    await commitsAfter(t, i, `after a lost COMMIT (${i})`);
  }
  t.same(await stored(), [1, 2, 3, 4, 5], 'none of their rows was committed');
});

t.test('a transaction that fails on SQL keeps its healthy connection', async (t) => {
  const before = current;
  await t.rejects(
    db.transaction((tx) => tx.execute(sql`INSERT INTO lost_t VALUES (1)`)),
    'a duplicate key fails it',
  );
  await db.transaction((tx) => tx.execute(sql`INSERT INTO lost_t VALUES (6)`));
  t.equal(current, before, 'the same client ran the next transaction: it was rolled back and given back, not dropped');
  t.same(await stored(), [1, 2, 3, 4, 5, 6]);
});
