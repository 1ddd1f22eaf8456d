/**
 * The server's writer begins its transactions IMMEDIATE (openDb `immediateTransactions`,
 * src/db/connection.ts). A deferred transaction that reads, then writes, fails with
 * SQLITE_BUSY_SNAPSHOT when another connection commits in between — the report rollups' worker
 * thread does, on its own connection — and no busy wait helps. Shown here with a second real
 * connection on the same file, committing from inside the first one's transaction function.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';

function files(t: { teardown(fn: () => unknown): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-immediate-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'sunline.db');
}

/** Another connection (the worker's stand-in) that gives up at once when the file is locked. */
function other(t: { teardown(fn: () => unknown): void }, file: string) {
  const b = new Database(file);
  b.pragma('busy_timeout = 0');
  t.teardown(() => b.close());
  return b;
}

t.test('deferred (the old way): another connection commits between the read and the write, and the write fails', async (t) => {
  const file = files(t);
  const a = openDb({ file, synchronous: 'normal' });
  t.teardown(() => a.close());
  const b = other(t, file);
  let failed: unknown;
  try {
    a.db.transaction((tx) => {
      tx.get(sql`select count(*) from counters`);
      b.prepare("insert into counters (name, value) values ('other', 1)").run();
      tx.run(sql`insert into counters (name, value) values ('mine', 1)`);
    });
  } catch (err) {
    failed = err;
  }
  // drizzle wraps the driver's error: its cause.
  t.match((failed as { cause?: unknown } | undefined)?.cause, { code: 'SQLITE_BUSY_SNAPSHOT' });
});

t.test('immediate: the write lock is taken at BEGIN, nobody commits in between, the transaction completes', async (t) => {
  const file = files(t);
  const a = openDb({ file, synchronous: 'normal', immediateTransactions: true });
  t.teardown(() => a.close());
  const b = other(t, file);
  let sneaked: unknown;
  a.db.transaction((tx) => {
    tx.get(sql`select count(*) from counters`);
    try {
      b.prepare("insert into counters (name, value) values ('other', 1)").run();
    } catch (err) {
      sneaked = err;
    }
    tx.run(sql`insert into counters (name, value) values ('mine', 1)`);
  });
  t.match(sneaked, { code: 'SQLITE_BUSY' }, 'the other connection waits for the lock (here: gives up at once)');
  b.prepare("insert into counters (name, value) values ('other', 1)").run();
  t.same(
    a.sqlite.prepare("select name from counters where name in ('mine', 'other') order by name").pluck().all(),
    ['mine', 'other'],
    'both writes land, one after the other',
  );
  // A nested transaction is still a savepoint of the outer one.
  a.db.transaction((tx) => {
    tx.transaction((inner) => inner.run(sql`insert into counters (name, value) values ('nested', 1)`));
  });
  t.equal(a.sqlite.prepare("select count(*) from counters where name = 'nested'").pluck().get(), 1);
});

t.test("the server's writer begins IMMEDIATE", async (t) => {
  const app = await testApp(t);
  const b = other(t, app.env.dbFile);
  let sneaked: unknown;
  app.db.db.transaction(() => {
    try {
      b.prepare("insert into counters (name, value) values ('other', 1)").run();
    } catch (err) {
      sneaked = err;
    }
  });
  t.match(sneaked, { code: 'SQLITE_BUSY' });
});
