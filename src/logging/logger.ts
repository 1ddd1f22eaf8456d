/**
 * pino JSON logs. Fields that carry citizens' phone numbers are masked and secrets removed, by
 * key, in the logged object and in plain objects nested up to two levels below it (what the
 * former redact paths `k`, `*.k`, `*.*.k` covered). HTTP requests go through the serializers
 * of request-log.ts (masked URL and body).
 *
 * Top-level keys (of a line and of a child's bindings) go through pino's `redact` with plain
 * paths, which costs nothing unless the key is there; nested ones through a log formatter.
 * pino's wildcard paths (`*.k`, `*.*.k`) walked and cloned every logged object, ~20 % of the
 * CPU of a request whose only lines are the access log (issue 18); the formatter looks at
 * each key once and copies an object only when it holds something to mask. Nothing is done
 * for a line whose level is off. Nested objects in child bindings are not looked into.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import { maskPhone, maskPhonesInText } from './mask.js';

const PHONE_KEYS = new Set(['phone', 'callerPhone', 'callerNumber', 'callerIdNum', 'caller', 'ani', 'connectedLineNum', 'callerid', 'calleridnum']);
const SECRET_KEYS = new Set(['password', 'passwordHash', 'token', 'secret', 'cookie', 'authorization']);
/** Levels below the logged object whose plain objects are looked into. */
const MAX_DEPTH = 2;

function maskValue(key: string, value: unknown): unknown {
  if (SECRET_KEYS.has(key)) return '[redacted]';
  // Only values that look like numbers are masked: a key may also hold a profile object.
  if ((typeof value === 'string' || typeof value === 'number') && String(value).replace(/\D/g, '').length >= 5) return maskPhone(value);
  return value;
}

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * `obj` with phone fields masked and secrets replaced in the plain objects it holds (not
 * arrays, errors or class instances, which serializers handle), up to MAX_DEPTH below it —
 * its own keys are left to the top-level redact paths. The same object when there is nothing
 * to change; the caller's object is never modified.
 */
export function maskLogObject<T extends Record<string, unknown>>(obj: T, depth = 0): T {
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    const value = obj[key];
    let next: unknown = value;
    if (depth > 0 && (PHONE_KEYS.has(key) || SECRET_KEYS.has(key))) next = maskValue(key, value);
    else if (depth < MAX_DEPTH && isPlain(value)) next = maskLogObject(value, depth + 1);
    if (next !== value) (out ??= { ...obj })[key] = next;
  }
  return (out ?? obj) as T;
}

/**
 * The text "params: …" a query error puts in its message and stack: drizzle's DrizzleQueryError
 * (node-postgres) ends both with the statement's parameters, a reporter's phone, name and words
 * among them. Found through `query` and `params`, on the error or a cause.
 */
function paramTexts(err: unknown): string[] {
  const texts: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const params = (e as { params?: unknown }).params;
    if (Array.isArray(params) && typeof (e as { query?: unknown }).query === 'string') texts.push(`params: ${String(params)}`);
  }
  return texts;
}

/** A serialized error with those parameters left out, and phones masked in PostgreSQL's `detail` (Key (phone)=(…)). */
function withoutParams(value: unknown, texts: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return texts.reduce((s, t) => s.split(t).join('params: [redacted]'), value);
  if (typeof value !== 'object' || value === null || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => withoutParams(v, texts, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'params') out[k] = '[redacted]';
    else if (k === 'detail' && typeof v === 'string') out[k] = maskPhonesInText(v);
    else out[k] = withoutParams(v, texts, depth + 1);
  }
  return out;
}

/** pino's `err` serializer, without a failed statement's parameters. */
function serializeError(err: Error): unknown {
  return withoutParams(pino.stdSerializers.err(err), paramTexts(err));
}

export function createLogger(opts: { level: string; name?: string; format?: 'json' | 'pretty' }, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    name: opts.name ?? 'sunline',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...PHONE_KEYS, ...SECRET_KEYS], censor: (value: unknown, path: string[]) => maskValue(path[path.length - 1] ?? '', value) },
    formatters: { log: (obj) => maskLogObject(obj) },
    serializers: { err: serializeError },
  };
  if (opts.format === 'pretty') {
    // Pretty lines are formatted in this process, after the masking above (SUNLINE_LOG_FORMAT).
    // pino-pretty is required only here: ~10 MB of RSS a JSON-logging server need not carry.
    const pretty = (createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty)({
      colorize: !destination && process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      sync: true,
      ...(destination ? { destination } : {}),
    });
    return pino(options, pretty);
  }
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
