/**
 * Images and files of knowledge-base articles (issue 15 item 1), kept by the attachment store
 * that work orders use (src/workorders/attachment-store.ts: size bound, type sniffed from the
 * content, random names; this module's files in its `kb` directory). Files belong to a version:
 * an editor adds them to, or drops them from, the article's draft; a published version's files
 * never change (its rows are never deleted), so what an agent saw can be shown later. A file is
 * served to whoever may read its version (KbService.version: published ones to every reader,
 * drafts to the unit's editors and the reviewers). Every change is audited (attach / detach).
 */
import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { kbAttachments } from '../db/schema.js';
import { AttachmentError, storedColumns, type AttachmentStore, type StagedFile } from '../workorders/attachment-store.js';
import { KbError } from './errors.js';
import type { KbService } from './kb-service.js';
import { KbRepository, type Tx } from './repository.js';
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

type Row = typeof kbAttachments.$inferSelect;

export interface KbAttachmentsOptions {
  readonly db: Db;
  /** The store's `kb` directory (AttachmentStore.subStore('kb')). */
  readonly store: AttachmentStore;
  /** Who may read which version. */
  readonly kb: Pick<KbService, 'version'>;
  readonly now?: () => number;
}

export class KbAttachments {
  readonly store: AttachmentStore;
  private readonly repo: KbRepository;
  private readonly now: () => number;

  constructor(private readonly o: KbAttachmentsOptions) {
    this.store = o.store;
    this.repo = new KbRepository(o.db);
    this.now = o.now ?? Date.now;
  }

  /**
   * Adds staged files to the article's draft (draft or rejected; one of the unit's editors), in
   * one transaction with its audit row. The files are removed when anything is refused.
   */
  attach(actor: KbActor, articleId: number, files: readonly StagedFile[]): KbAttachmentView[] {
    try {
      if (files.length === 0) throw new AttachmentError('ATTACHMENT_MISSING', 'attach at least one file');
      const at = this.now();
      return this.repo.transaction((tx) => {
        const draftId = this.editableDraft(tx, actor, articleId);
        const [had] = tx.select({ n: count() }).from(kbAttachments).where(eq(kbAttachments.versionId, draftId)).all();
        if ((had?.n ?? 0) + files.length > MAX_FILES_PER_VERSION)
          throw new AttachmentError('ATTACHMENTS_TOO_MANY', `a version carries at most ${MAX_FILES_PER_VERSION} files`, {
            details: { max: MAX_FILES_PER_VERSION },
          });
        const rows = files.map((f) =>
          tx
            .insert(kbAttachments)
            .values({
              articleId,
              versionId: draftId,
              ...storedColumns(f),
              uploadedBy: actor.id,
              createdAt: at,
            })
            .returning()
            .get(),
        );
        this.repo.updateVersion(tx, draftId, { updatedAt: at });
        this.repo.writeAudit(tx, { at, articleId, versionId: draftId, actorId: actor.id, action: 'attach', note: files.map((f) => f.fileName).join('\n') });
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
  detach(actor: KbActor, articleId: number, attachmentId: number): void {
    const at = this.now();
    const storedName = this.repo.transaction((tx) => {
      const row = tx
        .select()
        .from(kbAttachments)
        .where(and(eq(kbAttachments.id, attachmentId), eq(kbAttachments.articleId, articleId)))
        .get();
      const article = this.repo.article(articleId, tx);
      if (article && !canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
      if (!row) throw new AttachmentError('ATTACHMENT_NOT_FOUND', `attachment ${attachmentId} not found on article ${articleId}`);
      const draftId = this.editableDraft(tx, actor, articleId);
      if (row.versionId !== draftId) throw new KbError('KB_BAD_STATE', 'a published version’s files are kept; edit the draft’s files only');
      tx.delete(kbAttachments).where(eq(kbAttachments.id, row.id)).run();
      this.repo.updateVersion(tx, draftId, { updatedAt: at });
      this.repo.writeAudit(tx, { at, articleId, versionId: draftId, actorId: actor.id, action: 'detach', note: row.fileName });
      const [left] = tx.select({ n: count() }).from(kbAttachments).where(eq(kbAttachments.storedName, row.storedName)).all();
      return (left?.n ?? 0) === 0 ? row.storedName : null;
    });
    if (storedName !== null) this.store.discard([{ storedName }]);
  }

  /** A version's files, oldest first, to whoever may read the version. */
  list(actor: KbActor, versionId: number): KbAttachmentView[] {
    this.o.kb.version(actor, versionId);
    return this.o.db.select().from(kbAttachments).where(eq(kbAttachments.versionId, versionId)).orderBy(asc(kbAttachments.id)).all().map(toView);
  }

  /** One file of a version and its path, for download; 404 when the reader may not read the version or the file is gone. */
  locate(actor: KbActor, versionId: number, attachmentId: number): { view: KbAttachmentView; file: string } {
    this.o.kb.version(actor, versionId);
    const row = this.o.db
      .select()
      .from(kbAttachments)
      .where(and(eq(kbAttachments.versionId, versionId), eq(kbAttachments.id, attachmentId)))
      .get();
    const file = this.store.fileOf(attachmentId, row, `version ${versionId}`);
    return { view: toView(row!), file };
  }

  /** Files of the kb directory without a row (a crash between file and row), once older than `minAgeMs`. */
  sweepOrphans(minAgeMs?: number): string[] {
    const rows = this.o.db.select({ stored: kbAttachments.storedName }).from(kbAttachments).all();
    return this.store.sweepOrphans(
      rows.map((r) => r.stored),
      minAgeMs,
    );
  }

  /** The article's draft id when `actor` may change it now. */
  private editableDraft(tx: Tx, actor: KbActor, articleId: number): number {
    const article = this.repo.article(articleId, tx);
    if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
    if (!canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
    const draft = article.draftVersionId === null ? undefined : this.repo.version(article.draftVersionId, tx);
    if (!draft) throw new KbError('KB_BAD_STATE', 'no draft: edit the article first to start a new version, then add its files');
    if (transition(draft.state, 'edit') === null) throw new KbError('KB_BAD_STATE', `a version ${draft.state} cannot be edited`);
    return draft.id;
  }
}

function toView(r: Row): KbAttachmentView {
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
