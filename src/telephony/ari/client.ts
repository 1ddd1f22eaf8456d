/**
 * AriClient: the one owner of the ARI connection (decision 0009 #1). REST via typed helpers,
 * events via a websocket that reconnects forever, and after every (re)connect a resync that
 * re-reads channels and bridges so the call registry can correct itself (decision 0009 #2).
 *
 * Why not the `ari-client` package: docs/decisions/0002-own-ari-client.md.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../../lib/backoff.js';
import type { AriEvent, AriEventOf, AriEventType, Bridge, Channel } from './generated/ari-types.js';
import { AriEventSocket, type ConnectionState } from './event-socket.js';
import { AriRest, ariBaseUrl, type AriParamsArg, type AriResult } from './rest.js';
import type { AriOperationId } from './generated/ari-types.js';
import { ApplicationsApi, AsteriskApi, BridgesApi, ChannelsApi, DeviceStatesApi, PlaybacksApi } from './resources.js';

/** Settings for {@link AriClient}; the first four come from `Env.ari`. */
export interface AriClientOptions {
  /** Asterisk HTTP base, e.g. `http://127.0.0.1:8088`. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Stasis application name(s) to register; several as `a,b`. */
  readonly app: string;
  readonly logger: Logger;
  /** REST timeout (ms). Default 5000. */
  readonly requestTimeoutMs?: number;
  /** Most REST sockets open at once (SUNLINE_ARI_MAX_CONNECTIONS); keep it below http.conf's sessionlimit. Default 20. */
  readonly maxConnections?: number;
  /** Retries of a repeatable REST request after a connection failure; delays. Defaults: AriRest's. */
  readonly requestRetries?: number;
  readonly requestRetryBackoff?: BackoffOptions;
  /** Websocket ping period (ms). Default 10 000. */
  readonly pingIntervalMs?: number;
  /** Missing pong after this many ms → reconnect. Default 5000. */
  readonly pongTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Subscribe to all channels/bridges/endpoints, not only those in our app. Default false. */
  readonly subscribeAll?: boolean;
}

/** The truth re-read from Asterisk after each (re)connect. */
export interface AriSnapshot {
  readonly channels: Channel[];
  readonly bridges: Bridge[];
}

/** Health of the connection, for `/health` and the wallboard. */
export interface TelephonyHealth {
  readonly ok: boolean;
  readonly state: ConnectionState;
  /** When `state` last changed. */
  readonly since: Date;
  readonly lastError?: string;
}

/**
 * Events of {@link AriClient}: every ARI event by its `type` (typed from the generated union),
 * `event` for all of them, and the connection lifecycle.
 */
export type AriClientEvents = { [T in AriEventType]: [event: AriEventOf<T>] } & {
  /** Catch-all: every ARI event. */
  event: [event: AriEvent];
  /** The events websocket is open (first connect and every reconnect). */
  connected: [];
  /** The websocket dropped; a reconnect is already scheduled. */
  disconnected: [reason: string];
  /** Channels and bridges re-read after a (re)connect; events received meanwhile follow it. */
  resynced: [snapshot: AriSnapshot];
};

/** Typed ARI client; construct once in buildApp, `start()`, and `close()` on shutdown. */
export class AriClient extends EventEmitter<AriClientEvents> {
  readonly channels: ChannelsApi;
  readonly bridges: BridgesApi;
  readonly playbacks: PlaybacksApi;
  readonly deviceStates: DeviceStatesApi;
  readonly applications: ApplicationsApi;
  readonly asterisk: AsteriskApi;
  /** The Stasis application name(s) we registered. */
  readonly app: string;

  readonly #rest: AriRest;
  readonly #socket: AriEventSocket;
  readonly #log: Logger;
  readonly #resyncBackoff: Backoff;
  #generation = 0;
  #buffer: AriEvent[] | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;

  constructor(opts: AriClientOptions) {
    super();
    this.#log = opts.logger.child({ component: 'ari' });
    this.app = opts.app;
    this.#rest = new AriRest({
      url: opts.url,
      username: opts.username,
      password: opts.password,
      logger: this.#log,
      timeoutMs: opts.requestTimeoutMs ?? 5000,
      ...(opts.maxConnections === undefined ? {} : { maxConnections: opts.maxConnections }),
      ...(opts.requestRetries === undefined ? {} : { retries: opts.requestRetries }),
      ...(opts.requestRetryBackoff === undefined ? {} : { retryBackoff: opts.requestRetryBackoff }),
    });
    const wsBase = ariBaseUrl(opts.url).replace(/^http/, 'ws');
    const query = new URLSearchParams({ app: opts.app, subscribeAll: String(opts.subscribeAll ?? false) });
    this.#socket = new AriEventSocket({
      url: `${wsBase}/ari/events?${query.toString()}`,
      authorization: this.#rest.authorization,
      logger: this.#log,
      ...(opts.pingIntervalMs === undefined ? {} : { pingIntervalMs: opts.pingIntervalMs }),
      ...(opts.pongTimeoutMs === undefined ? {} : { pongTimeoutMs: opts.pongTimeoutMs }),
      ...(opts.backoff === undefined ? {} : { backoff: opts.backoff }),
    });
    this.#resyncBackoff = new Backoff(opts.backoff);
    this.channels = new ChannelsApi(this.#rest);
    this.bridges = new BridgesApi(this.#rest);
    this.playbacks = new PlaybacksApi(this.#rest);
    this.deviceStates = new DeviceStatesApi(this.#rest);
    this.applications = new ApplicationsApi(this.#rest);
    this.asterisk = new AsteriskApi(this.#rest);

    this.#socket.on('open', () => this.#onOpen());
    this.#socket.on('message', (e) => this.#onEvent(e));
    this.#socket.on('down', (reason) => {
      this.#generation++;
      clearTimeout(this.#resyncTimer);
      this.#safeEmit('disconnected', reason);
    });
  }

  /** Start the events websocket; it reconnects by itself until {@link close}. */
  start(): void {
    this.#socket.start();
  }

  /** Stop reconnecting, close the websocket, abort and refuse REST calls. */
  async close(): Promise<void> {
    this.#generation++;
    clearTimeout(this.#resyncTimer);
    await Promise.all([this.#rest.close(), this.#socket.close()]);
    this.#log.info('ari closed');
  }

  /** Any swagger operation by id, for what the helpers do not cover. */
  call<K extends AriOperationId>(op: K, ...params: AriParamsArg<K>): Promise<AriResult<K>> {
    return this.#rest.call(op, ...params);
  }

  /** `ok` only while the events websocket is open. */
  health(): TelephonyHealth {
    const s = this.#socket;
    return { ok: s.state === 'open', state: s.state, since: s.since, ...(s.lastError ? { lastError: s.lastError } : {}) };
  }

  /** Re-read channels and bridges now (also done automatically after each connect). */
  async snapshot(): Promise<AriSnapshot> {
    const [channels, bridges] = await Promise.all([this.channels.list(), this.bridges.list()]);
    return { channels, bridges };
  }

  #onOpen(): void {
    const gen = ++this.#generation;
    this.#resyncBackoff.reset();
    this.#safeEmit('connected');
    void this.#resync(gen);
  }

  /**
   * Events that arrive while the snapshot is in flight are held back and delivered after
   * `resynced`, so subscribers apply them on top of the snapshot, never under it. Some of them
   * may already be reflected in the snapshot: handlers must be idempotent.
   */
  async #resync(gen: number): Promise<void> {
    const buffer: AriEvent[] = [];
    this.#buffer = buffer;
    try {
      const snap = await this.snapshot();
      if (gen !== this.#generation) return;
      this.#log.info({ channels: snap.channels.length, bridges: snap.bridges.length }, 'ari resynced');
      this.#safeEmit('resynced', snap);
    } catch (err) {
      if (gen !== this.#generation) return;
      // The websocket can be up before the rest of ARI is (Asterisk still booting): retry.
      const delayMs = this.#resyncBackoff.next();
      this.#log.warn({ err, delayMs }, 'ari resync failed');
      this.#resyncTimer = setTimeout(() => {
        if (gen === this.#generation) void this.#resync(gen);
      }, delayMs);
    } finally {
      if (this.#buffer === buffer) this.#buffer = undefined;
      for (const e of buffer) this.#deliver(e);
    }
  }

  #onEvent(e: AriEvent): void {
    if (this.#buffer) this.#buffer.push(e);
    else this.#deliver(e);
  }

  #deliver(e: AriEvent): void {
    if (e.type === 'ApplicationReplaced') {
      // Another process registered the same app name: Asterisk now sends it our calls.
      this.#log.error({ application: e.application }, 'ari application taken over by another connection');
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the union of event tuples needs it
    this.#safeEmit(e.type, e as never);
    this.#safeEmit('event', e);
  }

  /** A throwing subscriber must not kill the websocket handler (or other subscribers' events). */
  #safeEmit<K extends keyof AriClientEvents>(name: K, ...args: AriClientEvents[K]): void {
    try {
      (this.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
    } catch (err) {
      this.#log.error({ err, event: name }, 'ari subscriber failed');
    }
  }
}
