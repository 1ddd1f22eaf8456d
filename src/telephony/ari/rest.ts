/**
 * ARI REST over the global `fetch` (Node ≥ 18), typed by the generated operation table. Every
 * failure leaves this file as a {@link TelephonyError} with a fixed code: callers never see an
 * HTTP status, a `fetch failed` TypeError or an AbortError.
 */
import type { Logger } from 'pino';
import { TelephonyError, type TelephonyErrorCode } from '../errors.js';
import { ARI_OPERATIONS, type AriOperationId, type AriOperations } from './generated/ari-types.js';

/** Parameters of an operation (path, query and body, flattened). */
export type AriParams<K extends AriOperationId> = AriOperations[K]['params'];
/** What an operation resolves to. */
export type AriResult<K extends AriOperationId> = AriOperations[K]['result'];
/** Makes the params argument optional when the operation has no required parameter. */
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
}

/** `http://host:8088/ari/` → `http://host:8088`. */
export function ariBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/ari$/, '');
}

/** One REST connection to ARI; owned by {@link AriClient}. */
export class AriRest {
  readonly #base: string;
  readonly #auth: string;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #closed = new AbortController();

  constructor(opts: AriRestOptions) {
    this.#base = `${ariBaseUrl(opts.url)}/ari`;
    this.#auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#log = opts.logger;
  }

  /** The `Authorization` header value, shared with the events websocket. */
  get authorization(): string {
    return this.#auth;
  }

  /** Abort in-flight requests and refuse new ones (with `ASTERISK_UNAVAILABLE`). */
  close(): void {
    this.#closed.abort();
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
    return (await this.request(meta.method, path, { query, body, binary: op === 'recordings.getStoredFile' })) as AriResult<K>;
  }

  /** Low-level request; `path` is below `/ari`. Resolves to parsed JSON, or undefined for 204. */
  async request(
    method: string,
    path: string,
    opts: { query?: Record<string, unknown>; body?: unknown; timeoutMs?: number; binary?: boolean } = {},
  ): Promise<unknown> {
    if (this.#closed.signal.aborted) throw new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'ARI client closed' });
    const url = `${this.#base}${path}${encodeQuery(opts.query)}`;
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    const started = Date.now();
    const headers: Record<string, string> = { authorization: this.#auth, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let payload: unknown;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? null : JSON.stringify(opts.body),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#closed.signal]),
      });
      payload = await readBody(res, opts.binary === true);
    } catch (err) {
      const e = translateFetchError(err, this.#closed.signal.aborted);
      // Never log the query: originate carries the caller's number in it.
      this.#log.warn({ method, path, code: e.code, detail: e.detail, ms: Date.now() - started }, 'ari request failed');
      throw e;
    }
    this.#log.debug({ method, path, status: res.status, ms: Date.now() - started }, 'ari request');
    if (res.ok) return payload;
    throw translateAriStatus(res.status, path, payload);
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

async function readBody(res: Response, binary: boolean): Promise<unknown> {
  if (res.status === 204) return undefined;
  if (binary && res.ok) return res.arrayBuffer();
  const text = await res.text();
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
      : typeof payload === 'string' ? payload.slice(0, 200) : undefined;
  let code: TelephonyErrorCode;
  switch (status) {
    // bridges addChannel/removeChannel answer a vanished channel with 400 "Channel not found"
    // (res/ari/resource_bridges.c, channel lookup): for us that is the same hang-up race as a 404.
    case 400: code = /^channel not found/i.test(detail ?? '') ? 'CALL_NOT_FOUND' : 'ARI_BAD_REQUEST'; break;
    case 401:
    case 403: code = 'ASTERISK_AUTH_FAILED'; break;
    // A 404 under /channels means the call leg is gone (hung up) — the common race.
    case 404: code = path.startsWith('/channels') ? 'CALL_NOT_FOUND' : 'ARI_NOT_FOUND'; break;
    case 409: code = 'ARI_CONFLICT'; break;
    case 412: code = 'ARI_PRECONDITION_FAILED'; break;
    case 422: code = 'ARI_UNPROCESSABLE'; break;
    case 502:
    case 503:
    case 504: code = 'ASTERISK_UNAVAILABLE'; break;
    default: code = 'ARI_ERROR';
  }
  return new TelephonyError(code, { ariStatus: status, ...(detail === undefined ? {} : { detail }) });
}

/** Map a fetch/network failure to our fixed codes. */
export function translateFetchError(err: unknown, closed: boolean): TelephonyError {
  if (err instanceof TelephonyError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') return new TelephonyError('ASTERISK_TIMEOUT', { cause: err, detail: 'ARI request timed out' });
  if (closed) return new TelephonyError('ASTERISK_UNAVAILABLE', { cause: err, detail: 'ARI client closed' });
  // undici: TypeError('fetch failed') with the socket error (ECONNREFUSED, ECONNRESET…) as cause.
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new TelephonyError('ASTERISK_UNAVAILABLE', { cause: err, detail });
}
