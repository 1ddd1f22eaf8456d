/**
 * One error model (decision 0009 #5): every domain defines its fixed codes once, each with its
 * HTTP status and a default message, through `defineErrors`; HTTP replies and socket acks render
 * them alike through `errorBody`. A leaf: imports nothing of ours.
 */

/** A domain's codes: `CODE: [status, 'default message']`. */
export type ErrorSpec = Readonly<Record<string, readonly [status: number, message: string]>>;

/** One catalogue entry. */
export interface ErrorDef<C extends string = string> {
  readonly code: C;
  readonly statusCode: number;
  /** The default message; what a 5xx body shows whatever the thrower wrote. */
  readonly message: string;
}

export type Catalogue<S extends ErrorSpec> = { readonly [C in keyof S & string]: ErrorDef<C> };

export interface CodedErrorOptions {
  /** Machine-readable facts for the client (`error.details`). */
  readonly details?: unknown;
  /** When the client may try again (HTTP `Retry-After`). */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * An error with a fixed code. Only subclasses made by `defineErrors` exist, so each instance's
 * code, status and default message come from exactly one catalogue.
 */
export abstract class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly statusCode: number;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;
  /** The catalogue entry of `code` (not enumerable: log serializers walk an error's own fields, and the entry is frozen). */
  declare readonly def: ErrorDef<C>;

  protected constructor(def: ErrorDef<C>, message: string | undefined, opts: CodedErrorOptions = {}) {
    super(message ?? def.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    Object.defineProperty(this, 'def', { value: def, enumerable: false });
    this.code = def.code;
    this.statusCode = def.statusCode;
    this.details = opts.details;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** The class `defineErrors` returns: `new XError(code, message?, options?)`, plus its catalogue. */
export interface CodedErrorClass<S extends ErrorSpec> {
  new (code: keyof S & string, message?: string, opts?: CodedErrorOptions): CodedError<keyof S & string>;
  readonly catalogue: Catalogue<S>;
}

/**
 * Define a domain's error codes once: `export class CallError extends defineErrors('CallError',
 * { CALL_NOT_FOUND: [404, 'no such call'] }) {}`. The returned class's instances carry `code`,
 * `statusCode` and `message` (the thrower's words, or the default); `details` and
 * `retryAfterSeconds` when given.
 */
export function defineErrors<const S extends ErrorSpec>(name: string, spec: S): CodedErrorClass<S> {
  const catalogue = Object.freeze(
    Object.fromEntries(Object.entries(spec).map(([code, [statusCode, message]]) => [code, Object.freeze({ code, statusCode, message })])),
  ) as Catalogue<S>;
  const DomainError = class extends CodedError<keyof S & string> {
    static readonly catalogue = catalogue;
    constructor(code: keyof S & string, message?: string, opts?: CodedErrorOptions) {
      const def = catalogue[code];
      if (!def) throw new TypeError(`${name}: unknown error code ${String(code)}`);
      super(def, message, opts);
      this.name = name;
    }
  };
  Object.defineProperty(DomainError, 'name', { value: name });
  return DomainError;
}

/** The one test of what counts as a coded error, for the HTTP error handler and socket acks alike. */
export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}
