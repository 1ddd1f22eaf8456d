/**
 * The SQLite port's writer lock (src/db/writer-lock.ts) and the reads of a port without a read
 * connection (an in-memory database, or a port over a drizzle handle: sqliteOrdersStoreOn), which
 * take their turn on the writer. Two such reads waiting at once used to hand the lock to each
 * other in microtasks forever (idle() looped until nobody held it): no timer or I/O ran again.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { WriterLock } from '../../src/db/writer-lock.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import * as schema from '../../src/db/schema.js';
import type { Db } from '../../src/db/connection.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

t.test('idle() waits for the holders queued before it, and several idle() calls end', async (t) => {
  const lock = new WriterLock();
  await lock.idle();
  t.pass('free: at once');
  const release = lock.tryAcquire()!;
  const order: string[] = [];
  const waits = [lock.idle().then(() => order.push('idle 1')), lock.idle().then(() => order.push('idle 2'))];
  const next = lock.acquire().then((r) => (order.push('next'), r));
  let timerRan = false;
  setTimeout(() => (timerRan = true), 0);
  release();
  await Promise.all(waits);
  (await next)();
  await tick();
  t.ok(timerRan, 'timers run: no endless hand-over between the waiters');
  t.same([...order].sort(), ['idle 1', 'idle 2', 'next'], 'every waiter got its turn');
  t.ok(order.indexOf('idle 1') < order.indexOf('idle 2'), 'the idle() calls in the order they asked');
  t.notOk(lock.locked);
});

t.test('reads of a port without a read connection, during a transaction, run after it, in turn', async (t) => {
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  const db = drizzle(sqlite, { schema }) as unknown as Db;
  sqlite.exec('create table kv (k integer primary key, v integer not null)');
  const port = sqliteAsync({ db, sqlite, file: ':memory:', durability: { durable: () => Promise.resolve() } as never });
  let letGo!: () => void;
  const holding = new Promise<void>((r) => (letGo = r));
  const tx = port.transaction(async (c) => {
    await c.run((d) => d.run(sql`insert into kv values (1, 1)`));
    await holding;
    await c.run((d) => d.run(sql`update kv set v = 2 where k = 1`));
  });
  const read = () => port.read((c) => c.run((d) => d.all<{ v: number }>(sql`select v from kv`).map((r) => r.v)));
  const reads = [read(), read(), read()];
  let timerRan = false;
  setTimeout(() => (timerRan = true), 0);
  await tick();
  await tick();
  t.ok(timerRan, 'the event loop goes on while the reads wait');
  letGo();
  await tx;
  t.same(await Promise.all(reads), [[2], [2], [2]], 'each read saw the committed transaction, none its middle');
  t.notOk(port.lock.locked);
});
