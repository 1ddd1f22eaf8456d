/**
 * The asynchronous port on PostgreSQL (decision 0017): reads go to the pool (each statement on
 * whichever client is free, READ COMMITTED: committed data only); a transaction holds one pooled
 * client from BEGIN to COMMIT (drizzle's node-postgres transaction: rolled back when the function
 * rejects; a failed statement aborts it, as SQLite's port does by rolling back at once).
 *
 * The pool stays its owner's (postgres.ts, openPostgres); this object owns nothing. durable() has
 * nothing to wait for: with synchronous_commit = on a COMMIT returns once its WAL is flushed, and
 * PostgreSQL groups concurrent flushes itself (decision 0011).
 */
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { AsyncDb } from './async-db.js';
import type { PgDb } from './postgres.js';
import type * as pgSchema from './schema-pg.js';

/** A PostgreSQL connection as a repository sees it: the pool outside a transaction, the transaction's client inside. */
export type PgConn = PgDatabase<NodePgQueryResultHKT, typeof pgSchema>;

export interface PostgresAsyncDb extends AsyncDb<PgConn> {
  readonly dialect: 'postgres';
}

const RESOLVED = Promise.resolve();

export function postgresAsync(handle: { readonly db: PgDb }): PostgresAsyncDb {
  const db = handle.db;
  return {
    dialect: 'postgres',
    read<T>(fn: (conn: PgConn) => Promise<T>): Promise<T> {
      return fn(db);
    },
    transaction<T>(fn: (tx: PgConn) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx));
    },
    durable() {
      return RESOLVED;
    },
    close() {
      return RESOLVED;
    },
  };
}
