/**
 * File uploads (multipart/form-data) into the attachment store (src/workorders/attachment-store.ts):
 * every file part is streamed to disk and checked as it arrives; the other parts are read as text
 * fields. Used by the work orders' and the knowledge base's attachment routes, each registering
 * multipart in its own plugin (no other route accepts multipart bodies).
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AttachmentError, type AttachmentStore, type StagedFile } from '../workorders/attachment-store.js';
import { isCodedError } from '../errors/index.js';
import { appError } from './errors.js';

/** multipart's own limit errors, as our fixed codes. */
const MULTIPART_CODES: Record<string, 'ATTACHMENTS_TOO_MANY' | 'ATTACHMENT_BAD_UPLOAD'> = {
  FST_FILES_LIMIT: 'ATTACHMENTS_TOO_MANY',
  FST_PARTS_LIMIT: 'ATTACHMENT_BAD_UPLOAD',
  FST_FIELDS_LIMIT: 'ATTACHMENT_BAD_UPLOAD',
  FST_PROTO_VIOLATION: 'ATTACHMENT_BAD_UPLOAD',
};

/** Registers multipart in the calling plugin with the store's limits and at most `fields` text fields. */
export async function registerUploads(app: FastifyInstance, store: Pick<AttachmentStore, 'maxBytes' | 'maxFiles'>, fields: number): Promise<void> {
  await app.register(multipart, {
    throwFileSizeLimit: false,
    // One byte over the limit is enough to know a file is too large; busboy drops the rest.
    limits: { fileSize: store.maxBytes + 1, files: store.maxFiles, fields, fieldSize: 16 * 1024, parts: store.maxFiles + fields },
  });
}

/**
 * Streams every file part to disk (checked as it arrives) and reads the text fields, which
 * `parse` turns into the caller's value (throwing when they are invalid). On any problem the
 * files staged so far are removed and the error is one of our fixed codes.
 */
export async function readUploadParts<T>(
  req: FastifyRequest,
  store: Pick<AttachmentStore, 'stage' | 'discard' | 'maxFiles'>,
  parse: (fields: ReadonlyMap<string, string>) => T,
): Promise<{ files: StagedFile[]; value: T }> {
  if (!req.isMultipart()) throw appError('UNSUPPORTED_MEDIA_TYPE', 'send the files as multipart/form-data');
  const files: StagedFile[] = [];
  const fields = new Map<string, string>();
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') files.push(await store.stage(part.filename, part.file, () => part.file.truncated));
      else fields.set(part.fieldname, String(part.value));
    }
    return { files, value: parse(fields) };
  } catch (err) {
    store.discard(files);
    const code = MULTIPART_CODES[(err as { code?: string }).code ?? ''] ?? (isMalformedBody(err) ? 'ATTACHMENT_BAD_UPLOAD' : undefined);
    if (code) throw new AttachmentError(code, code === 'ATTACHMENTS_TOO_MANY' ? `at most ${store.maxFiles} files at once` : 'the upload is malformed');
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

/** RFC 6266: an ASCII fallback and the UTF-8 name (Chinese file names survive the download). */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
