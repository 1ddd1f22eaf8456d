/**
 * A search term in an order's text on PostgreSQL (order-reads-store-pg.ts, desk/desk-reads-store-pg.ts):
 * case-insensitive, as SQLite's FTS5 trigram index matches. ILIKE lowercases the whole text of
 * every candidate row it checks; a term with no letter that has a case (Chinese, digits,
 * punctuation: most searches here) finds the same rows with LIKE, which compares the bytes — the
 * text's lowercasing cannot make such a term appear, since no letter lowercases to a caseless
 * character. Both use the trigram indexes (pg_trgm folds case in its trigrams either way).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { WORK_ORDER_CONFIDENTIAL_NAME, WORK_ORDER_SEARCH_TEXT, workOrders as o } from '../db/schema-pg.js';

/** `%term%` for (I)LIKE, with LIKE's own characters escaped (PostgreSQL's default escape is the backslash). */
const contains = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Whether no character of `term` has a case (so LIKE and ILIKE match the same rows). */
export const caseless = (term: string): boolean => term.toLowerCase() === term.toUpperCase();

/** `expr` contains `term`, case-insensitively. */
export function hasTerm(expr: SQLWrapper, term: string): SQL {
  const p = contains(term);
  return caseless(term) ? sql`${expr} like ${p}` : sql`${expr} ilike ${p}`;
}

/**
 * A term of 3+ characters in the searched text (WORK_ORDER_SEARCH_TEXT, the expression
 * work_orders_search_trgm_idx indexes), and, for readers who may see confidential reporters, in
 * the confidential name (`confidential and`: what lets PostgreSQL use the name's partial index,
 * WHERE confidential, for that arm of the OR).
 */
export function textHas(term: string, hideReporter: boolean): SQL {
  return hideReporter
    ? hasTerm(WORK_ORDER_SEARCH_TEXT, term)
    : sql`(${hasTerm(WORK_ORDER_SEARCH_TEXT, term)} or (${o.confidential} and ${hasTerm(WORK_ORDER_CONFIDENTIAL_NAME, term)}))`;
}
