/**
 * A server refusal (its error code, src/http/errors) in the reader's language, found the same way
 * on every page: the page's own words (`<page>.error.<CODE>`) first, then the words all pages
 * share (`error.<CODE>`, messages/common.ts: a database out of reach, an expired session, no
 * permission, a failed security check, too many requests…). No React here, so that server-side
 * tests can load it.
 */
import { HttpError } from './api.js';

/** The page's `t`; it answers undefined for a key the dictionary lacks. */
type Lookup = (key: never) => string | undefined;

/** The words for `code` on `page` (a message-key prefix such as 'desk' or 'config.prompts'); undefined when none are known. */
export function refusalWords(t: Lookup, page: string, code: string): string | undefined {
  if (!code) return undefined;
  const lookup = t as (key: string) => string | undefined;
  return lookup(`${page}.error.${code}`) ?? lookup(`error.${code}`);
}

/** `failed: words`, or `failed: CODE` for a code without words, or `failed: the error` when it is not the server's refusal. */
export function failureLine(t: Lookup, page: string, failed: string, err: unknown): string {
  if (!(err instanceof HttpError)) return `${failed}: ${err instanceof Error ? err.message : String(err)}`;
  return `${failed}: ${refusalWords(t, page, err.code) ?? err.code}`;
}
