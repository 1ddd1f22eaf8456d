/**
 * The rollups' builder on the asynchronous port (rollup-builder.ts `runRollupOps`): a build's read
 * in one snapshot and its write in one transaction, on either dialect.
 *
 * - SQLite: the read as a report read (report-read.ts: one `run()` of the port, on the writer or
 *   the read connection); the write in one port transaction (the writer lock: builders and every
 *   other writer take turns).
 * - PostgreSQL: the read in one `REPEATABLE READ, READ ONLY` transaction (report-read-pg.ts), so
 *   that the dirty mark's `seq` and the rows it guards are of one state; the write in one READ
 *   COMMITTED transaction whose first statement takes the rollups' advisory lock (ROLLUP_LOCK_KEY, rollup-writes.ts),
 *   so that two nodes' builds never check-then-write at once. The dirty mark's delete waits for a
 *   concurrent trigger's row lock and then sees its new `seq` (no lost change).
 */
import type { PostgresAsyncDb } from '../db/postgres-async.js';
import type { SqliteAsyncDb } from '../db/sqlite-async.js';
import { runOn, sqliteReportReader } from './report-read.js';
import { pgReportReader, runPg } from './report-read-pg.js';
import type { RollupRunner } from './rollup-builder.js';

export function sqliteRollupRunner(port: Pick<SqliteAsyncDb, 'read' | 'transaction'>): RollupRunner {
  const reader = sqliteReportReader(port);
  return {
    snapshot: (make) => reader.read(make),
    write: (make) => port.transaction((tx) => tx.run((db) => runOn(db, make()))),
  };
}

export function pgRollupRunner(port: Pick<PostgresAsyncDb, 'transaction'>): RollupRunner {
  const reader = pgReportReader(port);
  return {
    snapshot: (make) => reader.read(make),
    write: (make) => port.transaction((tx) => runPg(tx, make())),
  };
}
