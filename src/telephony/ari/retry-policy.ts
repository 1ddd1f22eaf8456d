/**
 * Which ARI requests are retried, and after which failures (AriRest.request).
 *
 * A request is retried only when both hold:
 *  - it is safe to send twice: GET/PUT/DELETE, or one of the POSTs below whose second arrival
 *    changes nothing (answering an answered channel, setting a variable to the same value,
 *    continuing to the same dialplan location). A retried `continue` whose first attempt did
 *    arrive fails with 404/409 (the channel left Stasis); the switchboard checks where the channel
 *    is before acting on that (Switchboard.rescueToQueue);
 *  - the failure is on the connection, before any response: refused, reset, or closed by
 *    Asterisk without an answer. Asterisk's HTTP server closes a new connection at once, without
 *    reading it, when its `sessionlimit` is reached (main/http.c httpd_helper_thread), and an
 *    idle keep-alive socket it is closing may take our request with it (undici `UND_ERR_SOCKET`
 *    "other side closed"). A timeout is never retried: the request may still be running.
 */
import type { AriOperationId } from './generated/ari-types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** POST operations that may be repeated without a second effect. */
const REPEATABLE_POSTS = new Set<AriOperationId>([
  'channels.answer',
  'channels.setChannelVar',
  'channels.continueInDialplan',
  'channels.ring',
  'channels.mute',
  'channels.hold',
  'channels.startMoh',
  'bridges.startMoh',
]);

/**
 * Whether `op` may be sent again after a connection failure. Not `channels.play` and the other
 * POSTs that start something (originate, play, record, create a bridge): a copy that did arrive
 * would do it twice.
 */
export function isRepeatable(op: AriOperationId, method: string): boolean {
  return isSafeMethod(method) || REPEATABLE_POSTS.has(op);
}

/** GET, HEAD, PUT and DELETE: the same request twice has the effect of one. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Socket-level failures before any response (Node net errors and undici's own codes). */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error code of a request failure, from the error or its cause (fetch wraps it). */
export function failureCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

/** A failure on the connection, before Asterisk answered: worth another try for a repeatable request. */
export function isConnectionFailure(err: unknown): boolean {
  const code = failureCode(err);
  return code !== undefined && CONNECTION_FAILURES.has(code);
}
