/**
 * The owner of a PostgreSQL connection (issue 16, decision 0011), beside `openDb` for SQLite: a
 * node-postgres pool, its health and its closing, and the migrations of migrations-pg/ applied at
 * start **under an advisory lock**: drizzle's PostgreSQL migrator takes none, so two nodes
 * starting together would both read "nothing applied" and run the same migrations twice (the
 * second fails half-way on "already exists", or worse). With the lock the second waits for the
 * first, then finds everything applied.
 *
 * The database must have a UTF-8 LC_CTYPE (pg_trgm makes no trigrams of Chinese text otherwise,
 * decision 0011 §3): checked before migrating, with the CREATE DATABASE to use instead.
 *
 * The server opens it with SUNLINE_DATABASE_URL (src/wiring/database.ts); `sunline db
 * copy-to-postgres` uses it too.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { defineErrors } from '../errors/index.js';
import * as pgSchema from './schema-pg.js';

export type PgDb = NodePgDatabase<typeof pgSchema>;

/** migrations-pg/ at the package root; the same relative path from src/db and dist/db. */
export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations-pg', import.meta.url));

/**
 * The advisory lock key every Sunline node takes around migrating (and the SQLite copy around its
 * transaction): 'SUNLMIGR' as a 64-bit number, unlikely to collide with another application's keys.
 */
export const MIGRATION_LOCK_KEY = '6004791767789553490';

/** Where drizzle's PostgreSQL migrator records what it applied. */
const MIGRATIONS_TABLE = 'drizzle.__drizzle_migrations';

export class PostgresError extends defineErrors('PostgresError', {
  DB_LOCALE_NOT_UTF8: [500, 'the PostgreSQL database does not have a UTF-8 encoding and LC_CTYPE'],
}) {}

export interface PgHandle {
  readonly db: PgDb;
  readonly pool: pg.Pool;
  /** The URL without its password (for logs and messages). */
  readonly url: string;
  health(): Promise<{ ok: boolean; error?: string }>;
  close(): Promise<void>;
}

export interface OpenPostgresOptions {
  /** postgres://user[:password]@host[:port]/database (PGPASSWORD etc. fill what it leaves out). */
  url: string;
  migrationsDir?: string;
  /** Skip the migrations (tests of the migration machinery itself). */
  migrate?: boolean;
  /** Pool size (node-postgres' default 10). */
  max?: number;
  /** A pooled connection failed (server restart, network), idle or checked out: the pool drops it and makes a new one when needed. */
  onError?: (err: Error) => void;
}

/** The URL with its password replaced by ***. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Opens a pool on `url`, checks the locale and applies migrations-pg/ under the advisory lock. */
export async function openPostgres(opts: OpenPostgresOptions): Promise<PgHandle> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, connectionTimeoutMillis: 10_000 });
  let lastError: Error | undefined;
  const lost = (err: Error) => {
    lastError = err;
    opts.onError?.(err);
  };
  pool.on('error', lost);
  // The pool listens for errors of idle connections only: one that fails while checked out (the
  // server stopped or ended the backend between two statements of a transaction) would otherwise
  // emit 'error' with no listener and end the process. Its next query fails; released, the pool drops it.
  pool.on('connect', (client) => client.on('error', lost));
  try {
    if (opts.migrate !== false) await migratePostgres(pool, opts.migrationsDir ?? PG_MIGRATIONS_DIR);
  } catch (err) {
    await pool.end();
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    db: drizzle(pool, { schema: pgSchema }),
    pool,
    url: maskUrl(opts.url),
    async health() {
      if (closed) return { ok: false, error: 'closed' };
      try {
        await pool.query('select 1');
        return { ok: true };
      } catch (err) {
        return { ok: false, error: (err as Error).message || lastError?.message || 'unknown error' };
      }
    },
    close() {
      return (closed ??= pool.end());
    },
  };
}

/**
 * Applies the migrations of `migrationsDir` once, whoever else is migrating the same database:
 * one connection takes `pg_advisory_lock(MIGRATION_LOCK_KEY)`, checks the locale, runs drizzle's
 * migrator and unlocks (a session lock: also released if the connection dies). Resolves to the
 * number of migrations this call applied.
 */
export async function migratePostgres(pool: pg.Pool, migrationsDir = PG_MIGRATIONS_DIR): Promise<number> {
  const client = await pool.connect();
  let broken = false;
  try {
    await checkUtf8(client);
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const before = await appliedMigrations(client);
      await migrate(drizzle(client), { migrationsFolder: migrationsDir });
      return (await appliedMigrations(client)) - before;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
        broken = true; // the lock goes with the connection, which the pool then discards
      });
    }
  } finally {
    client.release(broken);
  }
}

/** How many migrations drizzle has recorded (0 on a database it never migrated). */
async function appliedMigrations(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`select to_regclass('${MIGRATIONS_TABLE}')::text as t`);
  if (exists.rows[0]?.t == null) return 0;
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${MIGRATIONS_TABLE}`);
  return Number(rows[0]?.n ?? 0);
}

/** Refuses a database whose encoding or LC_CTYPE is not UTF-8, naming the CREATE DATABASE to use. */
export async function checkUtf8(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ name: string; encoding: string; ctype: string }>(
    'select datname as name, pg_encoding_to_char(encoding) as encoding, datctype as ctype from pg_database where datname = current_database()',
  );
  const db = rows[0];
  if (!db) return;
  if (db.encoding === 'UTF8' && /utf-?8/i.test(db.ctype)) return;
  throw new PostgresError(
    'DB_LOCALE_NOT_UTF8',
    `the PostgreSQL database "${db.name}" has encoding ${db.encoding} and LC_CTYPE "${db.ctype}": Sunline needs UTF-8 for both ` +
      `(pg_trgm finds no Chinese characters otherwise, decision 0011). Create it with: ` +
      `CREATE DATABASE ${db.name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`,
  );
}
