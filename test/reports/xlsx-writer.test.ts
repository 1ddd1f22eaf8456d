/**
 * The report exports' own XLSX writer (src/reports/xlsx-writer.ts), read back by exceljs (the
 * reader the KB import and the consultation export use) and by Python's zipfile (CRC checked):
 * text that XML must escape or cannot hold, Chinese, empty and non-finite cells, number formats
 * on cells and columns, the bold header, columns past Z, a sheet long enough to be deflated in
 * many pieces; an error from the rows fails the stream; and writing a workbook loads no exceljs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import t from 'tap';
import { columnName, xlsxWorkbook, type XlsxCell } from '../../src/reports/xlsx-writer.js';
import { tmpDir } from '../helpers/db-fixtures.js';

t.test('column names', async (t) => {
  t.same([1, 2, 26, 27, 52, 53, 702, 703].map(columnName), ['A', 'B', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
});

t.test('a workbook read back', async (t) => {
  const many = 20_000;
  const wide = Array.from({ length: 30 }, (_, i) => ({ header: `c${i + 1}`, width: 8 }));
  const columns = [
    { header: '名称', width: 12 },
    { header: 'Rate', width: 10, numFmt: '0.0%' },
    { header: 'Seconds', width: 10, numFmt: '0.0' },
    ...wide.slice(3),
  ];
  const tricky = [
    'a & b <c> "d"',
    '  leading and trailing  ',
    'bell\u0007 and form\u000c feed',
    '换行\r\n第二行',
    '🙂 surrogate pair',
    'lone \ud800 surrogate',
  ];
  const rows: XlsxCell[][] = [
    ...tricky.map((s, i) => [s, i / 8, i * 1.5]),
    ['empty cells', null, Number.NaN, ...wide.slice(3).map((_, i) => (i === 26 ? 'in AD' : null))],
    ...Array.from({ length: many }, (_, i) => [`行 ${i}`, (i % 1000) / 1000, i]),
  ];
  const body = await buffer(xlsxWorkbook({ title: '统计报表 <2026-11>', sheetName: '统计报表 2026-11', columns, rows }, new Date('2026-12-06T08:00:00Z')));
  t.equal(body.subarray(0, 2).toString(), 'PK');

  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ExcelJS.Buffer);
  t.equal(book.title, '统计报表 <2026-11>');
  const sheet = book.worksheets[0]!;
  t.equal(sheet.name, '统计报表 2026-11');
  t.equal(sheet.rowCount, 1 + tricky.length + 1 + many);
  t.same((sheet.getRow(1).values as unknown[]).slice(1, 4), ['名称', 'Rate', 'Seconds']);
  t.equal(sheet.getRow(1).getCell(1).font?.bold, true, 'bold header');
  t.same(
    tricky.map((_, i) => sheet.getRow(2 + i).getCell(1).value),
    ['a & b <c> "d"', '  leading and trailing  ', 'bell and form feed', '换行\r\n第二行', '🙂 surrogate pair', 'lone  surrogate'],
    'escaped, spaces kept, characters XML cannot hold dropped',
  );
  t.equal(sheet.getRow(4).getCell(2).value, 0.25);
  t.equal(sheet.getRow(4).getCell(2).numFmt, '0.0%');
  t.equal(sheet.getRow(4).getCell(3).value, 3);
  t.equal(sheet.getRow(4).getCell(3).numFmt, '0.0');
  const empty = sheet.getRow(2 + tricky.length);
  t.equal(empty.getCell(2).value, null, 'null: no cell');
  t.equal(empty.getCell(3).value, null, 'NaN: no cell');
  t.equal(empty.getCell('AD').value, 'in AD');
  t.equal(sheet.getColumn(2).numFmt, '0.0%', 'the column keeps the format for empty cells');
  t.equal(sheet.getColumn(1).width, 12);
  const last = sheet.getRow(sheet.rowCount);
  t.same([last.getCell(1).value, last.getCell(2).value, last.getCell(3).value], [`行 ${many - 1}`, ((many - 1) % 1000) / 1000, many - 1]);

  // An independent reader of the zip, which checks every entry's CRC.
  const python = spawnSync('python3', ['--version']);
  if (python.status === 0) {
    const file = path.join(tmpDir(t), 'book.xlsx');
    fs.writeFileSync(file, body);
    const out = execFileSync(
      'python3',
      ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(",".join(z.namelist()))', file],
      { encoding: 'utf8' },
    );
    t.equal(out.split('\n')[0], 'None', 'every CRC right');
    t.match(out.split('\n')[1], /xl\/worksheets\/sheet1\.xml/);
  }
});

t.test('an error from the rows fails the stream', async (t) => {
  function* rows(): Generator<XlsxCell[]> {
    yield ['one'];
    throw new Error('the report failed');
  }
  await t.rejects(buffer(xlsxWorkbook({ title: 'x', sheetName: 'x', columns: [{ header: 'a', width: 10 }], rows: rows() })), /the report failed/);
});

t.test('writing a workbook loads no exceljs', async (t) => {
  const script = `
    import { createRequire } from 'node:module';
    import { buffer } from 'node:stream/consumers';
    import { kpiTable, xlsxStream } from './src/reports/exports.ts';
    const figures = { calls: null, orders: null };
    const report = { period: { from: '2026-11-01', to: '2026-11-30' }, previous: { from: '2026-10-01', to: '2026-10-31' }, total: { current: figures, previous: figures }, rows: [] };
    const body = await buffer(xlsxStream(kpiTable(report, 'zh'), 'zh'));
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('node_modules/exceljs/'));
    console.log(JSON.stringify({ bytes: body.length, exceljs: loaded.length }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const r = JSON.parse(out) as { bytes: number; exceljs: number };
  t.ok(r.bytes > 0);
  t.equal(r.exceljs, 0, 'no exceljs module required');
});
