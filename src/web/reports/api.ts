/** The reports page's HTTP calls (src/http/routes/reports-routes.ts). */
import { call } from '../api.js';

export const REPORTS_PATH = '/reports';
export const PERIODS = ['day', 'week', 'month', 'custom'] as const;
export const DIMENSIONS = ['none', 'hotline', 'agent', 'unit', 'category', 'area', 'channel'] as const;
export type PeriodKind = (typeof PERIODS)[number];
export type Dimension = (typeof DIMENSIONS)[number];

/** The figures the page shows; the report carries more (docs/kpis.md). */
export const CALL_FIGURES = ['callsIn', 'connectionRate', 'answerRate15s', 'abandonRateQueue', 'asaMs', 'ahtMs'] as const;
export const ORDER_FIGURES = ['accepted', 'onSpotRate', 'signOnTimeRate', 'handleOnTimeRate', 'returnRate', 'satisfaction', 'missedCallbackRate'] as const;
export type Figure = (typeof CALL_FIGURES)[number] | (typeof ORDER_FIGURES)[number];

export interface Figures {
  calls: Record<string, number | null> | null;
  orders: Record<string, number | null> | null;
}
export interface KpiReport {
  period: { kind: PeriodKind; from: string; to: string };
  previous: { from: string; to: string };
  dimension: Dimension;
  total: { current: Figures; previous: Figures };
  rows: Array<{ key: string | null; label: { zh: string; en: string } | null; current: Figures; previous: Figures }>;
}

export interface ReportQuery {
  period: PeriodKind;
  date: string;
  to: string;
  by: Dimension;
}

export function queryString(q: ReportQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ period: q.period, date: q.date, by: q.by, ...extra });
  if (q.period === 'custom') p.set('to', q.to);
  return p.toString();
}

export const kpiReport = (q: ReportQuery) => call<KpiReport>('GET', `/api/reports/kpis?${queryString(q)}`);

/** A figure's value in a row: from the call or the order figures, whichever has it. */
export function figureOf(f: Figures, name: Figure): number | null {
  const v = (CALL_FIGURES as readonly string[]).includes(name) ? f.calls?.[name] : f.orders?.[name];
  return v ?? null;
}

export const isRate = (name: Figure) => name.endsWith('Rate') || name === 'answerRate15s' || name === 'satisfaction';
