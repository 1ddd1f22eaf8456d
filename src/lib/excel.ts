/**
 * exceljs, loaded on first use: importing it costs ~29 MB of RSS (measured: `import('exceljs')`
 * alone), which a server that never writes or reads a workbook should not carry from its start.
 * A synchronous require (exceljs is CommonJS), so the streaming export can stay synchronous.
 */
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

let lib: typeof ExcelJS | undefined;
let writer: typeof ExcelJS.stream.xlsx.WorkbookWriter | undefined;

/** The whole library (workbooks in memory, reading): the KB's XLSX import, the consultation export. */
export const excel = (): typeof ExcelJS => (lib ??= createRequire(import.meta.url)('exceljs') as typeof ExcelJS);

/**
 * exceljs's streaming writer alone (the same class as `excel().stream.xlsx.WorkbookWriter`), for the
 * report exports: its module and what it requires cost ~17 MB and ~1.2 s to load against ~28 MB
 * and ~3 s for the whole library (measured: `require` in a bare node, RSS after a full GC, 2026-12-06),
 * which the reader, the in-memory workbook and the CSV code make up.
 */
export const xlsxWriter = (): typeof ExcelJS.stream.xlsx.WorkbookWriter =>
  (writer ??= createRequire(import.meta.url)('exceljs/lib/stream/xlsx/workbook-writer') as typeof ExcelJS.stream.xlsx.WorkbookWriter);
