/**
 * Fixed error codes for everything that talks to Asterisk (decision 0009 #5). ARI/AMI/network
 * failures are translated into these at the gateway, so nothing above `telephony/` ever sees an
 * HTTP status from Asterisk, a `fetch failed` TypeError or an AMI `Response: Error` block.
 */
import { defineErrors } from '../errors/index.js';

/**
 * Each code defined once, with its HTTP status and a fixed, internals-free message.
 * CHANNEL_GONE is the telephony layer's own "no such channel": the calls layer translates it
 * (CALL_NOT_FOUND in the public API means only "no such live call", src/calls/errors.ts).
 */
const TelephonyErrorBase = defineErrors('TelephonyError', {
  ASTERISK_UNAVAILABLE: [503, 'the telephony server is unavailable'],
  ASTERISK_TIMEOUT: [504, 'Telephony did not answer in time'],
  ASTERISK_AUTH_FAILED: [503, 'Telephony rejected our credentials'],
  /** The Asterisk channel (call leg) is gone: ARI 404 on /channels, or 400 "Channel not found". */
  CHANNEL_GONE: [404, 'The call leg is gone'],
  ARI_NOT_FOUND: [404, 'Telephony resource not found'],
  ARI_CONFLICT: [409, 'Telephony resource is in a conflicting state'],
  ARI_BAD_REQUEST: [400, 'Telephony rejected the request'],
  ARI_UNPROCESSABLE: [422, 'Telephony could not process the request'],
  ARI_PRECONDITION_FAILED: [412, 'Call is not in a state that allows this'],
  ARI_ERROR: [502, 'Telephony returned an unexpected error'],
  AMI_ACTION_FAILED: [502, 'Telephony action failed'],
  AMI_INVALID_FIELD: [400, 'Invalid telephony action field'],
});

export const TELEPHONY_ERRORS = TelephonyErrorBase.catalogue;

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
export class TelephonyError extends TelephonyErrorBase {
  declare readonly code: TelephonyErrorCode;
  readonly detail: string | undefined;
  readonly ariStatus: number | undefined;

  constructor(code: TelephonyErrorCode, opts: TelephonyErrorOptions = {}) {
    super(code, undefined, { cause: opts.cause });
    this.detail = opts.detail;
    this.ariStatus = opts.ariStatus;
  }

  /** Serialisable form for pino (`err` serializer keeps message/stack; this adds the facts). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, statusCode: this.statusCode, message: this.message, detail: this.detail };
  }
}

/** Type guard, optionally for one code: `isTelephonyError(e, 'CHANNEL_GONE')`. */
export function isTelephonyError(e: unknown, code?: TelephonyErrorCode): e is TelephonyError {
  return e instanceof TelephonyError && (code === undefined || e.code === code);
}
