/**
 * exceljs, loaded on first use: importing it costs ~29 MB of RSS (measured: `import('exceljs')`
 * alone), which a server that never writes or reads a workbook should not carry from its start.
 * A synchronous require (exceljs is CommonJS), so the streaming export can stay synchronous.
 */
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

let lib: typeof ExcelJS | undefined;

export const excel = (): typeof ExcelJS => (lib ??= createRequire(import.meta.url)('exceljs') as typeof ExcelJS);
