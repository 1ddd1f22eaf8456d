/**
 * The asynchronous port on SQLite (decision 0017): better-sqlite3 stays synchronous underneath;
 * what makes it safe to await is who may run a statement on the writer connection, and when.
 *
 * - A transaction takes the writer lock (a FIFO, writer-lock.ts), runs `BEGIN IMMEDIATE`, then
 *   its function, then `COMMIT`. While it awaits, the transactions of other requests wait for
 *   the lock in the order they asked, so none of their statements lands inside it.
 * - A statement that fails inside a transaction rolls it back at once, before its promise
 *   rejects (PostgreSQL's rule too: a failed statement aborts the transaction); later statements
 *   on that handle, or a handle used after its transaction ended, are refused.
 * - A read outside a transaction runs on the writer connection while no transaction is open
 *   (it then shows committed data only, exactly as today's synchronous reads), and on a
 *   read-only second connection of the same file while one is open (WAL: a reader sees what was
 *   committed, never the open transaction's rows). An in-memory database has no second
 *   connection: its reads wait until the transaction ends.
 *
 * The writer connection and its durability stay openDb's (connection.ts); this object owns the
 * read-only connection only (decision 0009 #1).
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { AsyncDbError, type AsyncDb } from './async-db.js';
import { cacheSizeOf, setCacheSize, withStatementCache, type Db, type DbHandle } from './connection.js';
import * as schema from './schema.js';
import { WriterLock } from './writer-lock.js';

export { AsyncDbError };

/** A SQLite connection as a repository sees it: each statement is a synchronous drizzle call. */
export interface SqliteConn {
  /**
   * Runs one statement (or a few with no await between them) and resolves with its result. The
   * `db` given is the connection the statement must use (prepared statements are per
   * connection: key them by it).
   */
  run<T>(statement: (db: Db) => T): Promise<T>;
}

export interface SqliteAsyncDb extends AsyncDb<SqliteConn> {
  readonly dialect: 'sqlite';
  /** The writer connection's drizzle handle (for what is not on the port yet, e.g. data_version). */
  readonly writer: Db;
  /** The read-only connection, if the database is a file. */
  readonly reader: Db | undefined;
  /** The writer lock (tests and metrics: is a transaction open, how many wait). */
  readonly lock: WriterLock;
}

/** What a statement threw, as a rejection (better-sqlite3 and drizzle throw Errors). */
const rejected = <T>(err: unknown): Promise<T> => Promise.reject(err instanceof Error ? err : new Error(String(err)));

/**
 * One writer lock per connection: two ports over the same connection (the app's, and one built
 * over its drizzle handle, sqliteOrdersStoreOn) take turns like the transactions of one port;
 * else the second BEGIN would fail inside the first's transaction.
 */
const locks = new WeakMap<Database.Database, WriterLock>();

/**
 * Statements on one bare connection, outside the port: no read connection, no writer lock. For a
 * process that holds only SQLite's writer and opens no asynchronous transaction (bench:orders'
 * desk figures, the desk's default without a port, tests); the server uses `sqliteAsync`.
 */
export function bareSqliteConn(db: Db): SqliteConn {
  return {
    run<T>(statement: (db: Db) => T): Promise<T> {
      try {
        return Promise.resolve(statement(db));
      } catch (err) {
        return rejected(err);
      }
    },
  };
}

/** The async port over an open SQLite database (its writer connection is `handle`'s). */
export function sqliteAsync(handle: Pick<DbHandle, 'db' | 'sqlite' | 'file' | 'durability'>): SqliteAsyncDb {
  const sqlite = handle.sqlite;
  const writer = handle.db;
  const lock = locks.get(sqlite) ?? new WriterLock();
  locks.set(sqlite, lock);
  let readerSqlite: Database.Database | undefined;
  if (handle.file !== ':memory:' && handle.file !== '') {
    readerSqlite = new Database(handle.file, { readonly: true, fileMustExist: true });
    readerSqlite.pragma('busy_timeout = 5000');
    // The writer's page cache size (SUNLINE_DB_CACHE_MB in the server), not better-sqlite3's 16 MB default.
    setCacheSize(readerSqlite, cacheSizeOf(sqlite));
  }
  const reader = readerSqlite ? drizzle(withStatementCache(readerSqlite), { schema }) : undefined;
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const rollbackIfOpen = () => {
    if (sqlite.inTransaction) rollback.run();
  };

  const readConn: SqliteConn = {
    run<T>(statement: (db: Db) => T): Promise<T> {
      // Decided per statement: a transaction may have begun since the previous one.
      const db = !lock.locked ? writer : reader;
      // No read connection (an in-memory database): the statement takes its turn on the writer.
      if (!db)
        return lock.acquire().then((release) => {
          try {
            return statement(writer);
          } finally {
            release();
          }
        });
      try {
        return Promise.resolve(statement(db));
      } catch (err) {
        return rejected(err);
      }
    },
  };

  let closed = false;
  return {
    dialect: 'sqlite',
    writer,
    reader,
    lock,
    read<T>(fn: (conn: SqliteConn) => Promise<T>): Promise<T> {
      return fn(readConn);
    },
    async transaction<T>(fn: (tx: SqliteConn) => Promise<T>): Promise<T> {
      const release = lock.tryAcquire() ?? (await lock.acquire());
      try {
        // A synchronous transaction cannot be open here (it ends before any await), but a
        // statement on this connection outside the lock must never be folded into ours.
        if (sqlite.inTransaction) throw new Error('the SQLite writer is inside a transaction that is not the lock holder’s');
        begin.run();
        let open = true;
        let aborted: unknown;
        const tx: SqliteConn = {
          run<R>(statement: (db: Db) => R): Promise<R> {
            if (!open) return Promise.reject(new AsyncDbError('TRANSACTION_CLOSED'));
            if (aborted !== undefined) return Promise.reject(new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: aborted }));
            try {
              return Promise.resolve(statement(writer));
            } catch (err) {
              // Rolled back now, not once the rejection has travelled up: no other code runs in between.
              aborted = err;
              rollbackIfOpen();
              return rejected(err);
            }
          },
        };
        let result: T;
        try {
          result = await fn(tx);
        } catch (err) {
          open = false;
          rollbackIfOpen();
          throw err;
        }
        open = false;
        if (aborted !== undefined) {
          // The function went on after a failed statement: the transaction is gone, do not report success.
          rollbackIfOpen();
          throw new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: aborted });
        }
        try {
          commit.run();
        } catch (err) {
          rollbackIfOpen();
          throw err;
        }
        return result;
      } finally {
        release();
      }
    },
    durable() {
      return handle.durability.durable();
    },
    async close() {
      if (closed) return;
      closed = true;
      await lock.idle();
      readerSqlite?.close();
    },
  };
}
