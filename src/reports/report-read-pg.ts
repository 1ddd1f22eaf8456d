/**
 * The reports on PostgreSQL's port (report-read.ts; db/postgres-async.ts): each report in one
 * `REPEATABLE READ, READ ONLY` transaction — its statements see one snapshot, taken at its first
 * statement, as a report's statements in one `run()` do on SQLite. READ COMMITTED would let a
 * report's two periods, a breakdown and its total, or the rollups' clean days and the rows read
 * for them come from different commits (a day marked dirty between the two reads would be counted
 * twice or not at all). A read-only repeatable-read transaction takes no locks and cannot fail on
 * a serialization conflict; it only holds back vacuum for as long as the report runs.
 *
 * node-postgres returns `bigint` (count, sums of integers) and `numeric` (sums of bigint) as
 * strings; the reports add and compare numbers, so those columns come back as numbers here (all
 * are far below 2^53), as better-sqlite3 returns them. Other columns are left as they are.
 */
import { sql } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { sqlOf, type ReportRead, type ReportReader } from './report-read.js';

/** pg_type oids: int8, numeric. */
const NUMERIC_TYPES = new Set([20, 1700]);

interface Result {
  readonly rows: Array<Record<string, unknown>>;
  readonly fields: ReadonlyArray<{ readonly name: string; readonly dataTypeID: number }>;
}

/** The rows with their int8 and numeric columns as numbers. */
export function numericRows(r: Result): Array<Record<string, unknown>> {
  const convert = r.fields.filter((f) => NUMERIC_TYPES.has(f.dataTypeID)).map((f) => f.name);
  if (convert.length === 0) return r.rows;
  for (const row of r.rows) for (const name of convert) if (typeof row[name] === 'string') row[name] = Number(row[name]);
  return r.rows;
}

/** Runs `read` on `conn`, awaiting each statement. */
export async function runPg<T>(conn: PgConn, read: ReportRead<T>): Promise<T> {
  let step = read.next();
  while (!step.done) {
    const result = (await conn.execute(sqlOf(step.value, 'postgresql'))) as unknown as Result;
    step = read.next(numericRows(result));
  }
  return step.value;
}

export function pgReportReader(port: Pick<PostgresAsyncDb, 'transaction'>): ReportReader {
  return {
    dialect: 'postgresql',
    read: (make) =>
      port.transaction(async (tx) => {
        // Before any other statement of the transaction: from the first read on, one snapshot.
        await tx.execute(sql`set transaction isolation level repeatable read, read only`);
        return runPg(tx, make());
      }),
  };
}
