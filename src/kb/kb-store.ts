/**
 * The knowledge base's repository as a port (issue 16, decision 0017): the statements of the
 * kb_* tables (and what the figures read of work orders), asynchronous, in one of two dialects
 * (kb-store-sqlite.ts, kb-store-pg.ts), held to the same behaviour by one contract suite
 * (test/kb/kb-store.test.ts). The rules (the workflow and its review states, who sees what, the
 * audit row of each change, the search index) stay above it, written once (kb-service.ts,
 * kb-articles.ts, attachments.ts, search-cache.ts, figures.ts).
 */
import type { Dialect } from '../db/async-db.js';
import type {
  KbArticleType,
  KbAuditAction,
  KbSearchWords,
  KbVersionState,
  kbAnswers,
  kbArticleVersions,
  kbArticles,
  kbAttachments,
  kbAudit,
  kbMissedSearches,
} from '../db/schema.js';
import type { ArticleFieldsValue } from './article-input.js';

/** The rows (the same types in both schema files: test/db/dialect-parity.test.ts). */
export type ArticleRow = typeof kbArticles.$inferSelect;
export type VersionRow = typeof kbArticleVersions.$inferSelect;
export type AuditRow = typeof kbAudit.$inferSelect;
export type AttachmentRow = typeof kbAttachments.$inferSelect;
export type AttachmentInsert = Omit<typeof kbAttachments.$inferInsert, 'id'>;
export type AnswerInsert = Omit<typeof kbAnswers.$inferInsert, 'id'>;
export type MissedSearchInsert = Omit<typeof kbMissedSearches.$inferInsert, 'id'>;
export type ArticleSet = Partial<Omit<typeof kbArticles.$inferInsert, 'id'>>;
export type VersionSet = Partial<Omit<typeof kbArticleVersions.$inferInsert, 'id'>>;

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

export interface NewKbAudit {
  readonly at: number;
  readonly articleId: number;
  readonly versionId: number | null;
  readonly actorId: number;
  readonly action: KbAuditAction;
  readonly note?: string | null;
}

export interface Published {
  readonly article: ArticleRow;
  readonly version: VersionRow;
}

export interface AnsweredWith {
  readonly articleId: number;
  readonly versionId: number;
  readonly versionNo: number;
  readonly title: string;
  readonly hotline: string;
  readonly actorId: number | null;
  readonly at: number;
}

/** Orders of a period by channel (the figures' 当场答复率). */
export interface OnSpotRow {
  readonly hotline: string;
  readonly orders: number;
  readonly onSpot: number;
  readonly withArticle: number;
}

export interface MostUsedRow {
  readonly articleId: number;
  readonly unitId: string;
  readonly uses: number;
  readonly lastVersionId: number | null;
  /** The title of the version used last ('' without one). */
  readonly title: string;
}

/** The figures' statements (figures.ts computes the rates). */
export interface KbFigureQueries {
  /** Orders created in [from, to) (not drafts) by channel: how many, answered on the spot, answered with an article. */
  onSpotByHotline(from: number, to: number): Promise<OnSpotRow[]>;
  /** Orders created in [from, to) answered with an article of each type. */
  answeredByType(from: number, to: number): Promise<Array<{ type: KbArticleType; orders: number }>>;
  mostUsed(from: number, to: number, limit: number): Promise<MostUsedRow[]>;
  missedSearches(from: number, to: number, limit: number): Promise<Array<{ query: string; times: number; lastAt: number }>>;
  /** Per unit, published articles reviewed-by before `today`, and of them before `overdueBefore`. */
  staleByUnit(today: string, overdueBefore: string): Promise<Array<{ unitId: string; stale: number; overdue: number }>>;
}

/** The statements, on one connection or inside one transaction. */
export interface KbQueries extends KbFigureQueries {
  /**
   * An article. `lock` (in a transaction): on PostgreSQL the row is read FOR UPDATE, so that two
   * changes of one article (two reviewers, an edit and an approval, two uploads) take turns and
   * the second decides on the first's result; on SQLite the writer lock already runs one
   * transaction at a time.
   */
  article(id: number, lock?: 'lock'): Promise<ArticleRow | undefined>;
  version(id: number): Promise<VersionRow | undefined>;
  /** An article's versions, the newest first. */
  versions(articleId: number): Promise<VersionRow[]>;
  /** An article's audit rows, the newest first. */
  audit(articleId: number): Promise<AuditRow[]>;
  insertArticle(unitId: string, at: number): Promise<ArticleRow>;
  /** A new draft version. */
  insertVersion(articleId: number, versionNo: number, fields: VersionFields, authorId: number, at: number): Promise<VersionRow>;
  updateVersion(id: number, set: VersionSet): Promise<void>;
  updateArticle(id: number, set: ArticleSet): Promise<void>;
  /** The article's highest version number (0: none). */
  maxVersionNo(articleId: number): Promise<number>;
  insertAudit(row: NewKbAudit): Promise<void>;
  /** Articles for the management list, newest change first. */
  list(filter: KbListFilter, limit: number, offset: number): Promise<ArticleRow[]>;
  /** The units that own articles (withdrawn ones left out), in order. */
  owningUnits(): Promise<string[]>;
  /** The categories of the published versions (of articles not withdrawn), in order, at most `limit`. */
  publishedCategories(limit: number): Promise<string[]>;
  /** Published articles past their review-by date (not withdrawn), of one unit or all, the longest overdue first. */
  stale(today: string, unitId: string | undefined, limit: number): Promise<Published[]>;
  /** The published versions agents may be shown (withdrawn ones left out), of the given articles or all. */
  publishedVersions(articleIds?: readonly number[]): Promise<Published[]>;
  /** Published articles after `afterArticleId` in id order, `limit` of them. */
  publishedPage(afterArticleId: number, limit: number): Promise<Published[]>;
  /** Keeps versions' search words. */
  saveSearchWords(rows: ReadonlyArray<{ versionId: number; words: KbSearchWords }>): Promise<void>;
  /** The audit's and the answers' last ids. */
  revision(): Promise<{ audit: number; answers: number }>;
  /** The articles with an audit row after `auditId`. */
  articlesChangedSince(auditId: number): Promise<number[]>;
  /** The answers with ids in (afterId, upToId], in id order. */
  answersSince(afterId: number, upToId: number): Promise<Array<{ articleId: number; hotline: string }>>;
  /** The versions an order was answered with, oldest link first, with their titles. */
  answersOf(orderId: number): Promise<AnsweredWith[]>;
  /** False when the order was already answered with this article (kept once: ON CONFLICT DO NOTHING). */
  insertAnswer(row: AnswerInsert): Promise<boolean>;
  insertMissedSearch(row: MissedSearchInsert): Promise<void>;

  /** A version's attachments, oldest first. */
  attachmentsOf(versionId: number): Promise<AttachmentRow[]>;
  attachmentOfVersion(versionId: number, attachmentId: number): Promise<AttachmentRow | undefined>;
  attachmentOfArticle(articleId: number, attachmentId: number): Promise<AttachmentRow | undefined>;
  insertAttachment(row: AttachmentInsert): Promise<AttachmentRow>;
  deleteAttachment(id: number): Promise<void>;
  /** Rows that name a stored file. */
  storedNameUses(storedName: string): Promise<number>;
  /** Every stored file name rows name. */
  storedNames(): Promise<string[]>;
  /** Copies a version's attachment rows to another version; old id → new id. */
  copyAttachments(fromVersionId: number, toVersionId: number): Promise<Map<number, number>>;
}

export interface KbStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: KbQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: KbQueries) => Promise<T>): Promise<T>;
}
