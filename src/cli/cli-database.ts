/**
 * The database a `sunline` command works on: the SQLite file of `--db FILE` when given, else the
 * server's own — the PostgreSQL of SUNLINE_DATABASE_URL, or its SQLite file (SUNLINE_DB_FILE, else
 * SUNLINE_DATA_DIR/sunline.db). Opened as the server opens it (src/wiring/database.ts: migrated,
 * one adapter of each store), with a pool of two connections on PostgreSQL.
 */
import { openPostgresDatabase, openSqliteDatabase, type ServerDatabase } from '../wiring/database.js';
import { maskUrl } from '../db/postgres.js';

export interface CliDatabaseEnv {
  /** The server's SQLite file (from SUNLINE_DB_FILE / SUNLINE_DATA_DIR). */
  readonly dbFile: string;
  /** SUNLINE_DATABASE_URL: the server runs on that PostgreSQL (null or absent: on the SQLite file). */
  readonly databaseUrl?: string | null;
}

const CLI_POOL_SIZE = 2;

/** Where the command works: `--db`'s file, the server's PostgreSQL (password masked) or its file. */
export function cliDatabaseWhere(env: CliDatabaseEnv, dbFlag: string | undefined): { dialect: 'sqlite' | 'postgres'; where: string } {
  if (dbFlag === undefined && env.databaseUrl) return { dialect: 'postgres', where: maskUrl(env.databaseUrl) };
  return { dialect: 'sqlite', where: dbFlag ?? env.dbFile };
}

export async function openCliDatabase(env: CliDatabaseEnv, dbFlag: string | undefined): Promise<ServerDatabase> {
  if (dbFlag === undefined && env.databaseUrl) return openPostgresDatabase({ url: env.databaseUrl, poolSize: CLI_POOL_SIZE });
  return openSqliteDatabase({ file: dbFlag ?? env.dbFile });
}
