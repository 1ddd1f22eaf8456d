import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import Database from 'better-sqlite3';
import { MIGRATIONS_DIR, openDb } from '../../src/db/connection.js';
import { findCascadeRebuilds, readJournal } from '../../src/db/migration-safety.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-mig-'));
}

/** A migrations folder holding only the first `count` migrations of the real one. */
function partialMigrations(count: number): string {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'meta'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'));
  journal.entries = journal.entries.slice(0, count);
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

const tables = (sqlite: Database.Database) =>
  (sqlite.prepare("select name from sqlite_master where type='table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map(
    (r) => r.name,
  );

t.test('an empty database gets every table, WAL and foreign keys', async (t) => {
  const dir = tmpDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const h = openDb({ file: path.join(dir, 'a.db') });
  t.teardown(() => h.close());
  const names = tables(h.sqlite);
  for (const name of ['users', 'sessions', 'callers', 'calls', 'call_events', 'work_orders', 'work_order_events', 'counters', 'work_orders_fts']) {
    t.ok(names.includes(name), `table ${name}`);
  }
  t.equal(h.sqlite.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(h.sqlite.pragma('foreign_keys', { simple: true }), 1);
  t.throws(
    () => h.sqlite.prepare("insert into call_events (call_id, type, at) values ('no-such-call', 'entered', 1)").run(),
    /FOREIGN KEY/,
    'foreign keys are enforced',
  );
  t.same(h.health(), { ok: true });
});

t.test('each later migration applies to an existing database and keeps its data', async (t) => {
  const tags = readJournal(MIGRATIONS_DIR);
  t.ok(tags.length >= 2, 'there is more than one migration to test the upgrade path');
  for (let k = 1; k < tags.length; k++) {
    const dir = tmpDir();
    const file = path.join(dir, 'old.db');
    const old = openDb({ file, migrationsDir: partialMigrations(k) });
    old.sqlite.exec(`
      insert into users (username, display_name, role, password_hash) values ('a1', 'Agent', 'agent', 'x');
      insert into callers (phone, name) values ('13800138000', '张三');
      insert into calls (id, caller_phone, dialled_number, hotline, state, entered_at) values ('c1', '13800138000', '12315', '12315', 'ended', 1);
      insert into call_events (call_id, type, at) values ('c1', 'entered', 1);
      insert into work_orders (number, channel, call_id, subject, content, status, created_at, updated_at)
        values ('HZ-20261126-000001', '12315', 'c1', '超市售卖过期食品', '市民反映某超市售卖过期牛奶', 'accepted', 1, 1);
      insert into work_order_events (order_id, at, action) values (1, 1, 'accept');
    `);
    old.close();
    const upgraded = openDb({ file });
    t.teardown(() => {
      upgraded.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const count = (table: string) => (upgraded.sqlite.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
    for (const table of ['users', 'callers', 'calls', 'call_events', 'work_orders', 'work_order_events']) {
      t.equal(count(table), 1, `after ${tags[k]}: ${table} keeps its row`);
    }
    // The FTS migration indexes rows that existed before it.
    const hit = upgraded.sqlite.prepare("select rowid from work_orders_fts where work_orders_fts match '过期牛奶'").all();
    t.same(hit, [{ rowid: 1 }], `after ${tags[k]}: existing orders are searchable`);
  }
});

t.test('re-opening a migrated database applies nothing twice', async (t) => {
  const dir = tmpDir();
  const file = path.join(dir, 'b.db');
  openDb({ file }).close();
  const again = openDb({ file });
  t.teardown(() => {
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const applied = again.sqlite.prepare('select count(*) n from __drizzle_migrations').get() as { n: number };
  t.equal(applied.n, readJournal(MIGRATIONS_DIR).length);
});

t.test('no migration rebuilds a table that others reference with a cascading foreign key', async (t) => {
  t.same(findCascadeRebuilds(MIGRATIONS_DIR), []);
});

t.test('the cascade check catches a drizzle-kit style rebuild (and the loss is real)', async (t) => {
  const dir = tmpDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'meta'));
  fs.writeFileSync(
    path.join(dir, 'meta', '_journal.json'),
    JSON.stringify({
      version: '7',
      dialect: 'sqlite',
      entries: [
        { idx: 0, version: '6', when: 1, tag: '0000_a', breakpoints: true },
        { idx: 1, version: '6', when: 2, tag: '0001_b', breakpoints: true },
      ],
    }),
  );
  fs.writeFileSync(
    path.join(dir, '0000_a.sql'),
    'CREATE TABLE `orders` (`id` integer PRIMARY KEY, `title` text);\n--> statement-breakpoint\n' +
      'CREATE TABLE `events` (`id` integer PRIMARY KEY, `order_id` integer REFERENCES `orders`(`id`) ON DELETE cascade);',
  );
  // What drizzle-kit generates to change a column of `orders`.
  fs.writeFileSync(
    path.join(dir, '0001_b.sql'),
    'PRAGMA foreign_keys=OFF;--> statement-breakpoint\n' +
      "CREATE TABLE `__new_orders` (`id` integer PRIMARY KEY, `title` text NOT NULL DEFAULT '');--> statement-breakpoint\n" +
      'INSERT INTO `__new_orders`("id", "title") SELECT "id", coalesce("title", \'\') FROM `orders`;--> statement-breakpoint\n' +
      'DROP TABLE `orders`;--> statement-breakpoint\n' +
      'ALTER TABLE `__new_orders` RENAME TO `orders`;--> statement-breakpoint\n' +
      'PRAGMA foreign_keys=ON;',
  );
  t.same(findCascadeRebuilds(dir), [{ migration: '0001_b', droppedTable: 'orders', childTable: 'events', onDelete: 'CASCADE' }]);

  // Show the trap is real: through the migrator (one transaction), the child rows vanish.
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8'));
  const first = tmpDir();
  fs.mkdirSync(path.join(first, 'meta'));
  fs.writeFileSync(path.join(first, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  fs.copyFileSync(path.join(dir, '0000_a.sql'), path.join(first, '0000_a.sql'));
  const file = path.join(dir, 'trap.db');
  const h = openDb({ file, migrationsDir: first });
  h.sqlite.exec("insert into orders values (1, 'x'); insert into events values (1, 1);");
  h.close();
  const h2 = openDb({ file, migrationsDir: dir });
  t.equal((h2.sqlite.prepare('select count(*) n from events').get() as { n: number }).n, 0, 'child rows were deleted by the rebuild');
  h2.close();
  fs.rmSync(first, { recursive: true, force: true });
});
