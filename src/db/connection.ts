/**
 * The one owner of the SQLite connection: opens it (WAL, foreign keys on), applies the
 * migrations, reports health and closes it on shutdown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';
import { Durability, type FsyncFn, type SyncMode } from './durability.js';

export type Db = BetterSQLite3Database<typeof schema>;

/** migrations/ at the package root; the same relative path from src/db and dist/db. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface DbHandle {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly file: string;
  /** Group durability: await `durability.durable()` before answering a change (decision 0006). */
  readonly durability: Durability;
  health(): { ok: boolean; error?: string };
  close(): void;
}

export interface OpenDbOptions {
  file: string;
  migrationsDir?: string;
  /** Skip migrations (tests of the migration machinery itself). */
  migrate?: boolean;
  /**
   * 'full' (default here): a committed change survives power loss; 'normal': survives a crash
   * of the process (WAL), may lose the last commits on power loss, several times faster
   * commits; 'group' (the server's default, SUNLINE_DB_SYNC): commits as 'normal', and
   * `durability.durable()` fsyncs the WAL once for all commits made before it (decision 0006).
   */
  synchronous?: SyncMode;
  /** The fdatasync used by 'group' (tests inject a slow or failing one). */
  fsync?: FsyncFn;
  /**
   * SQLite's `cache_size` for this connection: negative = KiB, positive = pages. Unset:
   * better-sqlite3's build default, -16000 (16 MB). The server passes SUNLINE_DB_CACHE_MB's.
   */
  cacheSize?: number;
  /**
   * Every drizzle transaction on this connection begins IMMEDIATE (takes the write lock at once)
   * instead of DEFERRED. The server's writer needs it: a deferred transaction that reads and then
   * writes fails with SQLITE_BUSY_SNAPSHOT — no busy wait, no retry — when another connection
   * (the report rollups' worker thread) commits between its first read and its first write. With
   * IMMEDIATE it waits for that commit (busy_timeout) and then sees it. The worker's own
   * connection keeps DEFERRED: its long reads must not hold the write lock.
   */
  immediateTransactions?: boolean;
}

export function openDb(opts: OpenDbOptions): DbHandle {
  if (opts.file !== ':memory:') fs.mkdirSync(path.dirname(opts.file), { recursive: true });
  const sqlite = new Database(opts.file);
  const durability = new Durability({ mode: opts.synchronous ?? 'full', file: opts.file, ...(opts.fsync ? { fsync: opts.fsync } : {}) });
  applyPragmas(sqlite, durability.mode);
  if (opts.cacheSize !== undefined) setCacheSize(sqlite, opts.cacheSize);
  const cached = withStatementCache(sqlite);
  const db = drizzle(opts.immediateTransactions ? withImmediateTransactions(cached) : cached, { schema });
  if (opts.migrate !== false) migrate(db, { migrationsFolder: opts.migrationsDir ?? MIGRATIONS_DIR });
  let closed = false;
  return {
    db,
    sqlite,
    file: opts.file,
    durability,
    health() {
      if (closed) return { ok: false, error: 'closed' };
      if (durability.error) return { ok: false, error: `fsync failed: ${durability.error.reason.message}` };
      try {
        sqlite.prepare('select 1').get();
        return { ok: true };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    },
    close() {
      if (closed) return;
      closed = true;
      sqlite.close();
    },
  };
}

export function applyPragmas(sqlite: Database.Database, synchronous: SyncMode = 'full'): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A savepoint's statement journal in memory, not spilled to a temp file after 64 KiB: every
  // transaction of a batch is a savepoint (decision 0021).
  sqlite.pragma('temp_store = MEMORY');
}

/**
 * Caps the connection's page cache (SQLite's `cache_size`: negative = KiB, positive = pages). Its
 * pages are the process's memory once read, up to this size per connection; the database's other
 * pages come from the OS's file cache (mmap is off), a read call each.
 */
export function setCacheSize(sqlite: Database.Database, cacheSize: number): void {
  if (!Number.isInteger(cacheSize) || cacheSize === 0) throw new RangeError(`cache_size must be a non-zero integer, not ${cacheSize}`);
  sqlite.pragma(`cache_size = ${cacheSize}`);
}

/** A connection's `cache_size` as SQLite reports it (negative = KiB, positive = pages). */
export const cacheSizeOf = (sqlite: Database.Database): number => Number(sqlite.pragma('cache_size', { simple: true }));

/**
 * The connection as drizzle sees it, whose transactions all begin IMMEDIATE: drizzle asks
 * better-sqlite3's transaction function for its `deferred` variant unless told otherwise, and
 * gets the `immediate` one (nested transactions stay savepoints).
 */
export function withImmediateTransactions(conn: Database.Database): Database.Database {
  const transaction = (fn: (...args: never[]) => unknown) => {
    const native = conn.transaction(fn);
    const immediate = native.immediate.bind(native);
    return Object.assign((...args: never[]) => immediate(...args), {
      default: immediate,
      deferred: immediate,
      immediate,
      exclusive: native.exclusive.bind(native),
    });
  };
  return Object.assign(Object.create(conn) as Database.Database, { transaction });
}

/** Compiled statements kept per connection, by SQL text (least recently used dropped first). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as drizzle sees it, whose prepare() reuses compiled statements. Drizzle
 * prepares every query it runs and better-sqlite3 compiles on every prepare(): an insert into
 * work_orders (eight indexes, the FTS trigger) takes longer to compile than to run. A reused
 * statement is reset by SQLite after each run; drizzle switches raw mode on for the queries
 * whose columns it maps and expects it off for the others, so raw mode is switched off again
 * on reuse. (Drizzle never iterates a statement, so a cached one is never busy.)
 */
export function withStatementCache(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source); // re-inserted below: most recently used last
      if (stmt.reader) stmt.raw(false);
    } else {
      stmt = sqlite.prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, stmt);
    return stmt;
  };
  return Object.assign(Object.create(sqlite) as Database.Database, { prepare });
}
