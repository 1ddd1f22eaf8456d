/**
 * The asynchronous port on PostgreSQL (decision 0017): reads go to the pool (each statement on
 * whichever client is free, READ COMMITTED: committed data only); a transaction holds one pooled
 * client from BEGIN to COMMIT, rolled back when the function rejects, and gives it back to the pool
 * only once COMMIT or ROLLBACK answered: a client whose connection was lost on the way is dropped.
 * The same rules as SQLite's port (sqlite-async.ts), kept here by a guard between the
 * transaction's drizzle session and its client:
 *
 * - a failed statement aborts the transaction (PostgreSQL's own rule); a later statement is
 *   refused with TRANSACTION_ABORTED, and a function that swallowed the error does not commit:
 *   the transaction rejects with TRANSACTION_ABORTED. Without the guard PostgreSQL turns that
 *   COMMIT into a ROLLBACK without an error, and the caller was told its change was saved;
 * - a handle used after its transaction ended is refused (TRANSACTION_CLOSED) instead of running
 *   on a pooled client that may by then be inside somebody else's transaction.
 *
 * - a transaction PostgreSQL aborted because it deadlocked with another one (40P01) or could not
 *   be serialized with it (40001) is run again, from the start, up to TRANSACTION_RETRIES times
 *   after a short random pause: nothing of it was committed, and the other transaction usually
 *   goes through meanwhile. The function must therefore have no effect outside the transaction
 *   until it resolves (the repositories' functions only run statements; files are staged before).
 *
 * The pool stays its owner's (postgres.ts, openPostgres); this object owns nothing. durable() has
 * nothing to wait for: with synchronous_commit = on a COMMIT returns once its WAL is flushed, and
 * PostgreSQL groups concurrent flushes itself (decision 0011).
 */
import type { PgDatabase } from 'drizzle-orm/pg-core';
import { NodePgSession, NodePgTransaction, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { AsyncDbError, type AsyncDb } from './async-db.js';
import type { PgDb } from './postgres.js';
import type * as pgSchema from './schema-pg.js';

/** A PostgreSQL connection as a repository sees it: the pool outside a transaction, the transaction's client inside. */
export type PgConn = PgDatabase<NodePgQueryResultHKT, typeof pgSchema>;

export interface PostgresAsyncDb extends AsyncDb<PgConn> {
  readonly dialect: 'postgres';
  /**
   * As transaction, but its COMMIT returns without waiting for the WAL flush: `SET LOCAL
   * synchronous_commit = off` goes with the COMMIT, in its round trip. Whoever tells a caller
   * that the change is saved must first wait for a flush that began after it (commit-flush-pg.ts,
   * decision 0019).
   */
  transactionUnflushed<T>(fn: (tx: PgConn) => Promise<T>): Promise<T>;
}

const RESOLVED = Promise.resolve();

/** How many times a transaction aborted by a deadlock or a serialization failure is run again. */
export const TRANSACTION_RETRIES = 3;
/** SQLSTATEs of an aborted transaction that can succeed when run again. */
const RETRYABLE = new Set(['40P01', '40001']);

/** Whether `err`, or an error it wraps (drizzle's query error, TRANSACTION_ABORTED), failed with one of these SQLSTATEs. */
export function hasSqlState(err: unknown, states: ReadonlySet<string>): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (states.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/** Whether `err` is a deadlock or a serialization failure. */
export function isRetryableConflict(err: unknown): boolean {
  return hasSqlState(err, RETRYABLE);
}

/** 5–10 ms, then 10–20, 20–40: long enough for the other transaction to commit, short for the caller. */
const retryPause = (attempt: number) => new Promise((r) => setTimeout(r, 5 * 2 ** attempt * (1 + Math.random())));

export function postgresAsync(handle: { readonly db: PgDb; readonly pool: pg.Pool }): PostgresAsyncDb {
  const { db, pool } = handle;
  // The pool's session, whose schema and options each transaction's session shares (node-postgres session.js).
  const { dialect, schema, options } = db._.session as unknown as DrizzleSession;
  return {
    dialect: 'postgres',
    read<T>(fn: (conn: PgConn) => Promise<T>): Promise<T> {
      return fn(db);
    },
    transaction<T>(fn: (tx: PgConn) => Promise<T>): Promise<T> {
      return retried(fn, false);
    },
    transactionUnflushed<T>(fn: (tx: PgConn) => Promise<T>): Promise<T> {
      return retried(fn, true);
    },
    durable() {
      return RESOLVED;
    },
    close() {
      return RESOLVED;
    },
  };

  async function retried<T>(fn: (tx: PgConn) => Promise<T>, unflushed: boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(fn, unflushed);
      } catch (err) {
        if (attempt >= TRANSACTION_RETRIES || !isRetryableConflict(err)) throw err;
        await retryPause(attempt);
      }
    }
  }

  /**
   * One transaction on a client of its own. drizzle's transaction is not used for this: it sends
   * BEGIN before the `try` that releases the client, so a BEGIN that failed (the connection lost)
   * kept the client checked out for good. Here the client goes back to the pool only when its
   * transaction is known to be over (COMMIT or ROLLBACK answered); otherwise the pool drops it.
   */
  async function once<T>(fn: (tx: PgConn) => Promise<T>, unflushed: boolean): Promise<T> {
    const client = await pool.connect();
    let ended = false;
    // The error stays the caller's; a ROLLBACK that fails too (the connection lost) only means the client is dropped.
    const rollBack = (err: unknown) =>
      client.query('rollback').then(
        () => {
          ended = true;
          throw err;
        },
        () => {
          throw err;
        },
      );
    try {
      const guard = guardClient(client);
      const tx = new NodePgTransaction(dialect, new NodePgSession(guard.client, dialect, schema, options), schema) as unknown as PgConn;
      await client.query('begin');
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        guard.functionDone();
        return await rollBack(err);
      }
      guard.functionDone();
      // The function went on after a failed statement: the transaction is gone, do not report success.
      if (guard.aborted !== undefined) return await rollBack(new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: guard.aborted }));
      try {
        await client.query(unflushed ? COMMIT_UNFLUSHED : 'commit');
      } catch (err) {
        // A COMMIT PostgreSQL refused (a serialization failure) ended the transaction; a lost connection answered nothing.
        return await rollBack(err);
      }
      ended = true;
      return result;
    } finally {
      client.release(!ended);
    }
  }
}

/** What a transaction's session is made of, read from the pool's session. */
interface DrizzleSession {
  dialect: ConstructorParameters<typeof NodePgSession>[1];
  schema: ConstructorParameters<typeof NodePgSession>[2];
  options: ConstructorParameters<typeof NodePgSession>[3];
}

/** The COMMIT of an unflushed transaction, one simple query (no parameters: several statements allowed). */
const COMMIT_UNFLUSHED = 'set local synchronous_commit = off; commit';

/**
 * Puts a guard between a transaction's session and its client: while the function runs, a failed
 * statement is remembered and the statements after it are refused; once the function is done,
 * every statement of the session is refused (BEGIN, COMMIT and ROLLBACK go on the client itself).
 */
function guardClient(client: pg.PoolClient): { readonly client: pg.PoolClient; readonly aborted: unknown; functionDone(): void } {
  let inFunction = true;
  let aborted: unknown;
  const query = ((...args: Parameters<pg.PoolClient['query']>) => {
    if (!inFunction) return Promise.reject(new AsyncDbError('TRANSACTION_CLOSED'));
    if (aborted !== undefined) return Promise.reject(new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: aborted }));
    const pending = (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    return pending.catch((err: unknown) => {
      aborted ??= err;
      throw err;
    });
  }) as pg.PoolClient['query'];
  const guarded = Object.create(client) as pg.PoolClient;
  guarded.query = query;
  return {
    client: guarded,
    get aborted() {
      return aborted;
    },
    functionDone() {
      inFunction = false;
    },
  };
}
