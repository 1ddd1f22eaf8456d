/**
 * A consistent copy of the SQLite database while the server runs (`sunline db backup`): SQLite's
 * online backup API (better-sqlite3 `backup()`), which copies the pages of one snapshot and starts
 * over when another connection writes meanwhile, so the copy is what the database held at one
 * instant — WAL content included, no torn transaction. Copying sunline.db with cp while the server
 * runs is not safe (the WAL holds the latest commits; a copy can catch a page mid-write).
 *
 * The copy is written to a temporary file beside the destination, made one self-contained file
 * (rollback journal instead of WAL: nothing beside it to copy along), checked (`PRAGMA
 * integrity_check`), and only then linked into place: a destination that exists is never
 * overwritten, and a failed backup leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { defineErrors } from '../errors/index.js';

export class BackupError extends defineErrors('BackupError', {
  /** The destination exists: a backup never overwrites a file. */
  BACKUP_EXISTS: [409, 'the backup file exists'],
  /** No database at the source path. */
  BACKUP_NO_SOURCE: [404, 'no database file there'],
  /** The copy did not pass SQLite's integrity check (it was removed). */
  BACKUP_CORRUPT: [500, 'the copy failed its integrity check'],
}) {}

export interface BackupReport {
  readonly file: string;
  readonly bytes: number;
  readonly pages: number;
  readonly ms: number;
}

/** Copies `source` (a running server's database is fine) to `dest`, which must not exist. */
export async function backupSqlite(source: string, dest: string, now: () => number = Date.now): Promise<BackupReport> {
  if (!fs.existsSync(source)) throw new BackupError('BACKUP_NO_SOURCE', `no database file at ${source}`);
  if (fs.existsSync(dest)) throw new BackupError('BACKUP_EXISTS', `${dest} exists: a backup never overwrites a file`);
  const started = now();
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.tmp`);
  // Only read from (the backup API reads the source); a writable connection because a read-only
  // one cannot open a WAL database whose -shm file is missing (a server stopped cleanly).
  const db = new Database(source, { fileMustExist: true });
  let pages = 0;
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(tmp, {
      progress: ({ totalPages }) => {
        pages = totalPages;
        return 1024; // pages per step; the server's writes go on between steps
      },
    });
    // One self-contained file: the copy leaves WAL mode (the server's open turns it back on).
    const copy = new Database(tmp);
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError('BACKUP_CORRUPT', `integrity_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    // link + unlink: the rename never replaces a destination created meanwhile.
    fs.linkSync(tmp, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError('BACKUP_EXISTS', `${dest} exists: a backup never overwrites a file`);
    throw err;
  } finally {
    db.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) fs.rmSync(f, { force: true });
  }
  return { file: dest, bytes: fs.statSync(dest).size, pages, ms: now() - started };
}
