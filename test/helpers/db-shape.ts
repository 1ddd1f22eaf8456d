/**
 * The shape of a migrated database, read from the database itself (not from the drizzle schema):
 * tables, columns (nullability, default, type family, identity), primary keys, indexes, foreign
 * keys and triggers, the same way for SQLite and PostgreSQL, so that test/db/dialect-parity.test.ts
 * can say which table, column or index one dialect has and the other lacks (decision 0011).
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

/** What a column holds, in SQLite's terms: PostgreSQL's bigint and boolean are SQLite integers, jsonb is text. */
export type TypeFamily = 'integer' | 'text' | 'real' | 'blob' | `other:${string}`;

export interface ColumnShape {
  notNull: boolean;
  hasDefault: boolean;
  /** The default when it is a constant (`0`, `false`, `'[]'`), normalized; null for none or an expression. */
  constant: string | null;
  family: TypeFamily;
  /** The dialect's declared type (integer, bigint, jsonb …), for messages. */
  type: string;
  /** SQLite AUTOINCREMENT, PostgreSQL identity. */
  generated: boolean;
}

export interface IndexShape {
  table: string;
  /** Column names or normalized expressions, in key order. */
  columns: string[];
  unique: boolean;
  /** The normalized WHERE of a partial index, '' if none. */
  where: string;
}

export interface DbShape {
  tables: Map<string, { columns: Map<string, ColumnShape>; primaryKey: string[] }>;
  indexes: Map<string, IndexShape>;
  /** `child(cols) -> parent(cols) on delete X`, one string per foreign key. */
  foreignKeys: Set<string>;
  triggers: Set<string>;
  views: Set<string>;
}

/**
 * One spelling for an expression in either dialect: lower case, without quotes, table
 * qualifiers, casts, spaces or parentheses (`("deadline_at" is null)` = `(deadline_at IS NULL)`).
 */
export function normalizeExpression(expr: string): string {
  return expr
    .toLowerCase()
    .replace(/[`"]?[a-z_][a-z0-9_]*[`"]?\.(?=[`"]?[a-z_])/g, '')
    .replace(/::[a-z_]+( precision| varying)?(\[\])?/g, '')
    .replace(/[`"()\s]/g, '');
}

const SQLITE_FAMILY: Record<string, TypeFamily> = { integer: 'integer', text: 'text', real: 'real', blob: 'blob', '': 'text' };
const PG_FAMILY: Record<string, TypeFamily> = {
  smallint: 'integer',
  integer: 'integer',
  bigint: 'integer',
  boolean: 'integer',
  text: 'text',
  'character varying': 'text',
  jsonb: 'text',
  json: 'text',
  uuid: 'text',
  real: 'real',
  'double precision': 'real',
  numeric: 'real',
  bytea: 'blob',
};

const ON_DELETE: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const fk = (child: string, from: string[], parent: string, to: string[], onDelete: string) =>
  `${child}(${from.join(',')}) -> ${parent}(${to.join(',')}) on delete ${onDelete.toLowerCase()}`;

/** A default that is a constant, normalized (`'[]'::jsonb` = `'[]'`); null for an expression like now(). */
function constantDefault(dflt: string | null): string | null {
  if (dflt === null) return null;
  const v = normalizeExpression(dflt);
  return /^('[^']*'|-?\d+(\.\d+)?|true|false|null)$/.test(v) ? v : null;
}

/** Splits `a, (b is null), c` at the commas outside parentheses. */
function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out.map((s) => s.trim());
}

/** The key list and WHERE of `CREATE [UNIQUE] INDEX name ON table (keys) [WHERE …]`. */
function parseSqliteIndex(sql: string): { columns: string[]; where: string } {
  const open = sql.indexOf('(');
  let depth = 0;
  let close = open;
  for (; close < sql.length; close++) {
    if (sql[close] === '(') depth++;
    else if (sql[close] === ')' && --depth === 0) break;
  }
  const where = /\)\s*WHERE\s+([\s\S]*)$/i.exec(sql.slice(close));
  return { columns: splitTopLevel(sql.slice(open + 1, close)).map(normalizeExpression), where: where ? normalizeExpression(where[1]!) : '' };
}

export function sqliteShape(db: Database.Database): DbShape {
  const shape: DbShape = { tables: new Map(), indexes: new Map(), foreignKeys: new Set(), triggers: new Set(), views: new Set() };
  const objects = db.prepare("select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' order by name").all() as {
    type: string;
    name: string;
    tbl_name: string;
    sql: string | null;
  }[];
  for (const o of objects.filter((x) => x.type === 'table')) {
    const info = db.prepare('select name, type, "notnull" as nn, dflt_value, pk from pragma_table_info(?)').all(o.name) as {
      name: string;
      type: string;
      nn: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const columns = new Map<string, ColumnShape>();
    for (const c of info) {
      const type = c.type.toLowerCase();
      const autoincrement = new RegExp(`[\`"]${c.name}[\`"]\\s+integer\\s+primary\\s+key\\s+autoincrement`, 'i').test(o.sql ?? '');
      columns.set(c.name, {
        notNull: c.nn === 1,
        hasDefault: c.dflt_value !== null,
        constant: constantDefault(c.dflt_value),
        family: SQLITE_FAMILY[type] ?? `other:${type}`,
        type,
        generated: autoincrement,
      });
    }
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    shape.tables.set(o.name, { columns, primaryKey });
    const fks = db
      .prepare('select id, "table" as parent, "from" as src, "to" as dst, on_delete from pragma_foreign_key_list(?) order by id, seq')
      .all(o.name) as {
      id: number;
      parent: string;
      src: string;
      dst: string;
      on_delete: string;
    }[];
    for (const id of new Set(fks.map((f) => f.id))) {
      const parts = fks.filter((f) => f.id === id);
      shape.foreignKeys.add(
        fk(
          o.name,
          parts.map((p) => p.src),
          parts[0]!.parent,
          parts.map((p) => p.dst),
          parts[0]!.on_delete,
        ),
      );
    }
  }
  for (const o of objects.filter((x) => x.type === 'index' && x.sql !== null)) {
    const { columns, where } = parseSqliteIndex(o.sql!);
    shape.indexes.set(o.name, { table: o.tbl_name, columns, unique: /^\s*create\s+unique/i.test(o.sql!), where });
  }
  for (const o of objects.filter((x) => x.type === 'trigger')) shape.triggers.add(o.name);
  for (const o of objects.filter((x) => x.type === 'view')) shape.views.add(o.name);
  return shape;
}

export async function postgresShape(client: pg.ClientBase, schema = 'public'): Promise<DbShape> {
  const shape: DbShape = { tables: new Map(), indexes: new Map(), foreignKeys: new Set(), triggers: new Set(), views: new Set() };
  const tables = await client.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1",
    [schema],
  );
  for (const { name } of tables.rows) shape.tables.set(name, { columns: new Map(), primaryKey: [] });
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    column_default: string | null;
    data_type: string;
    is_identity: string;
  }>(
    'select table_name, column_name, is_nullable, column_default, data_type, is_identity from information_schema.columns where table_schema = $1 order by table_name, ordinal_position',
    [schema],
  );
  for (const c of columns.rows) {
    shape.tables.get(c.table_name)?.columns.set(c.column_name, {
      notNull: c.is_nullable === 'NO',
      hasDefault: c.column_default !== null,
      constant: constantDefault(c.column_default),
      family: PG_FAMILY[c.data_type] ?? `other:${c.data_type}`,
      type: c.data_type,
      generated: c.is_identity === 'YES',
    });
  }
  const constraints = await client.query<{ table: string; type: string; cols: string[]; parent: string | null; pcols: string[] | null; del: string }>(
    `select c.conrelid::regclass::text as table, c.contype as type, c.confdeltype as del,
            array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as cols,
            c.confrelid::regclass::text as parent,
            array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as pcols
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = $1 and c.contype in ('p', 'f')`,
    [schema],
  );
  for (const c of constraints.rows) {
    if (c.type === 'p') {
      const t = shape.tables.get(c.table);
      if (t) t.primaryKey = c.cols;
    } else {
      shape.foreignKeys.add(fk(c.table, c.cols, c.parent!, c.pcols ?? [], ON_DELETE[c.del] ?? c.del));
    }
  }
  const indexes = await client.query<{ name: string; table: string; unique: boolean; cols: string[]; pred: string | null }>(
    `select i.relname as name, t.relname as table, x.indisunique as unique,
            array(select pg_get_indexdef(x.indexrelid, k, true) from generate_series(1, x.indnkeyatts) k order by k) as cols,
            pg_get_expr(x.indpred, x.indrelid, true) as pred
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = $1 and not x.indisprimary`,
    [schema],
  );
  for (const i of indexes.rows) {
    shape.indexes.set(i.name, { table: i.table, columns: i.cols.map(normalizeExpression), unique: i.unique, where: i.pred ? normalizeExpression(i.pred) : '' });
  }
  const triggers = await client.query<{ name: string }>(
    `select g.tgname as name from pg_trigger g join pg_class t on t.oid = g.tgrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = $1 and not g.tgisinternal`,
    [schema],
  );
  for (const g of triggers.rows) shape.triggers.add(g.name);
  const views = await client.query<{ name: string }>('select table_name as name from information_schema.views where table_schema = $1', [schema]);
  for (const v of views.rows) shape.views.add(v.name);
  return shape;
}

export interface ShapeExceptions {
  /** Tables and views only SQLite has (FTS5, its shadow tables, its content view), each with the PostgreSQL object standing in for it. */
  sqliteOnlyTables: ReadonlyMap<string, string>;
  /** Indexes only PostgreSQL has (pg_trgm), each with the SQLite object it stands in for. */
  postgresOnlyIndexes: ReadonlyMap<string, string>;
}

const list = (cols: string[]) => `(${cols.join(', ')})`;
const FIX = 'add it to the other schema file (src/db/schema.ts, src/db/schema-pg.ts), then npm run db:generate';

/** Every difference between the SQLite and the PostgreSQL shape, one readable line each; [] when in parity. */
export function compareShapes(sqlite: DbShape, postgres: DbShape, except: ShapeExceptions): string[] {
  const out: string[] = [];
  for (const [name, t] of sqlite.tables) {
    if (except.sqliteOnlyTables.has(name)) continue;
    const p = postgres.tables.get(name);
    if (!p) {
      out.push(`table ${name}: in SQLite only (${FIX})`);
      continue;
    }
    for (const [col, c] of t.columns) {
      const q = p.columns.get(col);
      if (!q) {
        out.push(`column ${name}.${col}: in SQLite only (${FIX})`);
        continue;
      }
      if (c.notNull !== q.notNull)
        out.push(`column ${name}.${col}: ${c.notNull ? 'NOT NULL' : 'nullable'} in SQLite, ${q.notNull ? 'NOT NULL' : 'nullable'} in PostgreSQL`);
      if (c.hasDefault !== q.hasDefault) out.push(`column ${name}.${col}: a default in ${c.hasDefault ? 'SQLite' : 'PostgreSQL'} only`);
      else if ((c.constant !== null || q.constant !== null) && c.constant !== q.constant)
        out.push(`column ${name}.${col}: default ${c.constant ?? 'an expression'} in SQLite, ${q.constant ?? 'an expression'} in PostgreSQL`);
      if (c.family !== q.family) out.push(`column ${name}.${col}: ${c.type} in SQLite, ${q.type} in PostgreSQL (not the same kind of value)`);
      if (c.generated !== q.generated)
        out.push(
          `column ${name}.${col}: ${c.generated ? 'AUTOINCREMENT in SQLite but no identity in PostgreSQL' : 'an identity in PostgreSQL but no AUTOINCREMENT in SQLite'}`,
        );
    }
    for (const col of p.columns.keys()) if (!t.columns.has(col)) out.push(`column ${name}.${col}: in PostgreSQL only (${FIX})`);
    if (list(t.primaryKey) !== list(p.primaryKey)) out.push(`table ${name}: primary key ${list(t.primaryKey)} in SQLite, ${list(p.primaryKey)} in PostgreSQL`);
  }
  for (const name of postgres.tables.keys()) if (!sqlite.tables.has(name)) out.push(`table ${name}: in PostgreSQL only (${FIX})`);
  for (const [name, i] of sqlite.indexes) {
    const j = postgres.indexes.get(name);
    if (!j) {
      if (!except.sqliteOnlyTables.has(i.table)) out.push(`index ${name} on ${i.table}${list(i.columns)}: in SQLite only (${FIX})`);
      continue;
    }
    if (i.table !== j.table) out.push(`index ${name}: on ${i.table} in SQLite, on ${j.table} in PostgreSQL`);
    if (list(i.columns) !== list(j.columns)) out.push(`index ${name}: keys ${list(i.columns)} in SQLite, ${list(j.columns)} in PostgreSQL`);
    if (i.unique !== j.unique) out.push(`index ${name}: ${i.unique ? 'unique' : 'not unique'} in SQLite, ${j.unique ? 'unique' : 'not unique'} in PostgreSQL`);
    if (i.where !== j.where) out.push(`index ${name}: WHERE '${i.where}' in SQLite, '${j.where}' in PostgreSQL`);
  }
  for (const [name, j] of postgres.indexes) {
    if (!sqlite.indexes.has(name) && !except.postgresOnlyIndexes.has(name))
      out.push(`index ${name} on ${j.table}${list(j.columns)}: in PostgreSQL only (${FIX})`);
  }
  for (const v of sqlite.views)
    if (!postgres.views.has(v) && !except.sqliteOnlyTables.has(v)) out.push(`view ${v}: in SQLite only (write it in migrations-pg/ too)`);
  for (const v of postgres.views) if (!sqlite.views.has(v)) out.push(`view ${v}: in PostgreSQL only (write it in migrations/ too)`);
  for (const f of sqlite.foreignKeys) if (!postgres.foreignKeys.has(f)) out.push(`foreign key ${f}: in SQLite only (${FIX})`);
  for (const f of postgres.foreignKeys) if (!sqlite.foreignKeys.has(f)) out.push(`foreign key ${f}: in PostgreSQL only (${FIX})`);
  return out;
}
