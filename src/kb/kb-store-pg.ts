/** The knowledge base's repository on PostgreSQL (kb-store.ts; the async port: db/postgres-async.ts). jsonb's functions stay here. */
import { and, asc, count, desc, eq, gt, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { kbAnswers, kbArticleVersions, kbArticles, kbAttachments, kbAudit, kbMissedSearches } from '../db/schema-pg.js';
import type { KbSearchWords } from '../db/schema.js';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { PgKbFigureQueries } from './kb-figures-pg.js';
import type {
  AnswerInsert,
  AnsweredWith,
  ArticleRow,
  ArticleSet,
  AttachmentInsert,
  AttachmentRow,
  AuditRow,
  KbListFilter,
  KbQueries,
  KbStore,
  MissedSearchInsert,
  NewKbAudit,
  Published,
  VersionFields,
  VersionRow,
  VersionSet,
} from './kb-store.js';

const published = (rows: Array<{ kb_articles: ArticleRow; kb_article_versions: VersionRow }>): Published[] =>
  rows.map((r) => ({ article: r.kb_articles, version: r.kb_article_versions }));

class PgKbQueries extends PgKbFigureQueries implements KbQueries {
  constructor(db: PgConn) {
    super(db);
  }

  async article(id: number, lock?: 'lock'): Promise<ArticleRow | undefined> {
    const q = this.db.select().from(kbArticles).where(eq(kbArticles.id, id));
    const [row] = lock === 'lock' ? await q.for('update') : await q;
    return row;
  }

  async version(id: number): Promise<VersionRow | undefined> {
    const [row] = await this.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.id, id));
    return row;
  }

  versions(articleId: number): Promise<VersionRow[]> {
    return this.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, articleId)).orderBy(desc(kbArticleVersions.versionNo));
  }

  audit(articleId: number): Promise<AuditRow[]> {
    return this.db.select().from(kbAudit).where(eq(kbAudit.articleId, articleId)).orderBy(desc(kbAudit.id));
  }

  async insertArticle(unitId: string, at: number): Promise<ArticleRow> {
    const [row] = await this.db.insert(kbArticles).values({ unitId, createdAt: at, updatedAt: at }).returning();
    return row!;
  }

  async insertVersion(articleId: number, versionNo: number, fields: VersionFields, authorId: number, at: number): Promise<VersionRow> {
    const [row] = await this.db
      .insert(kbArticleVersions)
      .values({ articleId, versionNo, state: 'draft', ...fields, authorId, createdAt: at, updatedAt: at })
      .returning();
    return row!;
  }

  async updateVersion(id: number, set: VersionSet): Promise<void> {
    await this.db.update(kbArticleVersions).set(set).where(eq(kbArticleVersions.id, id));
  }

  async updateArticle(id: number, set: ArticleSet): Promise<void> {
    await this.db.update(kbArticles).set(set).where(eq(kbArticles.id, id));
  }

  async maxVersionNo(articleId: number): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number | null>`max(${kbArticleVersions.versionNo})` })
      .from(kbArticleVersions)
      .where(eq(kbArticleVersions.articleId, articleId));
    return row?.n ?? 0;
  }

  async insertAudit(row: NewKbAudit): Promise<void> {
    await this.db.insert(kbAudit).values({ ...row, note: row.note ?? null });
  }

  list(filter: KbListFilter, limit: number, offset: number): Promise<ArticleRow[]> {
    const conds: SQL[] = [];
    if (filter.unitId !== undefined) conds.push(eq(kbArticles.unitId, filter.unitId));
    // The current version (the draft, else the published one) has the category / one of the areas / the type.
    const current = sql`coalesce(${kbArticles.draftVersionId}, ${kbArticles.publishedVersionId})`;
    if (filter.category !== undefined)
      conds.push(sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and cv.categories @> ${JSON.stringify([filter.category])}::jsonb)`);
    if (filter.areas !== undefined && filter.areas.length > 0) {
      // As in a search: an article without areas applies everywhere.
      conds.push(
        sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and (jsonb_array_length(cv.areas) = 0 or cv.areas ?| ${sql.param([...filter.areas])}::text[]))`,
      );
    }
    if (filter.type !== undefined) conds.push(sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and cv.type = ${filter.type})`);
    if (filter.withdrawn !== undefined) conds.push(eq(kbArticles.withdrawn, filter.withdrawn));
    if (filter.state !== undefined) conds.push(sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and cv.state = ${filter.state})`);
    return this.db
      .select()
      .from(kbArticles)
      .where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(desc(kbArticles.updatedAt), desc(kbArticles.id))
      .limit(limit)
      .offset(offset);
  }

  async owningUnits(): Promise<string[]> {
    const rows = await this.db
      .select({ unitId: kbArticles.unitId })
      .from(kbArticles)
      .where(eq(kbArticles.withdrawn, false))
      .groupBy(kbArticles.unitId)
      .orderBy(sql`${kbArticles.unitId} collate "C"`);
    return rows.map((r) => r.unitId);
  }

  async publishedCategories(limit: number): Promise<string[]> {
    // COLLATE "C": by code point, as SQLite's binary order.
    const r = await this.db.execute<{ c: string }>(
      sql`select c.value as c from kb_articles ka join kb_article_versions v on v.id = ka.published_version_id, jsonb_array_elements_text(v.categories) c(value)
          where not ka.withdrawn group by c.value order by c.value collate "C" limit ${limit}`,
    );
    return r.rows.map((row) => row.c);
  }

  async stale(today: string, unitId: string | undefined, limit: number): Promise<Published[]> {
    const conds = [eq(kbArticles.withdrawn, false), lt(kbArticleVersions.reviewBy, today)];
    if (unitId !== undefined) conds.push(eq(kbArticles.unitId, unitId));
    return published(
      await this.db
        .select()
        .from(kbArticles)
        .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
        .where(and(...conds))
        .orderBy(kbArticleVersions.reviewBy, kbArticles.id)
        .limit(limit),
    );
  }

  async publishedVersions(articleIds?: readonly number[]): Promise<Published[]> {
    if (articleIds !== undefined && articleIds.length === 0) return [];
    const q = this.db.select().from(kbArticles).innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId));
    return published(
      articleIds === undefined
        ? await q.where(eq(kbArticles.withdrawn, false)).orderBy(kbArticles.id)
        : await q.where(and(eq(kbArticles.withdrawn, false), inArray(kbArticles.id, [...articleIds]))).orderBy(kbArticles.id),
    );
  }

  async publishedPage(afterArticleId: number, limit: number): Promise<Published[]> {
    return published(
      await this.db
        .select()
        .from(kbArticles)
        .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
        .where(and(eq(kbArticles.withdrawn, false), gt(kbArticles.id, afterArticleId)))
        .orderBy(kbArticles.id)
        .limit(limit),
    );
  }

  async saveSearchWords(rows: ReadonlyArray<{ versionId: number; words: KbSearchWords }>): Promise<void> {
    for (const r of rows) await this.db.update(kbArticleVersions).set({ searchWords: r.words }).where(eq(kbArticleVersions.id, r.versionId));
  }

  async revision(): Promise<{ audit: number; answers: number }> {
    const r = await this.db.execute<{ audit: number | null; answers: number | null }>(
      sql`select (select max(id) from kb_audit) as audit, (select max(id) from kb_answers) as answers`,
    );
    const row = r.rows[0];
    return { audit: Number(row?.audit ?? 0), answers: Number(row?.answers ?? 0) };
  }

  async articlesChangedSince(auditId: number): Promise<number[]> {
    const rows = await this.db.selectDistinct({ id: kbAudit.articleId }).from(kbAudit).where(gt(kbAudit.id, auditId));
    return rows.map((r) => r.id);
  }

  answersSince(afterId: number, upToId: number): Promise<Array<{ articleId: number; hotline: string }>> {
    return this.db
      .select({ articleId: kbAnswers.articleId, hotline: kbAnswers.hotline })
      .from(kbAnswers)
      .where(and(gt(kbAnswers.id, afterId), lte(kbAnswers.id, upToId)))
      .orderBy(kbAnswers.id);
  }

  answersOf(orderId: number): Promise<AnsweredWith[]> {
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
      .orderBy(kbAnswers.id);
  }

  async insertAnswer(row: AnswerInsert): Promise<boolean> {
    // Two links of one order and article at once (two nodes): one row, the other told it was there.
    const rows = await this.db.insert(kbAnswers).values(row).onConflictDoNothing().returning({ id: kbAnswers.id });
    return rows.length === 1;
  }

  async insertMissedSearch(row: MissedSearchInsert): Promise<void> {
    await this.db.insert(kbMissedSearches).values(row);
  }

  attachmentsOf(versionId: number): Promise<AttachmentRow[]> {
    return this.db.select().from(kbAttachments).where(eq(kbAttachments.versionId, versionId)).orderBy(asc(kbAttachments.id));
  }

  async attachmentOfVersion(versionId: number, attachmentId: number): Promise<AttachmentRow | undefined> {
    const [row] = await this.db
      .select()
      .from(kbAttachments)
      .where(and(eq(kbAttachments.versionId, versionId), eq(kbAttachments.id, attachmentId)));
    return row;
  }

  async attachmentOfArticle(articleId: number, attachmentId: number): Promise<AttachmentRow | undefined> {
    const [row] = await this.db
      .select()
      .from(kbAttachments)
      .where(and(eq(kbAttachments.id, attachmentId), eq(kbAttachments.articleId, articleId)));
    return row;
  }

  async insertAttachment(row: AttachmentInsert): Promise<AttachmentRow> {
    const [inserted] = await this.db.insert(kbAttachments).values(row).returning();
    return inserted!;
  }

  async deleteAttachment(id: number): Promise<void> {
    await this.db.delete(kbAttachments).where(eq(kbAttachments.id, id));
  }

  async storedNameUses(storedName: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(kbAttachments).where(eq(kbAttachments.storedName, storedName));
    return row?.n ?? 0;
  }

  async storedNames(): Promise<string[]> {
    const rows = await this.db.select({ stored: kbAttachments.storedName }).from(kbAttachments);
    return rows.map((r) => r.stored);
  }

  async copyAttachments(fromVersionId: number, toVersionId: number): Promise<Map<number, number>> {
    const rows = await this.db.select().from(kbAttachments).where(eq(kbAttachments.versionId, fromVersionId)).orderBy(kbAttachments.id);
    const ids = new Map<number, number>();
    for (const { id, ...row } of rows) {
      const [copy] = await this.db
        .insert(kbAttachments)
        .values({ ...row, versionId: toVersionId })
        .returning({ id: kbAttachments.id });
      ids.set(id, copy!.id);
    }
    return ids;
  }
}

export function pgKbStore(db: PostgresAsyncDb): KbStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgKbQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgKbQueries(tx))),
  };
}
