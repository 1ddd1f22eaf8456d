/** The knowledge base's figures on SQLite (kb-store.ts KbFigureQueries; the rates: figures.ts). */
import { and, count, countDistinct, desc, eq, gte, lt, max, sql } from 'drizzle-orm';
import { kbAnswers, kbArticleVersions, kbArticles, kbMissedSearches, workOrderEvents, workOrders, type KbArticleType } from '../db/schema.js';
import type { SqliteConn } from '../db/sqlite-async.js';
import type { KbFigureQueries, MostUsedRow, OnSpotRow } from './kb-store.js';

export class SqliteKbFigureQueries implements KbFigureQueries {
  constructor(protected readonly conn: SqliteConn) {}

  onSpotByHotline(from: number, to: number): Promise<OnSpotRow[]> {
    const answeredOnSpot = sql`exists (select 1 from ${workOrderEvents} e where e.order_id = ${workOrders.id} and e.action = 'answer_on_spot')`;
    const withArticle = sql`exists (select 1 from ${kbAnswers} a where a.order_id = ${workOrders.id})`;
    return this.conn.run((db) =>
      db
        .select({
          hotline: workOrders.channel,
          orders: count(),
          onSpot: sql<number>`sum(case when ${answeredOnSpot} or ${withArticle} then 1 else 0 end)`,
          withArticle: sql<number>`sum(case when ${withArticle} then 1 else 0 end)`,
        })
        .from(workOrders)
        .where(and(gte(workOrders.createdAt, from), lt(workOrders.createdAt, to), sql`${workOrders.status} <> 'draft'`))
        .groupBy(workOrders.channel)
        .orderBy(workOrders.channel)
        .all()
        .map((r) => ({ ...r, onSpot: Number(r.onSpot), withArticle: Number(r.withArticle) })),
    );
  }

  answeredByType(from: number, to: number): Promise<Array<{ type: KbArticleType; orders: number }>> {
    return this.conn.run((db) =>
      db
        .select({ type: kbArticleVersions.type, orders: countDistinct(kbAnswers.orderId) })
        .from(kbAnswers)
        .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbAnswers.versionId))
        .innerJoin(workOrders, eq(workOrders.id, kbAnswers.orderId))
        .where(and(gte(workOrders.createdAt, from), lt(workOrders.createdAt, to), sql`${workOrders.status} <> 'draft'`))
        .groupBy(kbArticleVersions.type)
        .orderBy(kbArticleVersions.type)
        .all(),
    );
  }

  mostUsed(from: number, to: number, limit: number): Promise<MostUsedRow[]> {
    return this.conn.run((db) =>
      db
        .select({ articleId: kbAnswers.articleId, unitId: kbArticles.unitId, uses: count(), lastVersionId: max(kbAnswers.versionId) })
        .from(kbAnswers)
        .innerJoin(kbArticles, eq(kbArticles.id, kbAnswers.articleId))
        .where(and(gte(kbAnswers.at, from), lt(kbAnswers.at, to)))
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
        })),
    );
  }

  missedSearches(from: number, to: number, limit: number): Promise<Array<{ query: string; times: number; lastAt: number }>> {
    return this.conn.run((db) =>
      db
        .select({ query: kbMissedSearches.query, times: count(), lastAt: max(kbMissedSearches.at) })
        .from(kbMissedSearches)
        .where(and(gte(kbMissedSearches.at, from), lt(kbMissedSearches.at, to)))
        .groupBy(kbMissedSearches.query)
        .orderBy(desc(count()), kbMissedSearches.query)
        .limit(limit)
        .all()
        .map((r) => ({ query: r.query, times: r.times, lastAt: r.lastAt ?? 0 })),
    );
  }

  staleByUnit(today: string, overdueBefore: string): Promise<Array<{ unitId: string; stale: number; overdue: number }>> {
    return this.conn.run((db) =>
      db
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
        .map((r) => ({ unitId: r.unitId, stale: r.stale, overdue: Number(r.overdue) })),
    );
  }
}
