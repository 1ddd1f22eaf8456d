/**
 * Files a unit attaches to a work order (a reply's evidence, a return's or an extension
 * request's documents). Each upload is streamed to disk under a random name first and checked
 * (size, type by content); only then, in ONE transaction, the order's history event (the
 * lifecycle action, or an `attach` event) and the attachment rows are written. A crash in
 * between leaves an orphan file and never a row without its file; a refused upload leaves
 * nothing at all (its files are removed).
 */
import type { Readable } from 'node:stream';
import { AttachmentError, AttachmentStore, storedColumns, type StagedFile } from './attachment-store.js';
import { WorkOrderError } from './errors.js';
import { TERMINAL_STATUSES, type Actor, type OrderAction } from './lifecycle/index.js';
import type { WorkOrder, WorkOrderEventRecord } from './repository.js';
import type { OrderReadsStore } from './order-reads-store.js';
import { orderInScope } from './queries.js';
import { seenInScope, type OrderScope } from './scope.js';
import type { WorkOrdersService } from './workorders-service.js';
import type { AttachmentRow } from './orders-store.js';

export { AttachmentError, DEFAULT_MAX_FILES, type StagedFile } from './attachment-store.js';

export const ATTACHMENT_ERRORS = AttachmentError.catalogue;
export type AttachmentErrorCode = keyof typeof ATTACHMENT_ERRORS;

/** Lifecycle actions that may carry files. */
export const ACTIONS_WITH_FILES = ['reply', 'return', 'request_extension'] as const;
export type ActionWithFiles = Extract<OrderAction, { type: (typeof ACTIONS_WITH_FILES)[number] }>;

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
  /** The work orders' reads on the async port (order-reads-store.ts): the list, the download and the orphans' sweep read through it. */
  readonly orderReads: OrderReadsStore;
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

export class AttachmentsService {
  readonly maxBytes: number;
  readonly maxFiles: number;
  /** The files on disk (attachment-store.ts, shared with the knowledge base's attachments). */
  readonly store: AttachmentStore;
  private readonly now: () => number;

  constructor(private readonly o: AttachmentsServiceOptions) {
    this.store = new AttachmentStore(o);
    this.maxBytes = this.store.maxBytes;
    this.maxFiles = this.store.maxFiles;
    this.now = o.now ?? Date.now;
  }

  /** Streams one upload to disk and checks it (AttachmentStore.stage). */
  stage(rawName: string, stream: Readable, truncated?: () => boolean): Promise<StagedFile> {
    return this.store.stage(rawName, stream, truncated);
  }

  /** Removes staged files that will not be committed. */
  discard(files: readonly StagedFile[]): void {
    this.store.discard(files);
  }

  /**
   * Links staged files to an order in one transaction with their history event: the given
   * lifecycle action's event, or an `attach` event that leaves the order as it is. The files
   * are removed when anything is refused.
   */
  async commit(
    scope: OrderScope,
    actor: Actor,
    req: {
      readonly orderId: number;
      readonly files: readonly StagedFile[];
      readonly action?: ActionWithFiles | undefined;
      readonly expectedVersion?: number | undefined;
    },
  ): Promise<AttachResult> {
    try {
      if (req.files.length === 0) throw new AttachmentError('ATTACHMENT_MISSING', 'attach at least one file');
      const now = this.now();
      return await this.o.orders.transaction(async (tx) => {
        const order = seenInScope(scope, req.orderId, await tx.orders.find(req.orderId));
        checkMayAttach(order, actor);
        if (req.expectedVersion !== undefined && req.expectedVersion !== order.version) {
          throw new WorkOrderError('CONFLICT', `order ${order.number} is at version ${order.version}, not ${req.expectedVersion}; reload and try again`, {
            details: { version: order.version },
          });
        }
        const applied = req.action ? await this.o.orders.applyWithin(tx, order.id, req.action, actor) : undefined;
        const event =
          applied?.event ??
          (await tx.orders.insertEvent(order.id, {
            at: now,
            action: 'attach',
            fromStatus: order.status,
            toStatus: order.status,
            actorId: actor.id,
            actorRole: actor.role,
            data: { files: req.files.map((f) => f.fileName) },
          }));
        const attachments = await tx.orders.insertAttachments(
          req.files.map((f) => ({
            orderId: order.id,
            eventId: event.id,
            ...storedColumns(f),
            uploadedBy: actor.id,
            unitId: actor.unitId,
            createdAt: now,
          })),
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
  async sweepOrphans(minAgeMs = 3_600_000): Promise<string[]> {
    const names = await this.o.orderReads.read((q) => q.attachmentStoredNames());
    return this.store.sweepOrphans(names, minAgeMs);
  }

  /** The order's attachments, oldest first, read through the port (committed); ORDER_NOT_FOUND outside the scope. */
  async list(scope: OrderScope, orderId: number): Promise<AttachmentView[]> {
    const rows = await this.o.orderReads.read(async (q) => {
      await orderInScope(q, scope, orderId);
      return q.attachments(orderId);
    });
    return rows.map(toView);
  }

  /** One attachment and the path of its file, for download (read through the port); 404 outside the scope or when gone. */
  async locate(scope: OrderScope, orderId: number, attachmentId: number): Promise<{ view: AttachmentView; file: string }> {
    const row = await this.o.orderReads.read(async (q) => {
      await orderInScope(q, scope, orderId);
      return q.attachment(orderId, attachmentId);
    });
    const file = this.store.fileOf(attachmentId, row, `order ${orderId}`);
    return { view: toView(row!), file };
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

function toView(r: AttachmentRow): AttachmentView {
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
