/**
 * The SQL of the KPI queries that differs between the two dialects (decision 0011): reading a
 * field of a JSON text column. SQLite's `json_extract(col, '$.key')` yields SQL values (a JSON
 * true is 1); PostgreSQL's `col->>'key'` yields text (a JSON true is 'true'). The report queries
 * call these helpers instead of writing either form, with the dialect of the port they run on
 * (report-read.ts: a report's statement is a function of the dialect; the contract test
 * test/reports/report-reads.test.ts runs the reports on both databases).
 */
import { sql, type SQL } from 'drizzle-orm';

export type SqlDialect = 'sqlite' | 'postgresql';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `column` is an SQL expression (a qualified column such as `e.data`); `key` a top-level field name. */
function field(column: SQL | string, key: string, dialect: SqlDialect): SQL {
  // The key is written into the SQL text (both dialects want a literal path): only plain names.
  if (!KEY.test(key)) throw new Error(`not a JSON field name: ${JSON.stringify(key)}`);
  const col = typeof column === 'string' ? sql.raw(column) : column;
  return dialect === 'sqlite' ? sql`json_extract(${col}, ${sql.raw(`'$.${key}'`)})` : sql`(${col} ->> ${sql.raw(`'${key}'`)})`;
}

/** A JSON field as text (strings compare the same in both dialects). */
export function jsonText(column: SQL | string, key: string, dialect: SqlDialect = 'sqlite'): SQL {
  return field(column, key, dialect);
}

/** Whether a JSON field is `true` (SQLite: 1; PostgreSQL: the text 'true'). */
export function jsonIsTrue(column: SQL | string, key: string, dialect: SqlDialect = 'sqlite'): SQL {
  return dialect === 'sqlite' ? sql`${field(column, key, dialect)} = 1` : sql`${field(column, key, dialect)} = 'true'`;
}

/**
 * A FROM item with one row per element of a JSON array field, the element as text in `alias.value`
 * (SQLite `json_each(col, '$.key') alias`, PostgreSQL `jsonb_array_elements_text(col -> 'key') as alias(value)`;
 * after a comma it may refer to the tables before it: json_each is a table-valued function, a PostgreSQL function call in FROM is lateral).
 */
export function jsonArrayElements(column: SQL | string, key: string, alias: string, dialect: SqlDialect = 'sqlite'): SQL {
  if (!KEY.test(key) || !KEY.test(alias)) throw new Error(`not a JSON field name or alias: ${JSON.stringify(key)}, ${JSON.stringify(alias)}`);
  const col = typeof column === 'string' ? sql.raw(column) : column;
  return dialect === 'sqlite'
    ? sql`json_each(${col}, ${sql.raw(`'$.${key}'`)}) ${sql.raw(alias)}`
    : sql`jsonb_array_elements_text(${col} -> ${sql.raw(`'${key}'`)}) as ${sql.raw(alias)}(value)`;
}
