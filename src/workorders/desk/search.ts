/**
 * The order desk's search over every order in the caller's scope: the work-order list's filters
 * and full-text search (queries.ts readOrderPage on the async port, order-reads-store.ts: the
 * API's page, the same statements) plus an exact order number and the reporter's phone, with an
 * opaque cursor for the next page. The text search's window (text-window.ts) and the lookup by
 * number go through the desk's own port (desk-reads-store.ts).
 */
import { maskPhone } from '../../logging/mask.js';
import type { OrderFilter } from '../order-filter.js';
import { canSee, type OrderScope } from '../scope.js';
import type { OrderReadsStore } from '../order-reads-store.js';
import { countCapOf, MAX_PAGE_SIZE, readOrderPage, toView, type OrderView } from '../queries.js';
import type { DeskReadsStore } from './desk-reads-store.js';
import { DESK_COUNT_CAP, readTextWindow, SCAN_WINDOW, usesTextWindow } from './text-window.js';

export interface DeskSearch extends Omit<OrderFilter, 'page' | 'callerPhone'> {
  /** An order number (exact; the other filters are then ignored). */
  readonly number?: string;
  /** The reporter's phone (exact, digits). */
  readonly phone?: string;
  readonly cursor?: string;
}

/** A desk row: the order as the scope sees it, its phone masked when the viewer may not read phones. */
export type DeskOrderView = OrderView & { readonly phoneMasked: boolean };

export interface DeskSearchPage {
  readonly items: DeskOrderView[];
  /** Matches counted (up to TOTAL_CAP; for a text search with filters, DESK_COUNT_CAP within the first window). */
  readonly total: number;
  /** `total` is a lower bound: the count stopped at its cap, or the text search's window ended before the oldest match. */
  readonly totalCapped: boolean;
  readonly nextCursor: string | null;
  /**
   * A text search checked the newest SCAN_WINDOW matches only and this page is short because of
   * it: older orders may match too; nextCursor searches them (text-window.ts).
   */
  readonly partial: boolean;
}

export interface DeskReader {
  readonly scope: OrderScope;
  /** May read reporters' phone numbers in clear (and so search by them). */
  readonly readsPhones: boolean;
}

/** The order view for a desk user: phones masked (138****5678) for those who may not read them. */
export function deskView(view: OrderView, reader: DeskReader): DeskOrderView {
  if (reader.readsPhones || view.callerPhone === null) return { ...view, phoneMasked: false };
  return { ...view, callerPhone: maskPhone(view.callerPhone), phoneMasked: true };
}

/**
 * The search cursor is the next page's number (`p2`): the list's paging (order-pages.ts) walks
 * its indexes in list order up to the page, and counts up to its cap (countCapOf), so pages stay within it.
 * A newest-first text search pages by order id instead (`t<id>`: below that order; text-window.ts).
 */
const pageOf = (cursor: string | undefined): number | null => {
  if (cursor === undefined) return 1;
  const m = /^p(\d{1,5})$/.exec(cursor);
  return m ? Number(m[1]) : null;
};

/** A text search's cursor: the order id to continue below (keyset, text-window.ts). */
const belowOf = (cursor: string | undefined): number | null | undefined => {
  if (cursor === undefined) return null;
  const m = /^t(\d{1,15})$/.exec(cursor);
  return m ? Number(m[1]) : undefined;
};

/** Where the search reads: the list's pages through the work orders' port, the text window and a number through the desk's. */
export interface DeskSearchSource {
  readonly orderReads: OrderReadsStore;
  readonly deskReads: DeskReadsStore;
}

/** Search; null when the cursor is not one of ours. Searching by phone needs `readsPhones` (checked by the caller). */
export async function searchOrders(
  { orderReads, deskReads }: DeskSearchSource,
  reader: DeskReader,
  search: DeskSearch,
  now: number,
  window = SCAN_WINDOW,
): Promise<DeskSearchPage | null> {
  const { number, phone, cursor, ...rest } = search;
  const filter: OrderFilter = { ...rest, ...(phone !== undefined ? { callerPhone: phone } : {}) };
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, filter.pageSize ?? 20));
  if (number === undefined && usesTextWindow(filter)) {
    const below = belowOf(cursor);
    if (below === undefined) return null;
    const found = await readTextWindow(deskReads, { scope: reader.scope, filter, now, pageSize, before: below, window, countCap: DESK_COUNT_CAP });
    return {
      items: found.rows.map((r) => deskView(toView(r, reader.scope), reader)),
      total: Math.min(found.n, DESK_COUNT_CAP),
      totalCapped: found.n > DESK_COUNT_CAP || found.bounded,
      nextCursor: found.next === null ? null : `t${found.next}`,
      partial: found.partial,
    };
  }
  const page = pageOf(cursor);
  if (page === null) return null;
  if (number !== undefined) {
    const row = await deskReads.read((q) => q.orderByNumber(number));
    // An order number names one order: the other filters do not apply to it.
    const visible = row && canSee(reader.scope, row) ? [deskView(toView(row, reader.scope), reader)] : [];
    return { items: page === 1 ? visible : [], total: visible.length, totalCapped: false, nextCursor: null, partial: false };
  }
  const found = await readOrderPage(orderReads, reader.scope, { ...filter, page, pageSize }, now);
  const more = page * pageSize < found.total && page * pageSize < countCapOf(filter);
  return {
    items: found.items.map((v) => deskView(v, reader)),
    total: found.total,
    totalCapped: found.totalCapped,
    nextCursor: more ? `p${page + 1}` : null,
    partial: false,
  };
}
