/**
 * Likely repeats of an order (重复诉求), for the dispatcher to merge or link: orders of the same
 * reporter's phone, at the same place, or with similar text (the FTS trigram index), created
 * within REPEAT_WINDOW_DAYS of it, each with the reasons it was suggested.
 */
import { WorkOrderError } from '../errors.js';
import { toView } from '../queries.js';
import { toWorkOrder, type WorkOrderRow } from '../repository.js';
import { canSee } from '../scope.js';
import type { DeskReadsStore, NearQuery } from './desk-reads-store.js';
import { ftsQuery } from './desk-reads-store-sqlite.js';
import { deskView, type DeskOrderView, type DeskReader } from './search.js';

/**
 * The window, in calendar days either side of the order's creation. The longest default time
 * limit (report 举报, 15 working days) is about three calendar weeks, and a repeat is a call about
 * a demand still being handled or just answered: 30 days covers any category's handling and the
 * weeks after it, where repeats cluster, without drowning the list in last year's orders.
 */
export const REPEAT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;
/** Suggestions shown; per reason this many candidates are read. */
export const MAX_SIMILAR = 10;

export type RepeatReason = 'same_phone' | 'same_place' | 'similar_text';

export interface SimilarOrder {
  readonly order: DeskOrderView;
  /** Strongest first: the same reporter, the same place, similar text. */
  readonly reasons: RepeatReason[];
}

/** The order's likely repeats in the reader's scope, in one read; ORDER_NOT_FOUND when the order is outside it. */
export function similarOrders(store: DeskReadsStore, reader: DeskReader, orderId: number): Promise<SimilarOrder[]> {
  return store.read(async (q) => {
    const row = await q.order(orderId);
    const order = row && toWorkOrder(row);
    if (!order || !canSee(reader.scope, order)) throw new WorkOrderError('ORDER_NOT_FOUND', `work order ${orderId} not found`);
    const near: NearQuery = {
      selfId: order.id,
      from: order.createdAt - REPEAT_WINDOW_DAYS * DAY_MS,
      to: order.createdAt + REPEAT_WINDOW_DAYS * DAY_MS,
      limit: MAX_SIMILAR,
    };
    const found = new Map<number, { row: WorkOrderRow; reasons: Set<RepeatReason> }>();
    const add = (rows: WorkOrderRow[], reason: RepeatReason) => {
      for (const row of rows) {
        if (!canSee(reader.scope, row)) continue;
        const hit = found.get(row.id) ?? { row, reasons: new Set<RepeatReason>() };
        hit.reasons.add(reason);
        found.set(row.id, hit);
      }
    };

    // A hidden reporter stays hidden: the same phone is not a reason where either order is confidential.
    const phoneShown = !reader.scope.hideReporter || !order.fields.confidential;
    if (order.callerPhone && phoneShown) add(await q.newestWithPhone(near, order.callerPhone, reader.scope.hideReporter), 'same_phone');
    const place = order.fields.location?.trim();
    if (place) add(await q.newestAtPlace(near, place), 'same_place');
    // The subject is the demand in a few words; an order without one is known by its content's start.
    const phrases = phrasesOf(order.fields.subject?.trim() || (order.fields.content ?? '').slice(0, 60));
    // Of the newest 2 × MAX_SIMILAR text matches by id, those not merged and in the window.
    if (phrases.length > 0) add(await q.textNear(near, phrases, MAX_SIMILAR * 2), 'similar_text');

    const rank = (r: Set<RepeatReason>) => (r.has('same_phone') ? 4 : 0) + (r.has('same_place') ? 2 : 0) + (r.has('similar_text') ? 1 : 0);
    return [...found.values()]
      .sort((a, b) => rank(b.reasons) - rank(a.reasons) || b.row.createdAt - a.row.createdAt || b.row.id - a.row.id)
      .slice(0, MAX_SIMILAR)
      .map(({ row, reasons }) => ({
        order: deskView(toView(row, reader.scope), reader),
        reasons: (['same_phone', 'same_place', 'similar_text'] as const).filter((r) => reasons.has(r)),
      }));
  });
}

/**
 * An FTS5 query for text like `text` (an order's subject): its runs of 4+ characters (Chinese has
 * no spaces, so a phrase is one run) cut into 4-character phrases at every other character, any
 * of which may match — a common stretch of 5 characters always holds one; the trigram index finds
 * each phrase. At most MAX_PHRASES, from the start; null when too short.
 */
const MAX_PHRASES = 12;

/** The phrases of `text` (see above), at most MAX_PHRASES, from the start. */
export function phrasesOf(text: string): string[] {
  const phrases = new Set<string>();
  for (const run of text.split(/[\s\p{P}\p{S}\p{Cc}]+/u)) {
    const chars = [...run];
    for (let i = 0; i + 4 <= chars.length && phrases.size < MAX_PHRASES; i += 2) phrases.add(chars.slice(i, i + 4).join(''));
    if (chars.length >= 3 && chars.length < 4 && phrases.size < MAX_PHRASES) phrases.add(run);
  }
  return [...phrases];
}

/** The FTS5 query for text like `text` (SQLite's statement of textNear); null when too short. */
export function ftsQueryOf(text: string): string | null {
  return ftsQuery(phrasesOf(text));
}
