/**
 * A repository's contract suite on both databases (decision 0017): per dialect, a fresh migrated
 * database for each subtest - a temp SQLite file (migrations/) behind sqliteAsync, or a database
 * on one real PostgreSQL per dialect test (tools/postgres.ts, migrations-pg/) behind
 * postgresAsync (the rig test/users/users-store.test.ts had, shared).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync, type PostgresAsyncDb } from '../../src/db/postgres-async.js';
import { sqliteAsync, type SqliteAsyncDb } from '../../src/db/sqlite-async.js';
import { startPostgres } from './postgres.js';

type Test = { teardown(fn: () => unknown): void };

export type DialectDb =
  { readonly dialect: 'sqlite'; readonly db: SqliteAsyncDb; readonly handle: DbHandle } | { readonly dialect: 'postgres'; readonly db: PostgresAsyncDb };

let databases = 0;

/** Per dialect: what its test starts once, then a fresh database for each subtest. */
export const ASYNC_DIALECTS: Record<'sqlite' | 'postgres', (parent: Test, prefix: string) => Promise<(t: Test) => Promise<DialectDb>>> = {
  async sqlite(_parent, prefix) {
    return async (t) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sunline-${prefix}-`));
      const handle = openDb({ file: path.join(dir, 'sunline.db') });
      const db = sqliteAsync(handle);
      t.teardown(async () => {
        await db.close();
        handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      return { dialect: 'sqlite', db, handle };
    };
  },
  async postgres(parent, prefix) {
    const server = await startPostgres(parent);
    return async (t) => {
      const url = await server.createDatabase(`${prefix.replace(/[^a-z0-9]/g, '_')}_${++databases}`);
      const handle = await openPostgres({ url, max: 4 });
      t.teardown(() => handle.close());
      return { dialect: 'postgres', db: postgresAsync(handle) };
    };
  },
};
