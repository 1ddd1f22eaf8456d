/**
 * Bulk import (issue 15 item 6): a department's FAQ list as CSV, or Markdown files with a YAML
 * front matter. Every problem is reported as FILE:LINE:COL like the config files; one problem
 * and nothing is imported. Imported articles are drafts of their unit, for review as usual.
 */
import { KB_ARTICLE_TYPES } from '../db/schema.js';
import { YamlSource } from '../config/files/yaml-source.js';
import { issuesToProblems } from '../config/files/zod-issues.js';
import { formatProblem, type Problem } from '../config/files/problem.js';
import { ArticleFields, KB_TYPE_NAMES, type ArticleFieldsInput } from './article-input.js';
import { parseCsv, type CsvField } from './csv.js';
import { isCodedError } from '../errors/index.js';
import { unstorable } from '../lib/storable-text.js';

export interface ImportFile {
  readonly name: string;
  readonly text: string;
}

export interface ImportCandidate {
  readonly fields: ArticleFieldsInput;
  /** Where the article starts, for a problem found later (unit, hotline, area). */
  readonly at: { file: string; line: number; col: number };
}

/** Column headers a spreadsheet may use, Chinese or English → the field. */
const COLUMNS: Readonly<Record<string, keyof ArticleFieldsInput>> = {
  标题: 'title',
  问题: 'title',
  title: 'title',
  内容: 'body',
  答案: 'body',
  答复口径: 'body',
  body: 'body',
  类型: 'type',
  type: 'type',
  单位: 'unitId',
  所属单位: 'unitId',
  unit: 'unitId',
  unitid: 'unitId',
  热线: 'hotlines',
  hotlines: 'hotlines',
  分类: 'categories',
  categories: 'categories',
  区域: 'areas',
  areas: 'areas',
  关键词: 'keywords',
  keywords: 'keywords',
  生效日期: 'effectiveFrom',
  effectivefrom: 'effectiveFrom',
  失效日期: 'expiresOn',
  expireson: 'expiresOn',
  复核日期: 'reviewBy',
  reviewby: 'reviewBy',
};
const LISTS = new Set<keyof ArticleFieldsInput>(['hotlines', 'categories', 'areas', 'keywords']);
const DATES = new Set<keyof ArticleFieldsInput>(['effectiveFrom', 'expiresOn', 'reviewBy']);
const TYPE_BY_NAME = new Map<string, string>(KB_ARTICLE_TYPES.flatMap((t) => [[t, t] as const, [KB_TYPE_NAMES[t], t] as const]));
/** A list cell: 、 ， ； , ; | or spaces between the items. */
const splitList = (s: string) => s.split(/[、，；,;|\s]+/).filter((x) => x.length > 0);

const problem = (file: string, line: number, col: number, message: string): Problem => ({ file, line, col, message, severity: 'error' });

/** CSV rows → candidates; `defaultUnit` fills an empty unit column (the importer's own unit). */
export function readCsv(file: ImportFile, defaultUnit: string | null): { candidates: ImportCandidate[]; problems: Problem[] } {
  const parsed = parseCsv(file.text);
  if (parsed.error) return { candidates: [], problems: [problem(file.name, parsed.error.line, parsed.error.col, parsed.error.message)] };
  return readTable(file.name, parsed.rows, defaultUnit);
}

/**
 * A table's rows (the header first; each cell with its line and column: a CSV's text position,
 * a sheet's row and column) → candidates, as the CSV import reads them. `where` names the file
 * (and sheet) in the problems.
 */
export function readTable(where: string, table: readonly CsvField[][], defaultUnit: string | null): { candidates: ImportCandidate[]; problems: Problem[] } {
  const file = { name: where };
  const [header, ...rows] = table;
  if (!header) return { candidates: [], problems: [problem(file.name, 1, 1, 'the file is empty: a header row (标题,内容,类型,…) is needed')] };
  const problems: Problem[] = [];
  const fieldOf = header.map((h) => {
    const f = COLUMNS[h.value.trim().toLowerCase()];
    if (!f) problems.push(problem(file.name, h.line, h.col, `unknown column "${h.value}"; columns: ${Object.keys(COLUMNS).join(', ')}`));
    return f;
  });
  for (const need of ['title', 'body', 'type'] as const) {
    if (!fieldOf.includes(need)) problems.push(problem(file.name, 1, 1, `the header has no ${need} column`));
  }
  if (problems.length > 0) return { candidates: [], problems };
  const candidates: ImportCandidate[] = [];
  for (const row of rows) {
    const first = row[0]!;
    if (row.length !== header.length) {
      problems.push(problem(file.name, first.line, first.col, `the row has ${row.length} cells; the header has ${header.length}`));
      continue;
    }
    // An .xlsx cell spells NUL and a lone surrogate as _x0000_ and _xD800_ (a JSON body with them is refused before).
    const odd = row.find((cell) => unstorable(cell.value) !== undefined);
    if (odd) {
      problems.push(problem(file.name, odd.line, odd.col, `${fieldOf[row.indexOf(odd)]}: must not contain NUL characters or unpaired surrogates`));
      continue;
    }
    const raw: Record<string, unknown> = {};
    const cellOf = new Map<string, CsvField>();
    row.forEach((cell, i) => {
      const f = fieldOf[i]!;
      cellOf.set(f, cell);
      const v = cell.value.trim();
      if (LISTS.has(f)) raw[f] = splitList(v);
      else if (DATES.has(f)) raw[f] = v === '' ? null : v;
      else if (f === 'type') raw[f] = TYPE_BY_NAME.get(v) ?? v;
      else if (v !== '' || f !== 'unitId') raw[f] = v;
    });
    raw['unitId'] ??= defaultUnit ?? '';
    const ok = ArticleFields.safeParse(raw);
    if (!ok.success) {
      for (const issue of ok.error.issues) {
        const f = String(issue.path[0] ?? 'title');
        const cell = cellOf.get(f) ?? first;
        problems.push(
          problem(file.name, cell.line, cell.col, `${f}: ${f === 'type' ? `must be one of ${Object.values(KB_TYPE_NAMES).join('/')}` : issue.message}`),
        );
      }
      continue;
    }
    candidates.push({ fields: raw as ArticleFieldsInput, at: { file: file.name, line: first.line, col: first.col } });
  }
  return { candidates, problems };
}

/** A Markdown file: `---` front matter (title, type, unitId, hotlines, …) `---`, then the body. */
export function readMarkdown(file: ImportFile, defaultUnit: string | null): { candidates: ImportCandidate[]; problems: Problem[] } {
  const text = file.text.startsWith('\uFEFF') ? file.text.slice(1) : file.text;
  const lines = text.split(/\r?\n/);
  const close = lines[0]?.trim() === '---' ? lines.findIndex((l, i) => i > 0 && l.trim() === '---') : -1;
  if (close === -1)
    return { candidates: [], problems: [problem(file.name, 1, 1, 'a front matter between two "---" lines (title, type, …) must open the file')] };
  const src = new YamlSource(file.name, lines.slice(1, close).join('\n'));
  const shift = (p: Problem): Problem => ({ ...p, line: p.line + 1 });
  if (src.syntaxProblems.length > 0) return { candidates: [], problems: src.syntaxProblems.map(shift) };
  const front = (src.data ?? {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = { ...front, body: lines.slice(close + 1).join('\n') };
  if (typeof raw['type'] === 'string') raw['type'] = TYPE_BY_NAME.get(raw['type']) ?? raw['type'];
  // Unquoted hotline numbers are YAML numbers: [12329] means "12329".
  for (const f of LISTS) if (Array.isArray(raw[f])) raw[f] = (raw[f] as unknown[]).map((x) => (typeof x === 'number' ? String(x) : x));
  raw['unitId'] ??= defaultUnit ?? undefined;
  const ok = ArticleFields.safeParse(raw);
  if (!ok.success) {
    // The body is the text after the front matter: its problems point at its first line.
    const [bodyIssues, frontIssues] = partition(ok.error.issues, (i) => i.path[0] === 'body');
    const problems = issuesToProblems(frontIssues, src, ArticleFields).map(shift);
    for (const i of bodyIssues) problems.push(problem(file.name, close + 2, 1, `body: ${i.message}`));
    return { candidates: [], problems };
  }
  return { candidates: [{ fields: raw as ArticleFieldsInput, at: { file: file.name, line: 1, col: 1 } }], problems: [] };
}

/** A problem the service found in a candidate (unknown unit, hotline, area; dates), at the candidate's line. */
export function candidateProblem(c: ImportCandidate, err: unknown): Problem {
  const message = isCodedError(err) ? `${err.code}: ${err.message}` : String(err);
  return problem(c.at.file, c.at.line, c.at.col, message);
}

function partition<T>(xs: readonly T[], p: (x: T) => boolean): [T[], T[]] {
  return [xs.filter(p), xs.filter((x) => !p(x))];
}

export { formatProblem };
