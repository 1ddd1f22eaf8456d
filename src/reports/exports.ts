/**
 * The report tables as CSV and XLSX (issue 14 item 4), with Chinese headers (or English). Both
 * are streamed: the CSV line by line, the workbook through exceljs's streaming writer, which
 * commits each row as it is written, so a large table is never held whole in memory. The CSV
 * starts with a byte-order mark so that Excel opens the Chinese headers as UTF-8.
 */
import { PassThrough, Readable } from 'node:stream';
import { xlsxWriter } from '../lib/excel.js';
import type { Assessment, ScorecardRow } from './assessment.js';
import { CALL_COLUMNS, ORDER_COLUMNS, columnsOf, csvValue, type Column, type ExportLanguage } from './export-columns.js';
import type { Figures, KpiReport } from './reports-service.js';

export interface ExportTable<R> {
  readonly title: string;
  readonly columns: readonly Column<R>[];
  readonly rows: Iterable<R>;
}

interface KpiLine {
  readonly period: string;
  readonly key: string;
  readonly name: string;
  readonly figures: Figures;
}

const text = <R>(zh: string, en: string, value: (r: R) => string): Column<R> => ({ zh, en, kind: 'text', value });

/** The KPI report as one table: per breakdown row (the total first), a line for the period and one for the previous period. */
export function kpiTable(r: KpiReport, lang: ExportLanguage): ExportTable<KpiLine> {
  const cur = `${r.period.from}~${r.period.to}`;
  const prev = `${r.previous.from}~${r.previous.to}`;
  const totalName = lang === 'zh' ? '合计' : 'Total';
  const first = r.rows[0] ?? r.total;
  const columns: Column<KpiLine>[] = [
    text('期间', 'Period', (l) => l.period),
    text('维度值', 'Key', (l) => l.key),
    text('名称', 'Name', (l) => l.name),
    ...(first.current.calls ? columnsOf<KpiLine, NonNullable<Figures['calls']>>(CALL_COLUMNS, (l) => l.figures.calls) : []),
    ...(first.current.orders ? columnsOf<KpiLine, NonNullable<Figures['orders']>>(ORDER_COLUMNS, (l) => l.figures.orders) : []),
  ];
  function* rows(): Generator<KpiLine> {
    yield { period: cur, key: '', name: totalName, figures: r.total.current };
    yield { period: prev, key: '', name: totalName, figures: r.total.previous };
    for (const row of r.rows) {
      const name = row.label ? row.label[lang] : (row.key ?? (lang === 'zh' ? '(无)' : '(none)'));
      yield { period: cur, key: row.key ?? '', name, figures: row.current };
      yield { period: prev, key: row.key ?? '', name, figures: row.previous };
    }
  }
  return { title: lang === 'zh' ? `统计报表 ${cur}` : `KPI report ${cur}`, columns, rows: rows() };
}

/** The month's scorecards as one table, best rank first. */
export function assessmentTable(a: Assessment, lang: ExportLanguage): ExportTable<ScorecardRow> {
  const rate = (zh: string, en: string, f: keyof ScorecardRow['figures']): Column<ScorecardRow> => ({ zh, en, kind: 'rate', value: (r) => r.figures[f] });
  const count = (zh: string, en: string, f: keyof ScorecardRow): Column<ScorecardRow> => ({ zh, en, kind: 'count', value: (r) => r[f] as number | null });
  const columns: Column<ScorecardRow>[] = [
    count('排名', 'Rank', 'rank'),
    text('单位编码', 'Unit id', (r) => r.unitId),
    text('单位', 'Unit', (r) => r.label?.[lang] ?? r.unitId),
    count('收到工单', 'Received', 'received'),
    count('签收', 'Signed', 'signed'),
    count('按时签收', 'Signed on time', 'signedOnTime'),
    count('办结回复', 'Replied', 'replied'),
    count('按时办结', 'Replied on time', 'repliedOnTime'),
    count('退回', 'Returned', 'returned'),
    count('延期', 'Extended', 'extended'),
    count('评价', 'Evaluated', 'evaluated'),
    count('满意', 'Satisfied', 'satisfied'),
    count('督办', 'Supervised', 'supervised'),
    { zh: '协办收到', en: 'Co-handling received', kind: 'count', value: (r) => r.coHandling.received },
    { zh: '协办回复', en: 'Co-handling replied', kind: 'count', value: (r) => r.coHandling.replied },
    { zh: '协办未回复即办结', en: 'Lead replied before co-handling', kind: 'count', value: (r) => r.coHandling.missed },
    rate('按时签收率', 'Signed on time', 'signOnTime'),
    rate('按时办结率', 'Handled on time', 'handleOnTime'),
    rate('满意率', 'Satisfaction', 'satisfaction'),
    rate('1-退回率', '1 - return rate', 'returns'),
    rate('1-延期率', '1 - extension rate', 'extensions'),
    rate('1-督办率', '1 - supervision rate', 'supervision'),
    { zh: '得分', en: 'Score', kind: 'score', value: (r) => r.score },
    text('约谈', 'Interview', (r) => (r.interview ? (lang === 'zh' ? '是' : 'yes') : '')),
  ];
  return { title: lang === 'zh' ? `承办单位考核 ${a.month}` : `Unit assessment ${a.month}`, columns, rows: a.rows };
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** The table as CSV text, streamed line by line (UTF-8 with a byte-order mark, CRLF). */
export function csvStream<R>(t: ExportTable<R>, lang: ExportLanguage): Readable {
  function* lines(): Generator<string> {
    yield '\uFEFF' + t.columns.map((c) => csvCell(c[lang])).join(',') + '\r\n';
    for (const row of t.rows) yield t.columns.map((c) => csvCell(csvValue(c.kind, c.value(row)))).join(',') + '\r\n';
  }
  return Readable.from(lines());
}

/** The table as an XLSX workbook streamed by exceljs's WorkbookWriter: rates as percentages, durations in seconds. */
export function xlsxStream<R>(t: ExportTable<R>, lang: ExportLanguage): Readable {
  const out = new PassThrough();
  const book = new (xlsxWriter())({ stream: out, useStyles: true, useSharedStrings: false });
  book.title = t.title;
  const sheet = book.addWorksheet(t.title.slice(0, 31).replace(/[\\/?*[\]:]/g, '-'));
  sheet.columns = t.columns.map((c) => ({
    header: c[lang],
    width: Math.max(10, Math.min(30, c[lang].length * (lang === 'zh' ? 2 : 1) + 2)),
    ...(c.kind === 'rate' ? { style: { numFmt: '0.0%' } } : c.kind === 'seconds' || c.kind === 'score' ? { style: { numFmt: '0.0' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  const write = async () => {
    for (const row of t.rows) {
      sheet
        .addRow(
          t.columns.map((c) => {
            const v = c.value(row);
            return c.kind === 'seconds' && typeof v === 'number' ? v / 1000 : v;
          }),
        )
        .commit();
    }
    sheet.commit();
    await book.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
