import t from 'tap';
import { extensionFits, sanitizeFileName, sniffKind } from '../../src/workorders/attachments-sniff.js';
import { DOCX_BYTES, JPEG_BYTES, pdfBytes, PNG_BYTES, XLSX_BYTES, zipOf } from '../helpers/attachment-files.js';

t.test('the kind comes from the bytes', async (t) => {
  t.equal(sniffKind(pdfBytes()), 'pdf');
  t.equal(sniffKind(PNG_BYTES), 'png');
  t.equal(sniffKind(JPEG_BYTES), 'jpg');
  t.equal(sniffKind(DOCX_BYTES), 'docx');
  t.equal(sniffKind(XLSX_BYTES), 'xlsx');
  t.equal(sniffKind(Buffer.from('GIF89a')), null, 'GIF is not allowed');
  t.equal(sniffKind(Buffer.from('MZ\x90\x00')), null, 'a Windows executable');
  t.equal(sniffKind(zipOf({ 'word/document.xml': '<w/>' })), null, 'a ZIP without [Content_Types].xml');
  t.equal(sniffKind(zipOf({ '[Content_Types].xml': '<T/>', 'ppt/presentation.xml': '<p/>' })), null, 'PowerPoint is not allowed');
  t.equal(sniffKind(DOCX_BYTES.subarray(0, DOCX_BYTES.length - 22)), null, 'a ZIP cut before its end record');
  const brokenDir = Buffer.from(DOCX_BYTES);
  brokenDir.writeUInt32LE(brokenDir.length - 30, brokenDir.length - 6); // central directory offset past the data
  t.equal(sniffKind(brokenDir), null, 'a central directory pointing nowhere');
  t.equal(sniffKind(Buffer.alloc(0)), null);
});

t.test('the name must fit the kind', async (t) => {
  t.ok(extensionFits('a.JPEG', 'jpg'));
  t.ok(extensionFits('a.jpg', 'jpg'));
  t.notOk(extensionFits('a.png', 'jpg'));
  t.notOk(extensionFits('pdf', 'pdf'), 'no extension');
});

t.test('display names are sanitised', async (t) => {
  t.equal(sanitizeFileName('../../etc/passwd.pdf', 'pdf'), 'passwd.pdf');
  t.equal(sanitizeFileName('C:\\x\\报告.docx', 'docx'), '报告.docx');
  t.equal(sanitizeFileName('  ..hidden.png ', 'png'), 'hidden.png');
  t.equal(sanitizeFileName('a<b>:"|?*\u0007\u202e.pdf', 'pdf'), 'ab.pdf', 'reserved, control and bidi characters go');
  t.equal(sanitizeFileName('a   b\tc.pdf', 'pdf'), 'a b c.pdf');
  t.equal(sanitizeFileName('///', 'pdf'), 'attachment.pdf');
  t.equal(sanitizeFileName('noext', 'pdf'), 'noext.pdf');
  const long = sanitizeFileName(`${'长'.repeat(300)}.xlsx`, 'xlsx');
  t.equal([...long].length, 120);
  t.ok(long.endsWith('.xlsx'), 'the extension survives truncation');
});
