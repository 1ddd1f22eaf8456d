/**
 * `sunline db …`: the database's own commands. `db copy-to-postgres --url postgres://…` moves an
 * SQLite install's data into a new, empty PostgreSQL database (src/db/copy-to-postgres.ts,
 * docs/deployment.md "Moving an SQLite install to PostgreSQL"). Stop the server first: the copy
 * reads one snapshot, and what the server writes after it is not copied. `db backup --to FILE`
 * copies the SQLite database while the server runs (src/db/backup.ts; docs/deployment.md
 * "Backup and restore").
 */
import fs from 'node:fs';
import { isCodedError } from '../errors/index.js';
import { backupSqlite } from '../db/backup.js';
import { copyToPostgres } from '../db/copy-to-postgres.js';
import { maskUrl } from '../db/postgres.js';
import type { CliIo } from './io.js';

export const DB_USAGE = `  db copy-to-postgres --url postgres://USER@HOST[:PORT]/DATABASE [--db FILE]
                       copy every table of the SQLite database (SUNLINE_DB_FILE, or --db FILE)
                       into a new, empty PostgreSQL database (migrated first), in one
                       transaction; stop the server first; the password from PGPASSWORD;
                       exit 0 copied, 1 refused (nothing copied), 2 usage
  db backup --to FILE [--db FILE]
                       a consistent copy of the SQLite database (SUNLINE_DB_FILE, or --db
                       FILE) while the server runs (SQLite's online backup), checked, then
                       moved to FILE, which must not exist; exit 0 written, 1 refused or
                       failed (nothing written), 2 usage`;

export interface DbCommandEnv {
  /** The database file (from SUNLINE_DB_FILE / SUNLINE_DATA_DIR unless --db). */
  readonly dbFile: string;
  /** SUNLINE_DATABASE_URL: the server runs on PostgreSQL, which `db backup` does not copy. */
  readonly databaseUrl?: string | null;
}

/** Runs `db <args>`; resolves to the exit code (0 done, 1 refused, 2 usage). */
export async function dbCommand(args: readonly string[], env: DbCommandEnv, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const allowed = sub === 'backup' ? ['--to', '--db'] : ['--url', '--db'];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i]!, rest[i + 1]];
    if (!allowed.includes(flag) || value === undefined || flags.has(flag)) return usage(io, `bad option ${flag}${value === undefined ? ' (no value)' : ''}`);
    flags.set(flag, value);
  }
  if (sub === 'backup' && env.databaseUrl && !flags.has('--db')) {
    io.err(
      'sunline db backup: the server runs on PostgreSQL (SUNLINE_DATABASE_URL): back it up with pg_dump (docs/deployment.md "Backup and restore (PostgreSQL install)"); --db FILE copies an SQLite file',
    );
    return 1;
  }
  if (sub === 'backup') return backup(flags.get('--to'), flags.get('--db') ?? env.dbFile, io);
  const url = flags.get('--url');
  if (sub !== 'copy-to-postgres') return usage(io, `unknown command "db ${args.join(' ')}"`);
  if (url === undefined || !/^postgres(ql)?:\/\//.test(url)) return usage(io, '--url postgres://… is required');
  const sqliteFile = flags.get('--db') ?? env.dbFile;
  io.out(`copying ${sqliteFile} to ${maskUrl(url)}`);
  // A write-ahead log outlives the last connection only if it is still open (or crashed): most likely a running server.
  if (fs.existsSync(`${sqliteFile}-wal`))
    io.err(`sunline: warning: ${sqliteFile}-wal exists: is the server still running? Stop it first; what it writes after the copy's snapshot is not copied`);
  try {
    const report = await copyToPostgres({ sqliteFile, url, log: io.out });
    if (report.skipped.length > 0) io.out(`not copied (SQLite's own): ${report.skipped.join(', ')}`);
    return 0;
  } catch (err) {
    // Coded refusals and PostgreSQL's own errors (connection refused, no such database) alike: nothing was copied.
    return refused(io, err, 'no rows were copied');
  }
}

async function backup(to: string | undefined, dbFile: string, io: CliIo): Promise<number> {
  if (to === undefined || to === '') return usage(io, '--to FILE is required');
  try {
    const r = await backupSqlite(dbFile, to);
    io.out(`backup of ${dbFile} written to ${r.file}: ${r.bytes} bytes, ${r.pages} pages, integrity ok, ${r.ms} ms`);
    return 0;
  } catch (err) {
    return refused(io, err, 'no backup was written');
  }
}

/** A command that failed and changed nothing: its error (with its code when it has one), then what was not done; exit 1. */
function refused(io: CliIo, err: unknown, nothingDone: string): number {
  const e = err as Error & { code?: string };
  io.err(`sunline: ${isCodedError(err) ? `${e.code}: ` : ''}${e.message || String(err)}`);
  io.err(nothingDone);
  return 1;
}

function usage(io: CliIo, problem: string): number {
  io.err(`sunline: ${problem}`);
  io.err(`usage:\n${DB_USAGE}`);
  return 2;
}
