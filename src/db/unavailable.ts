/**
 * Errors that say the database cannot be reached just now, not that the request was wrong:
 * PostgreSQL shutting down, restarting or out of connections, a connection lost or never made,
 * the pool's wait for a free connection timed out; SQLite's handle closed under the server. A
 * request or socket command that meets one is answered 503 DATABASE_UNAVAILABLE (over HTTP with
 * Retry-After) instead of 500 INTERNAL: repeated shortly, it may well succeed, and the console can
 * say so (http/error-handler.ts, realtime/handlers.ts).
 */
import { AppError, isCodedError } from '../errors/index.js';

/**
 * SQLSTATEs of a server going away or refusing to serve (classes 57P and 08, too many connections),
 * and of a new connection refused: the database dropped or renamed under the server (3D000), the
 * role's password changed or its login taken away (28P01, 28000). The request was not wrong; the
 * operator must mend the database or SUNLINE_DATABASE_URL, and the log says which.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '3D000', '28P01', '28000']);
/**
 * Node's errors of a connection that cannot be made (never those of a connection that broke:
 * ECONNRESET and EPIPE also come from a client's own request socket; node-postgres reports a
 * broken connection in words, below).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** node-postgres' and better-sqlite3's own words for a connection that is gone (they give no code). */
const MESSAGES = [/^Connection terminated/, /is not queryable/, /^timeout exceeded when trying to connect$/, /^The database connection is not open$/];

/** Seconds a client is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 2;

/** Whether `err`, or an error it wraps (drizzle's query error, TRANSACTION_ABORTED), says the database is out of reach. */
export function databaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SQLSTATES.has(code) || SOCKET_CODES.has(code))) return true;
    if (MESSAGES.some((m) => m.test(e.message))) return true;
  }
  return false;
}

/** DATABASE_UNAVAILABLE for a failure that says so (the original as its cause), else the error itself; a refusal (4xx) stays one. */
export function asUnavailable(err: unknown): unknown {
  if (isCodedError(err) && err.statusCode < 500) return err;
  return databaseUnavailable(err) ? new AppError('DATABASE_UNAVAILABLE', undefined, { cause: err, retryAfterSeconds: RETRY_AFTER_SECONDS }) : err;
}
