/**
 * Errors with fixed codes (CONVENTIONS.md #5): each defined once with its HTTP status and a
 * default message; one handler renders them as `{ error: { code, message, details? } }`.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: [400, 'the request is invalid'],
  UNAUTHENTICATED: [401, 'login required'],
  BAD_CREDENTIALS: [401, 'wrong username or password'],
  FORBIDDEN: [403, 'not allowed for your role'],
  NOT_FOUND: [404, 'not found'],
  CONFLICT: [409, 'the resource changed; reload and try again'],
  PAYLOAD_TOO_LARGE: [413, 'the request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'unsupported content type'],
  RATE_LIMITED: [429, 'too many requests; slow down'],
  /** A deadline later than workorders/deadlines/horizon.ts allows (two years ahead). */
  DEADLINE_OUT_OF_RANGE: [400, 'the deadline is too far ahead'],
  INTERNAL: [500, 'internal error'],
  NOT_READY: [503, 'the service is not ready'],
  ASTERISK_UNAVAILABLE: [503, 'the telephony server is unavailable'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode | (string & {}),
    message?: string,
    readonly details?: unknown,
    statusCode?: number,
  ) {
    const known = (ERROR_CATALOGUE as Record<string, readonly [number, string]>)[code];
    super(message ?? known?.[1] ?? code);
    this.name = 'AppError';
    this.statusCode = statusCode ?? known?.[0] ?? 500;
  }
}

export const appError = (code: ErrorCode, message?: string, details?: unknown) => new AppError(code, message, details);
