/**
 * The two dialects stay in parity (issue 16, decision 0011): the SQLite migrations (migrations/)
 * applied to a temp file and the PostgreSQL migrations (migrations-pg/) applied to a real
 * PostgreSQL give the same tables, columns, primary keys, indexes and foreign keys; every
 * migration of one dialect has its counterpart in the other (migrations-pg/sqlite-counterparts.json);
 * each schema file matches what its migrations build (a schema edited without `npm run
 * db:generate` fails); and the hand-written PostgreSQL parts (pg_trgm search, the
 * work_order_units triggers) do what their SQLite originals do. The row types of the two schema
 * files are compared by the compiler (the `Same*` types below; `npm run typecheck`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import Database from 'better-sqlite3';
import pg from 'pg';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { getTableName, is, sql, type Table } from 'drizzle-orm';
import { MIGRATIONS_DIR, openDb } from '../../src/db/connection.js';
import { readJournal } from '../../src/db/migration-safety.js';
import * as sqliteSchema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import { compareShapes, postgresShape, sqliteShape, type DbShape } from '../helpers/db-shape.js';
import { startPostgres } from '../helpers/postgres.js';

const PG_MIGRATIONS_DIR = path.join(path.dirname(MIGRATIONS_DIR), 'migrations-pg');

/**
 * What drizzle-kit does not manage and each dialect builds its own way (hand-written migrations):
 * SQLite's FTS5 table (and its shadow tables) ↔ PostgreSQL's pg_trgm index.
 */
const SQLITE_ONLY_TABLES = new Map([
  ['work_orders_fts', 'index work_orders_search_trgm_idx'],
  // FTS5's content: the reporter's name split by confidentiality (migrations/0013) ↔ the two indexed expressions.
  ['work_orders_fts_source', 'index work_orders_confidential_name_trgm_idx'],
]);
const POSTGRES_ONLY_INDEXES = new Map([
  ['work_orders_search_trgm_idx', 'table work_orders_fts'],
  ['work_orders_confidential_name_trgm_idx', 'table work_orders_fts'],
]);
/** Each SQLite trigger and the PostgreSQL trigger (or index) that does its work. */
const TRIGGER_COUNTERPARTS = new Map([
  ['work_orders_fts_ai', 'index work_orders_search_trgm_idx'],
  ['work_orders_fts_au', 'index work_orders_search_trgm_idx'],
  ['work_orders_fts_ad', 'index work_orders_search_trgm_idx'],
  ['work_order_units_ai', 'trigger work_order_units_ai'],
  ['work_order_units_au', 'trigger work_order_units_au'],
  ['work_order_units_keys_au', 'trigger work_order_units_au'],
  ['work_order_units_ad', 'trigger work_order_units_ad'],
  // The report rollups' dirty marks (migrations/0030, migrations-pg/0021; src/reports/report-rollups.ts).
  ...['calls_ai', 'calls_au', 'call_events_ai', 'agent_state_ai', 'order_events_ai', 'work_orders_au', 'users_au'].map(
    (n) => [`report_rollup_${n}`, `trigger report_rollup_${n}`] as const,
  ),
]);
/**
 * PostgreSQL triggers that stand for no SQLite trigger: they NOTIFY the listening processes of a
 * commit to sessions or accounts (migrations-pg/0029), which SQLite's data_version does unasked.
 */
const POSTGRES_ONLY_TRIGGERS = new Set(['sessions_notify_ad', 'sessions_notify_au', 'sessions_notify_at', 'users_notify_au']);

// ---- Row types: the same in both dialects, table by table (checked by tsc, not at run time).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type TablesOf<S> = { [K in keyof S as S[K] extends Table ? K : never]: S[K] };
type SqliteTables = TablesOf<typeof sqliteSchema>;
type PgTables = TablesOf<typeof pgSchema>;
type Common = keyof SqliteTables & keyof PgTables;
/** The exported table names of one file and not the other. */
type OneSideOnly = Exclude<keyof SqliteTables, keyof PgTables> | Exclude<keyof PgTables, keyof SqliteTables>;
/** The tables whose selected rows differ. */
type SelectDiffers = { [K in Common]: Equal<SqliteTables[K]['$inferSelect'], PgTables[K]['$inferSelect']> extends true ? never : K }[Common];
/**
 * Tables whose INTEGER PRIMARY KEY without AUTOINCREMENT is SQLite's rowid, which drizzle lets an
 * insert omit; PostgreSQL (rightly) needs it. Their PostgreSQL insert must still fit SQLite's.
 */
type RowidKeyed = 'agentSessions' | 'topicOrders';
/** The tables whose insert values differ (e.g. a default or an identity on one side only). */
type InsertDiffers = {
  [K in Common]: K extends RowidKeyed
    ? PgTables[K]['$inferInsert'] extends SqliteTables[K]['$inferInsert']
      ? never
      : K
    : Equal<SqliteTables[K]['$inferInsert'], PgTables[K]['$inferInsert']> extends true
      ? never
      : K;
}[Common];
// A compile error here names the table: "Type 'true' is not assignable to type '"calls"'".
export const sameTables: [OneSideOnly] extends [never] ? true : OneSideOnly = true;
export const sameRows: [SelectDiffers] extends [never] ? true : SelectDiffers = true;
export const sameInserts: [InsertDiffers] extends [never] ? true : InsertDiffers = true;

function readCounterparts(): { baseline: string[]; counterparts: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, 'sqlite-counterparts.json'), 'utf8')) as {
    baseline: string[];
    counterparts: Record<string, string>;
  };
}

/** Every problem with the migration lists of the two dialects; [] when they are in step. */
function migrationsInStep(sqliteTags: string[], pgTags: string[], map: { baseline: string[]; counterparts: Record<string, string> }): string[] {
  const out: string[] = [];
  const file = 'migrations-pg/sqlite-counterparts.json';
  const mapped = Object.keys(map.counterparts);
  for (const tag of sqliteTags) {
    if (!(tag in map.counterparts))
      out.push(`migrations/${tag}.sql has no PostgreSQL counterpart: write one in migrations-pg/ (npm run db:generate) and list it in ${file}`);
  }
  for (const tag of mapped) if (!sqliteTags.includes(tag)) out.push(`${file} lists ${tag}, which is not a SQLite migration`);
  const used = new Set(Object.values(map.counterparts));
  for (const tag of pgTags) {
    if (!used.has(tag)) out.push(`migrations-pg/${tag}.sql is the counterpart of no SQLite migration: list it in ${file} (or add the SQLite one)`);
  }
  let last = -1;
  for (const tag of sqliteTags) {
    const to = map.counterparts[tag];
    if (to === undefined) continue;
    const at = pgTags.indexOf(to);
    if (at < 0) {
      out.push(`${file}: ${tag} → ${to}, which is not in migrations-pg/meta/_journal.json`);
      continue;
    }
    if (map.baseline.includes(to)) continue;
    if (at < last) out.push(`${file}: ${tag} → ${to} goes back before an earlier migration's counterpart (the dialects must advance in step)`);
    last = at;
  }
  // After the baseline, each new SQLite migration maps past it.
  const firstAfter = sqliteTags.findIndex((tag) => !map.baseline.includes(map.counterparts[tag] ?? ''));
  if (firstAfter >= 0) {
    for (const tag of sqliteTags.slice(firstAfter)) {
      if (map.baseline.includes(map.counterparts[tag] ?? '')) out.push(`${file}: ${tag} maps into the baseline, after migrations that did not`);
    }
  }
  return out;
}

interface Declared {
  /** Column names of each table. */
  columns: Map<string, string[]>;
  /** Foreign keys as DbShape spells them. */
  foreignKeys: Set<string>;
}

/** What a schema file declares: its tables' columns and foreign keys. */
function declared(schema: Record<string, unknown>, dialect: 'sqlite' | 'pg'): Declared {
  const out: Declared = { columns: new Map(), foreignKeys: new Set() };
  for (const value of Object.values(schema)) {
    const c =
      dialect === 'sqlite' && is(value, SQLiteTable) ? sqliteTableConfig(value) : dialect === 'pg' && is(value, PgTable) ? pgTableConfig(value) : undefined;
    if (!c) continue;
    out.columns.set(c.name, c.columns.map((col) => col.name).sort());
    for (const f of c.foreignKeys) {
      const ref = f.reference();
      const cols = (xs: { name: string }[]) => xs.map((x) => x.name).join(',');
      out.foreignKeys.add(
        `${c.name}(${cols(ref.columns)}) -> ${getTableName(ref.foreignTable)}(${cols(ref.foreignColumns)}) on delete ${f.onDelete ?? 'no action'}`,
      );
    }
  }
  return out;
}

function schemaMatchesDatabase(file: string, decl: Declared, shape: DbShape, ignore: (table: string) => boolean): string[] {
  const out: string[] = [];
  const generate = 'its migrations do not create: run npm run db:generate';
  for (const [table, cols] of decl.columns) {
    const built = shape.tables.get(table);
    if (!built) {
      out.push(`${file} declares table ${table}, which ${generate}`);
      continue;
    }
    const have = [...built.columns.keys()].sort();
    for (const c of cols) if (!have.includes(c)) out.push(`${file} declares ${table}.${c}, which ${generate}`);
    for (const c of have) if (!cols.includes(c)) out.push(`${table}.${c} is created by the migrations but not declared in ${file}`);
  }
  for (const table of shape.tables.keys()) {
    if (!decl.columns.has(table) && !ignore(table)) out.push(`table ${table} is created by the migrations but not declared in ${file}`);
  }
  for (const f of decl.foreignKeys) if (!shape.foreignKeys.has(f)) out.push(`${file} declares the foreign key ${f}, which ${generate}`);
  for (const f of shape.foreignKeys) if (!decl.foreignKeys.has(f)) out.push(`the foreign key ${f} is created by the migrations but not declared in ${file}`);
  return out;
}

/** FTS5 virtual tables and their shadow tables (x_data, x_idx, x_docsize, x_config, x_content). */
const isSqliteOnly = (table: string) => [...SQLITE_ONLY_TABLES.keys()].some((v) => table === v || table.startsWith(`${v}_`));

t.test('SQLite and PostgreSQL migrations build the same database', async (t) => {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-parity-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const lite = openDb({ file: path.join(dir, 'parity.db') });
  t.teardown(() => lite.close());
  const server = await startPostgres(t);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.teardown(() => client.end());
  await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR });
  t.comment(`PostgreSQL started and migrated in ${Date.now() - started} ms`);

  const liteShape = sqliteShape(lite.sqlite);
  const pgShape = await postgresShape(client);
  // The migrators' own bookkeeping (PostgreSQL keeps it in the `drizzle` schema) and FTS5's shadow tables.
  for (const name of [...liteShape.tables.keys()]) {
    if (name.startsWith('__drizzle') || (isSqliteOnly(name) && !SQLITE_ONLY_TABLES.has(name))) liteShape.tables.delete(name);
  }

  t.test('same tables, columns, keys, indexes and foreign keys', async (t) => {
    t.same(compareShapes(liteShape, pgShape, { sqliteOnlyTables: SQLITE_ONLY_TABLES, postgresOnlyIndexes: POSTGRES_ONLY_INDEXES }), []);
    t.ok(liteShape.tables.size >= 12 && pgShape.tables.size >= 12, 'both databases have their tables');
  });

  t.test('what drizzle-kit does not manage has its counterpart', async (t) => {
    const problems: string[] = [];
    const virtual = (
      lite.sqlite.prepare("select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%'").all() as { name: string }[]
    ).map((r) => r.name);
    for (const v of virtual)
      if (!SQLITE_ONLY_TABLES.has(v)) problems.push(`SQLite virtual table ${v} has no PostgreSQL counterpart listed in dialect-parity.test.ts`);
    const exists = (what: string) => {
      const [kind, name] = what.split(' ') as [string, string];
      return kind === 'index' ? pgShape.indexes.has(name) : kind === 'trigger' ? pgShape.triggers.has(name) : liteShape.tables.has(name);
    };
    for (const [table, stands] of SQLITE_ONLY_TABLES) if (!exists(stands)) problems.push(`${stands} (for SQLite's ${table}) is not in PostgreSQL`);
    for (const trigger of liteShape.triggers) {
      const counterpart = TRIGGER_COUNTERPARTS.get(trigger);
      if (!counterpart) problems.push(`SQLite trigger ${trigger} has no PostgreSQL counterpart listed in dialect-parity.test.ts (write it in migrations-pg/)`);
      else if (!exists(counterpart)) problems.push(`${counterpart} (for SQLite trigger ${trigger}) is not in PostgreSQL`);
    }
    const targets = new Set(TRIGGER_COUNTERPARTS.values());
    for (const trigger of pgShape.triggers)
      if (!targets.has(`trigger ${trigger}`) && !POSTGRES_ONLY_TRIGGERS.has(trigger))
        problems.push(`PostgreSQL trigger ${trigger} stands for no SQLite trigger`);
    t.same(problems, []);
  });

  t.test('each schema file declares what its migrations build', async (t) => {
    t.same(schemaMatchesDatabase('src/db/schema.ts', declared(sqliteSchema, 'sqlite'), liteShape, isSqliteOnly), []);
    t.same(
      schemaMatchesDatabase('src/db/schema-pg.ts', declared(pgSchema, 'pg'), pgShape, () => false),
      [],
    );
  });

  t.test('every migration has its counterpart, in step', async (t) => {
    t.same(migrationsInStep(readJournal(MIGRATIONS_DIR), readJournal(PG_MIGRATIONS_DIR), readCounterparts()), []);
  });

  t.test('the comparison sees a column, a default, an index or a migration missing on one side', async (t) => {
    await client.query('begin');
    try {
      await client.query(
        'alter table calls drop column outcome; alter table work_orders alter column handling_round set default 2; drop index work_orders_created_idx; create table extra (id integer)',
      );
      const broken = compareShapes(liteShape, await postgresShape(client), {
        sqliteOnlyTables: SQLITE_ONLY_TABLES,
        postgresOnlyIndexes: POSTGRES_ONLY_INDEXES,
      });
      t.match(broken, [
        /^column calls\.outcome: in SQLite only/,
        /^column work_orders\.handling_round: default 1 in SQLite, 2 in PostgreSQL$/,
        /^table extra: in PostgreSQL only/,
        /^index work_orders_created_idx on work_orders\(created_at, id\): in SQLite only/,
      ]);
      t.equal(broken.length, 4);
    } finally {
      await client.query('rollback');
    }
    const tags = readJournal(MIGRATIONS_DIR);
    const pgTags = readJournal(PG_MIGRATIONS_DIR);
    const map = readCounterparts();
    t.match(migrationsInStep([...tags, '9999_new_table'], pgTags, map), [/^migrations\/9999_new_table\.sql has no PostgreSQL counterpart/]);
    t.match(migrationsInStep(tags, [...pgTags, '9999_pg_only'], map), [/^migrations-pg\/9999_pg_only\.sql is the counterpart of no SQLite migration/]);
    const swapped = { ...map, counterparts: { ...map.counterparts, '9998_a': '9999_b', '9999_b': '9998_a' } };
    t.match(migrationsInStep([...tags, '9998_a', '9999_b'], [...pgTags, '9998_a', '9999_b'], swapped), [/9999_b → 9998_a goes back/]);
  });

  t.test('PostgreSQL keeps work_order_units as the SQLite triggers do', async (t) => {
    await client.query('begin');
    t.teardown(() => client.query('rollback'));
    const units = async (id: number) =>
      (
        await client.query<{ u: string }>(
          `select unit_id || ':' || role || ':' || status || ':' || coalesce(deadline_at::text, '-') as u from work_order_units where order_id = $1 order by 1`,
          [id],
        )
      ).rows.map((r) => r.u);
    const { rows } = await client.query<{ id: number }>(
      `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, created_at, updated_at)
       values ('HZ-1', '12345', 'dispatched', 'u1', '["u2","u1"]', 1, 1) returning id`,
    );
    const id = rows[0]!.id;
    t.same(await units(id), ['u1:lead:dispatched:-', 'u2:co:dispatched:-'], 'a unit listed as lead and co stays lead');
    await client.query(`update work_orders set status = 'handling', deadline_at = 5 where id = $1`, [id]);
    t.same(await units(id), ['u1:lead:handling:5', 'u2:co:handling:5'], 'list keys follow');
    await client.query(`update work_orders set lead_unit_id = 'u3', co_unit_ids = '[]', status = 'signed' where id = $1`, [id]);
    t.same(await units(id), ['u3:lead:signed:5'], 'units and keys change in one statement');
    await client.query(`delete from work_orders where id = $1`, [id]);
    t.same(await units(id), []);
  });

  t.test('PostgreSQL marks built report days dirty as the SQLite triggers do (src/reports/report-rollups.ts)', async (t) => {
    await client.query('begin');
    t.teardown(() => client.query('rollback'));
    const day = 86_400_000 * 20_000 - 28_800_000; // a Shanghai midnight
    const dirty = async () =>
      (await client.query<{ d: string }>(`select source || ':' || (day - ${day}) / 86400000 as d from report_rollup_dirty order by 1`)).rows.map((r) => r.d);
    const clear = () => client.query('delete from report_rollup_dirty');
    await client.query(`insert into report_rollup_days (source, day, built_at) values ('calls', $1, 0), ('orders', $1, 0), ('orders', $2, 0)`, [
      day,
      day - 86_400_000,
    ]);
    const { rows } = await client.query<{ id: number }>(
      `insert into users (username, display_name, role, password_hash, unit_id) values ('rr-1', 'RR', 'unit_handler', 'x', 'u1') returning id`,
    );
    const user = rows[0]!.id;
    await client.query(
      `insert into calls (id, caller_phone, dialled_number, hotline, state, entered_at) values ('rr-c1', '1', '12345', '12345', 'ended', $1), ('rr-c2', '1', '12345', '12345', 'ended', $2)`,
      [day + 3_600_000, day + 2 * 86_400_000],
    );
    t.same(await dirty(), ['calls:0'], 'a call of a built day marks it; of a day not built, nothing');
    await clear();
    await client.query(`update calls set ended_at = $1 where id = 'rr-c1'`, [day + 86_400_000 + 60_000]);
    await client.query(`insert into call_events (call_id, type, at, data) values ('rr-c1', 'abandoned', $1, '{"where":"queue"}')`, [day + 86_400_000]);
    t.same(await dirty(), ['calls:0'], 'an update and an abandoned event');
    await clear();
    await client.query(`insert into agent_state_events (agent_id, state, call_id, at) values ($1, 'wrap_up', 'rr-c1', $2)`, [user, day + 7_200_000]);
    t.same(await dirty(), [], 'a wrap-up starts: nothing yet');
    await client.query(`insert into agent_state_events (agent_id, state, call_id, at) values ($1, 'available', null, $2)`, [user, day + 3 * 86_400_000]);
    t.same(await dirty(), ['calls:0'], 'the next state ends the wrap-up of a call of a built day');
    await clear();
    const o = await client.query<{ id: number }>(
      `insert into work_orders (number, channel, status, lead_unit_id, created_at, updated_at) values ('HZ-RR', '12345', 'missed_call', 'u1', 1, 1) returning id`,
    );
    const order = o.rows[0]!.id;
    await client.query(`insert into work_order_events (order_id, at, action, actor_id) values ($1, $2, 'abandon', null), ($1, $3, 'sign', $4)`, [
      order,
      day - 86_400_000 + 1_000,
      day + 1_000,
      user,
    ]);
    t.same(await dirty(), ['orders:-1', 'orders:0'], 'order events mark their days (and the later days of the order)');
    await clear();
    await client.query(`insert into work_order_events (order_id, at, action) values ($1, $2, 'callback_done')`, [order, day + 5 * 86_400_000]);
    t.same(await dirty(), ['orders:-1'], 'a callback marks the day of the missed call it answers');
    await clear();
    await client.query(`update work_orders set lead_unit_id = 'u2' where id = $1`, [order]);
    t.same(await dirty(), ['orders:-1', 'orders:0'], "a new lead unit marks all the order's days");
    await clear();
    await client.query(`update work_orders set status = 'accepted' where id = $1`, [order]);
    await client.query(`update users set unit_id = 'u1', display_name = 'RR2' where id = $1`, [user]);
    t.same(await dirty(), [], 'other columns, or the same unit: nothing');
    await client.query(`update users set unit_id = 'u3' where id = $1`, [user]);
    t.same(await dirty(), ['orders:0'], "a handler's new unit marks the days of its sign-fors");
    // The marks' seq (migrations-pg/0025, as migrations/0034): a new mark starts above its day's built seq, each change raises it.
    await clear();
    await client.query(`update report_rollup_days set seq = 7 where source = 'calls' and day = $1`, [day]);
    const seq = async () =>
      (await client.query<{ seq: number }>(`select seq from report_rollup_dirty where source = 'calls' and day = $1`, [day])).rows.map((r) => r.seq);
    await client.query(`update calls set ended_at = ended_at + 1 where id = 'rr-c1'`);
    t.same(await seq(), [8], 'a new mark starts one above the seq its day was last built at');
    await client.query(`update calls set ended_at = ended_at + 1 where id = 'rr-c1'`);
    t.same(await seq(), [9], 'a change to a marked day raises its seq');
  });

  t.test('PostgreSQL finds Chinese text through the pg_trgm index', async (t) => {
    await client.query('begin');
    t.teardown(() => client.query('rollback'));
    await client.query(
      `insert into work_orders (number, channel, status, subject, content, location, caller_name, created_at, updated_at) values
         ('HZ-1', '12345', 'accepted', '超市售卖过期食品', '市民反映某超市售卖过期牛奶', '西湖区文三路', '张先生', 1, 1),
         ('HZ-2', '12345', 'accepted', '噪音扰民', '夜间施工', '上城区', '李女士', 1, 1),
         ('HZ-3', 'web', 'draft', null, null, null, null, 1, 1)`,
    );
    const search = sql`select number from work_orders where ${pgSchema.WORK_ORDER_SEARCH_TEXT} ilike ${'%过期牛奶%'} order by number`;
    const db = drizzle(client);
    t.same((await db.execute<{ number: string }>(search)).rows, [{ number: 'HZ-1' }]);
    t.same((await db.execute<{ number: string }>(sql`select number from work_orders where ${pgSchema.WORK_ORDER_SEARCH_TEXT} ilike ${'%文三路%'}`)).rows, [
      { number: 'HZ-1' },
    ]);
    t.same(
      (await db.execute(sql`select number from work_orders where ${pgSchema.WORK_ORDER_SEARCH_TEXT} ilike ${'%牛奶西湖%'}`)).rows,
      [],
      'no match across two columns',
    );
    // A confidential reporter's name is not in the search text (what units search), only in its own expression (staff).
    await client.query(
      `insert into work_orders (number, channel, status, subject, content, caller_name, confidential, created_at, updated_at) values
         ('HZ-4', '12345', 'accepted', '举报偷排', '化工厂夜间偷排', '王小明', true, 1, 1), ('HZ-5', '12345', 'accepted', '路灯', '路灯不亮', '王小明', false, 1, 1)`,
    );
    const byName = (expr: typeof pgSchema.WORK_ORDER_SEARCH_TEXT) =>
      db.execute<{ number: string }>(sql`select number from work_orders where ${expr} ilike ${'%王小明%'} order by number`).then((r) => r.rows);
    t.same(await byName(pgSchema.WORK_ORDER_SEARCH_TEXT), [{ number: 'HZ-5' }], 'the search text has only the name that is not confidential');
    t.same(await byName(pgSchema.WORK_ORDER_CONFIDENTIAL_NAME), [{ number: 'HZ-4' }], 'the confidential one has its own expression');
    await client.query('set local enable_seqscan = off');
    const plan = (await db.execute<{ 'QUERY PLAN': string }>(sql`explain ${search}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    t.match(plan, /work_orders_search_trgm_idx/, 'the query uses the trigram index');
    const confidentialPlan = (
      await db.execute<{ 'QUERY PLAN': string }>(
        sql`explain select number from work_orders where confidential and ${pgSchema.WORK_ORDER_CONFIDENTIAL_NAME} ilike ${'%王小明%'}`,
      )
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    t.match(confidentialPlan, /work_orders_confidential_name_trgm_idx/, 'and so does a confidential name');
  });

  t.teardown(() => t.comment(`dialect parity: ${Date.now() - started} ms`));
});
