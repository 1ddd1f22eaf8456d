/**
 * The knowledge base's figures (issue 15 item 5): 当场答复率 (overall, per hotline, per article
 * type), the most-used articles, searches that found nothing, stale articles per unit. A read of
 * work_orders and work_order_events beside the KB's own tables (the rate is about orders), through
 * the knowledge base's port (kb-store.ts): the statements there, the rates here.
 */
import type { KbArticleType } from '../db/schema.js';
import type { KbQueries, MostUsedRow } from './kb-store.js';
import { addDays } from './workflow.js';
import { maskPhonesInText } from '../logging/mask.js';

export interface OnSpotFigures {
  /** Orders created in the period, every channel (drafts of calls still running left out). */
  readonly orders: number;
  /** Of these, answered on the spot (the lifecycle's answer_on_spot, or answered with an article). */
  readonly onSpot: number;
  readonly rate: number;
  readonly withArticle: number;
  /** By the order's channel: the dialled hotline, or an online channel. */
  readonly byHotline: Array<{ hotline: string; orders: number; onSpot: number; rate: number }>;
  /** Orders answered with an article of each type, and their share of the period's orders. */
  readonly byType: Array<{ type: KbArticleType; orders: number; rate: number }>;
}

export interface KbFigures {
  readonly onSpot: OnSpotFigures;
  readonly mostUsed: MostUsedRow[];
  readonly missedSearches: Array<{ query: string; times: number; lastAt: number }>;
  readonly staleByUnit: Array<{ unitId: string; stale: number; overdue: number }>;
}

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

/** The figures of orders created and answers given in [from, to); stale articles as of `today` (overdue past `graceDays`). Read with one `q`. */
export async function kbFigures(q: KbQueries, from: number, to: number, today: string, graceDays: number): Promise<KbFigures> {
  const rows = await q.onSpotByHotline(from, to);
  const byType = await q.answeredByType(from, to);
  const orders = rows.reduce((n, r) => n + r.orders, 0);
  const onSpot = rows.reduce((n, r) => n + r.onSpot, 0);
  return {
    onSpot: {
      orders,
      onSpot,
      rate: rate(onSpot, orders),
      withArticle: rows.reduce((n, r) => n + r.withArticle, 0),
      byHotline: rows.map((r) => ({ hotline: r.hotline, orders: r.orders, onSpot: r.onSpot, rate: rate(r.onSpot, r.orders) })),
      byType: byType.map((r) => ({ type: r.type, orders: r.orders, rate: rate(r.orders, orders) })),
    },
    // Articles agents answered with most in the period (the title of the version they used last).
    mostUsed: await q.mostUsed(from, to, 20),
    // What the knowledge base is missing: queries that found nothing, most frequent first.
    // (Masked as they are stored: kb-service.ts find; rows stored before that are masked here.)
    missedSearches: (await q.missedSearches(from, to, 50)).map((m) => ({ ...m, query: maskPhonesInText(m.query) })),
    // 时效性: per unit, published articles past their review-by date, and those past it by more than the grace days (the centre's to chase).
    staleByUnit: await q.staleByUnit(today, addDays(today, -graceDays)),
  };
}
