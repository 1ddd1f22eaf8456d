/**
 * The knowledge-base API's responses (src/http/routes/kb-routes.ts, kb-attachments-routes.ts):
 * articles and their versions, search hits, facets, stale articles, history, answers, figures,
 * files. The routes reply through these schemas (and OpenAPI describes them); the web app infers
 * its types from them (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';

/** The same lists as db/schema.ts (test/contract/http-responses-kb.test.ts checks them at compile time). */
export const KB_ARTICLE_TYPES = ['policy', 'duty', 'guide', 'faq', 'notice'] as const;
export type KbType = (typeof KB_ARTICLE_TYPES)[number];
export const KB_VERSION_STATES = ['draft', 'in_review', 'published', 'superseded', 'rejected'] as const;
export type KbState = (typeof KB_VERSION_STATES)[number];
export const KB_AUDIT_ACTIONS = ['create', 'update', 'submit', 'approve', 'reject', 'withdraw', 'import', 'attach', 'detach'] as const;
const Staleness = z.enum(['fresh', 'stale', 'stale_overdue']);

/** A piece of a title or snippet, `hit` where the query matched. */
export const Segment = z.object({ text: z.string(), hit: z.boolean() });
export type Segment = z.output<typeof Segment>;

/** One version of an article (GET /api/kb/versions/:id; an article's published and draft). */
export const KbVersion = z.object({
  id: z.number(),
  articleId: z.number(),
  versionNo: z.number(),
  state: z.enum(KB_VERSION_STATES),
  title: z.string(),
  body: z.string(),
  type: z.enum(KB_ARTICLE_TYPES),
  hotlines: z.array(z.string()),
  categories: z.array(z.string()),
  areas: z.array(z.string()),
  keywords: z.array(z.string()),
  effectiveFrom: z.string().nullable(),
  expiresOn: z.string().nullable(),
  reviewBy: z.string().nullable(),
  authorId: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  reviewerId: z.number().nullable(),
  reviewedAt: z.number().nullable(),
  reviewNote: z.string().nullable(),
  publishedAt: z.number().nullable(),
});
export type KbVersion = z.output<typeof KbVersion>;

/** An article: its published version and its draft (either may be null). */
export const KbArticle = z.object({
  id: z.number(),
  unitId: z.string(),
  withdrawn: z.boolean(),
  published: KbVersion.nullable(),
  draft: KbVersion.nullable(),
  staleness: Staleness,
  inForce: z.boolean(),
});
export type KbArticle = z.output<typeof KbArticle>;

/** GET /api/kb/articles. */
export const KbArticles = z.object({ items: z.array(KbArticle) });
export type KbArticles = z.output<typeof KbArticles>;

/** A search hit. */
export const KbHit = z.object({
  articleId: z.number(),
  versionId: z.number(),
  unitId: z.string(),
  type: z.enum(KB_ARTICLE_TYPES),
  title: z.array(Segment),
  snippet: z.array(Segment),
  score: z.number(),
  uses: z.number(),
});
export type KbHit = z.output<typeof KbHit>;

/** GET /api/kb/search. */
export const KbSearchResult = z.object({
  items: z.array(KbHit),
  complete: z.boolean().describe('false while the index is still loading after a start: the results come from the articles loaded so far'),
});
export type KbSearchResult = z.output<typeof KbSearchResult>;

/** GET /api/kb/facets: what the filters offer. */
export const KbFacets = z.object({
  units: z.array(z.object({ id: z.string(), name: z.string() })),
  categories: z.array(z.string()),
  areas: z.array(z.object({ id: z.string(), name: z.string(), level: z.string() })),
});
export type KbFacets = z.output<typeof KbFacets>;

/** A published article past its review-by date. */
export const KbStale = z.object({ id: z.number(), unitId: z.string(), title: z.string(), reviewBy: z.string(), staleness: Staleness, hasDraft: z.boolean() });
export type KbStale = z.output<typeof KbStale>;

/** GET /api/kb/stale. */
export const KbStaleList = z.object({ items: z.array(KbStale) });
export type KbStaleList = z.output<typeof KbStaleList>;

/** GET /api/kb/articles/:id/history: every version and the article's audit. */
export const KbHistory = z.object({
  versions: z.array(KbVersion),
  audit: z.array(
    z.object({
      id: z.number(),
      at: z.number(),
      articleId: z.number(),
      versionId: z.number().nullable(),
      actorId: z.number().nullable(),
      action: z.enum(KB_AUDIT_ACTIONS),
      note: z.string().nullable(),
    }),
  ),
});
export type KbHistory = z.output<typeof KbHistory>;

/** POST /api/kb/answers. */
export const KbLinked = z.object({ linked: z.boolean() });
export type KbLinked = z.output<typeof KbLinked>;

/** An article version an order was answered with. */
export const KbAnswer = z.object({
  articleId: z.number(),
  versionId: z.number(),
  versionNo: z.number(),
  title: z.string(),
  hotline: z.string(),
  actorId: z.number().nullable(),
  at: z.number(),
});
export type KbAnswer = z.output<typeof KbAnswer>;

/** GET /api/kb/answers?orderId=. */
export const KbAnswers = z.object({ items: z.array(KbAnswer) });
export type KbAnswers = z.output<typeof KbAnswers>;

/** POST /api/kb/import: the new drafts' article ids. */
export const KbImported = z.object({ imported: z.array(z.number()) });
export type KbImported = z.output<typeof KbImported>;

/** GET /api/kb/figures. */
export const KbFigures = z.object({
  from: z.string(),
  to: z.string(),
  onSpot: z.object({
    orders: z.number(),
    onSpot: z.number(),
    rate: z.number(),
    withArticle: z.number(),
    byHotline: z.array(z.object({ hotline: z.string(), orders: z.number(), onSpot: z.number(), rate: z.number() })),
    byType: z.array(z.object({ type: z.enum(KB_ARTICLE_TYPES), orders: z.number(), rate: z.number() })),
  }),
  mostUsed: z.array(z.object({ articleId: z.number(), unitId: z.string(), uses: z.number(), title: z.string(), lastVersionId: z.number().nullable() })),
  missedSearches: z.array(z.object({ query: z.string(), times: z.number(), lastAt: z.number() })),
  staleByUnit: z.array(z.object({ unitId: z.string(), stale: z.number(), overdue: z.number() })),
});
export type KbFigures = z.output<typeof KbFigures>;

/** An image or file of an article version (kb-attachments-routes.ts). */
export const KbFile = z.object({
  id: z.number(),
  articleId: z.number(),
  versionId: z.number(),
  fileName: z.string(),
  kind: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  createdAt: z.number(),
});
export type KbFile = z.output<typeof KbFile>;

/** GET /api/kb/versions/:id/attachments. */
export const KbFiles = z.object({ items: z.array(KbFile) });
export type KbFiles = z.output<typeof KbFiles>;

/** POST /api/kb/articles/:id/attachments (201). */
export const KbFilesAdded = z.object({ attachments: z.array(KbFile) });
export type KbFilesAdded = z.output<typeof KbFilesAdded>;
