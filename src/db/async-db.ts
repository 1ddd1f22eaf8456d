/**
 * The asynchronous database port (issue 16, decisions 0011 and 0017): what a repository that
 * runs on SQLite and on PostgreSQL asks of its database. Two operations, each handing the
 * repository a connection of its dialect:
 *
 * - `read(fn)`: statements outside a transaction, which see committed data only;
 * - `transaction(fn)`: statements in one transaction, committed when `fn`'s promise resolves,
 *   rolled back when it rejects (or when one of its statements fails). `fn` receives the
 *   transaction handle and passes it on explicitly; it must not call `transaction()` again
 *   (SQLite would wait for its own writer lock) and must not keep the handle after it resolves.
 *   It may run more than once (PostgreSQL runs a transaction aborted by a deadlock or a
 *   serialization failure again, postgres-async.ts), so it has no effect outside the transaction.
 *
 * SQLite (sqlite-async.ts) runs `BEGIN IMMEDIATE … COMMIT` on its one writer connection under a
 * FIFO lock, so that another request's statements never land inside a transaction that is
 * waiting on an await; PostgreSQL (postgres-async.ts) takes a pooled client per transaction.
 * The query code is written per dialect where drizzle's builders differ (the repository's
 * adapters, e.g. src/users/users-store-sqlite.ts and -pg.ts), and one contract suite runs both.
 */
import { defineErrors } from '../errors/index.js';

export type Dialect = 'sqlite' | 'postgres';

/** What both ports refuse the same way (sqlite-async.ts, postgres-async.ts). */
export class AsyncDbError extends defineErrors('AsyncDbError', {
  /** A statement on a transaction handle after its transaction ended (a handle kept past its function). */
  TRANSACTION_CLOSED: [500, 'the transaction has ended'],
  /** A statement after another statement of the same transaction failed: the transaction was rolled back. */
  TRANSACTION_ABORTED: [500, 'the transaction was rolled back after a failed statement'],
}) {}

export interface AsyncDb<Conn> {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (conn: Conn) => Promise<T>): Promise<T>;
  /** Statements in one transaction (see above). */
  transaction<T>(fn: (tx: Conn) => Promise<T>): Promise<T>;
  /**
   * Resolves once every change committed before the call survives power loss (decisions 0005
   * and 0006): SQLite's group fsync of the WAL; at once on PostgreSQL (synchronous_commit = on
   * already flushed each commit).
   */
  durable(): Promise<void>;
  /** Closes what this object owns (SQLite: its read connection; PostgreSQL: nothing, the pool's owner closes it). */
  close(): Promise<void>;
}

/**
 * The unique constraint or index a failed statement violated, or undefined for any other
 * error; both dialects, whether or not drizzle wrapped the driver's error (it does on
 * PostgreSQL: DrizzleQueryError with the driver's error as its cause).
 *
 * SQLite names the columns ("UNIQUE constraint failed: users.username"), PostgreSQL the index
 * ("users_username_uq"): a repository maps either to its domain error.
 */
export function uniqueViolation(err: unknown): { readonly dialect: Dialect; readonly target: string } | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      const m = /constraint failed: (.*)$/.exec(e.message);
      return { dialect: 'sqlite', target: m?.[1] ?? '' };
    }
    if (code === '23505') {
      const constraint = (e as { constraint?: unknown }).constraint;
      return { dialect: 'postgres', target: typeof constraint === 'string' ? constraint : '' };
    }
  }
  return undefined;
}
