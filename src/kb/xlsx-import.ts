/**
 * Bulk import from an Excel workbook (.xlsx, issue 15 item 6): a department's FAQ list as it keeps
 * it, each non-empty sheet a table with a header row (标题,内容,类型,… as in the CSV import).
 * Problems name the file, the sheet, the row and the column (hrss.xlsx[常见问题]:3:3 C3 type: …);
 * the workbook is bounded in bytes and rows before and after it is opened.
 */
import type ExcelJS from 'exceljs';
import { excel } from '../lib/excel.js';
import type { Problem } from '../config/files/problem.js';
import type { CsvField } from './csv.js';
import { readTable, type ImportCandidate } from './import.js';

/** The largest workbook taken (the request body is at most 1 MiB, base64 included). */
export const MAX_XLSX_BYTES = 512 * 1024;
/** Rows over all sheets of one workbook. */
export const MAX_XLSX_ROWS = 5000;
/** Columns read of a sheet (the import knows 11). */
const MAX_COLUMNS = 30;
/** The workbook's parts unpacked, as its zip directory declares them (a small file that unpacks to gigabytes is refused unopened). */
export const MAX_XLSX_UNPACKED_BYTES = 32 * 1024 * 1024;

/**
 * The sum of the uncompressed sizes the zip's central directory declares, or null when it is no
 * zip (no end-of-central-directory record, or entries beyond the file).
 */
export function declaredUnpackedBytes(zip: Buffer): number | null {
  const EOCD = 0x06054b50;
  const CDH = 0x02014b50;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  if (end < 0) return null;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CDH) return null;
    total += zip.readUInt32LE(at + 24);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}

export interface XlsxFile {
  readonly name: string;
  readonly data: Buffer;
}

const problem = (file: string, line: number, col: number, message: string): Problem => ({ file, line, col, message, severity: 'error' });

/** A1-style column letters: 1 → A, 27 → AA. */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The text a cell shows: dates as YYYY-MM-DD, numbers as written, rich text and formulas' results as text. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : cellText(value.text);
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  if ('error' in value) return String(value.error);
  return '';
}

/** The workbook's sheets → candidates; `defaultUnit` fills an empty unit column (the importer's own unit). */
export async function readXlsx(file: XlsxFile, defaultUnit: string | null): Promise<{ candidates: ImportCandidate[]; problems: Problem[] }> {
  if (file.data.length > MAX_XLSX_BYTES)
    return { candidates: [], problems: [problem(file.name, 1, 1, `the workbook has ${file.data.length} bytes; at most ${MAX_XLSX_BYTES} are taken`)] };
  const unpacked = declaredUnpackedBytes(file.data);
  if (unpacked === null) return { candidates: [], problems: [problem(file.name, 1, 1, 'not an Excel workbook (.xlsx)')] };
  if (unpacked > MAX_XLSX_UNPACKED_BYTES)
    return { candidates: [], problems: [problem(file.name, 1, 1, `the workbook unpacks to ${unpacked} bytes; at most ${MAX_XLSX_UNPACKED_BYTES} are taken`)] };
  const book = new (excel().Workbook)();
  try {
    await book.xlsx.load(file.data as unknown as ArrayBuffer);
  } catch {
    return { candidates: [], problems: [problem(file.name, 1, 1, 'not an Excel workbook (.xlsx)')] };
  }
  const candidates: ImportCandidate[] = [];
  const problems: Problem[] = [];
  let rows = 0;
  for (const sheet of book.worksheets) {
    const where = `${file.name}[${sheet.name}]`;
    rows += sheet.actualRowCount;
    if (rows > MAX_XLSX_ROWS) {
      problems.push(problem(where, 1, 1, `more than ${MAX_XLSX_ROWS} rows in the workbook`));
      break;
    }
    const table: CsvField[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row, line) => {
      const cells: CsvField[] = [];
      for (let col = 1; col <= Math.min(row.cellCount, MAX_COLUMNS); col++) cells.push({ value: cellText(row.getCell(col).value), line, col });
      while (cells.length > 0 && cells[cells.length - 1]!.value.trim() === '') cells.pop();
      if (cells.length > 0) table.push(cells);
    });
    if (table.length === 0) continue;
    // A row shorter than the header has empty cells at its end, as a spreadsheet shows it.
    const width = table[0]!.length;
    for (const row of table.slice(1)) for (let col = row.length + 1; col <= width; col++) row.push({ value: '', line: row[0]!.line, col });
    const read = readTable(where, table, defaultUnit);
    candidates.push(...read.candidates);
    problems.push(...read.problems.map((p) => ({ ...p, message: `${columnLetters(p.col)}${p.line} ${p.message}` })));
  }
  if (candidates.length === 0 && problems.length === 0)
    problems.push(problem(file.name, 1, 1, 'the workbook has no rows: a header row (标题,内容,类型,…) is needed'));
  return { candidates, problems };
}
