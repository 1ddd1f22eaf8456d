/**
 * Fixed error codes for everything that talks to Asterisk (CONVENTIONS.md #5). ARI/AMI/network
 * failures are translated into these at the gateway, so nothing above `telephony/` ever sees an
 * HTTP status from Asterisk, a `fetch failed` TypeError or an AMI `Response: Error` block.
 */

/** Each code defined once, with its HTTP status and a fixed, internals-free message. */
export const TELEPHONY_ERRORS = {
  ASTERISK_UNAVAILABLE: { statusCode: 503, message: 'Telephony is unavailable' },
  ASTERISK_TIMEOUT: { statusCode: 504, message: 'Telephony did not answer in time' },
  ASTERISK_AUTH_FAILED: { statusCode: 503, message: 'Telephony rejected our credentials' },
  CALL_NOT_FOUND: { statusCode: 404, message: 'Call not found' },
  ARI_NOT_FOUND: { statusCode: 404, message: 'Telephony resource not found' },
  ARI_CONFLICT: { statusCode: 409, message: 'Telephony resource is in a conflicting state' },
  ARI_BAD_REQUEST: { statusCode: 400, message: 'Telephony rejected the request' },
  ARI_UNPROCESSABLE: { statusCode: 422, message: 'Telephony could not process the request' },
  ARI_PRECONDITION_FAILED: { statusCode: 412, message: 'Call is not in a state that allows this' },
  ARI_ERROR: { statusCode: 502, message: 'Telephony returned an unexpected error' },
  AMI_ACTION_FAILED: { statusCode: 502, message: 'Telephony action failed' },
  AMI_INVALID_FIELD: { statusCode: 400, message: 'Invalid telephony action field' },
} as const satisfies Record<string, { statusCode: number; message: string }>;

/** One of the fixed telephony error codes. */
export type TelephonyErrorCode = keyof typeof TELEPHONY_ERRORS;

/** Extra, non-rendered facts about a failure (for logs and for callers that branch on them). */
export interface TelephonyErrorOptions {
  /** What Asterisk said (ARI `message`, AMI `Message:`), for logs; never shown in 5xx bodies. */
  readonly detail?: string;
  /** The ARI HTTP status, when the failure came from ARI. */
  readonly ariStatus?: number;
  /** The underlying error (fetch TypeError, socket error…). */
  readonly cause?: unknown;
}

/**
 * An error with a fixed `code` and HTTP `statusCode`; `message` is the fixed text for the code.
 * The HTTP error handler renders it; `detail` carries Asterisk's own words.
 */
export class TelephonyError extends Error {
  readonly code: TelephonyErrorCode;
  readonly statusCode: number;
  readonly detail: string | undefined;
  readonly ariStatus: number | undefined;

  constructor(code: TelephonyErrorCode, opts: TelephonyErrorOptions = {}) {
    const def = TELEPHONY_ERRORS[code];
    super(def.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TelephonyError';
    this.code = code;
    this.statusCode = def.statusCode;
    this.detail = opts.detail;
    this.ariStatus = opts.ariStatus;
  }

  /** Serialisable form for pino (`err` serializer keeps message/stack; this adds the facts). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, statusCode: this.statusCode, message: this.message, detail: this.detail };
  }
}

/** Type guard, optionally for one code: `isTelephonyError(e, 'CALL_NOT_FOUND')`. */
export function isTelephonyError(e: unknown, code?: TelephonyErrorCode): e is TelephonyError {
  return e instanceof TelephonyError && (code === undefined || e.code === code);
}
