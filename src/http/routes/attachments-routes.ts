/**
 * Work-order attachments: upload (multipart/form-data, optionally together with a reply, a
 * return or an extension request), list and download. Every route reads through the caller's
 * scope: an order outside it is ORDER_NOT_FOUND (404), exactly as for the order itself.
 *
 * Upload fields: one or more file parts (any field name), `action` (optional JSON of
 * `{ type: 'reply', text }`, `{ type: 'return', reason }` or
 * `{ type: 'request_extension', days, reason }`) and `expectedVersion` (optional).
 */
import { createReadStream } from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionUser } from '../../users/index.js';
import { AttachmentError, type ActionWithFiles, type AttachmentsService, type StagedFile } from '../../workorders/attachments.js';
import { hideReporterInEvent, viewOfOrder } from '../../workorders/queries.js';
import { scopeFor, type OrderScope, type ScopeOptions } from '../../workorders/scope.js';
import type { Actor } from '../../workorders/lifecycle/index.js';
import { isCodedError } from '../../errors/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface AttachmentsRoutesOptions extends ScopeOptions {
  readonly attachments: AttachmentsService;
}

const reason = z.string().max(2000);
/** The lifecycle actions a file may come with; the lifecycle still checks their content. */
const ActionField = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), text: z.string().max(5000) }),
  z.object({ type: z.literal('return'), reason }),
  z.object({ type: z.literal('request_extension'), days: z.number().int(), reason }),
]);
const VersionField = z.coerce.number().int().positive();

const Attachment = z.object({
  id: z.number(),
  orderId: z.number(),
  eventId: z.number().nullable(),
  fileName: z.string(),
  kind: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  uploadedBy: z.number().nullable(),
  unitId: z.string().nullable(),
  createdAt: z.number(),
});
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const FileParams = IdParams.extend({ attachmentId: z.coerce.number().int().positive() });
const ROLES = ['agent', 'shift_lead', 'admin', 'dispatcher', 'unit_handler'] as const;

/** multipart's own limit errors, as our fixed codes. */
const MULTIPART_CODES: Record<string, 'ATTACHMENTS_TOO_MANY' | 'ATTACHMENT_BAD_UPLOAD'> = {
  FST_FILES_LIMIT: 'ATTACHMENTS_TOO_MANY',
  FST_PARTS_LIMIT: 'ATTACHMENT_BAD_UPLOAD',
  FST_FIELDS_LIMIT: 'ATTACHMENT_BAD_UPLOAD',
  FST_PROTO_VIOLATION: 'ATTACHMENT_BAD_UPLOAD',
};

const actorOf = (user: SessionUser | null): Actor => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId };
};

/** RFC 6266: an ASCII fallback and the UTF-8 name (Chinese file names survive the download). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const attachmentsRoutes: FastifyPluginAsyncZod<AttachmentsRoutesOptions> = async (app, opts) => {
  const { attachments } = opts;
  const scope = (user: SessionUser | null): OrderScope => scopeFor(actorOf(user), opts);
  // Registered here only: no other route accepts multipart bodies.
  await app.register(multipart, {
    throwFileSizeLimit: false,
    // One byte over the limit is enough to know a file is too large; busboy drops the rest.
    limits: { fileSize: attachments.maxBytes + 1, files: attachments.maxFiles, fields: 5, fieldSize: 16 * 1024, parts: attachments.maxFiles + 5 },
  });

  app.post(
    '/api/workorders/:id/attachments',
    {
      schema: {
        tags: ['workorders'],
        consumes: ['multipart/form-data'],
        // The body is streamed (not validated as a schema): documented here for /docs.
        description:
          'multipart/form-data: 1–5 files (PDF, JPEG, PNG, DOCX, XLSX by content; any field name), optional `action` (JSON: reply {text}, return {reason} or request_extension {days, reason}) and optional `expectedVersion`.',
        params: IdParams,
        response: { 201: z.object({ attachments: z.array(Attachment), event: z.record(z.string(), z.unknown()), order: z.record(z.string(), z.unknown()) }) },
      },
      preHandler: requireRole(...ROLES),
    },
    async (req, reply) => {
      const s = scope(req.user);
      const actor = actorOf(req.user);
      const upload = await readUpload(req, attachments);
      const result = attachments.commit(s, actor, { orderId: req.params.id, ...upload });
      const order = viewOfOrder(result.order, s);
      const event = order.reporterHidden ? hideReporterInEvent(result.event) : result.event;
      return reply.status(201).send({ attachments: result.attachments, event: { ...event }, order: { ...order } });
    },
  );

  app.get(
    '/api/workorders/:id/attachments',
    { schema: { tags: ['workorders'], params: IdParams, response: { 200: z.object({ items: z.array(Attachment) }) } }, preHandler: requireRole(...ROLES) },
    async (req) => ({ items: attachments.list(scope(req.user), req.params.id) }),
  );

  app.get(
    '/api/workorders/:id/attachments/:attachmentId',
    { schema: { tags: ['workorders'], params: FileParams }, preHandler: requireRole(...ROLES) },
    async (req, reply) => {
      const { view, file } = attachments.locate(scope(req.user), req.params.id, req.params.attachmentId);
      return reply
        .header('content-type', view.mediaType)
        .header('content-length', view.size)
        .header('content-disposition', contentDisposition(view.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file));
    },
  );
};

interface Upload {
  files: StagedFile[];
  action: ActionWithFiles | undefined;
  expectedVersion: number | undefined;
}

/**
 * Streams every file part to disk (checked as it arrives) and reads the fields. On any problem
 * the files staged so far are removed and the error is one of our fixed codes.
 */
async function readUpload(req: FastifyRequest, attachments: AttachmentsService): Promise<Upload> {
  if (!req.isMultipart()) throw appError('UNSUPPORTED_MEDIA_TYPE', 'send the files as multipart/form-data');
  const files: StagedFile[] = [];
  const fields = new Map<string, string>();
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') files.push(await attachments.stage(part.filename, part.file, () => part.file.truncated));
      else fields.set(part.fieldname, String(part.value));
    }
    return {
      files,
      action: parseField(fields.get('action'), ActionField, true),
      expectedVersion: parseField(fields.get('expectedVersion'), VersionField, false),
    };
  } catch (err) {
    attachments.discard(files);
    const code = MULTIPART_CODES[(err as { code?: string }).code ?? ''] ?? (isMalformedBody(err) ? 'ATTACHMENT_BAD_UPLOAD' : undefined);
    if (code) throw new AttachmentError(code, code === 'ATTACHMENTS_TOO_MANY' ? `at most ${attachments.maxFiles} files at once` : 'the upload is malformed');
    throw err;
  }
}

/**
 * busboy reports a body it cannot parse ("Unexpected end of form", "Malformed part header",
 * "Multipart: Boundary not found", …) as a plain Error without a code, from the parts iterator
 * or from a file's stream: that is the client's fault (400), not ours. Our own coded errors,
 * file-system errors (they carry a syscall: the disk is ours) and programming errors stay as
 * they are.
 */
function isMalformedBody(err: unknown): boolean {
  if (!(err instanceof Error) || isCodedError(err)) return false;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) return false;
  return (err as { syscall?: string }).syscall === undefined;
}

function parseField<T>(raw: string | undefined, schema: z.ZodType<T>, json: boolean): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown = raw;
  if (json) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AttachmentError('ATTACHMENT_BAD_UPLOAD', 'the action field is not JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AttachmentError('ATTACHMENT_BAD_UPLOAD', 'a field of the upload is invalid', {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  return parsed.data;
}
