/**
 * A one-sheet XLSX workbook written as a stream, for the report exports (exports.ts): the rows are
 * turned into the sheet's XML and deflated as they are read, so a table is never held whole, and
 * nothing but node:zlib is loaded. It replaces exceljs's streaming WorkbookWriter there: requiring
 * exceljs costs the server ~29 MB of RSS for the rest of its life (its streaming writer alone
 * ~17 MB) and 1–3 s on the first export (measured, docs/performance.md "Memory"), for a file
 * format whose one sheet of numbers and text needs a few hundred lines of XML.
 *
 * The package (ECMA-376 part 2): a zip whose entries are deflated with a data descriptor after
 * each (sizes and CRC known only once written); cells are numbers or inline strings; the styles
 * are the default, a bold header and one number format per formatted column (also set on the
 * column, so empty cells of it keep it). Sizes above 4 GiB (zip64) are refused.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export type XlsxCell = string | number | null;

export interface XlsxColumn {
  readonly header: string;
  /** In characters of the default font, as spreadsheets count a column's width. */
  readonly width: number;
  /** An Excel number format, e.g. '0.0%'. */
  readonly numFmt?: string;
}

export interface XlsxSheet {
  /** The workbook's title (document properties). */
  readonly title: string;
  /** At most 31 characters, none of \ / ? * [ ] : (Excel's rules; not checked here). */
  readonly sheetName: string;
  readonly columns: readonly XlsxColumn[];
  readonly rows: Iterable<readonly XlsxCell[]>;
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Text is sheeted in pieces of about this many characters. */
const CHUNK_CHARS = 64 * 1024;
const LIMIT_32 = 0xffff_ffff;

// XML 1.0 allows tab, newline and carriage return of the C0 controls, and no unpaired surrogate.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// A carriage return as a character reference: a literal one is read back as a line feed (XML's end-of-line rule).
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };
const escapeXml = (s: string) => s.replace(NOT_XML, '').replace(/[&<>"\r]/g, (c) => ESCAPES[c]!);

/** A, B, …, Z, AA, … for 1, 2, …. */
export function columnName(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

function cell(ref: string, v: XlsxCell, style: number): string {
  const s = style ? ` s="${style}"` : '';
  if (typeof v === 'number') return Number.isFinite(v) ? `<c r="${ref}"${s}><v>${v}</v></c>` : '';
  if (v === null || v === '') return '';
  const space = /^\s|\s$/.test(v) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${s} t="inlineStr"><is><t${space}>${escapeXml(v)}</t></is></c>`;
}

/** The sheet's XML, in pieces of about CHUNK_CHARS, row by row. */
function* sheetXml(sheet: XlsxSheet, styleOf: readonly number[]): Generator<string> {
  const cols = sheet.columns
    .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${styleOf[i] ? ` style="${styleOf[i]}"` : ''}/>`)
    .join('');
  const names = sheet.columns.map((_, i) => columnName(i + 1));
  let out = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><cols>${cols}</cols><sheetData>`;
  out += `<row r="1">${sheet.columns.map((c, i) => cell(`${names[i]}1`, c.header, 1)).join('')}</row>`;
  let r = 1;
  for (const row of sheet.rows) {
    r++;
    out += `<row r="${r}">`;
    for (let i = 0; i < names.length; i++) out += cell(`${names[i]}${r}`, row[i] ?? null, styleOf[i]!);
    out += '</row>';
    if (out.length >= CHUNK_CHARS) {
      yield out;
      out = '';
    }
  }
  yield `${out}</sheetData></worksheet>`;
}

function stylesXml(formats: readonly string[]): string {
  const numFmts = formats.map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${escapeXml(f)}"/>`).join('');
  const xfs = formats.map((_, i) => `<xf numFmtId="${164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join('');
  const font = (bold: boolean) => `<font>${bold ? '<b/>' : ''}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
  return (
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
    (formats.length ? `<numFmts count="${formats.length}">${numFmts}</numFmts>` : '') +
    `<fonts count="2">${font(false)}${font(true)}</fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${2 + formats.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
    `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>${xfs}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  );
}

/** The package's parts, the sheet last (its text is produced while it is written). */
function parts(sheet: XlsxSheet, now: Date): Array<[name: string, text: Iterable<string>]> {
  const formats = [...new Set(sheet.columns.flatMap((c) => (c.numFmt ? [c.numFmt] : [])))];
  // Style 0 default, 1 the bold header, 2 + k the k-th number format.
  const styleOf = sheet.columns.map((c) => (c.numFmt ? 2 + formats.indexOf(c.numFmt) : 0));
  const override = (part: string, type: string) => `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-${type}+xml"/>`;
  const rel = (id: number, type: string, target: string) => `<Relationship Id="rId${id}" Type="${type}" Target="${target}"/>`;
  return [
    [
      '[Content_Types].xml',
      [
        `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          override('/xl/workbook.xml', 'officedocument.spreadsheetml.sheet.main') +
          override('/xl/worksheets/sheet1.xml', 'officedocument.spreadsheetml.worksheet') +
          override('/xl/styles.xml', 'officedocument.spreadsheetml.styles') +
          override('/docProps/core.xml', 'package.core-properties') +
          '</Types>',
      ],
    ],
    [
      '_rels/.rels',
      [
        `${XML_HEAD}<Relationships xmlns="${REL_NS}">${rel(1, `${DOC_REL}/officeDocument`, 'xl/workbook.xml')}` +
          `${rel(2, 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml')}</Relationships>`,
      ],
    ],
    [
      'docProps/core.xml',
      [
        `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
          `xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${escapeXml(sheet.title)}</dc:title>` +
          `<dcterms:created xsi:type="dcterms:W3CDTF">${now.toISOString().replace(/\.\d+Z$/, 'Z')}</dcterms:created></cp:coreProperties>`,
      ],
    ],
    [
      'xl/workbook.xml',
      [
        `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${DOC_REL}"><sheets><sheet name="${escapeXml(sheet.sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ],
    ],
    [
      'xl/_rels/workbook.xml.rels',
      [
        `${XML_HEAD}<Relationships xmlns="${REL_NS}">${rel(1, `${DOC_REL}/worksheet`, 'worksheets/sheet1.xml')}${rel(2, `${DOC_REL}/styles`, 'styles.xml')}</Relationships>`,
      ],
    ],
    ['xl/styles.xml', [stylesXml(formats)]],
    ['xl/worksheets/sheet1.xml', sheetXml(sheet, styleOf)],
  ];
}

/** MS-DOS time and date of `d` (local time, as zip tools show it). */
function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

interface Entry {
  readonly name: Buffer;
  readonly offset: number;
  crc: number;
  size: number;
  compressed: number;
}

/** The zip: each part deflated as its text comes, with a data descriptor; then the central directory. */
async function* zip(files: Array<[string, Iterable<string>]>, now: Date): AsyncGenerator<Buffer> {
  const { time, date } = dosTime(now);
  const entries: Entry[] = [];
  let offset = 0;
  const emit = (b: Buffer) => {
    offset += b.length;
    return b;
  };
  for (const [name, text] of files) {
    const e: Entry = { name: Buffer.from(name, 'utf8'), offset, crc: 0, size: 0, compressed: 0 };
    entries.push(e);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    head.writeUInt16LE(0x0808, 6); // bit 3: sizes in the data descriptor; bit 11: UTF-8 name
    head.writeUInt16LE(8, 8); // deflate
    head.writeUInt16LE(time, 10);
    head.writeUInt16LE(date, 12);
    head.writeUInt16LE(e.name.length, 26);
    yield emit(Buffer.concat([head, e.name]));
    const deflate = zlib.createDeflateRaw();
    const feed = (async () => {
      for (const piece of text) {
        const b = Buffer.from(piece, 'utf8');
        e.crc = zlib.crc32(b, e.crc);
        e.size += b.length;
        if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
      }
      deflate.end();
    })();
    feed.catch((err: unknown) => deflate.destroy(err instanceof Error ? err : new Error(String(err))));
    for await (const chunk of deflate as AsyncIterable<Buffer>) {
      e.compressed += chunk.length;
      yield emit(chunk);
    }
    await feed;
    if (e.size > LIMIT_32 || e.compressed > LIMIT_32 || offset > LIMIT_32) throw new Error('workbook over 4 GiB (zip64 not written)');
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(e.crc, 4);
    descriptor.writeUInt32LE(e.compressed, 8);
    descriptor.writeUInt32LE(e.size, 12);
    yield emit(descriptor);
  }
  const start = offset;
  for (const e of entries) {
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0808, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt16LE(time, 12);
    c.writeUInt16LE(date, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.compressed, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(e.name.length, 28);
    c.writeUInt32LE(e.offset, 42);
    yield emit(Buffer.concat([c, e.name]));
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(offset - start, 12);
  end.writeUInt32LE(start, 16);
  yield end;
}

/** The workbook as a byte stream; an error thrown by `rows` destroys the stream with it. */
export function xlsxWorkbook(sheet: XlsxSheet, now = new Date()): Readable {
  return Readable.from(zip(parts(sheet, now), now), { objectMode: false });
}
