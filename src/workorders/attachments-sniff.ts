/**
 * What an uploaded file really is, from its bytes (never from its name or the browser's
 * Content-Type), and a safe display name for it. Pure functions, no I/O.
 */

export const ATTACHMENT_KINDS = ['pdf', 'jpg', 'png', 'docx', 'xlsx'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const MEDIA_TYPES: Readonly<Record<AttachmentKind, string>> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** File-name extensions that may carry each kind (lower case, without the dot). */
const EXTENSIONS: Readonly<Record<AttachmentKind, readonly string[]>> = {
  pdf: ['pdf'],
  jpg: ['jpg', 'jpeg'],
  png: ['png'],
  docx: ['docx'],
  xlsx: ['xlsx'],
};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PDF = Buffer.from('%PDF-', 'latin1');
const ZIP_LOCAL = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The kind of a whole file's content, or null when it is none of the allowed kinds. A .docx or
 * .xlsx is a ZIP (OOXML): its central directory must list `[Content_Types].xml` and the main
 * part of a Word document or an Excel workbook; any other ZIP (or a renamed .exe) is refused.
 */
export function sniffKind(content: Buffer): AttachmentKind | null {
  if (content.subarray(0, PNG.length).equals(PNG)) return 'png';
  if (content.subarray(0, JPEG.length).equals(JPEG)) return 'jpg';
  if (content.subarray(0, PDF.length).equals(PDF)) return 'pdf';
  if (content.subarray(0, ZIP_LOCAL.length).equals(ZIP_LOCAL)) {
    const names = zipEntryNames(content);
    if (!names?.has('[Content_Types].xml')) return null;
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('xl/workbook.xml')) return 'xlsx';
  }
  return null;
}

/** Whether the file name's extension fits the kind found in the content. */
export function extensionFits(fileName: string, kind: AttachmentKind): boolean {
  const dot = fileName.lastIndexOf('.');
  const ext = dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
  return EXTENSIONS[kind].includes(ext);
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;

/** The entry names of a ZIP's central directory, or null when it cannot be read. */
function zipEntryNames(buf: Buffer): Set<string> | null {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = new Set<string>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CDH_SIG) return null;
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    if (at + 46 + nameLen > buf.length) return null;
    names.add(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

const MAX_NAME_CHARS = 120;

/**
 * A display name safe to store, show and put in a Content-Disposition header: no directories,
 * no control or reserved characters, no leading dots, at most 120 characters with the
 * extension kept. Falls back to `attachment.<kind>` when nothing is left.
 */
export function sanitizeFileName(raw: string, kind: AttachmentKind): string {
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/\s+/g, ' ')
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, '')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const chars = [...cleaned];
  if (chars.length === 0 || !cleaned.includes('.') || cleaned.lastIndexOf('.') === 0) {
    return chars.length === 0 ? `attachment.${kind}` : `${chars.slice(0, MAX_NAME_CHARS - kind.length - 1).join('')}.${kind}`;
  }
  if (chars.length <= MAX_NAME_CHARS) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = cleaned.slice(dot);
  return [...cleaned.slice(0, dot)].slice(0, MAX_NAME_CHARS - [...ext].length).join('') + ext;
}
