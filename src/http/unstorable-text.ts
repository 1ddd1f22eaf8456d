/**
 * Text that no database here can store as sent is refused with 400 VALIDATION_FAILED, in a path,
 * a query or a JSON body, before any handler runs, naming the field:
 *
 * - a NUL character (U+0000): PostgreSQL stores no NUL in text (every statement that carries one
 *   fails: a 500, on reads too), and no one's address, complaint or search has one; SQLite would
 *   keep it;
 * - an unpaired surrogate (a UTF-16 half of a character, e.g. the JSON escape "\ud800" alone): it is
 *   no character at all; PostgreSQL refuses it in jsonb (an order's history, an article's
 *   keywords, a saved search: a 500), and in text both databases would store U+FFFD instead.
 *
 * Both dialects refuse them here alike. Socket payloads have their own, stricter check
 * (realtime/payload.ts: no control characters at all).
 */
import type { FastifyInstance } from 'fastify';
import { firstWrongText, unstorable } from '../lib/storable-text.js';
import { AppError } from './errors.js';

/** The first string or key in `value` that cannot be stored (lib/storable-text.ts): its path under `root` and what is wrong. */
export function unstorableTextAt(value: unknown, root: string): { path: string; message: string } | undefined {
  return firstWrongText(value, unstorable, root);
}

export function installUnstorableTextRefusal(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    const found = unstorableTextAt(req.params, 'params') ?? unstorableTextAt(req.query, 'querystring') ?? unstorableTextAt(req.body, 'body');
    if (!found) return done();
    done(new AppError('VALIDATION_FAILED', undefined, { details: [found] }));
  });
}
