import { AppError } from './app-errors.js';
import { isCodedError } from './define-errors.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/**
 * The body of a refusal, for HTTP replies and socket acks alike: `{ error: { code, message,
 * details? } }`. 5xx bodies hide internals: the catalogue's message and no details, whatever the
 * thrower wrote; anything that is not a coded error is `INTERNAL`.
 */
export function errorBody(err: unknown): ErrorBody {
  if (!isCodedError(err)) {
    const { code, message } = AppError.catalogue.INTERNAL;
    return { error: { code, message } };
  }
  if (err.statusCode >= 500) return { error: { code: err.code, message: err.def.message } };
  return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
}
