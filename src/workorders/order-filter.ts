/** What a list of work orders asks for: filters, paging and order (queries.ts, order-pages.ts, unit-pages.ts). */
import type { OrderCategory, OrderStatus } from './lifecycle/index.js';

export const ORDER_SORTS = ['createdAt', 'deadlineAt'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export interface OrderFilter {
  readonly status?: readonly OrderStatus[];
  readonly category?: OrderCategory;
  readonly channel?: string;
  readonly leadUnitId?: string;
  /** The reporter's phone, exact (the order desk's search; work_orders_caller_phone_idx). */
  readonly callerPhone?: string;
  /** Past the handling deadline and still waiting for the unit's reply. */
  readonly overdue?: boolean;
  readonly createdFrom?: number;
  readonly createdTo?: number;
  /** Free text: terms of 3+ characters go through the trigram index, shorter ones match the subject. */
  readonly q?: string;
  readonly page?: number;
  readonly pageSize?: number;
  /**
   * createdAt: newest first (with a text search of 3+ character terms: by order id, the order
   * in which orders were taken); deadlineAt: most urgent first, orders without a deadline last.
   */
  readonly sort?: OrderSort;
}

/**
 * The list's rules, the same for every dialect (order-reads-store.ts): the adapters turn them
 * into SQL (order-pages.ts and unit-pages.ts on SQLite, order-reads-store-pg.ts on PostgreSQL).
 */

/** Lists count matches up to this many; beyond it `total` is this and `totalCapped` true. */
export const TOTAL_CAP = 10_000;

/**
 * A text search (`q`) counts up to this many instead, as the order desk's searches do
 * (desk/text-window.ts DESK_COUNT_CAP): each candidate's text is checked again, row by row
 * (PostgreSQL's trigram index gives candidates, not matches), and a common phrase has tens of
 * thousands of them among a big centre's orders — counting 10,001 of them took ~150 ms at 1M.
 */
export const SEARCH_TOTAL_CAP = 1_000;

/** How far the count of a list with this filter goes: `total` at most this, `totalCapped` beyond it. */
export function countCapOf(f: OrderFilter): number {
  const { long, short } = searchTerms(f.q);
  return long.length + short.length > 0 ? SEARCH_TOTAL_CAP : TOTAL_CAP;
}

/**
 * Statuses in which the unit still owes its reply: only these can be overdue (once replied,
 * the deadline was met or missed for good and statistics take over).
 */
export const AWAITING_REPLY: readonly OrderStatus[] = ['dispatched', 'signed', 'in_progress', 'returned', 'supervised'];

/** The statuses a filter admits (its own, and only those awaiting a reply when overdue); undefined: any. */
export function statusesOf(f: OrderFilter): readonly OrderStatus[] | undefined {
  const own = f.status && f.status.length > 0 ? [...new Set(f.status)] : undefined;
  if (!f.overdue) return own;
  return own ? own.filter((s) => AWAITING_REPLY.includes(s)) : AWAITING_REPLY;
}

/** Characters a search term needs to go through the trigram index (SQLite FTS5 trigram, PostgreSQL pg_trgm). */
export const INDEXED_TERM_CHARS = 3;

/**
 * A search text's terms: separated by whitespace and control characters (the API refuses the
 * latter; other callers may not). `long` terms (3+ characters) must each occur, case-insensitively,
 * in the subject, content, location or reporter's name (each within one of them); `short` ones
 * in the subject.
 */
export function searchTerms(q: string | undefined): { readonly long: string[]; readonly short: string[] } {
  const terms = (q ?? '').split(/[\s\p{Cc}]+/u).filter(Boolean);
  return {
    long: terms.filter((t) => [...t].length >= INDEXED_TERM_CHARS),
    short: terms.filter((t) => [...t].length < INDEXED_TERM_CHARS),
  };
}

/**
 * The order of a list: `newestId` (a text search with 3+ character terms not sorted by
 * deadline: by order id, newest first, the order orders were taken in), `createdAt` (newest
 * first, then id) or `deadlineAt` (most urgent first, orders without a deadline last, then id).
 */
export type ListOrder = 'newestId' | OrderSort;

export function listOrderOf(f: OrderFilter): ListOrder {
  if (f.sort === 'deadlineAt') return 'deadlineAt';
  return searchTerms(f.q).long.length > 0 ? 'newestId' : 'createdAt';
}

/**
 * A page shorter than its limit that holds rows is the last one: the matches are the offset
 * plus its rows, without counting them again. An empty page past the first says nothing: count.
 */
export function countFromPage(rows: number, limit: number, offset: number): number | undefined {
  return rows < limit && (rows > 0 || offset === 0) ? offset + rows : undefined;
}
