/**
 * The codes of the request itself, not of a domain: authentication, validation, limits, the
 * unexpected. The HTTP error handler and the socket handlers refuse with these.
 */
import { defineErrors } from './define-errors.js';

export class AppError extends defineErrors('AppError', {
  VALIDATION_FAILED: [400, 'the request is invalid'],
  /** Another 4xx from Fastify or a plugin that has no code of ours; the status is Fastify's. */
  BAD_REQUEST: [400, 'bad request'],
  UNAUTHENTICATED: [401, 'login required'],
  BAD_CREDENTIALS: [401, 'wrong username or password'],
  FORBIDDEN: [403, 'not allowed for your role'],
  /** A state-changing request with the session cookie but without X-Sunline-Request (http/csrf.ts). */
  CSRF_HEADER_REQUIRED: [403, 'this request needs the X-Sunline-Request header'],
  /** A password change whose current password is wrong. */
  WRONG_PASSWORD: [403, 'the current password is wrong'],
  NOT_FOUND: [404, 'not found'],
  /** A unit id that config/org.yaml does not list (a dispatch, a co-handler, an account's unit). */
  UNKNOWN_UNIT: [400, 'no such unit in the organisation tree'],
  PAYLOAD_TOO_LARGE: [413, 'the request body is too large'],
  /** A path parameter longer than the router takes (Fastify's maxParamLength). */
  URI_TOO_LONG: [414, 'a path parameter is too long'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'unsupported content type'],
  RATE_LIMITED: [429, 'too many requests; slow down'],
  /** A deadline later than workorders/deadlines/horizon.ts allows (two years ahead). */
  DEADLINE_OUT_OF_RANGE: [400, 'the deadline is too far ahead'],
  INTERNAL: [500, 'internal error'],
  NOT_READY: [503, 'the service is not ready'],
  /** The database could not be reached (restarting, connection lost): the same request may succeed shortly (db/unavailable.ts). */
  DATABASE_UNAVAILABLE: [503, 'the database is not reachable just now; try again shortly'],
}) {}

export type AppErrorCode = keyof typeof AppError.catalogue;

/** `throw appError('NOT_FOUND', 'caller 7 not found')`. */
export const appError = (code: AppErrorCode, message?: string, details?: unknown) => new AppError(code, message, { details });
