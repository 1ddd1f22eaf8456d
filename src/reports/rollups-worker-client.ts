/**
 * The rollups job's worker thread as the server's thread sees it (report-rollups-worker.ts is the
 * thread's side): its start-up data, its messages and one request at a time.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { cacheSizeOf } from '../db/connection.js';
import { type RollupSource } from './rollup-shapes.js';
import { type BuiltDay, type AfterRead } from './rollup-builder.js';

/**
 * The worker's connection gets the app's connection's own settings: its file, FULL (2) or NORMAL
 * (1, also the 'group' mode: its fsyncs are the app's), and its page cache size (SUNLINE_DB_CACHE_MB
 * in the server), so that the thread's cache, while it lives, is no bigger than the server's.
 */
export function workerSettings(client: Database.Database): Pick<RollupsWorkerData, 'file' | 'synchronous' | 'cacheSize'> {
  const full = Number(client.pragma('synchronous', { simple: true })) >= 2;
  return { file: client.name, synchronous: full ? 'full' : 'normal', cacheSize: cacheSizeOf(client) };
}

/** What the job's worker thread is started with (report-rollups-worker.ts). */
export interface RollupsWorkerData {
  readonly file: string;
  readonly synchronous: 'full' | 'normal';
  /** SQLite's cache_size of the worker's connection (negative = KiB), the app connection's. */
  readonly cacheSize: number;
  /** With a test's afterRead: the worker tells of each read and waits on this until the test's change is made. */
  readonly gate?: SharedArrayBuffer;
}
export type RollupsWorkerRequest = { readonly type: 'catchUp'; readonly now: number; readonly maxDays: number };
export type RollupsWorkerReply =
  | { readonly type: 'done'; readonly done: boolean; readonly builds: BuiltDay[] }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string }
  | { readonly type: 'read'; readonly source: RollupSource; readonly day: number; readonly month: boolean };

/**
 * Starts the worker's module: the compiled .js in dist; under tsx (the sources: dev, tests, bench)
 * the .ts source, after registering tsx's loader in the new thread (a worker does not inherit it).
 */
function startWorker(data: RollupsWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./report-rollups-worker.js', import.meta.url), { workerData: data });
  const entry = new URL('./report-rollups-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, {
    eval: true,
    workerData: data,
  });
}

/** The job's worker thread, as seen from the server's thread: one request at a time. */
export class RollupsWorker {
  private readonly worker: Worker;
  private waiting: { resolve: (r: { done: boolean; builds: BuiltDay[] }) => void; reject: (err: Error) => void } | undefined;
  private ended: Error | undefined;
  private hookError: unknown;

  constructor(o: { file: string; synchronous: 'full' | 'normal'; cacheSize: number; afterRead?: AfterRead }) {
    const gate = o.afterRead ? new SharedArrayBuffer(4) : undefined;
    const data: RollupsWorkerData = { file: o.file, synchronous: o.synchronous, cacheSize: o.cacheSize, ...(gate ? { gate } : {}) };
    this.worker = startWorker(data);
    this.worker.on('message', (m: RollupsWorkerReply) => {
      if (m.type === 'read') {
        try {
          o.afterRead?.(m.source, m.day, m.month);
        } catch (err) {
          this.hookError = err;
        } finally {
          const g = new Int32Array(gate!);
          Atomics.store(g, 0, 1);
          Atomics.notify(g, 0);
        }
        return;
      }
      const w = this.waiting;
      this.waiting = undefined;
      const hookError = this.hookError;
      this.hookError = undefined;
      if (hookError) w?.reject(hookError instanceof Error ? hookError : new Error('the afterRead hook failed', { cause: hookError }));
      else if (m.type === 'done') w?.resolve({ done: m.done, builds: m.builds });
      else w?.reject(Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {}));
    });
    const end = (err: Error) => {
      this.ended ??= err;
      this.waiting?.reject(err);
      this.waiting = undefined;
    };
    this.worker.on('error', end);
    this.worker.on('exit', (code) => end(new Error(`the report rollups' worker ended (exit code ${code})`)));
  }

  /** Runs RollupBuilder.catchUp (rollup-builder.ts)(maxDays) in the worker at the given time. */
  catchUp(now: number, maxDays: number): Promise<{ done: boolean; builds: BuiltDay[] }> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      const req: RollupsWorkerRequest = { type: 'catchUp', now, maxDays };
      this.worker.postMessage(req);
    });
  }

  /** Ends the thread (a build in progress is rolled back with its transaction); resolves once it has ended. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
