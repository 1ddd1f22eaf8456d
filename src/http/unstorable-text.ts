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
import { unstorable } from '../lib/storable-text.js';
import { AppError } from './errors.js';

/** A key as a path shows it: NUL and surrogates written as \uXXXX. */
const shown = (key: string) => key.replaceAll('\u0000', '\\u0000').replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/**
 * The first string or key in `value` (objects and arrays, to any depth: walked without recursion,
 * the body being bounded by Fastify's body limit) that cannot be stored: its path under `root` and
 * what is wrong; undefined when there is none.
 */
export function unstorableTextAt(value: unknown, root: string): { path: string; message: string } | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, path] = next;
    if (typeof v === 'string') {
      const message = unstorable(v);
      if (message) return { path, message };
      continue;
    }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue;
    const children: Array<[unknown, string]> = [];
    for (const [key, child] of Object.entries(v)) {
      const at = `${path}.${shown(key)}`;
      const message = unstorable(key);
      if (message) return { path: at, message };
      children.push([child, at]);
    }
    stack.push(...children.reverse());
  }
  return undefined;
}

export function installUnstorableTextRefusal(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    const found = unstorableTextAt(req.params, 'params') ?? unstorableTextAt(req.query, 'querystring') ?? unstorableTextAt(req.body, 'body');
    if (!found) return done();
    done(new AppError('VALIDATION_FAILED', undefined, { details: [found] }));
  });
}
