/**
 * The knowledge base's changes of an article, each the body of one port transaction (kb-store.ts,
 * decision 0017): the workflow's rule (workflow.ts), the version and article rows, and the audit
 * row, together or not at all. Each first reads the article with `lock` (on PostgreSQL FOR UPDATE:
 * two changes of one article take turns, the second decides on the first's result).
 */
import type { KbAuditAction } from '../db/schema.js';
import { renumberBodyImages } from '../contract/kb-body.js';
import type { ArticleFieldsValue } from './article-input.js';
import { KbError } from './errors.js';
import type { ArticleRow, KbQueries, VersionRow } from './kb-store.js';
import { versionWords } from './search-words.js';
import { canEditUnit, transition, type KbActor, type KbTransition } from './workflow.js';

/** A new article of `fields.unitId` as a draft (version 1) and its audit row; its id. */
export async function insertArticle(tx: KbQueries, actor: KbActor, fields: ArticleFieldsValue, at: number, action: KbAuditAction): Promise<number> {
  const { unitId, ...versionFields } = fields;
  const article = await tx.insertArticle(unitId, at);
  const v = await tx.insertVersion(article.id, 1, versionFields, actor.id, at);
  await tx.updateArticle(article.id, { draftVersionId: v.id });
  await tx.insertAudit({ at, articleId: article.id, versionId: v.id, actorId: actor.id, action });
  return article.id;
}

/** The article, locked for this transaction, when `actor` may edit its unit. */
export async function editableArticle(tx: KbQueries, actor: KbActor, articleId: number): Promise<ArticleRow> {
  const article = await tx.article(articleId, 'lock');
  if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
  if (!canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
  return article;
}

/**
 * Edits the article: its draft (or rejected version) in place, or a new draft version after the
 * published one (its files copied, the body's image references following them).
 */
export async function editArticle(
  tx: KbQueries,
  actor: KbActor,
  articleId: number,
  fields: ArticleFieldsValue,
  draftVersionId: number | null,
  at: number,
): Promise<void> {
  const article = await editableArticle(tx, actor, articleId);
  if (fields.unitId !== article.unitId && actor.role !== 'admin')
    throw new KbError('KB_NOT_YOUR_UNIT', 'only an administrator moves an article to another unit');
  if (article.draftVersionId !== draftVersionId) throw new KbError('KB_STALE_EDIT');
  const { unitId, ...versionFields } = fields;
  let versionId: number;
  if (article.draftVersionId !== null) {
    const draft = (await tx.version(article.draftVersionId))!;
    if (transition(draft.state, 'edit') === null) throw new KbError('KB_BAD_STATE', `a version ${draft.state} cannot be edited`);
    await tx.updateVersion(draft.id, { ...versionFields, state: 'draft', authorId: actor.id, updatedAt: at });
    versionId = draft.id;
  } else {
    versionId = (await tx.insertVersion(articleId, (await tx.maxVersionNo(articleId)) + 1, versionFields, actor.id, at)).id;
    // Its images and files carry over; the published version keeps its own (attachments.ts),
    // and the body's image references follow them to the copies.
    if (article.publishedVersionId !== null) {
      const copies = await tx.copyAttachments(article.publishedVersionId, versionId);
      if (copies.size > 0) await tx.updateVersion(versionId, { body: renumberBodyImages(versionFields.body, copies) });
    }
  }
  await tx.updateArticle(articleId, { unitId, draftVersionId: versionId, updatedAt: at });
  await tx.insertAudit({ at, articleId, versionId, actorId: actor.id, action: 'update' });
}

/**
 * Moves the article's draft along the workflow (submit, approve, reject) once `allowed` (given
 * the locked article, its draft and the transaction) has not refused; approving publishes it and supersedes the
 * version before.
 */
export async function moveArticle(
  tx: KbQueries,
  actor: KbActor,
  articleId: number,
  t: Exclude<KbTransition, 'edit'>,
  note: string | null,
  at: number,
  allowed: (article: ArticleRow, draft: VersionRow | undefined, tx: KbQueries) => void | Promise<void>,
): Promise<void> {
  const article = await tx.article(articleId, 'lock');
  if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
  const draft = article.draftVersionId === null ? undefined : await tx.version(article.draftVersionId);
  await allowed(article, draft, tx);
  const to = draft ? transition(draft.state, t) : null;
  if (!draft || to === null) throw new KbError('KB_BAD_STATE', `nothing to ${t}: ${draft ? `the version is ${draft.state}` : 'no draft'}`);
  if (t === 'submit') await tx.updateVersion(draft.id, { state: to, updatedAt: at });
  else
    await tx.updateVersion(draft.id, {
      state: to,
      reviewerId: actor.id,
      reviewedAt: at,
      reviewNote: note,
      updatedAt: at,
      // The published version's words, segmented once here: a start reads them instead (search-words.ts).
      ...(to === 'published' ? { publishedAt: at, searchWords: versionWords(draft) } : {}),
    });
  if (to === 'published') {
    if (article.publishedVersionId !== null) await tx.updateVersion(article.publishedVersionId, { state: 'superseded', updatedAt: at });
    await tx.updateArticle(articleId, { publishedVersionId: draft.id, draftVersionId: null, withdrawn: false, updatedAt: at });
  } else await tx.updateArticle(articleId, { updatedAt: at });
  await tx.insertAudit({ at, articleId, versionId: draft.id, actorId: actor.id, action: t, note });
}

/** Withdraws the article (its editors or a reviewer): hidden from agents, all of it kept. */
export async function withdrawArticle(tx: KbQueries, actor: KbActor, articleId: number, reviewer: boolean, note: string | null, at: number): Promise<void> {
  const article = await tx.article(articleId, 'lock');
  if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
  if (!canEditUnit(actor, article.unitId) && !reviewer) throw new KbError('KB_NOT_YOUR_UNIT');
  if (article.withdrawn) throw new KbError('KB_BAD_STATE', 'the article is already withdrawn');
  await tx.updateArticle(articleId, { withdrawn: true, updatedAt: at });
  await tx.insertAudit({ at, articleId, versionId: article.publishedVersionId, actorId: actor.id, action: 'withdraw', note });
}
