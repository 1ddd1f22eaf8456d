/**
 * `sunline db copy-to-postgres` (issue 16 item 6): a real SQLite database filled through the real
 * services (orders driven through their lifecycle with history and units, calls, a user who logged
 * in with the admin audit, knowledge-base articles published and used) copied into a real
 * PostgreSQL (tools/postgres.ts): same row counts and same rows read back through both schema
 * files, identity sequences past the copied ids (and past SQLite's AUTOINCREMENT mark), a second
 * copy refused, a failing copy leaving nothing behind. The copy plan is derived from the schema
 * files, and a table SQLite has but the plan lacks stops the copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import pg from 'pg';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { getTableName, is, sql, type Table } from 'drizzle-orm';
import { openDb } from '../../src/db/connection.js';
import { checkAgainstPlan, copyPlan, type CopyTable } from '../../src/db/copy-to-postgres.js';
import * as sqliteSchema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import { KbService } from '../../src/kb/kb-service.js';
import { sqliteKbStore } from '../../src/kb/kb-store-sqlite.js';
import { runCli } from '../../src/cli.js';
import { buildReportFixture } from '../helpers/report-fixture.js';
import { tmpDir } from '../helpers/db-fixtures.js';
import { startPostgres } from '../helpers/postgres.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { sqliteUsersStore, UsersService } from '../../src/users/index.js';

const tableNames = (schema: Record<string, unknown>, dialect: 'sqlite' | 'pg') =>
  Object.values(schema)
    .flatMap((v) =>
      dialect === 'sqlite' && is(v, SQLiteTable) ? [sqliteTableConfig(v).name] : dialect === 'pg' && is(v, PgTable) ? [pgTableConfig(v).name] : [],
    )
    .sort();

t.test('the copy plan is every table of both schema files, parents first', async (t) => {
  const plan = copyPlan();
  const names = plan.map((p) => p.name);
  t.same([...names].sort(), tableNames(pgSchema, 'pg'), 'every table of schema-pg.ts');
  t.same([...names].sort(), tableNames(sqliteSchema, 'sqlite'), 'every table of schema.ts');
  for (const [i, table] of plan.entries()) for (const parent of table.dependsOn) t.ok(names.indexOf(parent) < i, `${parent} before ${table.name}`);
  const kind = (table: string, column: string) => plan.find((p) => p.name === table)?.columns.find((c) => c.name === column)?.kind;
  t.equal(kind('users', 'disabled'), 'boolean');
  t.equal(kind('work_orders', 'co_unit_ids'), 'json');
  t.equal(kind('work_orders', 'created_at'), 'integer');
});

/** A migrated SQLite file with a few users' worth of data, written through the services. */
async function fillSqlite(file: string) {
  const h = openDb({ file });
  const fixture = await buildReportFixture(h);
  // Its own read-only connection, closed before the copy: the copy warns while anyone has the file open.
  const accounts = sqliteAsync(h);
  const users = new UsersService(sqliteUsersStore(accounts), 3_600_000);
  const admin = await users.create({ username: 'copy-admin', displayName: '管理员', role: 'admin', password: 'Correct-Horse-9' });
  await users.create({ username: 'copy-agent', displayName: '坐席', role: 'agent', password: 'Correct-Horse-9' }, { actorId: admin.id });
  t.ok(await users.login('copy-agent', 'Correct-Horse-9'), 'a session');
  const now = Date.parse('2026-12-05T10:00:00+08:00');
  const kb = new KbService({
    store: sqliteKbStore(accounts),
    config: () => ({ synonyms: [['社保', '社会保险']], reviewers: [], staleGraceDays: 14 }),
    hotlineExists: () => true,
    areaExists: () => true,
    unitExists: () => true,
    areaLineage: (id) => [id],
    order: () => ({ channel: '12345', agentId: null }),
    now: () => now,
  });
  const kbAdmin = { id: admin.id, role: 'admin' as const, unitId: null, username: admin.username };
  for (const [title, body] of [
    ['住房公积金提取', '购买自住住房可以提取住房公积金。'],
    ['社保卡挂失', '社会保障卡遗失后先挂失，再到银行网点补办。'],
  ]) {
    const a = await kb.create(kbAdmin, {
      unitId: 'hz-hrss',
      title: title!,
      body: body!,
      type: 'faq',
      hotlines: ['12345'],
      categories: [],
      areas: [],
      keywords: ['办事'],
    });
    await kb.submit(kbAdmin, a.id);
    const published = (await kb.approve(kbAdmin, a.id, '同意')).published!;
    await kb.answer(kbAdmin, fixture.orders.o1!, published.id);
  }
  await kb.create(kbAdmin, { unitId: 'hz-hrss', title: '草稿', body: '未提交', type: 'guide', hotlines: [], categories: [], areas: [], keywords: [] });
  // An id removed at the end of an AUTOINCREMENT table: PostgreSQL must not hand it out again.
  h.sqlite.exec('delete from call_events where id = (select max(id) from call_events)');
  await accounts.close();
  h.close();
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const exportedTables = (schema: Record<string, unknown>) =>
  new Map(
    Object.values(schema)
      .filter((v): v is Table => is(v, SQLiteTable) || is(v, PgTable))
      .map((v) => [getTableName(v), v]),
  );

t.test('an SQLite install copied into PostgreSQL', async (t) => {
  const dir = tmpDir(t, 'sunline-copy-');
  const file = path.join(dir, 'sunline.db');
  await fillSqlite(file);
  const server = await startPostgres(t);
  const plan = copyPlan();

  const r = await cli(['db', 'copy-to-postgres', '--url', server.url, '--db', file]);
  t.equal(r.code, 0, r.err.join('\n'));
  t.same(r.err, [], 'no warning: nobody has the database open');
  t.match(r.out[0], `copying ${file} to ${server.url}`);
  t.match(r.out[1], /^migrated postgres:\/\/.* \(\d+ migrations applied\)$/, 'the target is migrated first');
  t.ok(r.out.includes('  work_orders: 7 rows'), 'per-table row counts');
  t.match(r.out.at(-1), /^not copied \(SQLite's own\): __drizzle_migrations, sqlite_sequence, work_orders_fts, work_orders_fts_config/);

  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.teardown(() => client.end());
  const lite = openDb({ file });
  t.teardown(() => lite.close());
  const liteDb = lite.db as unknown as { select(): { from(t: Table): { all(): Record<string, unknown>[] } } };
  const pgDb = pgDrizzle(client) as unknown as { select(): { from(t: Table): Promise<Record<string, unknown>[]> } };
  const liteTables = exportedTables(sqliteSchema);
  const pgTables = exportedTables(pgSchema);

  t.test('every table: the same count and the same rows through both schema files', async (t) => {
    const filled: string[] = [];
    for (const { name } of plan) {
      const liteRows = liteDb.select().from(liteTables.get(name)!).all();
      const pgRows = await pgDb.select().from(pgTables.get(name)!);
      t.equal(pgRows.length, liteRows.length, `${name}: ${liteRows.length} rows`);
      if (liteRows.length > 0) filled.push(name);
      // jsonb keeps an object's keys in its own order (shortest first), not as written: compare the keys sorted.
      const key = (row: Record<string, unknown>) => JSON.stringify(row, (_, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
      // A sample: the first 30 rows in the same (content) order on both sides.
      t.same(pgRows.map(key).sort().slice(0, 30), liteRows.map(key).sort().slice(0, 30), `${name}: the same rows`);
    }
    t.comment(`tables with rows: ${filled.join(', ')}`);
    for (const name of [
      'users',
      'sessions',
      'admin_audit',
      'callers',
      'calls',
      'call_events',
      'work_orders',
      'work_order_events',
      'work_order_units',
      'counters',
    ])
      t.ok(filled.includes(name), `${name} has rows to compare`);
    for (const name of ['kb_articles', 'kb_article_versions', 'kb_audit', 'kb_answers']) t.ok(filled.includes(name), `${name} has rows to compare`);
  });

  t.test('new ids go past the copied ones (and past an id deleted in SQLite)', async (t) => {
    const liteMax = (table: string) => (lite.sqlite.prepare(`select max(id) as m from ${table}`).get() as { m: number }).m;
    const seq = (lite.sqlite.prepare(`select seq from sqlite_sequence where name = 'call_events'`).get() as { seq: number }).seq;
    t.ok(seq > liteMax('call_events'), 'the fixture deleted the last call event');
    await client.query('begin');
    t.teardown(() => client.query('rollback'));
    const order = await client.query<{ id: number }>(
      `insert into work_orders (number, channel, status, created_at, updated_at) values ('HZ-NEW', '12345', 'draft', 1, 1) returning id`,
    );
    t.equal(order.rows[0]!.id, liteMax('work_orders') + 1, 'the next order id follows the copied ones');
    const event = await client.query<{ id: string }>(`insert into call_events (call_id, type, at) values ('c1', 'note', 1) returning id`);
    t.equal(Number(event.rows[0]!.id), seq + 1, 'the next call event id follows SQLite’s AUTOINCREMENT mark');
    const user = await client.query<{ id: number }>(
      `insert into users (username, display_name, role, password_hash) values ('pg-new', 'n', 'agent', 'x') returning id`,
    );
    t.equal(user.rows[0]!.id, liteMax('users') + 1);
  });

  t.test('the copy leaves PostgreSQL working as after a migration', async (t) => {
    const triggers = await client.query<{ tgname: string; tgenabled: string }>(
      `select tgname, tgenabled from pg_trigger where not tgisinternal and tgrelid = 'work_orders'::regclass order by tgname`,
    );
    t.ok(triggers.rows.length > 0);
    t.same(
      triggers.rows.map((r) => r.tgenabled),
      triggers.rows.map(() => 'O'),
      'the triggers disabled for the copy are enabled again',
    );
    const db = pgDrizzle(client);
    const found = await db.execute<{ n: string }>(sql`select count(*) as n from work_orders where ${pgSchema.WORK_ORDER_SEARCH_TEXT} ilike ${'%诉求内容%'}`);
    t.equal(
      Number(found.rows[0]!.n),
      (lite.sqlite.prepare(`select count(*) as n from work_orders where content like '%诉求内容%'`).get() as { n: number }).n,
      'the Chinese search finds the copied orders',
    );
  });

  t.test('a second copy into the same database is refused and changes nothing', async (t) => {
    const before = await client.query<{ n: string }>('select count(*) as n from work_orders');
    const again = await cli(['db', 'copy-to-postgres', '--url', server.url, '--db', file]);
    t.equal(again.code, 1);
    t.match(
      again.err[0],
      /^sunline: warning: .*sunline\.db-wal exists: is the server still running\? Stop it first/,
      'this test holds the file open, as a server would',
    );
    t.match(again.err[1], /^sunline: COPY_TARGET_NOT_EMPTY: the PostgreSQL database already has rows in .*users.*work_orders/);
    t.same((await client.query<{ n: string }>('select count(*) as n from work_orders')).rows, before.rows);
  });

  t.test('a copy that fails part-way leaves the target without a row', async (t) => {
    const broken = path.join(dir, 'broken.db');
    fs.copyFileSync(file, broken);
    const b = openDb({ file: broken });
    // SQLite does not check JSON text; PostgreSQL's jsonb does, late in the plan (after users, orders…).
    b.sqlite.exec(`update kb_article_versions set keywords = 'not json' where id = (select max(id) from kb_article_versions)`);
    b.close();
    const url = await server.createDatabase('half');
    const res = await cli(['db', 'copy-to-postgres', '--url', url, '--db', broken]);
    t.equal(res.code, 1);
    t.match(res.err.join('\n'), /invalid input syntax for type json/);
    t.ok(res.out.includes('  users: 6 rows'), 'users were inserted before the failure');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    t.teardown(() => c.end());
    for (const table of ['users', 'work_orders', 'kb_articles'])
      t.equal((await c.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n, '0', `${table} is empty: one transaction`);
  });

  t.test('a value that does not fit its PostgreSQL column is named', async (t) => {
    const odd = path.join(dir, 'odd.db');
    fs.copyFileSync(file, odd);
    const b = openDb({ file: odd });
    b.sqlite.exec(`update users set disabled = 2 where username = 'copy-agent'`);
    b.close();
    const res = await cli(['db', 'copy-to-postgres', '--url', await server.createDatabase('odd'), '--db', odd]);
    t.equal(res.code, 1);
    t.same(res.err, ['sunline: COPY_BAD_VALUE: users.disabled: 2 does not fit a boolean column', 'no rows were copied']);
  });
});

t.test('what SQLite has and the plan does not stops the copy', async (t) => {
  const dir = tmpDir(t, 'sunline-copy-plan-');
  const h = openDb({ file: path.join(dir, 'x.db') });
  t.teardown(() => h.close());
  const plan = copyPlan();
  t.doesNotThrow(() => checkAgainstPlan(h.sqlite, plan), 'a migrated database fits the plan (FTS5 and drizzle tables skipped)');
  const without = (name: string): CopyTable[] => plan.filter((p) => p.name !== name);
  t.throws(() => checkAgainstPlan(h.sqlite, without('kb_audit')), {
    code: 'COPY_TABLE_NOT_PLANNED',
    message: /table kb_audit, which src\/db\/schema-pg.ts does not declare: nothing was copied/,
  });
  const fewer = plan.map((p) => (p.name === 'calls' ? { ...p, columns: p.columns.filter((c) => c.name !== 'outcome') } : p));
  t.throws(() => checkAgainstPlan(h.sqlite, fewer), { code: 'COPY_COLUMNS_DIFFER', message: 'table calls: outcome in SQLite only' });
  h.sqlite.exec('create table extra_thing (id integer primary key)');
  t.throws(() => checkAgainstPlan(h.sqlite, plan), { code: 'COPY_TABLE_NOT_PLANNED', message: /extra_thing/ });
});

t.test('usage and refusals of the command', async (t) => {
  t.equal((await cli(['db', 'copy-to-postgres'])).code, 2, 'no --url');
  t.equal((await cli(['db', 'copy-to-postgres', '--url', 'mysql://x/y'])).code, 2, 'not a postgres URL');
  t.equal((await cli(['db', 'copy-to-sqlite', '--url', 'postgres://x/y'])).code, 2, 'unknown subcommand');
  const missing = await cli(['db', 'copy-to-postgres', '--url', 'postgres://u:secret@127.0.0.1:1/x', '--db', '/nonexistent/sunline.db']);
  t.equal(missing.code, 1);
  t.match(missing.err[0], 'COPY_NO_SQLITE_DB: there is no SQLite database at /nonexistent/sunline.db');
  t.match(missing.out[0], 'postgres://u:***@127.0.0.1:1/x', 'the password is not printed');
  t.notOk(fs.existsSync('/nonexistent/sunline.db'), 'no empty database made');
});
