/**
 * Group durability for the orders store on PostgreSQL (decision 0019): a write transaction
 * commits with `synchronous_commit = off` (SET LOCAL: that transaction only, sent with its COMMIT
 * by postgres-async.ts transactionUnflushed), so its COMMIT
 * returns — and releases its row locks, the day's order-number counter among them — without
 * waiting for the WAL flush; its caller is answered only after a shared flush has covered it.
 *
 * The flush is one small transaction committed with the session's own `synchronous_commit`
 * (the server's setting: `on`, or a standby's `remote_write` / `remote_apply`): `select
 * pg_logical_emit_message(true, …)` in autocommit writes one WAL record inside a transaction
 * with an id (any role may call it, at any wal_level; logical decoding alone reads the message),
 * so its COMMIT waits until the WAL up to its commit record is flushed (or applied on the
 * standby) — and the WAL is one sequence, so every commit written before it is flushed with it.
 * A transaction that only takes an id (`select txid_current()`) would not do: it writes no WAL
 * before its commit record, and PostgreSQL commits such a transaction without waiting for the
 * flush (xact.c RecordTransactionCommit) — test/workorders/orders-commit-flush-pg.test.ts lost an
 * answered create to an immediate stop that way. One flush in flight
 * at a time; the callers that arrive while it runs share the next one, started when it ends (it
 * may have begun before their commit, so it cannot count for them). With N commits waiting,
 * one flush answers them all, as SQLite's group mode does with one fdatasync (decision 0006).
 *
 * A commit that is answered has been flushed. One that is not flushed yet may be read by
 * others meanwhile (as on SQLite between COMMIT and the group's fdatasync); a crash then loses
 * it together with everything written after it in the WAL — so a later order number is never
 * kept while an earlier one is lost.
 */
import { sql } from 'drizzle-orm';
import { hasSqlState, type PgConn, type PostgresAsyncDb } from '../db/postgres-async.js';

export interface SharedFlush {
  /** Resolves once every commit that returned before this call is flushed. */
  (): Promise<void>;
  /** How many flush transactions ran (for tests and benches). */
  readonly count: number;
}

const ignore = (): void => undefined;

/** Flushes through `db`'s pool: at most one flush in flight, and one queued behind it for everyone who asked meanwhile. */
export function sharedFlush(db: PostgresAsyncDb): SharedFlush {
  let current: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let count = 0;
  const flushOnce = async (): Promise<void> => {
    count++;
    await db.read((conn: PgConn) => conn.execute(sql`select pg_logical_emit_message(true, 'sunline.flush', '')`));
  };
  const start = (): Promise<void> => {
    const p: Promise<void> = flushOnce().finally(() => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  };
  const flush = (): Promise<void> => {
    if (current === undefined) return start();
    if (queued === undefined) {
      queued = current.then(ignore, ignore).then(() => {
        queued = undefined;
        return start();
      });
    }
    return queued;
  };
  return Object.defineProperty(flush, 'count', { get: () => count }) as SharedFlush;
}

/**
 * SQLSTATEs of a database where this role cannot call `pg_logical_emit_message`: EXECUTE revoked
 * (42501), no such function (42883: a PostgreSQL-compatible server without it), or not supported
 * there (0A000).
 */
const FLUSH_UNAVAILABLE = new Set(['42501', '42883', '0A000']);

/**
 * The shared flush, tried once at start; null when this database does not let this role call
 * `pg_logical_emit_message` (FLUSH_UNAVAILABLE). Then the orders store commits each transaction
 * with the server's own `synchronous_commit` (`PostgresAsyncDb.transaction`): as durable, slower —
 * the day's counter lock is held across each commit's WAL flush again. Any other failure is the
 * database's, and start-up fails with it as with any other.
 */
export async function sharedFlushIfAvailable(db: PostgresAsyncDb): Promise<SharedFlush | null> {
  const flush = sharedFlush(db);
  try {
    await flush();
    return flush;
  } catch (err) {
    if (hasSqlState(err, FLUSH_UNAVAILABLE)) return null;
    throw err;
  }
}
