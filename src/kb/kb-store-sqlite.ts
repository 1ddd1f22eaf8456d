/** The knowledge base's repository on SQLite (kb-store.ts; the async port: db/sqlite-async.ts). json_each stays here. */
import { and, asc, count, desc, eq, gt, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { kbAnswers, kbArticleVersions, kbArticles, kbAttachments, kbAudit, kbMissedSearches } from '../db/schema.js';
import type { KbSearchWords } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import { SqliteKbFigureQueries } from './kb-figures-sqlite.js';
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

class SqliteKbQueries extends SqliteKbFigureQueries implements KbQueries {
  constructor(conn: SqliteConn) {
    super(conn);
  }

  article(id: number): Promise<ArticleRow | undefined> {
    return this.conn.run((db) => db.select().from(kbArticles).where(eq(kbArticles.id, id)).get());
  }

  version(id: number): Promise<VersionRow | undefined> {
    return this.conn.run((db) => db.select().from(kbArticleVersions).where(eq(kbArticleVersions.id, id)).get());
  }

  versions(articleId: number): Promise<VersionRow[]> {
    return this.conn.run((db) =>
      db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, articleId)).orderBy(desc(kbArticleVersions.versionNo)).all(),
    );
  }

  audit(articleId: number): Promise<AuditRow[]> {
    return this.conn.run((db) => db.select().from(kbAudit).where(eq(kbAudit.articleId, articleId)).orderBy(desc(kbAudit.id)).all());
  }

  insertArticle(unitId: string, at: number): Promise<ArticleRow> {
    return this.conn.run((db) => db.insert(kbArticles).values({ unitId, createdAt: at, updatedAt: at }).returning().get());
  }

  insertVersion(articleId: number, versionNo: number, fields: VersionFields, authorId: number, at: number): Promise<VersionRow> {
    return this.conn.run((db) =>
      db
        .insert(kbArticleVersions)
        .values({ articleId, versionNo, state: 'draft', ...fields, authorId, createdAt: at, updatedAt: at })
        .returning()
        .get(),
    );
  }

  updateVersion(id: number, set: VersionSet): Promise<void> {
    return this.conn.run((db) => {
      db.update(kbArticleVersions).set(set).where(eq(kbArticleVersions.id, id)).run();
    });
  }

  updateArticle(id: number, set: ArticleSet): Promise<void> {
    return this.conn.run((db) => {
      db.update(kbArticles).set(set).where(eq(kbArticles.id, id)).run();
    });
  }

  maxVersionNo(articleId: number): Promise<number> {
    return this.conn.run(
      (db) =>
        db
          .select({ n: sql<number | null>`max(${kbArticleVersions.versionNo})` })
          .from(kbArticleVersions)
          .where(eq(kbArticleVersions.articleId, articleId))
          .get()?.n ?? 0,
    );
  }

  insertAudit(row: NewKbAudit): Promise<void> {
    return this.conn.run((db) => {
      db.insert(kbAudit)
        .values({ ...row, note: row.note ?? null })
        .run();
    });
  }

  list(filter: KbListFilter, limit: number, offset: number): Promise<ArticleRow[]> {
    const conds: SQL[] = [];
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
    if (filter.state !== undefined) conds.push(sql`exists (select 1 from kb_article_versions cv where cv.id = ${current} and cv.state = ${filter.state})`);
    return this.conn.run((db) =>
      db
        .select()
        .from(kbArticles)
        .where(conds.length > 0 ? and(...conds) : undefined)
        .orderBy(desc(kbArticles.updatedAt), desc(kbArticles.id))
        .limit(limit)
        .offset(offset)
        .all(),
    );
  }

  owningUnits(): Promise<string[]> {
    return this.conn.run((db) =>
      db
        .selectDistinct({ unitId: kbArticles.unitId })
        .from(kbArticles)
        .where(eq(kbArticles.withdrawn, false))
        .orderBy(kbArticles.unitId)
        .all()
        .map((r) => r.unitId),
    );
  }

  publishedCategories(limit: number): Promise<string[]> {
    return this.conn.run((db) =>
      db
        .all<{ c: string }>(
          sql`select distinct c.value as c from kb_articles ka join kb_article_versions v on v.id = ka.published_version_id, json_each(v.categories) c
              where ka.withdrawn = 0 order by c.value limit ${limit}`,
        )
        .map((r) => r.c),
    );
  }

  stale(today: string, unitId: string | undefined, limit: number): Promise<Published[]> {
    const conds = [eq(kbArticles.withdrawn, false), lt(kbArticleVersions.reviewBy, today)];
    if (unitId !== undefined) conds.push(eq(kbArticles.unitId, unitId));
    return this.conn.run((db) =>
      published(
        db
          .select()
          .from(kbArticles)
          .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
          .where(and(...conds))
          .orderBy(kbArticleVersions.reviewBy, kbArticles.id)
          .limit(limit)
          .all(),
      ),
    );
  }

  publishedVersions(articleIds?: readonly number[]): Promise<Published[]> {
    return this.conn.run((db) => {
      const q = db.select().from(kbArticles).innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId));
      return published(
        articleIds === undefined
          ? q.where(eq(kbArticles.withdrawn, false)).orderBy(kbArticles.id).all()
          : q
              .where(and(eq(kbArticles.withdrawn, false), inArray(kbArticles.id, [...articleIds])))
              .orderBy(kbArticles.id)
              .all(),
      );
    });
  }

  publishedPage(afterArticleId: number, limit: number): Promise<Published[]> {
    return this.conn.run((db) =>
      published(
        db
          .select()
          .from(kbArticles)
          .innerJoin(kbArticleVersions, eq(kbArticleVersions.id, kbArticles.publishedVersionId))
          .where(and(eq(kbArticles.withdrawn, false), gt(kbArticles.id, afterArticleId)))
          .orderBy(kbArticles.id)
          .limit(limit)
          .all(),
      ),
    );
  }

  saveSearchWords(rows: ReadonlyArray<{ versionId: number; words: KbSearchWords }>): Promise<void> {
    return this.conn.run((db) => {
      for (const r of rows) db.update(kbArticleVersions).set({ searchWords: r.words }).where(eq(kbArticleVersions.id, r.versionId)).run();
    });
  }

  revision(): Promise<{ audit: number; answers: number }> {
    return this.conn.run((db) => {
      const a = db
        .select({ n: sql<number | null>`max(${kbAudit.id})` })
        .from(kbAudit)
        .get();
      const b = db
        .select({ n: sql<number | null>`max(${kbAnswers.id})` })
        .from(kbAnswers)
        .get();
      return { audit: a?.n ?? 0, answers: b?.n ?? 0 };
    });
  }

  articlesChangedSince(auditId: number): Promise<number[]> {
    return this.conn.run((db) =>
      db
        .selectDistinct({ id: kbAudit.articleId })
        .from(kbAudit)
        .where(gt(kbAudit.id, auditId))
        .all()
        .map((r) => r.id),
    );
  }

  answersSince(afterId: number, upToId: number): Promise<Array<{ articleId: number; hotline: string }>> {
    return this.conn.run((db) =>
      db
        .select({ articleId: kbAnswers.articleId, hotline: kbAnswers.hotline })
        .from(kbAnswers)
        .where(and(gt(kbAnswers.id, afterId), lte(kbAnswers.id, upToId)))
        .orderBy(kbAnswers.id)
        .all(),
    );
  }

  answersOf(orderId: number): Promise<AnsweredWith[]> {
    return this.conn.run((db) =>
      db
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
        .all(),
    );
  }

  insertAnswer(row: AnswerInsert): Promise<boolean> {
    return this.conn.run((db) => db.insert(kbAnswers).values(row).onConflictDoNothing().run().changes === 1);
  }

  insertMissedSearch(row: MissedSearchInsert): Promise<void> {
    return this.conn.run((db) => {
      db.insert(kbMissedSearches).values(row).run();
    });
  }

  attachmentsOf(versionId: number): Promise<AttachmentRow[]> {
    return this.conn.run((db) => db.select().from(kbAttachments).where(eq(kbAttachments.versionId, versionId)).orderBy(asc(kbAttachments.id)).all());
  }

  attachmentOfVersion(versionId: number, attachmentId: number): Promise<AttachmentRow | undefined> {
    return this.conn.run((db) =>
      db
        .select()
        .from(kbAttachments)
        .where(and(eq(kbAttachments.versionId, versionId), eq(kbAttachments.id, attachmentId)))
        .get(),
    );
  }

  attachmentOfArticle(articleId: number, attachmentId: number): Promise<AttachmentRow | undefined> {
    return this.conn.run((db) =>
      db
        .select()
        .from(kbAttachments)
        .where(and(eq(kbAttachments.id, attachmentId), eq(kbAttachments.articleId, articleId)))
        .get(),
    );
  }

  insertAttachment(row: AttachmentInsert): Promise<AttachmentRow> {
    return this.conn.run((db) => db.insert(kbAttachments).values(row).returning().get());
  }

  deleteAttachment(id: number): Promise<void> {
    return this.conn.run((db) => {
      db.delete(kbAttachments).where(eq(kbAttachments.id, id)).run();
    });
  }

  storedNameUses(storedName: string): Promise<number> {
    return this.conn.run((db) => db.select({ n: count() }).from(kbAttachments).where(eq(kbAttachments.storedName, storedName)).get()?.n ?? 0);
  }

  storedNames(): Promise<string[]> {
    return this.conn.run((db) =>
      db
        .select({ stored: kbAttachments.storedName })
        .from(kbAttachments)
        .all()
        .map((r) => r.stored),
    );
  }

  copyAttachments(fromVersionId: number, toVersionId: number): Promise<Map<number, number>> {
    return this.conn.run((db) => {
      const rows = db.select().from(kbAttachments).where(eq(kbAttachments.versionId, fromVersionId)).orderBy(kbAttachments.id).all();
      const ids = new Map<number, number>();
      for (const { id, ...row } of rows) {
        const copy = db
          .insert(kbAttachments)
          .values({ ...row, versionId: toVersionId })
          .returning({ id: kbAttachments.id })
          .get();
        ids.set(id, copy.id);
      }
      return ids;
    });
  }
}

export function sqliteKbStore(db: SqliteAsyncDb): KbStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteKbQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteKbQueries(tx))),
  };
}
