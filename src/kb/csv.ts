/**
 * RFC 4180 CSV as departments export it from a spreadsheet (UTF-8, BOM tolerated; quoted fields
 * may hold commas, quotes and line breaks), each field with the line and column it starts at so
 * an import can point at the cell to fix.
 */

export interface CsvField {
  readonly value: string;
  readonly line: number;
  readonly col: number;
}

export type CsvRow = CsvField[];

export interface CsvParse {
  readonly rows: CsvRow[];
  /** An unterminated quote: where it opened. */
  readonly error: { line: number; col: number; message: string } | null;
}

export function parseCsv(text: string): CsvParse {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let row: CsvRow = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const eol = () => {
    if (!(row.length === 1 && row[0]!.value === '')) rows.push(row);
    row = [];
  };
  while (i <= src.length) {
    const start = { line, col };
    if (src[i] === '"') {
      let value = '';
      i++;
      col++;
      for (;;) {
        if (i >= src.length) return { rows, error: { ...start, message: 'a quoted field is not closed' } };
        const c = src[i]!;
        if (c === '"' && src[i + 1] === '"') {
          value += '"';
          i += 2;
          col += 2;
        } else if (c === '"') {
          i++;
          col++;
          break;
        } else {
          value += c;
          i++;
          if (c === '\n') {
            line++;
            col = 1;
          } else col++;
        }
      }
      // Anything between the closing quote and the separator is kept, as spreadsheets do.
      while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') value += src[i++];
      row.push({ value, ...start });
    } else {
      let value = '';
      while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') value += src[i++];
      col += value.length;
      row.push({ value, ...start });
    }
    if (i >= src.length) {
      eol();
      break;
    }
    if (src[i] === ',') {
      i++;
      col++;
      continue;
    }
    if (src[i] === '\r' && src[i + 1] === '\n') i++;
    i++;
    line++;
    col = 1;
    eol();
  }
  return { rows, error: null };
}
