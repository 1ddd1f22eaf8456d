/** The knowledge-base API (src/http/routes/kb-routes.ts) through the shared fetch helper. */
import type {
  KbAnswers,
  KbArticle,
  KbArticles,
  KbFacets,
  KbFigures,
  KbFile,
  KbFiles,
  KbFilesAdded,
  KbImported,
  KbLinked,
  KbSearchResult,
  KbState,
  KbStaleList,
  KbVersion,
} from '../../contract/http-kb.js';
import { call } from '../api.js';

export const KB_TYPES = ['policy', 'duty', 'guide', 'faq', 'notice'] as const;
export type KbType = (typeof KB_TYPES)[number];

// The replies' types are the contract's (src/contract/http-kb.ts); KB_TYPES stays a value here (the contract's schema files would bring zod into the bundle).
export type { KbAnswer, KbArticle, KbFacets, KbFigures, KbFile, KbHit, KbStale, KbState, KbVersion, Segment } from '../../contract/http-kb.js';

export interface KbFields {
  title: string;
  body: string;
  type: KbType;
  unitId: string;
  hotlines: string[];
  categories: string[];
  areas: string[];
  keywords: string[];
  effectiveFrom: string | null;
  expiresOn: string | null;
  reviewBy: string | null;
}

export const listStale = () => call<KbStaleList>('GET', '/api/kb/stale').then((r) => r.items);

export interface KbSearch {
  q: string;
  hotline?: string;
  type?: KbType;
  category?: string;
  unitId?: string;
  area?: string;
  /** A live refinement as the agent types: a miss is not counted among the searches with no result. */
  live?: boolean;
}

/** A search, with whether the index was complete (false while it loads after a server start). */
export const searchKbFull = (s: KbSearch) => {
  const qs = new URLSearchParams({ q: s.q, limit: '20' });
  if (s.hotline) qs.set('hotline', s.hotline);
  if (s.type) qs.set('type', s.type);
  if (s.category) qs.set('category', s.category);
  if (s.unitId) qs.set('unitId', s.unitId);
  if (s.area) qs.set('area', s.area);
  if (s.live) qs.set('live', '1');
  return call<KbSearchResult>('GET', `/api/kb/search?${qs.toString()}`);
};
export const searchKb = (s: KbSearch) => searchKbFull(s).then((r) => r.items);
export const getArticle = (id: number) => call<KbArticle>('GET', `/api/kb/articles/${id}`);
/** The editors' list, by the current version's state, category, unit (reviewers), area and type. */
export interface KbListFilter {
  state?: KbState | undefined;
  category?: string | undefined;
  unitId?: string | undefined;
  area?: string | undefined;
  type?: KbType | undefined;
}
export const listArticles = (f: KbListFilter = {}) => {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v !== '') qs.set(k, v);
  return call<KbArticles>('GET', `/api/kb/articles${qs.size > 0 ? `?${qs.toString()}` : ''}`).then((r) => r.items);
};
export const kbFacets = () => call<KbFacets>('GET', '/api/kb/facets');
export const createArticle = (f: KbFields) => call<KbArticle>('POST', '/api/kb/articles', f);
export const updateArticle = (id: number, fields: KbFields, draftVersionId: number | null) =>
  call<KbArticle>('PUT', `/api/kb/articles/${id}`, { fields, draftVersionId });
export const submitArticle = (id: number) => call<KbArticle>('POST', `/api/kb/articles/${id}/submit`);
export const approveArticle = (id: number) => call<KbArticle>('POST', `/api/kb/articles/${id}/approve`, {});
export const rejectArticle = (id: number, note: string) => call<KbArticle>('POST', `/api/kb/articles/${id}/reject`, { note });
export const answerWith = (orderId: number, versionId: number) => call<KbLinked>('POST', '/api/kb/answers', { orderId, versionId });

export const answersOf = (orderId: number) => call<KbAnswers>('GET', `/api/kb/answers?orderId=${orderId}`).then((r) => r.items);
/** One version as it was (also a superseded one: what an agent read during a call). */
export const getVersion = (id: number) => call<KbVersion>('GET', `/api/kb/versions/${id}`);
/** The /kb page showing one version (KbPage reads ?version=). */
export const versionHref = (versionId: number) => `/kb?version=${versionId}`;

export const kbFigures = () => call<KbFigures>('GET', '/api/kb/figures');

export const listFiles = (versionId: number) => call<KbFiles>('GET', `/api/kb/versions/${versionId}/attachments`).then((r) => r.items);
export const fileUrl = (f: Pick<KbFile, 'versionId' | 'id'>) => `/api/kb/versions/${f.versionId}/attachments/${f.id}`;
/** Adds files to the article's draft. */
export function addFiles(articleId: number, files: readonly File[]) {
  const form = new FormData();
  for (const f of files) form.append('file', f, f.name);
  return call<KbFilesAdded>('POST', `/api/kb/articles/${articleId}/attachments`, form).then((r) => r.attachments);
}
export const removeFile = (articleId: number, fileId: number) => call<void>('DELETE', `/api/kb/articles/${articleId}/attachments/${fileId}`);

/** Bulk import as drafts (POST /api/kb/import); refused as a whole with FILE:LINE:COL problems in the error's details. */
export const importArticles = (
  upload: { format: 'csv' | 'markdown'; files: Array<{ name: string; text: string }> } | { format: 'xlsx'; files: Array<{ name: string; data: string }> },
) => call<KbImported>('POST', '/api/kb/import', upload);
