/**
 * WAL checkpoints in a worker thread (src/db/wal-checkpointer.ts): in `group` mode the writer's
 * commits no longer checkpoint on the event loop; the worker does, the WAL restarts, every row
 * is kept, and a failed worker hands the checkpoints back to the writer. Real SQLite files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { openDb } from '../../src/db/connection.js';
import { sqliteAsync, type SqliteAsyncDb } from '../../src/db/sqlite-async.js';
import { SQLITE_AUTOCHECKPOINT_PAGES, WalCheckpointer } from '../../src/db/wal-checkpointer.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-checkpointer-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const autocheckpoint = (sqlite: Database.Database) => Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));

/** `n` commits through the port, each of one ~100 KB row (~25 WAL pages). */
async function commits(h: { sqlite: Database.Database }, port: SqliteAsyncDb, n: number, from = 0): Promise<void> {
  for (let i = 0; i < n; i++)
    await port.transaction((tx) => tx.run(() => h.sqlite.prepare('insert into blobs (id, body) values (?, randomblob(100000))').run(from + i)));
  await port.durable();
}

/** Waits (event-loop turns, no clock) until `done()` holds; fails the test if it never does. */
async function until(t: Test, what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000 && !done(); i++) await new Promise((r) => setTimeout(r, 1));
  t.ok(done(), what);
}

function groupDb(t: Test) {
  const file = path.join(tmp(t), 'db.sqlite');
  const h = openDb({ file, synchronous: 'group', migrate: false });
  h.sqlite.exec('create table blobs (id integer primary key, body blob)');
  const port = sqliteAsync(h);
  return { file, h, port };
}

t.test('group mode: the commits leave the checkpoints to the worker, and the WAL restarts', async (t) => {
  const { file, h, port } = groupDb(t);
  t.teardown(async () => {
    await port.close();
    h.close();
  });
  t.ok(port.checkpointer, 'a checkpointer in group mode on a file');
  t.equal(autocheckpoint(h.sqlite), 10_000, "the writer's own checkpoint is only a backstop");
  const dbBytes = fs.statSync(file).size;

  await commits(h, port, 10);
  t.equal(port.checkpointer!.stats.started, false, 'no worker while the WAL is small');

  await commits(h, port, 60, 10); // ~1,750 pages: past 1,000, far from the backstop
  await until(t, 'the worker checkpointed', () => port.checkpointer!.stats.checkpoints >= 1);
  t.ok(fs.statSync(file).size > dbBytes + 1_000_000, 'the pages were copied into the database file');
  const walAfterFirst = fs.statSync(`${file}-wal`).size;

  // Two more rounds, each past a checkpoint's worth: the WAL is restarted, not grown.
  for (const from of [100, 200]) {
    const before = port.checkpointer!.stats.checkpoints;
    await commits(h, port, 60, from);
    await until(t, 'checkpointed again', () => port.checkpointer!.stats.checkpoints > before);
  }
  await commits(h, port, 17, 300); // a commit after a complete checkpoint restarts the WAL
  t.ok(fs.statSync(`${file}-wal`).size < 2 * walAfterFirst, 'the WAL is reused from its start, not grown three rounds long');
  t.equal(port.checkpointer!.stats.failed, null);
});

t.test('closed: the worker ends before the writer; every committed row is in the file', async (t) => {
  const { file, h, port } = groupDb(t);
  await commits(h, port, 80);
  await until(t, 'the worker checkpointed', () => port.checkpointer!.stats.checkpoints >= 1);
  await commits(h, port, 5, 1000);
  await port.close();
  h.close();
  const again = new Database(file, { readonly: true });
  t.teardown(() => again.close());
  t.equal(again.prepare('select count(*) from blobs').pluck().get(), 85, 'all 85 rows');
  t.equal(again.pragma('integrity_check', { simple: true }), 'ok');
});

t.test('full and normal modes, and a database in memory, checkpoint as SQLite does', async (t) => {
  const dir = tmp(t);
  for (const synchronous of ['full', 'normal'] as const) {
    const h = openDb({ file: path.join(dir, `${synchronous}.sqlite`), synchronous, migrate: false });
    const port = sqliteAsync(h);
    t.equal(port.checkpointer, undefined, synchronous);
    t.equal(autocheckpoint(h.sqlite), SQLITE_AUTOCHECKPOINT_PAGES);
    await port.close();
    h.close();
  }
  const mem = openDb({ file: ':memory:', synchronous: 'group', migrate: false });
  const port = sqliteAsync(mem);
  t.equal(port.checkpointer, undefined, 'in memory: no WAL to checkpoint');
  await port.close();
  mem.close();
});

t.test('a worker that fails gives the checkpoints back to the writer', async (t) => {
  const dir = tmp(t);
  const sqlite = new Database(path.join(dir, 'db.sqlite'));
  t.teardown(() => sqlite.close());
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec('create table x (a)');
  sqlite.prepare('insert into x values (1)').run();
  const errors: Error[] = [];
  // The worker opens a file that does not exist: it fails as soon as it starts.
  const c = new WalCheckpointer({ file: path.join(dir, 'gone.sqlite'), sqlite, pages: 0, every: 1, onError: (e) => errors.push(e) });
  t.equal(autocheckpoint(sqlite), 10_000);
  // pages 0: the first commit starts the worker (any WAL is big enough).
  fs.writeFileSync(path.join(dir, 'gone.sqlite-wal'), Buffer.alloc(64));
  c.afterCommit();
  t.equal(c.stats.started, true);
  await until(t, 'the failure is seen', () => c.stats.failed !== null);
  t.equal(errors.length, 1, 'told once');
  t.equal(autocheckpoint(sqlite), SQLITE_AUTOCHECKPOINT_PAGES, 'the writer checkpoints by itself again');
  c.afterCommit();
  t.equal(c.stats.checkpoints, 0, 'no worker is started again');
  await c.close();
});
