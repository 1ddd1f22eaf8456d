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

/** A key as a path shows it: control characters and surrogates written as \uXXXX. */
const shown = (key: string) => key.replace(/\p{Cc}|[\ud800-\udfff]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The first string or key in `value` (objects and arrays, to any depth: walked without recursion,
 * a request or a socket message being bounded in size) that `wrong` finds fault with: its path
 * (under `root`, keys joined by dots, shown escaped) and what is wrong; undefined when there is none.
 * Binary values are not text. Used by the HTTP refusal (http/unstorable-text.ts) and the socket
 * payload check (realtime/payload.ts).
 */
export function firstWrongText(value: unknown, wrong: (text: string) => string | undefined, root = ''): { path: string; message: string } | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, path] = next;
    if (typeof v === 'string') {
      const message = wrong(v);
      if (message) return { path, message };
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    const children: Array<[unknown, string]> = [];
    for (const [key, child] of Object.entries(v)) {
      const at = path ? `${path}.${shown(key)}` : shown(key);
      const message = wrong(key);
      if (message) return { path: at, message };
      children.push([child, at]);
    }
    stack.push(...children.reverse());
  }
  return undefined;
}
