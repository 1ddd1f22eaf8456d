/**
 * Knowledge-base images and files (issue 15 item 1; src/kb/attachments.ts): a unit's editors add
 * files to the article's draft (multipart/form-data, 1–5 files: PDF, JPEG, PNG, DOCX, XLSX by
 * content) or drop them from it; every reader lists and downloads the files of a version they may
 * read (published ones; drafts only their editors and the reviewers), as they read its text.
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_ROW_ID } from '../../contract/bounds.js';
import { NoContent } from '../../contract/http-accounts.js';
import { KbFiles, KbFilesAdded } from '../../contract/http-kb.js';
import type { SessionUser } from '../../users/index.js';
import { KB_EDITOR_ROLES, KB_READER_ROLES, type KbActor } from '../../kb/index.js';
import type { KbAttachments } from '../../kb/attachments.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';
import { contentDisposition, readUploadParts, registerUploads } from '../multipart-files.js';

export interface KbAttachmentsRoutesOptions {
  readonly files: KbAttachments;
}

const actorOf = (user: SessionUser | null): KbActor => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId, username: user.username };
};

const id = z.coerce.number().int().positive().max(MAX_ROW_ID);

export const kbAttachmentsRoutes: FastifyPluginAsyncZod<KbAttachmentsRoutesOptions> = async (app, opts) => {
  const { files } = opts;
  const tags = ['kb'];
  // Multipart in this plugin only; no text fields.
  await registerUploads(app, files.store, 0);

  app.post(
    '/api/kb/articles/:id/attachments',
    {
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        description:
          'Adds 1–5 files (PDF, JPEG, PNG, DOCX, XLSX by content; any field name) to the article’s draft (draft or rejected), at most 20 per version. The unit’s editors only; audited.',
        params: z.object({ id }),
        response: { 201: KbFilesAdded },
      },
      preHandler: requireRole(...KB_EDITOR_ROLES),
    },
    async (req, reply) => {
      const actor = actorOf(req.user);
      const { files: staged } = await readUploadParts(req, files.store, () => undefined);
      return reply.status(201).send({ attachments: await files.attach(actor, req.params.id, staged) });
    },
  );

  app.delete(
    '/api/kb/articles/:id/attachments/:attachmentId',
    {
      schema: {
        tags,
        description: 'Drops a file from the article’s draft; a published version’s files are kept (409 KB_BAD_STATE). Audited.',
        params: z.object({ id, attachmentId: id }),
        response: { 204: NoContent },
      },
      preHandler: requireRole(...KB_EDITOR_ROLES),
    },
    async (req, reply) => {
      await files.detach(actorOf(req.user), req.params.id, req.params.attachmentId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/kb/versions/:id/attachments',
    {
      schema: {
        tags,
        description: 'The files of a version the reader may read.',
        params: z.object({ id }),
        response: { 200: KbFiles },
      },
      preHandler: requireRole(...KB_READER_ROLES),
    },
    async (req) => ({ items: await files.list(actorOf(req.user), req.params.id) }),
  );

  app.get(
    '/api/kb/versions/:id/attachments/:attachmentId',
    {
      schema: { tags, description: 'One file of a version the reader may read; images inline.', params: z.object({ id, attachmentId: id }) },
      preHandler: requireRole(...KB_READER_ROLES),
    },
    async (req, reply) => {
      const { view, file } = await files.locate(actorOf(req.user), req.params.id, req.params.attachmentId);
      return reply
        .header('content-type', view.mediaType)
        .header('content-length', view.size)
        .header('content-disposition', contentDisposition(view.fileName, view.mediaType.startsWith('image/') ? 'inline' : 'attachment'))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file));
    },
  );
};
