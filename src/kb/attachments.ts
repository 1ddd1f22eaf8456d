/**
 * Images and files of knowledge-base articles (issue 15 item 1), kept by the attachment store
 * that work orders use (src/workorders/attachment-store.ts: size bound, type sniffed from the
 * content, random names; this module's files in its `kb` directory). Files belong to a version:
 * an editor adds them to, or drops them from, the article's draft; a published version's files
 * never change (its rows are never deleted), so what an agent saw can be shown later. A file is
 * served to whoever may read its version (KbService.version: published ones to every reader,
 * drafts to the unit's editors and the reviewers). Every change is audited (attach / detach).
 */
import { AttachmentError, storedColumns, type AttachmentStore, type StagedFile } from '../workorders/attachment-store.js';
import { KbError } from './errors.js';
import { editableArticle } from './kb-editing.js';
import type { AttachmentRow, KbQueries, KbStore } from './kb-store.js';
import type { KbService } from './kb-service.js';
import { canEditUnit, transition, type KbActor } from './workflow.js';

/** Files one version may carry. */
export const MAX_FILES_PER_VERSION = 20;

export interface KbAttachmentView {
  readonly id: number;
  readonly articleId: number;
  readonly versionId: number;
  readonly fileName: string;
  readonly kind: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly createdAt: number;
}

export interface KbAttachmentsOptions {
  /** The knowledge base's tables on the async port (kb-store.ts). */
  readonly kbStore: KbStore;
  /** The store's `kb` directory (AttachmentStore.subStore('kb')). */
  readonly store: AttachmentStore;
  /** Who may read which version. */
  readonly kb: Pick<KbService, 'version'>;
  readonly now?: () => number;
}

export class KbAttachments {
  readonly store: AttachmentStore;
  private readonly now: () => number;

  constructor(private readonly o: KbAttachmentsOptions) {
    this.store = o.store;
    this.now = o.now ?? Date.now;
  }

  /**
   * Adds staged files to the article's draft (draft or rejected; one of the unit's editors), in
   * one transaction with its audit row. The files are removed when anything is refused.
   */
  async attach(actor: KbActor, articleId: number, files: readonly StagedFile[]): Promise<KbAttachmentView[]> {
    try {
      if (files.length === 0) throw new AttachmentError('ATTACHMENT_MISSING', 'attach at least one file');
      const at = this.now();
      return await this.o.kbStore.transaction(async (tx) => {
        const draftId = await editableDraft(tx, actor, articleId);
        if ((await tx.attachmentsOf(draftId)).length + files.length > MAX_FILES_PER_VERSION)
          throw new AttachmentError('ATTACHMENTS_TOO_MANY', `a version carries at most ${MAX_FILES_PER_VERSION} files`, {
            details: { max: MAX_FILES_PER_VERSION },
          });
        const rows: AttachmentRow[] = [];
        for (const f of files)
          rows.push(await tx.insertAttachment({ articleId, versionId: draftId, ...storedColumns(f), uploadedBy: actor.id, createdAt: at }));
        await tx.updateVersion(draftId, { updatedAt: at });
        await tx.insertAudit({ at, articleId, versionId: draftId, actorId: actor.id, action: 'attach', note: files.map((f) => f.fileName).join('\n') });
        return rows.map(toView);
      });
    } catch (err) {
      this.store.discard(files);
      throw err;
    }
  }

  /**
   * Drops a file from the article's draft (one of the unit's editors). A published or superseded
   * version's files are kept (KB_BAD_STATE). The file leaves the disk once no version names it.
   */
  async detach(actor: KbActor, articleId: number, attachmentId: number): Promise<void> {
    const at = this.now();
    const storedName = await this.o.kbStore.transaction(async (tx) => {
      const article = await tx.article(articleId, 'lock');
      const row = await tx.attachmentOfArticle(articleId, attachmentId);
      if (article && !canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
      if (!row) throw new AttachmentError('ATTACHMENT_NOT_FOUND', `attachment ${attachmentId} not found on article ${articleId}`);
      const draftId = await editableDraft(tx, actor, articleId);
      if (row.versionId !== draftId) throw new KbError('KB_BAD_STATE', 'a published version’s files are kept; edit the draft’s files only');
      await tx.deleteAttachment(row.id);
      await tx.updateVersion(draftId, { updatedAt: at });
      await tx.insertAudit({ at, articleId, versionId: draftId, actorId: actor.id, action: 'detach', note: row.fileName });
      return (await tx.storedNameUses(row.storedName)) === 0 ? row.storedName : null;
    });
    if (storedName !== null) this.store.discard([{ storedName }]);
  }

  /** A version's files, oldest first, to whoever may read the version. */
  async list(actor: KbActor, versionId: number): Promise<KbAttachmentView[]> {
    await this.o.kb.version(actor, versionId);
    return (await this.o.kbStore.read((q) => q.attachmentsOf(versionId))).map(toView);
  }

  /** One file of a version and its path, for download; 404 when the reader may not read the version or the file is gone. */
  async locate(actor: KbActor, versionId: number, attachmentId: number): Promise<{ view: KbAttachmentView; file: string }> {
    await this.o.kb.version(actor, versionId);
    const row = await this.o.kbStore.read((q) => q.attachmentOfVersion(versionId, attachmentId));
    const file = this.store.fileOf(attachmentId, row, `version ${versionId}`);
    return { view: toView(row!), file };
  }

  /** Files of the kb directory without a row (a crash between file and row), once older than `minAgeMs`. */
  async sweepOrphans(minAgeMs?: number): Promise<string[]> {
    return this.store.sweepOrphans(await this.o.kbStore.read((q) => q.storedNames()), minAgeMs);
  }
}

/** The article's draft id when `actor` may change it now (the article locked for the transaction). */
async function editableDraft(tx: KbQueries, actor: KbActor, articleId: number): Promise<number> {
  const article = await editableArticle(tx, actor, articleId);
  const draft = article.draftVersionId === null ? undefined : await tx.version(article.draftVersionId);
  if (!draft) throw new KbError('KB_BAD_STATE', 'no draft: edit the article first to start a new version, then add its files');
  if (transition(draft.state, 'edit') === null) throw new KbError('KB_BAD_STATE', `a version ${draft.state} cannot be edited`);
  return draft.id;
}

function toView(r: AttachmentRow): KbAttachmentView {
  return {
    id: r.id,
    articleId: r.articleId,
    versionId: r.versionId,
    fileName: r.fileName,
    kind: r.kind,
    mediaType: r.mediaType,
    size: r.size,
    sha256: r.sha256,
    createdAt: r.createdAt,
  };
}
