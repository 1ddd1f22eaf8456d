/**
 * Group durability (decision 0006): with SUNLINE_DB_SYNC=group every change still commits in
 * its own transaction, with synchronous=NORMAL (the WAL is written, not fsynced), and a request
 * is answered only after `durable()`: one fdatasync of the WAL file that STARTED after the call.
 * Concurrent callers share that fsync (group durability, not group commit: no transaction is
 * merged with another). In 'full' and 'normal' modes durable() resolves at once ('full' has
 * already fsynced the commit; 'normal' never does).
 *
 * Why this is enough: a commit's frames are in the WAL (page cache) when the commit returns, so
 * an fdatasync of the WAL started afterwards puts them on disk. If a checkpoint copied them into
 * the database file meanwhile, SQLite (NORMAL) fsynced the WAL before and the database file
 * after, before it may reuse the WAL. The WAL is opened by path at each fsync, so a WAL that
 * SQLite deleted and recreated (it only does so when the last connection closes) is still the
 * one flushed; if it is gone, the database file is flushed instead.
 *
 * A failed fsync is sticky: Linux may drop the dirty pages it could not write and report
 * success next time, so once one fails no later change can be confirmed durable; durable()
 * rejects with DB_NOT_DURABLE (503) and the database health check fails until a restart.
 */
import fs from 'node:fs';
import { defineErrors } from '../errors/index.js';

export type SyncMode = 'full' | 'normal' | 'group';

/** Flushes one file's data to disk (fdatasync); injectable for tests. */
export type FsyncFn = (file: string) => Promise<void>;

/** The change was committed but could not be confirmed on disk (fixed code, HTTP 503). */
export class DurabilityError extends defineErrors('DurabilityError', {
  DB_NOT_DURABLE: [503, 'the change was saved but could not be confirmed on disk; check it before retrying'],
}) {
  constructor(readonly reason: Error) {
    super('DB_NOT_DURABLE', undefined, { cause: reason });
  }
}

const noop = () => undefined;
const RESOLVED = Promise.resolve();

/** fdatasync `file` (a read-only descriptor is enough on Linux); the database file if it is gone. */
export async function fdatasyncFile(file: string, fallback?: string): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fallback) return fdatasyncFile(fallback);
    throw err;
  }
  try {
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  } finally {
    fs.closeSync(fd);
  }
}

export interface DurabilityOptions {
  mode: SyncMode;
  /** The database file; its WAL is `${file}-wal`. ':memory:' never fsyncs. */
  file: string;
  fsync?: FsyncFn;
}

export class Durability {
  readonly mode: SyncMode;
  private readonly grouped: boolean;
  private readonly walFile: string;
  private readonly fsync: FsyncFn;
  /** The fsync in progress, if any. */
  private running: Promise<void> | null = null;
  /** The fsync that starts when the running one ends, shared by everyone who arrived meanwhile. */
  private queued: Promise<void> | null = null;
  private failure: DurabilityError | null = null;
  private count = 0;

  constructor(opts: DurabilityOptions) {
    this.mode = opts.mode;
    this.grouped = opts.mode === 'group' && opts.file !== ':memory:';
    this.walFile = `${opts.file}-wal`;
    this.fsync = opts.fsync ?? ((f) => fdatasyncFile(f, opts.file));
  }

  /** Fsyncs issued so far (the coalescing is visible in this number). */
  get fsyncs(): number {
    return this.count;
  }

  /** The first fsync failure, after which nothing is confirmed durable any more. */
  get error(): DurabilityError | null {
    return this.failure;
  }

  /** Resolves once everything committed before the call is on disk. */
  durable(): Promise<void> {
    if (!this.grouped) return RESOLVED;
    if (this.failure) return Promise.reject(this.failure);
    // Not started yet, so it starts after this call: join it.
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running.then(noop, noop).then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.count++;
    const p: Promise<void> = this.fsync(this.walFile).then(
      () => {
        if (this.running === p) this.running = null;
      },
      (err: unknown) => {
        if (this.running === p) this.running = null;
        this.failure ??= new DurabilityError(err instanceof Error ? err : new Error(String(err)));
        throw this.failure;
      },
    );
    this.running = p;
    return p;
  }
}
