/** What the knowledge base shows (kb-service.ts): an article as its reader may see it, a stale article, a search hit, and the API's parameters. */
import type { KbArticleType, KbVersionState } from '../db/schema.js';
import { shanghaiDayStart, SHANGHAI_OFFSET_MS } from '../lib/shanghai-time.js';
import type { Segment } from './highlight.js';
import type { ImportFile } from './import.js';
import type { ArticleRow, KbQueries, VersionRow } from './kb-store.js';
import type { KbSearchQuery } from './search-index.js';
import { staleness } from './workflow.js';
import type { XlsxFile } from './xlsx-import.js';

export interface KbOrderRef {
  /** The order's hotline: its channel when it came by phone. */
  readonly channel: string;
  readonly agentId: number | null;
}

export interface ArticleView {
  readonly id: number;
  readonly unitId: string;
  readonly withdrawn: boolean;
  /** What agents read; null until a version is approved. */
  readonly published: VersionRow | null;
  /** The version being edited or reviewed, to its editors and the reviewers only. */
  readonly draft: VersionRow | null;
  readonly staleness: 'fresh' | 'stale' | 'stale_overdue';
  readonly inForce: boolean;
}

/** A search as the API takes it: the engine's query with the words as `q` and one area (its ancestors are added). */
export type KbSearchParams = Omit<KbSearchQuery, 'text' | 'today' | 'areas'> & {
  readonly q: string;
  readonly area?: string | undefined;
  /** A live refinement as the agent types (the console's panel): a miss is not logged as a missed search. */
  readonly live?: boolean | undefined;
};

/** What an import reads: text files (CSV, Markdown) or workbooks. */
export type KbImportUpload =
  { readonly format: 'csv' | 'markdown'; readonly files: readonly ImportFile[] } | { readonly format: 'xlsx'; readonly files: readonly XlsxFile[] };

/** The editors' list filter as the API takes it (one area; its ancestors are added). */
export interface KbListParams {
  readonly unitId?: string | undefined;
  readonly state?: KbVersionState | undefined;
  readonly withdrawn?: boolean | undefined;
  readonly category?: string | undefined;
  readonly area?: string | undefined;
  readonly type?: KbArticleType | undefined;
}

export interface StaleArticle {
  readonly id: number;
  readonly unitId: string;
  readonly title: string;
  readonly reviewBy: string;
  readonly staleness: 'fresh' | 'stale' | 'stale_overdue';
  /** A new version is already being written or reviewed. */
  readonly hasDraft: boolean;
}

export interface KbSearchResult {
  readonly articleId: number;
  readonly versionId: number;
  readonly unitId: string;
  readonly type: KbArticleType;
  readonly title: Segment[];
  readonly snippet: Segment[];
  readonly score: number;
  readonly uses: number;
}

/** Beijing date YYYY-MM-DD of `ms`. */
export const beijingDay = (ms: number): string => new Date(shanghaiDayStart(ms) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** An article with its published and draft versions (read with `q`: one connection), as of Beijing day `today`. */
export async function articleView(q: KbQueries, article: ArticleRow, today: string, staleGraceDays: number): Promise<ArticleView> {
  const published = article.publishedVersionId === null ? null : ((await q.version(article.publishedVersionId)) ?? null);
  const draft = article.draftVersionId === null ? null : ((await q.version(article.draftVersionId)) ?? null);
  const inForce =
    published !== null &&
    (published.effectiveFrom === null || published.effectiveFrom <= today) &&
    (published.expiresOn === null || published.expiresOn > today);
  return {
    id: article.id,
    unitId: article.unitId,
    withdrawn: article.withdrawn,
    published,
    draft,
    staleness: published === null ? 'fresh' : staleness(published.reviewBy, today, staleGraceDays),
    inForce,
  };
}
