/**
 * Files a unit attaches to a work order (a reply's evidence, a return's or an extension
 * request's documents). Each upload is streamed to disk under a random name first and checked
 * (size, type by content); only then, in ONE transaction, the order's history event (the
 * lifecycle action, or an `attach` event) and the attachment rows are written. A crash in
 * between leaves an orphan file and never a row without its file; a refused upload leaves
 * nothing at all (its files are removed).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { workOrderAttachments } from '../db/schema.js';
import { extensionFits, MEDIA_TYPES, sanitizeFileName, sniffKind, type AttachmentKind } from './attachments-sniff.js';
import { defineErrors } from '../errors/index.js';
import { WorkOrderError } from './errors.js';
import { TERMINAL_STATUSES, type Actor, type OrderAction } from './lifecycle/index.js';
import { insertEvent, type WorkOrder, type WorkOrderEventRecord } from './repository.js';
import { findInScope, type OrderScope } from './scope.js';
import type { WorkOrdersService } from './workorders-service.js';

export class AttachmentError extends defineErrors('AttachmentError', {
  /** No file in the upload. */
  ATTACHMENT_MISSING: [400, 'attach at least one file'],
  /** A file of zero bytes. */
  ATTACHMENT_EMPTY: [400, 'the file is empty'],
  /** The upload is not multipart/form-data, or a field is malformed. */
  ATTACHMENT_BAD_UPLOAD: [400, 'the upload is malformed'],
  ATTACHMENT_NOT_FOUND: [404, 'no such attachment'],
  ATTACHMENT_TOO_LARGE: [413, 'the file is too large'],
  ATTACHMENTS_TOO_MANY: [413, 'too many files'],
  /** The content is not one of the allowed kinds, or does not match the file name's extension. */
  ATTACHMENT_TYPE_NOT_ALLOWED: [415, 'this kind of file is not allowed'],
}) {}

export const ATTACHMENT_ERRORS = AttachmentError.catalogue;
export type AttachmentErrorCode = keyof typeof ATTACHMENT_ERRORS;

/** Lifecycle actions that may carry files. */
export const ACTIONS_WITH_FILES = ['reply', 'return', 'request_extension'] as const;
export type ActionWithFiles = Extract<OrderAction, { type: (typeof ACTIONS_WITH_FILES)[number] }>;

/** A checked file on disk, not yet linked to an order. */
export interface StagedFile {
  readonly fileName: string;
  readonly storedName: string;
  readonly kind: AttachmentKind;
  readonly size: number;
  readonly sha256: string;
}

export interface AttachmentView {
  readonly id: number;
  readonly orderId: number;
  readonly eventId: number | null;
  readonly fileName: string;
  readonly kind: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedBy: number | null;
  readonly unitId: string | null;
  readonly createdAt: number;
}

export interface AttachmentsServiceOptions {
  readonly db: Db;
  readonly orders: WorkOrdersService;
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxFiles?: number;
  readonly now?: () => number;
}

export interface AttachResult {
  readonly attachments: AttachmentView[];
  readonly event: WorkOrderEventRecord;
  readonly order: WorkOrder;
}

export const DEFAULT_MAX_FILES = 5;

export class AttachmentsService {
  readonly maxBytes: number;
  readonly maxFiles: number;
  private readonly now: () => number;

  constructor(private readonly o: AttachmentsServiceOptions) {
    this.maxBytes = o.maxBytes;
    this.maxFiles = o.maxFiles ?? DEFAULT_MAX_FILES;
    this.now = o.now ?? Date.now;
  }

  /**
   * Streams one upload to disk and checks it. `truncated` tells that the transport already cut
   * the stream at its own limit (multipart's fileSize). Throws AttachmentError after removing
   * the partial file.
   */
  async stage(rawName: string, stream: Readable, truncated: () => boolean = () => false): Promise<StagedFile> {
    fs.mkdirSync(this.o.dir, { recursive: true });
    const storedName = randomBytes(16).toString('hex');
    const file = path.join(this.o.dir, storedName);
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const out = fs.createWriteStream(file, { flags: 'wx' });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.maxBytes) tooLarge = true; // keep reading: the client is still sending
        if (tooLarge) continue;
        hash.update(chunk);
        chunks.push(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      if (tooLarge || truncated()) {
        throw new AttachmentError('ATTACHMENT_TOO_LARGE', `a file may be at most ${this.maxBytes} bytes`, { details: { maxBytes: this.maxBytes } });
      }
      if (size === 0) throw new AttachmentError('ATTACHMENT_EMPTY', 'the file is empty');
      const kind = sniffKind(Buffer.concat(chunks));
      if (!kind || !extensionFits(rawName, kind)) {
        throw new AttachmentError('ATTACHMENT_TYPE_NOT_ALLOWED', 'only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files whose name fits their content', {
          details: { allowed: ['pdf', 'jpg', 'png', 'docx', 'xlsx'] },
        });
      }
      return { fileName: sanitizeFileName(rawName, kind), storedName, kind, size, sha256: hash.digest('hex') };
    } catch (err) {
      out.destroy();
      fs.rmSync(file, { force: true });
      throw err;
    }
  }

  /** Removes staged files that will not be committed. */
  discard(files: readonly StagedFile[]): void {
    for (const f of files) fs.rmSync(path.join(this.o.dir, f.storedName), { force: true });
  }

  /**
   * Links staged files to an order in one transaction with their history event: the given
   * lifecycle action's event, or an `attach` event that leaves the order as it is. The files
   * are removed when anything is refused.
   */
  commit(
    scope: OrderScope,
    actor: Actor,
    req: {
      readonly orderId: number;
      readonly files: readonly StagedFile[];
      readonly action?: ActionWithFiles | undefined;
      readonly expectedVersion?: number | undefined;
    },
  ): AttachResult {
    try {
      if (req.files.length === 0) throw new AttachmentError('ATTACHMENT_MISSING', 'attach at least one file');
      const now = this.now();
      return this.o.orders.transaction((tx) => {
        const order = findInScope(tx, scope, req.orderId);
        checkMayAttach(order, actor);
        if (req.expectedVersion !== undefined && req.expectedVersion !== order.version) {
          throw new WorkOrderError('CONFLICT', `order ${order.number} is at version ${order.version}, not ${req.expectedVersion}; reload and try again`, {
            details: { version: order.version },
          });
        }
        const applied = req.action ? this.o.orders.applyWithin(tx, order.id, req.action, actor) : undefined;
        const event =
          applied?.event ??
          insertEvent(tx, order.id, {
            at: now,
            action: 'attach',
            fromStatus: order.status,
            toStatus: order.status,
            actorId: actor.id,
            actorRole: actor.role,
            data: { files: req.files.map((f) => f.fileName) },
          });
        const attachments = req.files.map((f) =>
          tx
            .insert(workOrderAttachments)
            .values({
              orderId: order.id,
              eventId: event.id,
              fileName: f.fileName,
              storedName: f.storedName,
              kind: f.kind,
              mediaType: MEDIA_TYPES[f.kind],
              size: f.size,
              sha256: f.sha256,
              uploadedBy: actor.id,
              unitId: actor.unitId,
              createdAt: now,
            })
            .returning()
            .get(),
        );
        return { attachments: attachments.map(toView), event, order: applied?.order ?? order };
      });
    } catch (err) {
      this.discard(req.files);
      throw err;
    }
  }

  /**
   * Deletes files left without a row (a crash between writing a file and committing its row)
   * once they are older than `minAgeMs`, so an upload still in flight is never touched.
   * Returns the names removed.
   */
  sweepOrphans(minAgeMs = 3_600_000): string[] {
    if (!fs.existsSync(this.o.dir)) return [];
    const known = new Set(
      this.o.db
        .select({ name: workOrderAttachments.storedName })
        .from(workOrderAttachments)
        .all()
        .map((r) => r.name),
    );
    const cutoff = this.now() - minAgeMs;
    const removed: string[] = [];
    for (const name of fs.readdirSync(this.o.dir)) {
      const file = path.join(this.o.dir, name);
      const stat = fs.statSync(file);
      if (!stat.isFile() || known.has(name) || stat.mtimeMs > cutoff) continue;
      fs.rmSync(file, { force: true });
      removed.push(name);
    }
    return removed;
  }

  /** The order's attachments, oldest first; ORDER_NOT_FOUND outside the scope. */
  list(scope: OrderScope, orderId: number): AttachmentView[] {
    findInScope(this.o.db, scope, orderId);
    return this.o.db
      .select()
      .from(workOrderAttachments)
      .where(eq(workOrderAttachments.orderId, orderId))
      .orderBy(asc(workOrderAttachments.id))
      .all()
      .map(toView);
  }

  /** One attachment and the path of its file, for download; 404 outside the scope or when gone. */
  locate(scope: OrderScope, orderId: number, attachmentId: number): { view: AttachmentView; file: string } {
    findInScope(this.o.db, scope, orderId);
    const row = this.o.db
      .select()
      .from(workOrderAttachments)
      .where(and(eq(workOrderAttachments.orderId, orderId), eq(workOrderAttachments.id, attachmentId)))
      .get();
    if (!row) throw new AttachmentError('ATTACHMENT_NOT_FOUND', `attachment ${attachmentId} not found on order ${orderId}`);
    const file = path.join(this.o.dir, row.storedName);
    if (!fs.existsSync(file)) throw new AttachmentError('ATTACHMENT_NOT_FOUND', `the file of attachment ${attachmentId} is missing`);
    return { view: toView(row), file };
  }
}

/**
 * Platform staff may attach to any open order; a unit handler only to an order their unit leads
 * or co-handles (a sub-platform sees its subtree's orders but does not handle them).
 */
function checkMayAttach(order: WorkOrder, actor: Actor): void {
  if (TERMINAL_STATUSES.includes(order.status)) {
    throw new WorkOrderError('ILLEGAL_TRANSITION', `order ${order.number} is ${order.status}: no more files`);
  }
  if (actor.role === 'unit_handler' && actor.unitId !== order.leadUnitId && !order.coUnitIds.includes(actor.unitId ?? '')) {
    throw new WorkOrderError('NOT_ASSIGNED_UNIT', `order ${order.number} is not with unit ${actor.unitId ?? '-'}`);
  }
  if (actor.role === 'citizen') throw new WorkOrderError('FORBIDDEN_ROLE', 'citizens do not attach files here');
}

function toView(r: typeof workOrderAttachments.$inferSelect): AttachmentView {
  return {
    id: r.id,
    orderId: r.orderId,
    eventId: r.eventId,
    fileName: r.fileName,
    kind: r.kind,
    mediaType: r.mediaType,
    size: r.size,
    sha256: r.sha256,
    uploadedBy: r.uploadedBy,
    unitId: r.unitId,
    createdAt: r.createdAt,
  };
}
