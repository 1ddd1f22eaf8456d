/**
 * The attachment store: uploaded files on disk under random server-chosen names, checked as they
 * arrive (size; type sniffed from the content and matched with the name's extension). Work-order
 * attachments (attachments.ts) and knowledge-base attachments (src/kb) keep their files here,
 * each owner in its own directory and with its own rows: a file is written before its row, so a
 * crash leaves an orphan file (swept later) and never a row without its file.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { defineErrors } from '../errors/index.js';
import { extensionFits, MEDIA_TYPES, sanitizeFileName, sniffKind, type AttachmentKind } from './attachments-sniff.js';

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

/** A checked file on disk, not yet linked to its owner's row. */
export interface StagedFile {
  readonly fileName: string;
  readonly storedName: string;
  readonly kind: AttachmentKind;
  readonly size: number;
  readonly sha256: string;
}

export const DEFAULT_MAX_FILES = 5;

/** The columns every owner's attachment row keeps of a staged file. */
export function storedColumns(f: StagedFile) {
  return { fileName: f.fileName, storedName: f.storedName, kind: f.kind, mediaType: MEDIA_TYPES[f.kind], size: f.size, sha256: f.sha256 };
}

export interface AttachmentStoreOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** Files in one upload. */
  readonly maxFiles?: number;
  readonly now?: () => number;
}

export class AttachmentStore {
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
  private readonly now: () => number;

  constructor(o: AttachmentStoreOptions) {
    this.dir = o.dir;
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
    fs.mkdirSync(this.dir, { recursive: true });
    const storedName = randomBytes(16).toString('hex');
    const file = path.join(this.dir, storedName);
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

  /** A store for another owner's files, in a subdirectory of this one, with the same limits and checks. */
  subStore(name: string): AttachmentStore {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`not a store name: ${name}`);
    return new AttachmentStore({ dir: path.join(this.dir, name), maxBytes: this.maxBytes, maxFiles: this.maxFiles, now: this.now });
  }

  /** Removes staged files that will not be committed. */
  discard(files: readonly Pick<StagedFile, 'storedName'>[]): void {
    for (const f of files) fs.rmSync(this.pathOf(f.storedName), { force: true });
  }

  /** The path of a stored file, or null when it is gone. */
  existing(storedName: string): string | null {
    const file = this.pathOf(storedName);
    return fs.existsSync(file) ? file : null;
  }

  /** The file of an attachment row for download: ATTACHMENT_NOT_FOUND when there is no row (`where` says where it was looked for) or its file is gone. */
  fileOf(attachmentId: number, row: { readonly storedName: string } | undefined, where: string): string {
    if (!row) throw new AttachmentError('ATTACHMENT_NOT_FOUND', `attachment ${attachmentId} not found on ${where}`);
    const file = this.existing(row.storedName);
    if (file === null) throw new AttachmentError('ATTACHMENT_NOT_FOUND', `the file of attachment ${attachmentId} is missing`);
    return file;
  }

  /**
   * Deletes files of this directory that `known` does not list (a crash between writing a file
   * and committing its row) once they are older than `minAgeMs`, so an upload still in flight is
   * never touched. Subdirectories (another owner's files) are left alone. Returns the names removed.
   */
  sweepOrphans(storedNames: Iterable<string>, minAgeMs = 3_600_000): string[] {
    if (!fs.existsSync(this.dir)) return [];
    const known = new Set(storedNames);
    const cutoff = this.now() - minAgeMs;
    const removed: string[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      const stat = fs.statSync(file);
      if (!stat.isFile() || known.has(name) || stat.mtimeMs > cutoff) continue;
      fs.rmSync(file, { force: true });
      removed.push(name);
    }
    return removed;
  }

  private pathOf(storedName: string): string {
    // Stored names are ours (32 hex digits); anything else never reaches the disk.
    if (!/^[0-9a-f]{32}$/.test(storedName)) throw new Error(`not a stored attachment name: ${storedName}`);
    return path.join(this.dir, storedName);
  }
}
