/** The knowledge base's tables (only this file, figures.ts and attachments.ts know them). */
import { and, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import {
  kbAnswers,
  kbArticleVersions,
  kbAttachments,
  kbArticles,
  kbAudit,
  kbMissedSearches,
  type KbArticleType,
  type KbAuditAction,
  type KbSearchWords,
  type KbVersionState,
} from '../db/schema.js';
import type { ArticleFieldsValue } from './article-input.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type ArticleRow = typeof kbArticles.$inferSelect;
export type VersionRow = typeof kbArticleVersions.$inferSelect;
export type AuditRow = typeof kbAudit.$inferSelect;

/** The version fields an edit sets (the owning unit lives on the article). */
export type VersionFields = Omit<ArticleFieldsValue, 'unitId'>;

/** The editors' list: by unit, the current version's state, category, areas (any of them) and type, withdrawn or not. */
export interface KbListFilter {
  readonly unitId?: string | undefined;
  readonly state?: KbVersionState | undefined;
  readonly withdrawn?: boolean | undefined;
  readonly category?: string | undefined;
  readonly areas?: readonly string[] | undefined;
  readonly type?: KbArticleType | undefined;
}

export class KbRepository {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => T): T {
    return this.db.transaction(fn, { behavior: 'immediate' });
  }

  article(id: number, tx: Db | Tx = this.db): ArticleRow | undefined {
    return tx.select().from(kbArticles).where(eq(kbArticles.id, id)).get();
  }

  version(id: number, tx: Db | Tx = this.db): VersionRow | undefined {
    return tx.select().from(kbArticleVersions).where(eq(kbArticleVersions.id, id)).get();
  }

  versions(articleId: number): VersionRow[] {
    return this.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, articleId)).orderBy(desc(kbArticleVersions.versionNo)).all();
  }

  audit(articleId: number): AuditRow[] {
    return this.db.select().from(kbAudit).where(eq(kbAudit.articleId, articleId)).orderBy(desc(kbAudit.id)).all();
  }

  insertArticle(tx: Tx, unitId: string, at: number): ArticleRow {
    return tx.insert(kbArticles).values({ unitId, createdAt: at, updatedAt: at }).returning().get();
  }

  insertVersion(tx: Tx, articleId: number, versionNo: number, fields: VersionFields, authorId: number, at: number): VersionRow {
    return tx
      .insert(kbArticleVersions)
      .values({ articleId, versionNo, state: 'draft', ...fields, authorId, createdAt: at, updatedAt: at })
      .returning()
      .get();
  }

  /** A new draft starts with the files of the version it follows: rows of its own, the same stored files. */
  /** Copies a version's attachment rows to another version; returns old id → new id (for the body's image references). */
  copyAttachments(tx: Tx, fromVersionId: number, toVersionId: number): Map<number, number> {
    const rows = tx.select().from(kbAttachments).where(eq(kbAttachments.versionId, fromVersionId)).orderBy(kbAttachments.id).all();
    const ids = new Map<number, number>();
    for (const { id, ...row } of rows) {
      const copy = tx
        .insert(kbAttachments)
        .values({ ...row, versionId: toVersionId })
        .returning({ id: kbAttachments.id })
        .get();
      ids.set(id, copy.id);
    }
    return ids;
  }

  /** The ids of a version's attached images. */
  imageIds(versionId: number, tx?: Tx): Set<number> {
    const rows = (tx ?? this.db)
      .select({ id: kbAttachments.id, mediaType: kbAttachments.mediaType })
      .from(kbAttachments)
      .where(eq(kbAttachments.versionId, versionId))
      .all();
    return new Set(rows.filter((r) => r.mediaType.startsWith('image/')).map((r) => r.id));
  }

  updateVersion(tx: Tx, id: number, set: Partial<typeof kbArticleVersions.$inferInsert>): void {
    tx.update(kbArticleVersions).set(set).where(eq(kbArticleVersions.id, id)).run();
  }

  updateArticle(tx: Tx, id: number, set: Partial<typeof kbArticles.$inferInsert>): void {
    tx.update(kbArticles).set(set).where(eq(kbArticles.id, id)).run();
  }

  maxVersionNo(tx: Tx, articleId: number): number {
    const row = tx
      .select({ n: sql<number>`max(${kbArticleVersions.versionNo})` })
      .from(kbArticleVersions)
      .where(eq(kbArticleVersions.articleId, articleId))
      .get();
    return row?.n ?? 0;
  }

  writeAudit(tx: Tx, row: { at: number; articleId: number; versionId: number | null; actorId: number; action: KbAuditAction; note?: string | null }): void {
    tx.insert(kbAudit)
      .values({ ...row, note: row.note ?? null })
      .run();
  }

  /** Articles with their current versions for a management list (newest change first). */
  list(filter: KbListFilter, limit: number, offset: number) {
    const conds = [];
    if (filter.unitId !== undefined) conds.push(eq(kbArticles.unitId, filter.unitId));
    // The current version (the draft, else the published one) has the category / one of the areas / the type.
    const current = sql`coalesce(${kbArticles.draftVersionId}, ${kbArticles.publishedVersionId})`;
    if (filter.category !== undefined)
      conds.push(sql`exists (select 1 from kb_article_versions cv, json_each(cv.categories) c where cv.id = ${current} and c.value = ${filter.category})`);
    if (filter.areas !== undefined && filter.areas.length > 0) {
      const areas = sql.join(
        filter.areas.map((a) => sql`${a}`),
        sql`, `,
      );
      // As in a search: an article without areas applies everywhere.
      conds.push(
        sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and (json_array_length(cv.areas) = 0 or exists (select 1 from json_each(cv.areas) a where a.value in (${areas}))))`,
      );
    }
    if (filter.type !== undefined) conds.push(sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and cv.type = ${filter.type})`);
    if (filter.withdrawn !== undefined) conds.push(eq(kbArticles.withdrawn, filter.withdrawn));
    if (filter.state !== undefined) {
      const ids = this.db
        .select({ id: kbArticleVersions.articleId })
        .from(kbArticleVersions)
        .where(
          and(
            eq(kbArticleVersions.state, filter.state),
            sql`${kbArticleVersions.id} in (select coalesce(${kbArticles.draftVersionId}, ${kbArticles.publishedVersionId}) from ${kbArticles})`,
          ),
        );
      conds.push(inArray(kbArticles.id, ids));
    }
    return this.db
      .select()
      .from(kbArticles)
      .where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(desc(kbArticles.updatedAt), desc(kbArticles.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  /** The units that own articles (withdrawn ones left out). */
  owningUnits(): string[] {
    return this.db
      .selectDistinct({ unitId: kbArticles.unitId })
      .from(kbArticles)
      .where(eq(kbArticles.withdrawn, false))
      .orderBy(kbArticles.unitId)
      .all()
      .map((r) => r.unitId);
  }

  /** The categories of the published versions (of articles not withdrawn), in order, at most `limit`. */
  publishedCategories(limit: number): string[] {
    return this.db
      .all<{ c: string }>(
        sql`select distinct c.value as c from kb_articles ka join kb_article_versions v on v.id = ka.published_version_id, json_each(v.categories) c
            where ka.withdrawn = 0 order by c.value limit ${limit}`,
      )
      .map((r) => r.c);
  }

  /** Published articles past their review-by date (not withdrawn), of one unit or all, the longest overdue first. */
  stale(today: string, unitId: string | undefined, limit: number): Array<{ article: ArticleRow; version: VersionRow }> {
    const conds = [eq(kbArticles.withdrawn, false), lt(kbArticleVersions.reviewBy, today)];
    if (unitId !== undefined) conds.push(eq(kbArticles.unitId, unitId));
    return this.db
      .select()
      .from(kbArticles)
      .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
      .where(and(...conds))
      .orderBy(kbArticleVersions.reviewBy, kbArticles.id)
      .limit(limit)
      .all()
      .map((r) => ({ article: r.kb_articles, version: r.kb_article_versions }));
  }

  /** Every article whose published version agents may be shown (withdrawn ones left out). */
  publishedVersions(articleIds?: readonly number[]): Array<{ article: ArticleRow; version: VersionRow }> {
    const q = this.db.select().from(kbArticles).innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId));
    const rows =
      articleIds === undefined
        ? q.where(eq(kbArticles.withdrawn, false)).all()
        : q.where(and(eq(kbArticles.withdrawn, false), inArray(kbArticles.id, [...articleIds]))).all();
    return rows.map((r) => ({ article: r.kb_articles, version: r.kb_article_versions }));
  }

  /** Published articles after `afterArticleId` in id order, `limit` of them (the index's build reads the base in pages). */
  publishedPage(afterArticleId: number, limit: number): Array<{ article: ArticleRow; version: VersionRow }> {
    return this.db
      .select()
      .from(kbArticles)
      .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
      .where(and(eq(kbArticles.withdrawn, false), gt(kbArticles.id, afterArticleId)))
      .orderBy(kbArticles.id)
      .limit(limit)
      .all()
      .map((r) => ({ article: r.kb_articles, version: r.kb_article_versions }));
  }

  /** Keeps versions' search words (segmented by the index's build because they had none, or of an older segmenter). */
  saveSearchWords(rows: ReadonlyArray<{ versionId: number; words: KbSearchWords }>): void {
    if (rows.length === 0) return;
    this.db.transaction((tx) => {
      for (const r of rows) tx.update(kbArticleVersions).set({ searchWords: r.words }).where(eq(kbArticleVersions.id, r.versionId)).run();
    });
  }

  /** The audit's and the answers' last ids: another node's change shows as a larger one. */
  revision(): { audit: number; answers: number } {
    const a = this.db
      .select({ n: sql<number | null>`max(${kbAudit.id})` })
      .from(kbAudit)
      .get();
    const b = this.db
      .select({ n: sql<number | null>`max(${kbAnswers.id})` })
      .from(kbAnswers)
      .get();
    return { audit: a?.n ?? 0, answers: b?.n ?? 0 };
  }

  articlesChangedSince(auditId: number): number[] {
    return this.db
      .selectDistinct({ id: kbAudit.articleId })
      .from(kbAudit)
      .where(gt(kbAudit.id, auditId))
      .all()
      .map((r) => r.id);
  }

  answersSince(answerId: number): Array<{ articleId: number; hotline: string }> {
    return this.db.select({ articleId: kbAnswers.articleId, hotline: kbAnswers.hotline }).from(kbAnswers).where(gt(kbAnswers.id, answerId)).all();
  }

  /** The versions an order was answered with, oldest link first, with their titles. */
  answersOf(orderId: number) {
    return this.db
      .select({
        articleId: kbAnswers.articleId,
        versionId: kbAnswers.versionId,
        versionNo: kbArticleVersions.versionNo,
        title: kbArticleVersions.title,
        hotline: kbAnswers.hotline,
        actorId: kbAnswers.actorId,
        at: kbAnswers.at,
      })
      .from(kbAnswers)
      .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbAnswers.versionId))
      .where(eq(kbAnswers.orderId, orderId))
      .orderBy(kbAnswers.id)
      .all();
  }

  /** Returns false when the order was already answered with this article (kept once). */
  insertAnswer(row: typeof kbAnswers.$inferInsert): boolean {
    return this.db.insert(kbAnswers).values(row).onConflictDoNothing().run().changes === 1;
  }

  recordMissedSearch(row: typeof kbMissedSearches.$inferInsert): void {
    this.db.insert(kbMissedSearches).values(row).run();
  }
}
