/**
 * The ARI events websocket: connect, keep alive with ping/pong, reconnect forever with backoff.
 * It knows nothing about calls; {@link AriClient} turns its `open`/`message` into `connected`,
 * typed events and resyncs.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../../lib/backoff.js';
import type { AriEvent } from './generated/ari-types.js';
import { redactNumbers } from './redact.js';

/** Connection state, as reported by `health()`. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Settings for {@link AriEventSocket}. */
export interface AriEventSocketOptions {
  /** Full websocket URL including `?app=…`. */
  readonly url: string;
  /** `Authorization` header (Basic …): Asterisk accepts it on the upgrade request. */
  readonly authorization: string;
  readonly logger: Logger;
  /** Send a websocket ping this often (ms). Default 10 000. */
  readonly pingIntervalMs?: number;
  /** No pong within this many ms → the connection is dead. Default 5000. */
  readonly pongTimeoutMs?: number;
  /** Give up a handshake after this many ms. Default 5000. */
  readonly handshakeTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
}

interface SocketEvents {
  open: [];
  message: [AriEvent];
  down: [reason: string];
}

/** One websocket to `/ari/events`, re-opened until {@link AriEventSocket.close}. */
export class AriEventSocket extends EventEmitter<SocketEvents> {
  readonly #opts: AriEventSocketOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  #ws: WebSocket | undefined;
  #state: ConnectionState = 'closed';
  #since = new Date();
  #lastError: string | undefined;
  #stopped = true;
  #retryTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #pongTimer: NodeJS.Timeout | undefined;

  constructor(opts: AriEventSocketOptions) {
    super();
    this.#opts = opts;
    this.#log = opts.logger;
    this.#backoff = new Backoff(opts.backoff);
  }

  get state(): ConnectionState {
    return this.#state;
  }
  get since(): Date {
    return this.#since;
  }
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Start connecting (idempotent). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Deliberate close: no more reconnects. Resolves once the socket is gone. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#stopPing();
    const ws = this.#ws;
    this.#ws = undefined;
    this.#setState('closed');
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      // close() on a CONNECTING socket aborts the handshake; an OPEN one gets a close frame,
      // and terminate() covers a peer that never answers it.
      ws.close(1000, 'client closing');
      setTimeout(() => ws.terminate(), 1000).unref();
    });
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#since = new Date();
  }

  #connect(): void {
    this.#setState('connecting');
    const ws = new WebSocket(this.#opts.url, {
      headers: { Authorization: this.#opts.authorization },
      handshakeTimeout: this.#opts.handshakeTimeoutMs ?? 5000,
    });
    this.#ws = ws;
    ws.on('open', () => {
      if (ws !== this.#ws) return;
      this.#backoff.reset();
      this.#lastError = undefined;
      this.#setState('open');
      this.#log.info('ari events connected');
      this.#startPing(ws);
      this.emit('open');
    });
    ws.on('message', (data, isBinary) => {
      if (ws !== this.#ws || isBinary) return;
      let event: AriEvent;
      try {
        event = JSON.parse(data.toString()) as AriEvent;
      } catch (err) {
        this.#log.warn({ err }, 'ari event is not JSON');
        return;
      }
      if (this.#log.isLevelEnabled('debug')) this.#log.debug({ event: redactNumbers(event) }, 'ari event');
      this.emit('message', event);
    });
    ws.on('pong', () => {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
    });
    // 'error' is always followed by 'close'; reconnect is decided there. Handshake failures
    // (ECONNREFUSED, "Unexpected server response: 401/404" while res_ari loads) land here too.
    ws.on('error', (err) => {
      if (ws !== this.#ws) return;
      this.#lastError = err.message;
    });
    ws.on('close', (code, reason) => {
      if (ws !== this.#ws) return;
      this.#ws = undefined;
      this.#stopPing();
      const wasOpen = this.#state === 'open';
      const why = this.#lastError ?? `closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
      if (!this.#lastError && wasOpen) this.#lastError = why;
      if (wasOpen) this.emit('down', why);
      if (this.#stopped) return;
      this.#scheduleReconnect(why);
    });
  }

  #scheduleReconnect(why: string): void {
    this.#setState('connecting');
    const attempt = this.#backoff.attempt + 1;
    const delayMs = this.#backoff.next();
    this.#log.warn({ attempt, delayMs, reason: why }, 'ari events reconnecting');
    this.#retryTimer = setTimeout(() => {
      if (!this.#stopped) this.#connect();
    }, delayMs);
  }

  #startPing(ws: WebSocket): void {
    const every = this.#opts.pingIntervalMs ?? 10_000;
    const timeout = this.#opts.pongTimeoutMs ?? 5000;
    this.#pingTimer = setInterval(() => {
      if (this.#pongTimer) return; // a ping is still unanswered
      // A half-open TCP connection (Asterisk host gone, NAT dropped) never fires 'close' by
      // itself; the missing pong is how we notice.
      this.#pongTimer = setTimeout(() => {
        this.#pongTimer = undefined;
        this.#lastError = 'ping timeout';
        this.#log.warn({ timeoutMs: timeout }, 'ari events ping timeout');
        ws.terminate();
      }, timeout);
      ws.ping();
    }, every);
  }

  #stopPing(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }
}
