/**
 * `sunline db copy-to-postgres`: the upgrade path from an SQLite install to PostgreSQL (issue 16
 * item 6, decision 0011). Copies every table of the SQLite database into a freshly migrated,
 * empty PostgreSQL database in one PostgreSQL transaction (nothing half-copied), ids kept
 * (identity BY DEFAULT), each identity sequence then set past the highest id (and past SQLite's
 * AUTOINCREMENT high-water mark, so no id is ever reused).
 *
 * The copy plan is derived from src/db/schema-pg.ts (tables in foreign-key order, each column's
 * PostgreSQL type saying how to convert: 0/1 → boolean, JSON text → jsonb, integers exact), so a
 * table added to both schema files is copied without touching this file. The SQLite database
 * itself is checked against the plan: a table (or column) it has and the plan does not fails the
 * copy loudly instead of leaving data behind. SQLite's own machinery is skipped: sqlite_*
 * tables, drizzle's migration table, FTS5 virtual tables and their shadow tables (PostgreSQL's
 * pg_trgm indexes are built from the copied rows).
 *
 * The SQLite side is read in one read transaction (a consistent snapshot); changes made by a
 * running server after it would not be copied, so the server must be stopped first (docs/deployment.md).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { defineErrors } from '../errors/index.js';
import { openDb } from './connection.js';
import * as pgSchema from './schema-pg.js';
import { maskUrl, migratePostgres, MIGRATION_LOCK_KEY, PG_MIGRATIONS_DIR } from './postgres.js';

export class CopyError extends defineErrors('CopyError', {
  COPY_NO_SQLITE_DB: [404, 'there is no SQLite database to copy'],
  COPY_TARGET_NOT_EMPTY: [409, 'the PostgreSQL database already has rows: copy into a new, empty database'],
  COPY_TABLE_NOT_PLANNED: [500, 'the SQLite database has a table the copy plan lacks'],
  COPY_COLUMNS_DIFFER: [500, 'a table has different columns in SQLite and in the copy plan'],
  COPY_BAD_VALUE: [500, 'a SQLite value does not fit its PostgreSQL column'],
  COPY_COUNT_MISMATCH: [500, 'PostgreSQL does not have the rows that were copied'],
}) {}

/** How a SQLite value becomes a PostgreSQL one. */
export type CopyKind = 'integer' | 'boolean' | 'json' | 'text' | 'real';

export interface CopyColumn {
  readonly name: string;
  readonly kind: CopyKind;
}

export interface CopyTable {
  readonly name: string;
  readonly columns: readonly CopyColumn[];
  /** The tables its foreign keys point to (other than itself). */
  readonly dependsOn: readonly string[];
}

const KINDS: Readonly<Record<string, CopyKind>> = {
  PgInteger: 'integer',
  PgSmallInt: 'integer',
  PgBigInt53: 'integer',
  PgBigInt64: 'integer',
  PgSerial: 'integer',
  PgBigSerial53: 'integer',
  PgBoolean: 'boolean',
  PgJsonb: 'json',
  PgJson: 'json',
  PgText: 'text',
  PgVarchar: 'text',
  PgDoublePrecision: 'real',
  PgReal: 'real',
};

/** SQLite's bookkeeping and drizzle's: never copied. FTS5 tables are found by their CREATE VIRTUAL TABLE. */
const isSqliteInternal = (name: string): boolean => name.startsWith('sqlite_') || name === '__drizzle_migrations';

/**
 * Every table of `schema` (schema-pg.ts by default), parents before children. A column type the
 * copy cannot convert, or a cycle of foreign keys, is an error here, at once.
 */
export function copyPlan(schema: Record<string, unknown> = pgSchema): CopyTable[] {
  const tables = new Map<string, CopyTable>();
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const c = getTableConfig(value);
    const columns = c.columns.map((col) => {
      const kind = KINDS[col.columnType];
      if (!kind)
        throw new Error(`copy-to-postgres cannot convert ${c.name}.${col.name} (${col.columnType}): add its type to KINDS in src/db/copy-to-postgres.ts`);
      return { name: col.name, kind };
    });
    const dependsOn = [...new Set(c.foreignKeys.map((f) => getTableName(f.reference().foreignTable)))].filter((t) => t !== c.name).sort();
    tables.set(c.name, { name: c.name, columns, dependsOn });
  }
  const ordered: CopyTable[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`copy-to-postgres: foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    const table = tables.get(name);
    if (!table) throw new Error(`copy-to-postgres: ${path.at(-1)} references ${name}, which is not in the schema`);
    visiting.add(name);
    for (const parent of table.dependsOn) visit(parent, [...path, name]);
    visiting.delete(name);
    done.add(name);
    ordered.push(table);
  };
  for (const name of [...tables.keys()].sort()) visit(name, []);
  return ordered;
}

/** The SQLite database's tables split into those to copy and the internals skipped. */
export function sqliteTables(sqlite: Database.Database): { copy: string[]; skipped: string[] } {
  const rows = sqlite.prepare("select name, sql from sqlite_master where type = 'table' order by name").all() as { name: string; sql: string | null }[];
  const virtual = rows.filter((r) => /^CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql ?? '')).map((r) => r.name);
  const isInternal = (name: string) => isSqliteInternal(name) || virtual.some((v) => name === v || name.startsWith(`${v}_`));
  return {
    copy: rows.map((r) => r.name).filter((n) => !isInternal(n)),
    skipped: rows.map((r) => r.name).filter(isInternal),
  };
}

/** Checks the SQLite database against the plan: the same tables and, in each, the same columns. */
export function checkAgainstPlan(sqlite: Database.Database, plan: readonly CopyTable[]): void {
  const planned = new Map(plan.map((t) => [t.name, t]));
  const { copy } = sqliteTables(sqlite);
  const unplanned = copy.filter((n) => !planned.has(n));
  if (unplanned.length > 0)
    throw new CopyError(
      'COPY_TABLE_NOT_PLANNED',
      `the SQLite database has table${unplanned.length === 1 ? '' : 's'} ${unplanned.join(', ')}, which src/db/schema-pg.ts does not declare: nothing was copied ` +
        `(every table must exist in both schema files, decision 0011)`,
    );
  for (const table of plan) {
    const have = (sqlite.prepare('select name from pragma_table_info(?)').all(table.name) as { name: string }[]).map((r) => r.name);
    const want = table.columns.map((c) => c.name);
    const missing = want.filter((c) => !have.includes(c));
    const extra = have.filter((c) => !want.includes(c));
    if (have.length === 0) throw new CopyError('COPY_COLUMNS_DIFFER', `table ${table.name} is in src/db/schema-pg.ts but not in the SQLite database`);
    if (missing.length + extra.length > 0)
      throw new CopyError(
        'COPY_COLUMNS_DIFFER',
        `table ${table.name}: ${[...extra.map((c) => `${c} in SQLite only`), ...missing.map((c) => `${c} in PostgreSQL only`)].join(', ')}`,
      );
  }
}

/** A SQLite value (read with safeIntegers: integers as bigint) as the PostgreSQL parameter for `column`. */
function convert(table: string, column: CopyColumn, value: unknown): unknown {
  if (value === null) return null;
  const bad = (): never => {
    const shown =
      typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value === 'bigint' || typeof value === 'number' ? String(value) : typeof value;
    throw new CopyError('COPY_BAD_VALUE', `${table}.${column.name}: ${shown} does not fit a ${column.kind} column`);
  };
  switch (column.kind) {
    case 'boolean':
      return value === 1n ? true : value === 0n ? false : bad();
    case 'integer':
      return typeof value === 'bigint' ? value.toString() : bad();
    case 'real':
      return typeof value === 'bigint' ? value.toString() : typeof value === 'number' ? value : bad();
    case 'json':
    case 'text':
      // JSON text goes as text: PostgreSQL parses it into jsonb (invalid JSON fails the copy).
      return typeof value === 'string' ? value : bad();
  }
}

export interface CopyOptions {
  /** The SQLite database file (the server's SUNLINE_DB_FILE). */
  readonly sqliteFile: string;
  /** postgres://… of the target database (PGPASSWORD etc. fill what it leaves out). */
  readonly url: string;
  readonly migrationsDir?: string;
  /** Progress lines (the CLI prints them). */
  readonly log?: (line: string) => void;
  /** The plan (tests give a narrowed one); schema-pg.ts's by default. */
  readonly plan?: readonly CopyTable[];
}

export interface CopyReport {
  readonly tables: readonly { readonly name: string; readonly rows: number }[];
  readonly rows: number;
  readonly skipped: readonly string[];
}

/** Rows per INSERT statement: PostgreSQL takes at most 65,535 parameters in one. */
const PARAMS_PER_STATEMENT = 30_000;
const MAX_ROWS_PER_STATEMENT = 1000;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Copies the SQLite database into the (empty) PostgreSQL database at `url`; see the file comment. */
export async function copyToPostgres(opts: CopyOptions): Promise<CopyReport> {
  const log = opts.log ?? (() => undefined);
  if (opts.sqliteFile === ':memory:' || !fs.existsSync(opts.sqliteFile))
    throw new CopyError('COPY_NO_SQLITE_DB', `there is no SQLite database at ${opts.sqliteFile}`);
  const plan = opts.plan ?? copyPlan();
  // openDb applies the SQLite migrations, as the server's start would: the plan is this version's schema.
  const lite = openDb({ file: opts.sqliteFile });
  const pool = new pg.Pool({ connectionString: opts.url, max: 1, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // an idle client's error: the query in progress reports it
  try {
    checkAgainstPlan(lite.sqlite, plan);
    const { skipped } = sqliteTables(lite.sqlite);
    const applied = await migratePostgres(pool, opts.migrationsDir ?? PG_MIGRATIONS_DIR);
    log(`migrated ${maskUrl(opts.url)} (${applied} migration${applied === 1 ? '' : 's'} applied)`);
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('begin');
      lite.sqlite.exec('begin'); // the snapshot starts at the first read below
      try {
        const report = await copyInTransaction(lite.sqlite, client, plan, log);
        await client.query('commit');
        return { ...report, skipped };
      } catch (err) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        lite.sqlite.exec('rollback');
      }
    } finally {
      client.release(broken);
    }
  } finally {
    await pool.end();
    lite.close();
  }
}

async function copyInTransaction(sqlite: Database.Database, client: pg.PoolClient, plan: readonly CopyTable[], log: (line: string) => void) {
  // Serialises with nodes migrating and with another copy into the same database.
  await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  const notEmpty: string[] = [];
  for (const table of plan) {
    const { rows } = await client.query<{ any: boolean }>(`select exists (select 1 from ${quote(table.name)}) as any`);
    if (rows[0]?.any) notEmpty.push(table.name);
  }
  if (notEmpty.length > 0)
    throw new CopyError('COPY_TARGET_NOT_EMPTY', `the PostgreSQL database already has rows in ${notEmpty.join(', ')}: copy into a new, empty database`);

  const identities = await identityColumns(client);
  // The copy writes each table's final rows: user triggers (e.g. the one keeping work_order_units,
  // migrations-pg/0002) would add rows of their own. Foreign-key checks are system triggers and stay on.
  for (const table of plan) await client.query(`alter table ${quote(table.name)} disable trigger user`);
  const tables: { name: string; rows: number }[] = [];
  for (const table of plan) {
    const rows = await copyTable(sqlite, client, table, identities.has(table.name));
    tables.push({ name: table.name, rows });
    log(`  ${table.name}: ${rows} row${rows === 1 ? '' : 's'}`);
  }
  for (const table of plan) await client.query(`alter table ${quote(table.name)} enable trigger user`);

  // Each identity sequence past the highest id and past SQLite's AUTOINCREMENT mark (ids never reused).
  const hasSequences = sqlite.prepare("select 1 from sqlite_master where name = 'sqlite_sequence'").get() !== undefined;
  const sequences = hasSequences ? (sqlite.prepare('select name, seq from sqlite_sequence').all() as { name: string; seq: number }[]) : [];
  const sqliteSeq = new Map(sequences.map((r) => [r.name, Number(r.seq)]));
  for (const table of plan) {
    for (const column of identities.get(table.name) ?? []) {
      const { rows } = await client.query<{ max: string | null }>(`select max(${quote(column)})::text as max from ${quote(table.name)}`);
      const high = Math.max(Number(rows[0]?.max ?? 0), sqliteSeq.get(table.name) ?? 0);
      await client.query('select setval(pg_get_serial_sequence($1, $2), $3, false)', [quote(table.name), column, high + 1]);
    }
  }

  for (const { name, rows } of tables) {
    const { rows: got } = await client.query<{ n: string }>(`select count(*) as n from ${quote(name)}`);
    if (Number(got[0]?.n) !== rows) throw new CopyError('COPY_COUNT_MISMATCH', `${name}: ${rows} rows copied, PostgreSQL has ${got[0]?.n}`);
  }
  const total = tables.reduce((n, t) => n + t.rows, 0);
  log(`copied ${total} row${total === 1 ? '' : 's'} in ${tables.length} tables`);
  return { tables, rows: total };
}

/** The identity columns of the current schema's tables, by table. */
async function identityColumns(client: pg.PoolClient): Promise<Map<string, string[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns where table_schema = current_schema() and is_identity = 'YES' order by table_name, column_name`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
  return out;
}

/** Copies one table's rows in multi-row INSERTs; resolves to the number of rows. */
async function copyTable(sqlite: Database.Database, client: pg.PoolClient, table: CopyTable, identity: boolean): Promise<number> {
  const cols = table.columns;
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(PARAMS_PER_STATEMENT / cols.length)));
  const head = `insert into ${quote(table.name)} (${cols.map((c) => quote(c.name)).join(', ')})${identity ? ' overriding system value' : ''} values `;
  // In primary-key order (a table referencing itself gets its parents first, as they were made).
  const keys = (sqlite.prepare('select name from pragma_table_info(?) where pk > 0 order by pk').all(table.name) as { name: string }[]).map((r) =>
    quote(r.name),
  );
  const read = sqlite
    .prepare(`select ${cols.map((c) => quote(c.name)).join(', ')} from ${quote(table.name)} order by ${keys.length > 0 ? keys.join(', ') : 'rowid'}`)
    .safeIntegers(true)
    .raw(true);
  let count = 0;
  let batch: unknown[] = [];
  let tuples: string[] = [];
  const flush = async () => {
    if (tuples.length === 0) return;
    await client.query(head + tuples.join(', '), batch);
    batch = [];
    tuples = [];
  };
  for (const row of read.iterate() as Iterable<unknown[]>) {
    const base = batch.length;
    tuples.push(`(${cols.map((_, i) => `$${base + i + 1}`).join(', ')})`);
    cols.forEach((c, i) => batch.push(convert(table.name, c, row[i])));
    count++;
    if (tuples.length >= perStatement) await flush();
  }
  await flush();
  return count;
}
