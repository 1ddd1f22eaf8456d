/**
 * ARI REST over one undici connection pool, typed by the generated operation table. Every
 * failure leaves this file as a {@link TelephonyError} with a fixed code: callers never see an
 * HTTP status, an undici SocketError or an AbortError.
 *
 * Why a pool of our own and not the global `fetch`: fetch opens as many sockets as there are
 * requests in flight, and Asterisk's HTTP server closes every connection beyond its `sessionlimit`
 * (http.conf, default 100) without an answer. With hundreds of callers arriving, requests failed
 * with `UND_ERR_SOCKET` "other side closed" and callers stayed in Stasis (issue 18). The pool
 * keeps at most `maxConnections` sockets (below the session limit, see docs/asterisk.md), closes
 * idle ones before Asterisk's `session_keep_alive` would, and repeatable requests that fail on
 * the connection are retried (retry-policy.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Pool, type Dispatcher } from 'undici';
import { backoffDelay, type BackoffOptions } from '../../lib/backoff.js';
import { TelephonyError, type TelephonyErrorCode } from '../errors.js';
import { ARI_OPERATIONS, type AriOperationId, type AriOperations } from './generated/ari-types.js';
import { failureCode, isConnectionFailure, isRepeatable, isSafeMethod } from './retry-policy.js';

/** Parameters of an operation (path, query and body, flattened). */
export type AriParams<K extends AriOperationId> = AriOperations[K]['params'];
/** What an operation resolves to. */
export type AriResult<K extends AriOperationId> = AriOperations[K]['result'];
/** Makes the params argument optional when the operation has no required parameter. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{} extends P`: P has no required key
export type AriParamsArg<K extends AriOperationId> = {} extends AriParams<K> ? [params?: AriParams<K>] : [params: AriParams<K>];

/** Connection settings for {@link AriRest}. */
export interface AriRestOptions {
  /** Asterisk HTTP base, e.g. `http://127.0.0.1:8088` (a trailing `/ari` is accepted). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Per-request timeout in ms. Default 5000. */
  readonly timeoutMs?: number;
  readonly logger: Logger;
  /** Most sockets open to Asterisk's HTTP server at once (SUNLINE_ARI_MAX_CONNECTIONS). Default 20. */
  readonly maxConnections?: number;
  /**
   * An idle socket is closed after this many ms. Default 5000: well under Asterisk's
   * `session_keep_alive` (15 000 ms), so we never send on a socket Asterisk is closing.
   */
  readonly keepAliveMs?: number;
  /** Retries of a repeatable request after a connection failure. Default 3. */
  readonly retries?: number;
  /** Delays between those retries. Default 50 ms growing to 1 s. */
  readonly retryBackoff?: BackoffOptions;
}

/** Defaults of {@link AriRestOptions}. */
export const ARI_REST_DEFAULTS = { timeoutMs: 5000, maxConnections: 20, keepAliveMs: 5000, retries: 3, retryBackoff: { initialMs: 50, maxMs: 1000 } } as const;

/** `http://host:8088/ari/` → `http://host:8088`. */
export function ariBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/ari$/, '');
}

/** ARI's REST connections (one pool); owned by {@link AriClient}. */
export class AriRest {
  readonly #pool: Pool;
  /** Path prefix below the origin: `/ari`, or `/<http.conf prefix>/ari`. */
  readonly #base: string;
  readonly #auth: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryBackoff: BackoffOptions;
  readonly #log: Logger;
  readonly #closed = new AbortController();

  constructor(opts: AriRestOptions) {
    const url = new URL(ariBaseUrl(opts.url));
    this.#base = `${url.pathname.replace(/\/+$/, '')}/ari`;
    this.#auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    this.#timeoutMs = opts.timeoutMs ?? ARI_REST_DEFAULTS.timeoutMs;
    this.#retries = opts.retries ?? ARI_REST_DEFAULTS.retries;
    this.#retryBackoff = opts.retryBackoff ?? ARI_REST_DEFAULTS.retryBackoff;
    this.#log = opts.logger;
    const keepAliveMs = opts.keepAliveMs ?? ARI_REST_DEFAULTS.keepAliveMs;
    this.#pool = new Pool(url.origin, {
      connections: opts.maxConnections ?? ARI_REST_DEFAULTS.maxConnections,
      pipelining: 1,
      keepAliveTimeout: keepAliveMs,
      // Asterisk sends no Keep-Alive hint; should a proxy send one, it cannot stretch ours.
      keepAliveMaxTimeout: keepAliveMs,
      connect: { timeout: this.#timeoutMs },
      // The request's own signal (timeoutMs) bounds the whole exchange.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** The `Authorization` header value, shared with the events websocket. */
  get authorization(): string {
    return this.#auth;
  }

  /** Abort in-flight requests, refuse new ones (with `ASTERISK_UNAVAILABLE`), close the sockets. */
  async close(): Promise<void> {
    this.#closed.abort();
    await this.#pool.destroy();
  }

  /**
   * Call any operation from the swagger by id, e.g. `call('channels.answer', { channelId })`.
   * Path params fill the path, list params are sent comma-separated, `variables`-style body
   * params go into the JSON body.
   */
  async call<K extends AriOperationId>(op: K, ...[params]: AriParamsArg<K>): Promise<AriResult<K>> {
    const meta = ARI_OPERATIONS[op];
    const p = (params ?? {}) as Record<string, unknown>;
    const path = meta.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = p[name];
      if (v === undefined || v === '') throw new TelephonyError('ARI_BAD_REQUEST', { detail: `missing path parameter ${name}` });
      return encodeURIComponent(String(v));
    });
    const query: Record<string, unknown> = {};
    for (const name of meta.query) query[name] = p[name];
    let body: unknown;
    for (const b of meta.body) {
      const v = p[b.name];
      if (v === undefined) continue;
      // `containers` params are wrapped: originate takes {"variables": {...}}; an `object` param
      // (applications eventFilter) is the body itself.
      body = b.kind === 'whole' ? v : { ...(body as object | undefined), [b.name]: v };
    }
    const repeatable = isRepeatable(op, meta.method);
    return (await this.request(meta.method, path, { query, body, binary: op === 'recordings.getStoredFile', repeatable })) as AriResult<K>;
  }

  /**
   * Low-level request; `path` is below `/ari`. Resolves to parsed JSON, or undefined for 204.
   * `repeatable` (default: GET, PUT, DELETE): retried after a connection failure.
   */
  async request(
    method: string,
    path: string,
    opts: { query?: Record<string, unknown>; body?: unknown; timeoutMs?: number; binary?: boolean; repeatable?: boolean } = {},
  ): Promise<unknown> {
    const repeatable = opts.repeatable ?? isSafeMethod(method);
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      try {
        return await this.#once(method, path, opts, attempt);
      } catch (err) {
        const failure = err instanceof RetryableFailure ? err.error : (err as TelephonyError);
        const again = err instanceof RetryableFailure && repeatable && attempt < this.#retries && !this.#closed.signal.aborted;
        // Never log the query: originate carries the caller's number in it.
        const facts = { method, path, code: failure.code, detail: failure.detail, attempt, ms: Date.now() - started };
        if (!again) {
          if (failure.ariStatus === undefined) this.#log.warn(facts, 'ari request failed');
          throw failure;
        }
        const delayMs = backoffDelay(attempt, this.#retryBackoff);
        this.#log.info({ ...facts, delayMs }, 'ari request retried');
        await sleep(delayMs, undefined, { signal: this.#closed.signal }).catch(() => undefined);
        if (this.#closed.signal.aborted) throw new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'ARI client closed' });
      }
    }
  }

  /** One attempt; a connection failure before any answer comes back as a {@link RetryableFailure}. */
  async #once(
    method: string,
    path: string,
    opts: { query?: Record<string, unknown>; body?: unknown; timeoutMs?: number; binary?: boolean },
    attempt: number,
  ): Promise<unknown> {
    if (this.#closed.signal.aborted) throw new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'ARI client closed' });
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    const started = Date.now();
    const headers: Record<string, string> = { authorization: this.#auth, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let payload: unknown;
    try {
      const res = await this.#pool.request({
        method: method as Dispatcher.HttpMethod,
        path: `${this.#base}${path}${encodeQuery(opts.query)}`,
        headers,
        body: opts.body === undefined ? null : JSON.stringify(opts.body),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#closed.signal]),
      });
      status = res.statusCode;
      payload = await readBody(status, res.body, opts.binary === true);
    } catch (err) {
      const e = translateFetchError(err, this.#closed.signal.aborted);
      throw isConnectionFailure(err) && !this.#closed.signal.aborted ? new RetryableFailure(e) : e;
    }
    this.#log.debug({ method, path, status, attempt, ms: Date.now() - started }, 'ari request');
    if (status >= 200 && status < 300) return payload;
    throw translateAriStatus(status, path, payload);
  }
}

/** A connection failure before any answer, carrying the error to throw if it is not retried. */
class RetryableFailure extends Error {
  constructor(readonly error: TelephonyError) {
    super(error.message);
  }
}

function encodeQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    // allowMultiple params: ARI splits on commas (e.g. media=sound:a,sound:b).
    q.append(k, Array.isArray(v) ? v.map(String).join(',') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The answer's body; always read to its end, so the socket can serve the next request. */
async function readBody(status: number, body: Dispatcher.ResponseData['body'], binary: boolean): Promise<unknown> {
  if (binary && status >= 200 && status < 300) return body.arrayBuffer();
  const text = await body.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Asterisk's http server answers some failures (e.g. 401 from res_ari) with a JSON body, but
    // a proxy or a half-booted Asterisk may send HTML: keep it as text for the error detail.
    return text;
  }
}

/** Map an ARI HTTP error to our fixed codes. Exported for the unit tests. */
export function translateAriStatus(status: number, path: string, payload: unknown): TelephonyError {
  const detail =
    payload && typeof payload === 'object' && 'message' in payload && typeof payload.message === 'string'
      ? payload.message
      : typeof payload === 'string'
        ? payload.slice(0, 200)
        : undefined;
  let code: TelephonyErrorCode;
  switch (status) {
    // bridges addChannel/removeChannel answer a vanished channel with 400 "Channel not found"
    // (res/ari/resource_bridges.c, channel lookup): for us that is the same hang-up race as a 404.
    case 400:
      code = /^channel not found/i.test(detail ?? '') ? 'CHANNEL_GONE' : 'ARI_BAD_REQUEST';
      break;
    case 401:
    case 403:
      code = 'ASTERISK_AUTH_FAILED';
      break;
    // A 404 under /channels means the call leg is gone (hung up) — the common race.
    case 404:
      code = path.startsWith('/channels') ? 'CHANNEL_GONE' : 'ARI_NOT_FOUND';
      break;
    case 409:
      code = 'ARI_CONFLICT';
      break;
    case 412:
      code = 'ARI_PRECONDITION_FAILED';
      break;
    case 422:
      code = 'ARI_UNPROCESSABLE';
      break;
    case 502:
    case 503:
    case 504:
      code = 'ASTERISK_UNAVAILABLE';
      break;
    default:
      code = 'ARI_ERROR';
  }
  return new TelephonyError(code, { ariStatus: status, ...(detail === undefined ? {} : { detail }) });
}

/** Map a network failure (undici, Node net, an abort) to our fixed codes. */
export function translateFetchError(err: unknown, closed: boolean): TelephonyError {
  if (err instanceof TelephonyError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') return new TelephonyError('ASTERISK_TIMEOUT', { cause: err, detail: 'ARI request timed out' });
  if (closed) return new TelephonyError('ASTERISK_UNAVAILABLE', { cause: err, detail: 'ARI client closed' });
  // undici: SocketError (UND_ERR_SOCKET, "other side closed") or the socket's own error
  // (ECONNREFUSED, ECONNRESET…); fetch wraps them in TypeError('fetch failed') as `cause`.
  const detail = failureCode(err) ?? (err instanceof Error ? err.message : String(err));
  return new TelephonyError('ASTERISK_UNAVAILABLE', { cause: err, detail });
}
