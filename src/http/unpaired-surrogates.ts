/**
 * Text with an unpaired surrogate (a UTF-16 half of a character, e.g. the JSON escape "\ud800"
 * alone) is refused with 400 VALIDATION_FAILED, in a path, a query or a JSON body, before any
 * handler runs. It is no character at all: PostgreSQL refuses it in jsonb (an order's history,
 * an article's keywords, a saved search: a 500), and in text both databases would store U+FFFD
 * in its place; so both dialects refuse it here alike.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNPAIRED_SURROGATE_MESSAGE = 'must not contain unpaired surrogates';

/** The path of the first string or key in `value` (objects and arrays, nested) with an unpaired surrogate, or undefined. */
export function unpairedSurrogateAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return UNPAIRED.test(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (UNPAIRED.test(key)) return `${path}.${key.replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}`;
    const found = unpairedSurrogateAt(v, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function installUnpairedSurrogateRefusal(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    const path = unpairedSurrogateAt(req.params, 'params') ?? unpairedSurrogateAt(req.query, 'querystring') ?? unpairedSurrogateAt(req.body, 'body');
    if (!path) return done();
    done(new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message: UNPAIRED_SURROGATE_MESSAGE }] }));
  });
}
