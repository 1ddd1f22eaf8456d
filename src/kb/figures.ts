/**
 * The knowledge base's figures (issue 15 item 5): 当场答复率 (overall, per hotline, per article
 * type), the most-used articles, searches that found nothing, stale articles per unit. A read of
 * work_orders and work_order_events beside the KB's own tables: the rate is about orders.
 */
import { and, count, countDistinct, desc, eq, gte, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { kbAnswers, kbArticleVersions, kbArticles, kbMissedSearches, workOrderEvents, workOrders, type KbArticleType } from '../db/schema.js';
import { addDays } from './workflow.js';

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

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

export function onSpotFigures(db: Db, from: number, to: number): OnSpotFigures {
  const answeredOnSpot = sql`exists (select 1 from ${workOrderEvents} e where e.order_id = ${workOrders.id} and e.action = 'answer_on_spot')`;
  const withArticle = sql`exists (select 1 from ${kbAnswers} a where a.order_id = ${workOrders.id})`;
  const inPeriod = and(gte(workOrders.createdAt, from), lt(workOrders.createdAt, to), sql`${workOrders.status} <> 'draft'`);
  const rows = db
    .select({
      hotline: workOrders.channel,
      orders: count(),
      onSpot: sql<number>`sum(case when ${answeredOnSpot} or ${withArticle} then 1 else 0 end)`,
      withArticle: sql<number>`sum(case when ${withArticle} then 1 else 0 end)`,
    })
    .from(workOrders)
    .where(inPeriod)
    .groupBy(workOrders.channel)
    .orderBy(workOrders.channel)
    .all();
  const byType = db
    .select({ type: kbArticleVersions.type, orders: countDistinct(kbAnswers.orderId) })
    .from(kbAnswers)
    .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbAnswers.versionId))
    .innerJoin(workOrders, eq(workOrders.id, kbAnswers.orderId))
    .where(inPeriod)
    .groupBy(kbArticleVersions.type)
    .all();
  const orders = rows.reduce((n, r) => n + r.orders, 0);
  const onSpot = rows.reduce((n, r) => n + Number(r.onSpot), 0);
  return {
    orders,
    onSpot,
    rate: rate(onSpot, orders),
    withArticle: rows.reduce((n, r) => n + Number(r.withArticle), 0),
    byHotline: rows.map((r) => ({ hotline: r.hotline, orders: r.orders, onSpot: Number(r.onSpot), rate: rate(Number(r.onSpot), r.orders) })),
    byType: byType.map((r) => ({ type: r.type, orders: r.orders, rate: rate(r.orders, orders) })),
  };
}

/** Articles agents answered with most in the period (the title of the version they used last). */
export function mostUsed(db: Db, from: number, to: number, limit: number, hotline?: string) {
  return db
    .select({ articleId: kbAnswers.articleId, unitId: kbArticles.unitId, uses: count(), lastVersionId: max(kbAnswers.versionId) })
    .from(kbAnswers)
    .innerJoin(kbArticles, eq(kbArticles.id, kbAnswers.articleId))
    .where(and(gte(kbAnswers.at, from), lt(kbAnswers.at, to), hotline === undefined ? undefined : eq(kbAnswers.hotline, hotline)))
    .groupBy(kbAnswers.articleId, kbArticles.unitId)
    .orderBy(desc(count()), kbAnswers.articleId)
    .limit(limit)
    .all()
    .map((r) => ({
      ...r,
      title:
        r.lastVersionId === null
          ? ''
          : (db.select({ t: kbArticleVersions.title }).from(kbArticleVersions).where(eq(kbArticleVersions.id, r.lastVersionId)).get()?.t ?? ''),
    }));
}

/** What the knowledge base is missing: queries that found nothing, most frequent first. */
export function missedSearches(db: Db, from: number, to: number, limit: number) {
  return db
    .select({ query: kbMissedSearches.query, times: count(), lastAt: max(kbMissedSearches.at) })
    .from(kbMissedSearches)
    .where(and(gte(kbMissedSearches.at, from), lt(kbMissedSearches.at, to)))
    .groupBy(kbMissedSearches.query)
    .orderBy(desc(count()), kbMissedSearches.query)
    .limit(limit)
    .all()
    .map((r) => ({ query: r.query, times: r.times, lastAt: r.lastAt ?? 0 }));
}

/** 时效性: per unit, published articles past their review-by date, and those past it by more than the grace days (the centre's to chase). */
export function staleByUnit(db: Db, today: string, graceDays: number) {
  const overdueBefore = addDays(today, -graceDays);
  return db
    .select({
      unitId: kbArticles.unitId,
      stale: count(),
      overdue: sql<number>`sum(case when ${kbArticleVersions.reviewBy} < ${overdueBefore} then 1 else 0 end)`,
    })
    .from(kbArticles)
    .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
    .where(and(eq(kbArticles.withdrawn, false), lt(kbArticleVersions.reviewBy, today)))
    .groupBy(kbArticles.unitId)
    .orderBy(kbArticles.unitId)
    .all()
    .map((r) => ({ unitId: r.unitId, stale: r.stale, overdue: Number(r.overdue) }));
}
