/**
 * AmiGateway: the one owner of the AMI connection (decision 0009 #1), over asterisk-manager.
 *
 * asterisk-manager 0.2.0 is used only for its TCP socket, its parser and its action writer.
 * What we do not take from it, after reading node_modules/asterisk-manager/lib/ami.js:
 * - Reconnect: `keepConnected()` retries every 10 s +10 s up to 60 s, no jitter, no reset on
 *   login, console.log only, and keeps the parser's leftover half-line across sockets. We build
 *   a fresh instance per attempt instead, with our backoff.
 * - Action callbacks: an action written before login is *held* forever, and a pending action's
 *   callback never fires when the socket closes (no timeout either). We keep our own pending
 *   map keyed by our own ActionIDs, with timeouts, and fail it on close.
 * - Login `events` flag: it sends `Event: on`, but Asterisk reads `Events:` (manager.c
 *   authenticate()), so the flag is ignored and the user's `read=` classes decide what we get.
 * - Header names are rewritten as `Capitalised`-lower (`StateInterface` → `Stateinterface`)
 *   and sorted; harmless because AMI header lookup is case-insensitive (astman_get_header).
 * - Every error is re-emitted on the instance: an instance without an 'error' listener would
 *   crash the process, so listeners stay attached to dropped instances.
 */
import { EventEmitter } from 'node:events';
import Manager from 'asterisk-manager';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../../lib/backoff.js';
import { TelephonyError, isTelephonyError } from '../errors.js';
import { redactNumbers } from '../ari/redact.js';
import type { TelephonyHealth } from '../ari/client.js';
import type { ConnectionState } from '../ari/event-socket.js';
import type { AmiActionResult, AmiEvent, AmiFieldValue, AmiKnownEvents, AmiMessage, AmiResponse } from './types.js';
import { QueueControl } from './queue-control.js';

type ManagerInstance = ReturnType<typeof Manager>;

/** Settings for {@link AmiGateway}; the first four come from `Env.ami`. */
export interface AmiGatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly logger: Logger;
  /** Default timeout per action, ms (a list action: until its Complete event). Default 10 000. */
  readonly actionTimeoutMs?: number;
  /** TCP connect + Login must finish within this, ms. Default 10 000. */
  readonly loginTimeoutMs?: number;
  /** Send `Ping` this often to detect a dead connection, ms; 0 disables. Default 15 000. */
  readonly keepAliveMs?: number;
  readonly backoff?: BackoffOptions;
  /** ActionID prefix; our IDs are `<prefix>-<n>`. Default `sunline-<pid>`. */
  readonly actionIdPrefix?: string;
}

/** Events of {@link AmiGateway}: lifecycle, the catch-all `event`, and known events by name. */
export type AmiGatewayEvents = { [K in keyof AmiKnownEvents]: [event: AmiKnownEvents[K]] } & {
  /** Logged in (first time and after every reconnect): re-read queue state now. */
  connected: [];
  /** The connection dropped; pending actions failed; a reconnect is scheduled. */
  disconnected: [reason: string];
  /** Every AMI event except the items of our own list actions. */
  event: [event: AmiEvent];
};

interface Pending {
  readonly name: string;
  readonly events: AmiEvent[];
  response?: AmiResponse;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (r: AmiActionResult) => void;
  readonly reject: (e: TelephonyError) => void;
}

/** Typed AMI gateway; construct once in buildApp, `start()`, and `close()` on shutdown. */
export class AmiGateway extends EventEmitter<AmiGatewayEvents> {
  /** Typed queue actions (QueueAdd, QueuePause, QueueStatus…). */
  readonly queues: QueueControl;
  readonly #o: AmiGatewayOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #prefix: string;
  readonly #pending = new Map<string, Pending>();
  #counter = 0;
  #m: ManagerInstance | undefined;
  #loggedIn = false;
  #stopped = true;
  #state: ConnectionState = 'closed';
  #since = new Date();
  #lastError: string | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #loginTimer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(opts: AmiGatewayOptions) {
    super();
    this.#o = opts;
    this.#log = opts.logger.child({ component: 'ami' });
    this.#backoff = new Backoff(opts.backoff);
    this.#prefix = opts.actionIdPrefix ?? `sunline-${process.pid}`;
    this.queues = new QueueControl(this);
  }

  /** Connect and log in; reconnects by itself until {@link close}. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Stop reconnecting, fail pending actions, close the socket. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    const m = this.#m;
    this.#drop('gateway closed');
    this.#setState('closed');
    if (m) await new Promise<void>((resolve) => m.disconnect(resolve));
    this.#log.info('ami closed');
  }

  /** `ok` only while logged in. */
  health(): TelephonyHealth {
    return { ok: this.#state === 'open', state: this.#state, since: this.#since, ...(this.#lastError ? { lastError: this.#lastError } : {}) };
  }

  /**
   * Send any action. Resolves with the response and, for list actions (`EventList: start`), the
   * items collected until their `…Complete` event. Rejects `AMI_ACTION_FAILED` on
   * `Response: Error` (detail = Asterisk's Message), `ASTERISK_TIMEOUT`, or
   * `ASTERISK_UNAVAILABLE` when not logged in or when the connection drops.
   */
  action(name: string, fields: Readonly<Record<string, AmiFieldValue>> = {}, opts: { timeoutMs?: number } = {}): Promise<AmiActionResult> {
    const m = this.#m;
    if (!m || !this.#loggedIn) return Promise.reject(new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'AMI not connected' }));
    const msg: Record<string, unknown> = { action: name };
    for (const [k, v] of Object.entries(fields)) {
      if (/^(action|actionid)$/i.test(k) || !validField(k, v)) {
        return Promise.reject(new TelephonyError('AMI_INVALID_FIELD', { detail: `${name}: ${k}` }));
      }
      msg[k] = v;
    }
    const id = `${this.#prefix}-${++this.#counter}`;
    msg.actionid = id;
    return new Promise((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.#o.actionTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        m.removeAllListeners(id); // asterisk-manager's own once(id) listener
        reject(new TelephonyError('ASTERISK_TIMEOUT', { detail: `${name} got no answer in ${timeoutMs} ms` }));
      }, timeoutMs);
      this.#pending.set(id, { name, events: [], timer, resolve, reject });
      m.action(msg, () => undefined);
    });
  }

  /** A list action's items only (QueueStatus, QueueSummary, CoreShowChannels…). */
  async list(name: string, fields: Readonly<Record<string, AmiFieldValue>> = {}, opts: { timeoutMs?: number } = {}): Promise<AmiEvent[]> {
    return (await this.action(name, fields, opts)).events;
  }

  #setState(state: ConnectionState): void {
    if (state !== this.#state) this.#since = new Date();
    this.#state = state;
  }

  #connect(): void {
    this.#setState('connecting');
    // No port in the constructor: it would connect and log in at once with no way to learn
    // whether the login failed (its login callback slot receives the username).
    const m = Manager(undefined, this.#o.host, this.#o.username, this.#o.password, true);
    this.#m = m;
    this.#loggedIn = false;
    m.on('error', (err) => {
      if (m === this.#m) this.#lastError = err.message;
    });
    m.on('close', () => this.#lost(m, this.#lastError ?? 'socket closed'));
    m.on('rawevent', (msg) => {
      if (m === this.#m) this.#dispatch(msg);
    });
    this.#loginTimer = setTimeout(() => this.#lost(m, 'login timeout'), this.#o.loginTimeoutMs ?? 10_000);
    m.connect(this.#o.port, this.#o.host, () => {
      if (m !== this.#m) return;
      m.login((err) => {
        if (m !== this.#m) return;
        if (err) {
          // Asterisk closes the session after a failed login; 'close' schedules the retry.
          this.#lastError = `login failed: ${String(err.message ?? 'unknown')}`;
          this.#log.error({ username: this.#o.username }, 'ami login failed');
          return;
        }
        clearTimeout(this.#loginTimer);
        this.#loggedIn = true;
        this.#lastError = undefined;
        this.#backoff.reset();
        this.#setState('open');
        this.#startKeepAlive();
        this.#log.info({ host: this.#o.host, port: this.#o.port }, 'ami connected');
        this.#safeEmit('connected');
      });
    });
  }

  /** The connection behind `m` is gone (close, login timeout, keepalive timeout): retry. */
  #lost(m: ManagerInstance, reason: string): void {
    if (m !== this.#m) return;
    const wasOpen = this.#loggedIn;
    if (wasOpen || !this.#lastError) this.#lastError = reason;
    this.#drop(reason);
    m.disconnect();
    if (wasOpen) this.#safeEmit('disconnected', reason);
    if (this.#stopped) return;
    this.#setState('connecting');
    const attempt = this.#backoff.attempt + 1;
    const delayMs = this.#backoff.next();
    this.#log.warn({ attempt, delayMs, reason }, 'ami reconnecting');
    this.#retryTimer = setTimeout(() => {
      if (!this.#stopped) this.#connect();
    }, delayMs);
  }

  /** Forget the current instance and fail everything waiting on it. */
  #drop(reason: string): void {
    this.#m = undefined;
    this.#loggedIn = false;
    clearTimeout(this.#loginTimer);
    clearInterval(this.#keepAlive);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new TelephonyError('ASTERISK_UNAVAILABLE', { detail: `${p.name}: ${reason}` }));
    }
    this.#pending.clear();
  }

  #dispatch(raw: AmiMessage): void {
    const id = typeof raw.actionid === 'string' ? raw.actionid : undefined;
    const p = id === undefined ? undefined : this.#pending.get(id);
    if (typeof raw.event === 'string') {
      const e = raw as AmiEvent;
      if (!p) return this.#forward(e);
      // Items of our list action, then the "…Complete" event that ends it.
      if (/^(complete|cancelled)$/i.test(String(e.eventlist ?? ''))) this.#settle(id!, p);
      else p.events.push(e);
      return;
    }
    if (!p || raw.response === undefined) return; // e.g. asterisk-manager's own Login
    const res = raw as AmiResponse;
    if (String(res.response).toLowerCase() === 'error') {
      this.#pending.delete(id!);
      clearTimeout(p.timer);
      p.reject(new TelephonyError('AMI_ACTION_FAILED', { detail: `${p.name}: ${res.message ?? 'error'}` }));
      return;
    }
    p.response = res;
    if (String(res.eventlist ?? '').toLowerCase() !== 'start') this.#settle(id!, p);
  }

  #settle(id: string, p: Pending): void {
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.resolve({ response: p.response ?? { response: 'Success', actionid: id }, events: p.events });
  }

  #forward(e: AmiEvent): void {
    if (this.#log.isLevelEnabled('debug')) this.#log.debug({ event: redactNumbers(e) }, 'ami event');
    this.#safeEmit(e.event as keyof AmiKnownEvents, e as never);
    this.#safeEmit('event', e);
  }

  #startKeepAlive(): void {
    const every = this.#o.keepAliveMs ?? 15_000;
    if (every <= 0) return;
    const m = this.#m!;
    // TCP keepalive (set by asterisk-manager) takes hours to notice a dead peer; an AMI Ping
    // answered within the interval is our liveness check.
    this.#keepAlive = setInterval(() => {
      this.action('Ping', {}, { timeoutMs: Math.min(every, this.#o.actionTimeoutMs ?? 10_000) }).catch((err: unknown) => {
        if (isTelephonyError(err, 'ASTERISK_TIMEOUT')) this.#lost(m, 'keepalive timeout');
      });
    }, every);
  }

  /** A throwing subscriber must not break the AMI reader. */
  #safeEmit<K extends keyof AmiGatewayEvents>(name: K, ...args: AmiGatewayEvents[K]): void {
    try {
      (this.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
    } catch (err) {
      this.#log.error({ err, event: name }, 'ami subscriber failed');
    }
  }
}

/** CR/LF in a name or value would end the AMI block and smuggle headers in: refuse it. */
function validField(key: string, v: AmiFieldValue): boolean {
  const values = v === undefined ? [] : typeof v === 'object' ? (Array.isArray(v) ? v : Object.entries(v).flat()) : [String(v)];
  return /^[A-Za-z0-9_-]+$/.test(key) && !values.some((s: unknown) => /[\r\n]/.test(String(s)));
}
