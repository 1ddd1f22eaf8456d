/**
 * Text that no database here stores as written: a NUL character (PostgreSQL refuses it in text:
 * the statement fails) and an unpaired UTF-16 surrogate (PostgreSQL refuses it in jsonb; text
 * columns on both dialects would hold U+FFFD). Requests with it are refused before their handler
 * (http/unstorable-text.ts); an imported knowledge-base table refuses the row (kb/import.ts).
 */

export const NUL_MESSAGE = 'must not contain NUL characters';
export const UNPAIRED_SURROGATE_MESSAGE = 'must not contain unpaired surrogates';

const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with one string (one of the messages above), or undefined. */
export function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  return UNPAIRED.test(text) ? UNPAIRED_SURROGATE_MESSAGE : undefined;
}
