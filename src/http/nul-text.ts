/**
 * Text with a NUL character (U+0000) is refused with 400 VALIDATION_FAILED, in a path, a query
 * or a JSON body, before any handler runs. PostgreSQL stores no NUL in text (every statement that
 * carries one fails: a 500, on reads too), and no one's address, complaint or search has one; SQLite
 * would keep it, so both dialects refuse it here alike.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

/** The path of the first string in `value` (objects and arrays, nested) that holds a NUL, or undefined. */
function nulAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
    const found = nulAt(v, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function installNulTextRefusal(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    const path = nulAt(req.params, 'params') ?? nulAt(req.query, 'querystring') ?? nulAt(req.body, 'body');
    if (!path) return done();
    done(new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message: 'must not contain NUL characters' }] }));
  });
}
