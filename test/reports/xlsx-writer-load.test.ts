/**
 * The report exports load exceljs's streaming writer alone (src/lib/excel.ts xlsxWriter), not the
 * whole library: its reader, in-memory workbook and CSV code cost a server that only exports
 * ~11 MB of RSS more and ~2 s at the first export (docs/performance.md "Memory of the export on
 * the built server"). Checked in a process of its own (tap runs each file in one): before
 * anything else loads exceljs, an export is written and read back, then the modules loaded are
 * looked at.
 */
import { createRequire } from 'node:module';
import t from 'tap';
import { xlsxStream, type ExportTable } from '../../src/reports/exports.js';

const require = createRequire(import.meta.url);
const loaded = (suffix: string) => Object.keys(require.cache).some((k) => k.replaceAll('\\', '/').endsWith(suffix));

t.test('an XLSX export loads the streaming writer only', async (t) => {
  t.notOk(loaded('exceljs/lib/stream/xlsx/workbook-writer.js'), 'nothing of exceljs before the export');
  const table: ExportTable<{ name: string; n: number }> = {
    title: '测试 test',
    columns: [
      { zh: '名称', en: 'Name', kind: 'text', value: (r) => r.name },
      { zh: '数量', en: 'Count', kind: 'count', value: (r) => r.n },
    ],
    rows: [
      { name: '甲', n: 1 },
      { name: '乙', n: 2 },
    ],
  };
  const chunks: Buffer[] = [];
  for await (const c of xlsxStream(table, 'zh')) chunks.push(Buffer.from(c as Uint8Array));
  const file = Buffer.concat(chunks);
  t.equal(file.subarray(0, 2).toString(), 'PK', 'a zip (XLSX) was written');
  t.ok(loaded('exceljs/lib/stream/xlsx/workbook-writer.js'), 'the streaming writer is loaded');
  t.notOk(loaded('exceljs/lib/exceljs.nodejs.js'), 'not the library’s entry point');
  t.notOk(loaded('exceljs/lib/stream/xlsx/workbook-reader.js'), 'nor its reader');
  t.notOk(loaded('exceljs/lib/doc/workbook.js'), 'nor its in-memory workbook');

  // The file is a workbook exceljs reads back with its two rows (the whole library, loaded now for the check).
  const ExcelJS = require('exceljs') as typeof import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  t.same(
    sheet
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).filter((v) => v !== undefined && v !== null)),
    [
      ['名称', '数量'],
      ['甲', 1],
      ['乙', 2],
    ],
  );
});
