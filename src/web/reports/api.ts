/** The reports page's HTTP calls (src/http/routes/reports-routes.ts). */
import { call } from '../api.js';
import type { DailyTrend, Figures, KpiReport } from '../../contract/http-reports.js';
import { PERIOD_KINDS, REPORT_DIMENSIONS, type PeriodKind, type ReportDimension } from '../../contract/reports.js';

export const REPORTS_PATH = '/reports';
/** A unit handler's own scorecard page (src/web/reports/ScorecardPage.tsx), linked from the unit portal. */
export const SCORECARD_PATH = '/scorecard';
export const PERIODS = PERIOD_KINDS;
export const DIMENSIONS = REPORT_DIMENSIONS;
export type { PeriodKind };
export type Dimension = ReportDimension;

/** The figures the page shows; the report carries more (docs/kpis.md). */
export const CALL_FIGURES = ['callsIn', 'connectionRate', 'answerRate15s', 'abandonRateQueue', 'asaMs', 'ahtMs'] as const;
export const ORDER_FIGURES = ['accepted', 'onSpotRate', 'signOnTimeRate', 'handleOnTimeRate', 'returnRate', 'satisfaction', 'missedCallbackRate'] as const;
export type Figure = (typeof CALL_FIGURES)[number] | (typeof ORDER_FIGURES)[number];

// The reply's types are the contract's (src/contract/http-reports.ts): the route replies through the same schema.
export type { DailyTrend, Figures, KpiReport };

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

/** The per-day figures of the period (the trend chart). */
export const dailyTrend = (q: ReportQuery) => call<DailyTrend>('GET', `/api/reports/daily?${queryString(q)}`);

/** A figure's value in a row: from the call or the order figures, whichever has it. */
export function figureOf(f: Figures, name: Figure): number | null {
  const calls: readonly Figure[] = CALL_FIGURES;
  const v = calls.includes(name) ? f.calls?.[name as (typeof CALL_FIGURES)[number]] : f.orders?.[name as (typeof ORDER_FIGURES)[number]];
  return v ?? null;
}

export const isRate = (name: Figure) => name.endsWith('Rate') || name === 'answerRate15s' || name === 'satisfaction';
