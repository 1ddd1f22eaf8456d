/**
 * The one owner of the mediasoup worker process (decision 0009 #1): starts it with the
 * configured binary, keeps one router (PCMU/PCMA), reports health, and when the worker dies
 * logs it, starts a new one (fast first retry, growing delay) and announces the new router so
 * sessions and calls can be rebuilt on it.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Router, Worker } from 'mediasoup/types';
import type { MediaEnv } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import { Backoff } from '../lib/backoff.js';
import { ROUTER_CODECS } from './codecs.js';
import { MediaError } from './errors.js';

/**
 * mediasoup 3.16.0 has no createWorker() option for the binary: its Worker module reads
 * MEDIASOUP_WORKER_BIN once at import into an exported `workerBin`, and reads that export again
 * at every spawn. Setting the export makes the configured binary win whatever the environment
 * said when mediasoup was first imported (tests import it early; the variable may be unset
 * when config found the offline build's default path).
 */
function useWorkerBinary(bin: string): void {
  const require = createRequire(import.meta.url);
  const workerModule = require(path.join(path.dirname(require.resolve('mediasoup')), 'Worker.js')) as { workerBin: string };
  workerModule.workerBin = bin;
}

export interface MediaWorkerEvents {
  /** The worker died; every router, transport, producer and consumer on it is gone. */
  died: [];
  /** A new worker and router are up after a death. */
  restarted: [router: Router];
}

export interface MediaWorkerHealth {
  ok: boolean;
  pid: number | null;
  /** Workers started after a death since this process started. */
  restarts: number;
  since: string;
  lastError?: string;
}

export class MediaWorker extends EventEmitter<MediaWorkerEvents> {
  private worker: Worker | null = null;
  private current: Router | null = null;
  private restarts = 0;
  private since = new Date();
  private lastError: string | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly log: Logger;

  constructor(
    private readonly env: MediaEnv,
    log: Logger,
    backoff?: { initialMs?: number; maxMs?: number },
  ) {
    super();
    this.log = log.child({ component: 'media' });
    this.backoff = new Backoff({ initialMs: 100, maxMs: 10_000, ...backoff });
  }

  /** Starts the first worker; rejects if it cannot start (bad binary, ports). */
  async start(): Promise<void> {
    useWorkerBinary(this.env.workerBin);
    await this.spawn();
    this.log.info({ workerPid: this.worker?.pid, workerBin: this.env.workerBin }, 'media worker started');
  }

  /** The live router; throws MEDIA_UNAVAILABLE while the worker is being replaced. */
  router(): Router {
    if (!this.current || this.current.closed) throw new MediaError('MEDIA_UNAVAILABLE');
    return this.current;
  }

  /** The worker process id (tests kill it to check recovery). */
  pid(): number | null {
    return this.worker?.pid ?? null;
  }

  health(): MediaWorkerHealth {
    const ok = !!this.current && !this.current.closed;
    return {
      ok,
      pid: this.worker?.pid ?? null,
      restarts: this.restarts,
      since: this.since.toISOString(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.worker?.close();
    this.worker = null;
    this.current = null;
    this.log.info('media worker closed');
  }

  private async spawn(): Promise<void> {
    // Imported here, not at the top: a server without browser audio (SUNLINE_MEDIA=false, a
    // standby node) never loads mediasoup's ~20 MB of code and flatbuffers (docs/performance.md "Memory").
    const mediasoup = await import('mediasoup');
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.env.rtcMinPort,
      rtcMaxPort: this.env.rtcMaxPort,
    });
    worker.on('died', (err) => this.died(worker, err));
    const router = await worker.createRouter({ mediaCodecs: ROUTER_CODECS });
    this.worker = worker;
    this.current = router;
    this.since = new Date();
  }

  private died(worker: Worker, err: Error): void {
    if (this.worker !== worker || this.closed) return;
    this.worker = null;
    this.current = null;
    this.since = new Date();
    this.lastError = err.message;
    this.log.error({ err, workerPid: worker.pid }, 'media worker died; starting a new one');
    this.emit('died');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delayMs = this.backoff.next();
    this.timer = setTimeout(() => {
      if (this.closed) return;
      this.spawn().then(
        () => {
          if (this.closed) {
            this.worker?.close();
            return;
          }
          this.restarts++;
          this.backoff.reset();
          this.lastError = undefined;
          this.log.info({ workerPid: this.worker?.pid, restarts: this.restarts }, 'media worker restarted');
          this.emit('restarted', this.router());
        },
        (err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.log.error({ err, delayMs }, 'media worker restart failed');
          this.scheduleRestart();
        },
      );
    }, delayMs);
  }
}
