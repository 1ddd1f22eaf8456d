/**
 * The reports' reads on the asynchronous port (decision 0017 step 4): a report is written once as
 * a generator that yields its statements and receives their rows (`const r = yield* rows(q)`),
 * and a runner of the dialect feeds it. A statement is SQL, or a function of the dialect for the
 * SQL that differs (sql-dialect.ts: JSON fields; SQLite's index hints).
 *
 * One report, one snapshot, on either database:
 *
 * - SQLite: the whole generator runs inside one `run()` of the port, every statement synchronous,
 *   no await between them — the writer connection while no port transaction is open, else the
 *   read-only connection (sqlite-async.ts), so it never sees an open transaction's rows;
 * - PostgreSQL (report-read-pg.ts): one `REPEATABLE READ, READ ONLY` transaction, so that the
 *   period and the period before, a breakdown and its total, the rollups' clean days and their
 *   rows are of one state of the database, as on SQLite.
 *
 * The same generators also run synchronously on a drizzle SQLite handle ({@link runOn}): the
 * rollups' builder (its own worker connection) and the callers that are not on the port.
 */
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { SqliteAsyncDb } from '../db/sqlite-async.js';
import type { SqlDialect } from './sql-dialect.js';

/** One statement of a report: its SQL, or the SQL of a dialect. */
export type Stmt = SQL | ((dialect: SqlDialect) => SQL);

/** A report's reads: yields statements, receives each one's rows, returns the report. */
export type ReportRead<T> = Generator<Stmt, T, unknown>;

/** The rows of one statement (`yield*` it). Numbers come back as numbers on both dialects (report-read-pg.ts). */
export function* rows<R>(q: Stmt): ReportRead<R[]> {
  return (yield q) as R[];
}

/** The SQL of `q` in `dialect`. */
export const sqlOf = (q: Stmt, dialect: SqlDialect): SQL => (typeof q === 'function' ? q(dialect) : q);

/** Runs `read` synchronously on a SQLite connection (each statement on `db`, no await: one snapshot). */
export function runOn<T>(db: Db, read: ReportRead<T>): T {
  let step = read.next();
  while (!step.done) step = read.next(db.all(sqlOf(step.value, 'sqlite')));
  return step.value;
}

/** Where the reports read: the port of the server's database (or a SQLite handle for what is not on it). */
export interface ReportReader {
  readonly dialect: SqlDialect;
  /** Runs the report `make()` builds in one snapshot (above). */
  read<T>(make: () => ReportRead<T>): Promise<T>;
}

/** The reports on SQLite's port: one `run()` per report, on the writer or the read connection (sqlite-async.ts). */
export function sqliteReportReader(port: Pick<SqliteAsyncDb, 'read'>): ReportReader {
  return {
    dialect: 'sqlite',
    read: (make) => port.read((conn) => conn.run((db) => runOn(db, make()))),
  };
}

/**
 * The reports on one SQLite handle, synchronously underneath (tests, benchmarks, the CLI): what
 * the reports did before the port; with the server's port, prefer {@link sqliteReportReader}.
 */
export function dbReportReader(db: Db): ReportReader {
  return {
    dialect: 'sqlite',
    read<T>(make: () => ReportRead<T>): Promise<T> {
      try {
        return Promise.resolve(runOn(db, make()));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
