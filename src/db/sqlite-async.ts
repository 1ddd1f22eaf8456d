/**
 * The asynchronous port on SQLite (decision 0017): better-sqlite3 stays synchronous underneath;
 * what makes it safe to await is who may run a statement on the writer connection, and when.
 *
 * - A transaction takes the writer lock (a FIFO, writer-lock.ts), runs `BEGIN IMMEDIATE`, then
 *   its function, then `COMMIT`. While it awaits, the transactions of other requests wait for
 *   the lock in the order they asked, so none of their statements lands inside it.
 * - Transactions commit in batches (decision 0021): each is a savepoint inside the batch's
 *   BEGIN … COMMIT, undone alone when it fails; the batch is kept open for this port's next
 *   waiting transaction (or, on a file, until the event loop's next turn) and commits once it is
 *   10 ms old, 64 strong, or someone else's turn comes. A caller is told after the COMMIT.
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
  /** COMMITs of batches so far and the transactions they committed (decision 0021). */
  readonly batches: { readonly commits: number; readonly committed: number };
}

/**
 * Transactions that commit together (decision 0021): each is a savepoint inside one BEGIN …
 * COMMIT, and its caller hears of it once that COMMIT is done.
 */
interface Batch {
  readonly members: { resolve: () => void; reject: (err: unknown) => void }[];
  readonly startedAt: number;
  /** Why SQLite rolled the whole batch back, if it did. */
  lost?: unknown;
}

/** A batch commits once it has this many members … */
const BATCH_MAX = 64;
/** … or has been open this long (ms), whoever waits. */
const BATCH_MS = 10;
/**
 * A batch waits for the event loop's next turn only while transactions come this fast: BURST
 * of them begun within BURST_MS. Below that rate (a centre's usual writes, the call path's ~50/s)
 * a wait would only delay each caller, and the transactions commit as they did before batches.
 */
const BURST = 8;
const BURST_MS = 20;

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

/** How long a batch may stay open and how many transactions it may hold (tests set them; the server uses the defaults). */
export interface BatchLimits {
  readonly ms?: number;
  readonly max?: number;
  /** A batch waits for the next turn only once this many transactions began within BURST_MS (1: always). */
  readonly burst?: number;
}

/** The async port over an open SQLite database (its writer connection is `handle`'s). */
export function sqliteAsync(handle: Pick<DbHandle, 'db' | 'sqlite' | 'file' | 'durability'>, limits: BatchLimits = {}): SqliteAsyncDb {
  const batchMs = limits.ms ?? BATCH_MS;
  const batchMax = limits.max ?? BATCH_MAX;
  const burst = Math.max(1, Math.floor(limits.burst ?? BURST));
  /** When the last `burst` transactions began (a ring). */
  const starts = new Float64Array(burst).fill(-Infinity);
  let startsAt = 0;
  const inBurst = (now: number) => burst === 1 || now - starts[startsAt]! < BURST_MS;
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
  const savepoint = sqlite.prepare('SAVEPOINT member');
  const rollbackToSavepoint = sqlite.prepare('ROLLBACK TO member');
  const releaseSavepoint = sqlite.prepare('RELEASE member');
  const rollbackIfOpen = () => {
    if (sqlite.inTransaction) rollback.run();
  };
  /**
   * A batch's rollback after a failure that is already being reported: a connection closed or
   * broken meanwhile has no transaction left to undo (SQLite rolls back on close), and the
   * members must hear the first error, not this one.
   */
  const rollbackQuietly = () => {
    try {
      rollbackIfOpen();
    } catch {
      // Nothing left to undo on a closed connection.
    }
  };
  /** This port's waiters, told apart from other ports' over the same connection and from `idle()`. */
  const mine = {};
  let batch: Batch | null = null;
  const stats = { commits: 0, committed: 0 };
  /**
   * True from a COMMIT until the promise continuations it set off have run: a transaction begun
   * meanwhile follows one that just ended (a queue that awaits each write: the call path's,
   * agent sessions'), and does not wait for the event loop's next turn — one turn per write
   * would slow such a queue down to the loop's pace.
   */
  let afterCommit = false;
  const endAfterCommit = () => {
    afterCommit = false;
  };

  /** Ends the open batch: COMMIT, then its members learn their fate. Never throws. */
  const commitBatch = () => {
    const b = batch!;
    batch = null;
    // Every member failed and was undone: nothing to write.
    if (b.members.length === 0) return rollbackQuietly();
    try {
      commit.run();
    } catch (err) {
      rollbackQuietly();
      for (const m of b.members) m.reject(err);
      return;
    }
    stats.commits++;
    stats.committed += b.members.length;
    for (const m of b.members) m.resolve();
    afterCommit = true;
    // Cleared once the microtasks the resolutions set off have all run (a tick queued from a
    // microtask runs after the microtask queue is empty).
    queueMicrotask(() => process.nextTick(endAfterCommit));
  };
  /** SQLite rolled the whole transaction back (an I/O error, a full disk): every member is lost. */
  const batchLost = (err: unknown) => {
    const b = batch;
    batch = null;
    rollbackQuietly();
    if (!b) return;
    b.lost = err;
    for (const m of b.members) m.reject(err);
  };

  /**
   * A member's turn is over: the batch commits, or stays open for the next holder of the lock if
   * that is one of this port's transactions (not a read's turn, not `idle()`, not another port's
   * transaction) and the batch is younger than BATCH_MS with fewer than BATCH_MAX members (or the
   * limits given). If nobody waits yet, a file database's batch stays open until the event
   * loop's next turn: the requests read in this turn start their transactions in it (one
   * request's transaction otherwise runs to its end before the next request is read, and no
   * batch would ever form). It waits so only while transactions come in a burst (BURST within
   * BURST_MS): at a lower rate the wait would delay every caller for nothing, and concentrate
   * their continuations (a call's broadcasts among them) in one task of the event loop. A
   * transaction begun right after a COMMIT, in the continuations of
   * its callers (`afterCommit`), does not wait either. An in-memory database never waits: its
   * reads run on the writer once the lock is free.
   */
  const endTurn = (release: () => void, mayWait: boolean) => {
    if (batch) {
      const now = performance.now();
      const young = batch.members.length < batchMax && now - batch.startedAt < batchMs;
      if (young && lock.next === mine) return release();
      // An empty batch (its transactions all failed and were undone) has nothing to wait for.
      if (young && mayWait && reader && lock.queued === 0 && batch.members.length > 0 && inBurst(now)) {
        setImmediate(() => endTurn(release, false));
        return;
      }
      try {
        commitBatch();
      } finally {
        release();
      }
      return;
    }
    release();
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
    get batches() {
      return { ...stats };
    },
    read<T>(fn: (conn: SqliteConn) => Promise<T>): Promise<T> {
      return fn(readConn);
    },
    async transaction<T>(fn: (tx: SqliteConn) => Promise<T>): Promise<T> {
      const chained = afterCommit;
      starts[startsAt] = performance.now();
      startsAt = (startsAt + 1) % burst;
      const release = lock.tryAcquire() ?? (await lock.acquire(mine));
      let member: Batch;
      try {
        if (!batch) {
          // A synchronous transaction cannot be open here (it ends before any await), but a
          // statement on this connection outside the lock must never be folded into ours.
          if (sqlite.inTransaction) throw new Error('the SQLite writer is inside a transaction that is not the lock holder’s');
          begin.run();
          batch = { members: [], startedAt: performance.now() };
        }
        member = batch;
        savepoint.run();
      } catch (err) {
        if (batch) commitBatch();
        release();
        throw err;
      }
      let open = true;
      let aborted: unknown;
      /** Undoes this member's statements only; the batch's other members stay. */
      const undo = (err: unknown) => {
        if (batch !== member) return;
        if (!sqlite.inTransaction) return batchLost(err);
        try {
          rollbackToSavepoint.run();
          releaseSavepoint.run();
        } catch (undoErr) {
          batchLost(undoErr);
        }
      };
      const tx: SqliteConn = {
        run<R>(statement: (db: Db) => R): Promise<R> {
          if (!open) return Promise.reject(new AsyncDbError('TRANSACTION_CLOSED'));
          if (aborted !== undefined) return Promise.reject(new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: aborted }));
          try {
            return Promise.resolve(statement(writer));
          } catch (err) {
            // Undone now, not once the rejection has travelled up: no other code runs in between.
            aborted = err;
            undo(err);
            return rejected(err);
          }
        },
      };
      let settled: Promise<T>;
      try {
        const result = await fn(tx);
        open = false;
        if (aborted !== undefined) throw new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: aborted });
        if (batch !== member) throw new AsyncDbError('TRANSACTION_ABORTED', undefined, { cause: member.lost });
        releaseSavepoint.run();
        settled = new Promise<T>((resolve, reject) => member.members.push({ resolve: () => resolve(result), reject }));
      } catch (err) {
        open = false;
        if (aborted === undefined) undo(err);
        settled = rejected(err);
      }
      endTurn(release, !chained);
      return settled;
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
