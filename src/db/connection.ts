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

export type Db = BetterSQLite3Database<typeof schema>;

/** migrations/ at the package root; the same relative path from src/db and dist/db. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface DbHandle {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly file: string;
  health(): { ok: boolean; error?: string };
  close(): void;
}

export interface OpenDbOptions {
  file: string;
  migrationsDir?: string;
  /** Skip migrations (tests of the migration machinery itself). */
  migrate?: boolean;
  /**
   * 'full' (default): a committed change survives power loss; 'normal': survives a crash of
   * the process (WAL), may lose the last commits on power loss, several times faster commits.
   */
  synchronous?: 'full' | 'normal';
}

export function openDb(opts: OpenDbOptions): DbHandle {
  if (opts.file !== ':memory:') fs.mkdirSync(path.dirname(opts.file), { recursive: true });
  const sqlite = new Database(opts.file);
  applyPragmas(sqlite, opts.synchronous ?? 'full');
  const db = drizzle(sqlite, { schema });
  if (opts.migrate !== false) migrate(db, { migrationsFolder: opts.migrationsDir ?? MIGRATIONS_DIR });
  let closed = false;
  return {
    db,
    sqlite,
    file: opts.file,
    health() {
      if (closed) return { ok: false, error: 'closed' };
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

export function applyPragmas(sqlite: Database.Database, synchronous: 'full' | 'normal' = 'full'): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
}
