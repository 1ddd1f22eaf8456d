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
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowIdParam } from '../../contract/bounds.js';
import { AttachmentList, AttachmentsAdded } from '../../contract/http-attachments.js';
import type { SessionUser } from '../../users/index.js';
import { AttachmentError, type ActionWithFiles, type AttachmentsService, type StagedFile } from '../../workorders/attachments.js';
import { resultView } from '../../workorders/queries.js';
import { scopeFor, type OrderScope, type ScopeOptions } from '../../workorders/scope.js';
import type { Actor } from '../../workorders/lifecycle/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';
import { contentDisposition, readUploadParts, registerUploads } from '../multipart-files.js';
import { unstorableTextAt } from '../unstorable-text.js';

export { contentDisposition } from '../multipart-files.js';

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
const VersionField = rowIdParam();

const IdParams = z.object({ id: rowIdParam() });
const FileParams = IdParams.extend({ attachmentId: rowIdParam() });
const ROLES = ['agent', 'shift_lead', 'admin', 'dispatcher', 'unit_handler'] as const;

const actorOf = (user: SessionUser | null): Actor => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId };
};

export const attachmentsRoutes: FastifyPluginAsyncZod<AttachmentsRoutesOptions> = async (app, opts) => {
  const { attachments } = opts;
  const scope = (user: SessionUser | null): OrderScope => scopeFor(actorOf(user), opts);
  // Registered in this plugin only (and the knowledge base's): no other route accepts multipart bodies.
  await registerUploads(app, attachments, 5);

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
        response: { 201: AttachmentsAdded },
      },
      preHandler: requireRole(...ROLES),
    },
    async (req, reply) => {
      const s = scope(req.user);
      const actor = actorOf(req.user);
      const upload = await readUpload(req, attachments);
      const result = await attachments.commit(s, actor, { orderId: req.params.id, ...upload });
      return reply.status(201).send({ attachments: result.attachments, ...resultView(result, s) });
    },
  );

  app.get(
    '/api/workorders/:id/attachments',
    { schema: { tags: ['workorders'], params: IdParams, response: { 200: AttachmentList } }, preHandler: requireRole(...ROLES) },
    async (req) => ({ items: await attachments.list(scope(req.user), req.params.id) }),
  );

  app.get(
    '/api/workorders/:id/attachments/:attachmentId',
    { schema: { tags: ['workorders'], params: FileParams }, preHandler: requireRole(...ROLES) },
    async (req, reply) => {
      const { view, file } = await attachments.locate(scope(req.user), req.params.id, req.params.attachmentId);
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

/** The files (streamed to disk and checked) and the fields; on any problem the files are removed. */
async function readUpload(req: FastifyRequest, attachments: AttachmentsService): Promise<Upload> {
  const { files, value } = await readUploadParts(req, attachments, (fields) => ({
    action: parseField(fields.get('action'), ActionField, true),
    expectedVersion: parseField(fields.get('expectedVersion'), VersionField, false),
  }));
  return { files, ...value };
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
  // Refused as in a JSON body (unstorable-text.ts): PostgreSQL stores no NUL (it was a 500 there).
  const odd = unstorableTextAt(value, 'action')?.message;
  if (odd) throw new AttachmentError('ATTACHMENT_BAD_UPLOAD', 'a field of the upload is invalid', { details: { issues: [odd] } });
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AttachmentError('ATTACHMENT_BAD_UPLOAD', 'a field of the upload is invalid', {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  return parsed.data;
}
