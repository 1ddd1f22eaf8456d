/**
 * WAL checkpoints off the event loop (SUNLINE_DB_SYNC=group, decision 0006).
 *
 * SQLite checkpoints the WAL inside the COMMIT that takes it past `wal_autocheckpoint` pages
 * (1,000 by default): that commit copies every page of the WAL into the database file and
 * fsyncs both files before it returns. On the server that is the event loop, so every ~35th
 * create held every request for a few milliseconds (docs/performance.md, issue 18 part 3: a
 * create cost 3.2-3.4 ms of wall time with SQLite's own checkpoints and 1.4-1.6 ms without).
 *
 * Here a worker thread with its own connection to the file runs `PRAGMA wal_checkpoint(PASSIVE)`
 * instead: asked after every `every` commits once the WAL has reached `pages` pages, one at a
 * time. A passive checkpoint never blocks the writer or a reader; it copies what no reader still
 * needs, fsyncs the WAL before and the database file after (the worker's connection is
 * synchronous=FULL), and SQLite restarts the WAL from its start at the next commit once all of
 * it is copied. Nothing about a commit or its fsync changes: the writer still commits each
 * change in its own transaction with synchronous=NORMAL and durable() still fsyncs the WAL.
 *
 * The writer keeps an automatic checkpoint of its own at `backstop` pages, so that the WAL stays
 * bounded if the worker falls behind; if the worker fails, the writer goes back to SQLite's
 * default (1,000 pages) and the worker is not started again.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** The worker: one connection, one passive checkpoint per message (CommonJS, run with `eval`). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const r = checkpoint.get();
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
});
`;

/** SQLite's default `wal_autocheckpoint`. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  /** The database file (its WAL is `${file}-wal`). */
  readonly file: string;
  /** The writer connection, whose own automatic checkpoint becomes the backstop. */
  readonly sqlite: Database.Database;
  /** WAL pages at which the worker starts checkpointing (default SQLite's 1,000). */
  readonly pages?: number;
  /** Commits between two requests to the worker (default 16). */
  readonly every?: number;
  /** The writer's own automatic checkpoint meanwhile, in pages (default 10,000: ~40 MB of WAL). */
  readonly backstop?: number;
  /** Told when the worker fails (the writer then checkpoints by itself again). */
  readonly onError?: (err: Error) => void;
}

/** What the checkpointer has done (tests, metrics). */
export interface CheckpointerStats {
  /** Checkpoints the worker completed. */
  readonly checkpoints: number;
  /** Whether the worker thread was started. */
  readonly started: boolean;
  /** The worker's failure, after which the writer checkpoints by itself. */
  readonly failed: Error | null;
}

interface CheckpointReply {
  readonly ok: boolean;
  readonly error?: string;
}

export class WalCheckpointer {
  private readonly file: string;
  private readonly sqlite: Database.Database;
  private readonly walFile: string;
  private readonly startBytes: number;
  private readonly every: number;
  private readonly onError: (err: Error) => void;
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private commits = 0;
  private running = false;
  private closed = false;
  private done = 0;
  private failure: Error | null = null;

  constructor(opts: WalCheckpointerOptions) {
    this.file = opts.file;
    this.sqlite = opts.sqlite;
    this.walFile = `${opts.file}-wal`;
    this.every = opts.every ?? 16;
    this.onError = opts.onError ?? (() => undefined);
    const pageSize = Number(opts.sqlite.pragma('page_size', { simple: true }));
    this.startBytes = 32 + (opts.pages ?? SQLITE_AUTOCHECKPOINT_PAGES) * (pageSize + 24);
    opts.sqlite.pragma(`wal_autocheckpoint = ${opts.backstop ?? 10_000}`);
  }

  get stats(): CheckpointerStats {
    return { checkpoints: this.done, started: this.worker !== undefined, failed: this.failure };
  }

  /** Called after each commit on the writer: now and then asks the worker for a checkpoint. */
  afterCommit(): void {
    if (this.closed || this.failure || ++this.commits < this.every) return;
    this.commits = 0;
    if (this.running) return;
    // The worker starts once the WAL has grown to a checkpoint's worth (most short-lived
    // databases, tests among them, never need it); from then on the WAL file keeps its size
    // across restarts, so each request is a checkpoint, often of little.
    if (!this.worker) {
      if (this.walBytes() < this.startBytes) return;
      this.start();
    }
    this.running = true;
    this.worker!.postMessage('checkpoint');
  }

  /** Ends the worker (its connection closed) before the writer closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.worker || this.failure) return;
    // Held while it closes its connection (it is unref'd so that it never keeps a process alive).
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }

  private walBytes(): number {
    try {
      return fs.statSync(this.walFile).size;
    } catch {
      return 0;
    }
  }

  private start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file } });
    worker.unref();
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: CheckpointReply) => {
      this.running = false;
      if (reply.ok) this.done++;
      else this.fail(new Error(`WAL checkpoint failed: ${reply.error ?? 'unknown error'}`));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the WAL checkpoint worker exited (${code})`));
    });
    this.worker = worker;
  }

  /** The writer checkpoints by itself again (SQLite's default), and the worker goes. */
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.running = false;
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    void this.worker?.terminate();
    this.onError(err);
  }
}
