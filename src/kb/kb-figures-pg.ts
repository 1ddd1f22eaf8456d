/** The knowledge base's figures on PostgreSQL (kb-store.ts KbFigureQueries; the rates: figures.ts). */
import { and, count, countDistinct, desc, eq, gte, lt, max, sql } from 'drizzle-orm';
import type { PgConn } from '../db/postgres-async.js';
import { kbAnswers, kbArticleVersions, kbArticles, kbMissedSearches, workOrderEvents, workOrders } from '../db/schema-pg.js';
import type { KbArticleType } from '../db/schema.js';
import type { KbFigureQueries, MostUsedRow, OnSpotRow } from './kb-store.js';

export class PgKbFigureQueries implements KbFigureQueries {
  constructor(protected readonly db: PgConn) {}

  async onSpotByHotline(from: number, to: number): Promise<OnSpotRow[]> {
    const answeredOnSpot = sql`exists (select 1 from ${workOrderEvents} e where e.order_id = ${workOrders.id} and e.action = 'answer_on_spot')`;
    const withArticle = sql`exists (select 1 from ${kbAnswers} a where a.order_id = ${workOrders.id})`;
    const rows = await this.db
      .select({
        hotline: workOrders.channel,
        orders: count(),
        onSpot: sql<number>`sum(case when ${answeredOnSpot} or ${withArticle} then 1 else 0 end)`,
        withArticle: sql<number>`sum(case when ${withArticle} then 1 else 0 end)`,
      })
      .from(workOrders)
      .where(and(gte(workOrders.createdAt, from), lt(workOrders.createdAt, to), sql`${workOrders.status} <> 'draft'`))
      .groupBy(workOrders.channel)
      .orderBy(sql`${workOrders.channel} collate "C"`);
    return rows.map((r) => ({ ...r, onSpot: Number(r.onSpot), withArticle: Number(r.withArticle) }));
  }

  answeredByType(from: number, to: number): Promise<Array<{ type: KbArticleType; orders: number }>> {
    return this.db
      .select({ type: kbArticleVersions.type, orders: countDistinct(kbAnswers.orderId) })
      .from(kbAnswers)
      .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbAnswers.versionId))
      .innerJoin(workOrders, eq(workOrders.id, kbAnswers.orderId))
      .where(and(gte(workOrders.createdAt, from), lt(workOrders.createdAt, to), sql`${workOrders.status} <> 'draft'`))
      .groupBy(kbArticleVersions.type)
      .orderBy(sql`${kbArticleVersions.type} collate "C"`);
  }

  async mostUsed(from: number, to: number, limit: number): Promise<MostUsedRow[]> {
    const rows = await this.db
      .select({
        articleId: kbAnswers.articleId,
        unitId: kbArticles.unitId,
        uses: count(),
        lastVersionId: max(kbAnswers.versionId),
        title: sql<string | null>`(select v.title from kb_article_versions v where v.id = max(${kbAnswers.versionId}))`,
      })
      .from(kbAnswers)
      .innerJoin(kbArticles, eq(kbArticles.id, kbAnswers.articleId))
      .where(and(gte(kbAnswers.at, from), lt(kbAnswers.at, to)))
      .groupBy(kbAnswers.articleId, kbArticles.unitId)
      .orderBy(desc(count()), kbAnswers.articleId)
      .limit(limit);
    return rows.map((r) => ({ ...r, title: r.title ?? '' }));
  }

  async missedSearches(from: number, to: number, limit: number): Promise<Array<{ query: string; times: number; lastAt: number }>> {
    const rows = await this.db
      .select({ query: kbMissedSearches.query, times: count(), lastAt: max(kbMissedSearches.at) })
      .from(kbMissedSearches)
      .where(and(gte(kbMissedSearches.at, from), lt(kbMissedSearches.at, to)))
      .groupBy(kbMissedSearches.query)
      .orderBy(desc(count()), sql`${kbMissedSearches.query} collate "C"`)
      .limit(limit);
    return rows.map((r) => ({ query: r.query, times: r.times, lastAt: Number(r.lastAt ?? 0) }));
  }

  async staleByUnit(today: string, overdueBefore: string): Promise<Array<{ unitId: string; stale: number; overdue: number }>> {
    const rows = await this.db
      .select({
        unitId: kbArticles.unitId,
        stale: count(),
        overdue: sql<number>`sum(case when ${kbArticleVersions.reviewBy} < ${overdueBefore} then 1 else 0 end)`,
      })
      .from(kbArticles)
      .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
      .where(and(eq(kbArticles.withdrawn, false), lt(kbArticleVersions.reviewBy, today)))
      .groupBy(kbArticles.unitId)
      .orderBy(sql`${kbArticles.unitId} collate "C"`);
    return rows.map((r) => ({ unitId: r.unitId, stale: r.stale, overdue: Number(r.overdue) }));
  }
}
