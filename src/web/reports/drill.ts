/**
 * Which figures of the reports page lead to the orders behind them (GET /api/reports/orders,
 * docs/kpis.md "Drill-down"), and which order count each one lists: a rate lists the orders that
 * make its numerator (退回率 → the returns) or spoil it (按时签收率 → the late sign-fors).
 * Call figures list their calls (GET /api/reports/calls): 人工接通率 → the answered calls, 15秒接通率 →
 * those answered after 15 s, 放弃率 → the abandoned ones. Means (ASA, AHT) and 满意率 are not links.
 */
import type { Figure, ReportQuery } from './api.js';
import { call } from '../api.js';
import type { DrilledCalls, DrilledOrders } from '../../contract/http-reports.js';
import type { HotTopics } from '../../contract/http-hot-topics.js';

export type { DrilledCalls, DrilledOrders, HotTopics };

/** The drill-down figures (src/reports/order-drill.ts DRILL_FIGURES) the page links to. */
export type DrillFigure = 'accepted' | 'answeredOnSpot' | 'signedLate' | 'repliedLate' | 'returned' | 'missed';

export const DRILL_OF: Partial<Record<Figure, DrillFigure>> = {
  accepted: 'accepted',
  onSpotRate: 'answeredOnSpot',
  signOnTimeRate: 'signedLate',
  handleOnTimeRate: 'repliedLate',
  returnRate: 'returned',
  missedCallbackRate: 'missed',
};

/** The call drill-down figures (src/reports/call-drill.ts CALL_DRILL_FIGURES) the page links to. */
export type CallDrillFigure = 'callsIn' | 'answered' | 'answeredLate' | 'abandonedInQueue';

export const CALL_DRILL_OF: Partial<Record<Figure, CallDrillFigure>> = {
  callsIn: 'callsIn',
  connectionRate: 'answered',
  answerRate15s: 'answeredLate',
  abandonRateQueue: 'abandonedInQueue',
};
const CALL_DRILL_DIMENSIONS: readonly string[] = ['none', 'hotline', 'agent', 'channel'];

/** The breakdowns the drill-down knows (an order's unit, category, channel); others link the total only. */
const DRILL_DIMENSIONS: readonly string[] = ['none', 'unit', 'category', 'channel'];

/** What one click lists: an order figure of a row, or the orders of a hot-topic word. */
export type DrillTarget =
  | { kind: 'figure'; figure: DrillFigure; by: string; key: string | null }
  | { kind: 'calls'; figure: CallDrillFigure; by: string; key: string | null }
  | { kind: 'topic'; word: string };

/** The drill-down of `figure` in a row (`key` of the breakdown `by`; total: by 'none'), or undefined when the figure or breakdown has none. */
export function drillTarget(figure: Figure, by: string, key: string | null): DrillTarget | undefined {
  const c = CALL_DRILL_OF[figure];
  if (c) return CALL_DRILL_DIMENSIONS.includes(by) ? { kind: 'calls', figure: c, by, key: by === 'none' ? null : key } : undefined;
  const d = DRILL_OF[figure];
  if (!d || !DRILL_DIMENSIONS.includes(by)) return undefined;
  return { kind: 'figure', figure: d, by, key: by === 'none' ? null : key };
}

/** The page's period as query parameters. */
function periodParams(q: ReportQuery, extra: Record<string, string>): string {
  const p = new URLSearchParams({ period: q.period, date: q.date });
  if (q.period === 'custom') p.set('to', q.to);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

/** The URL of a drill-down for the page's period. */
export function drillUrl(q: ReportQuery, target: DrillTarget): string {
  if (target.kind === 'topic') return `/api/reports/hot-topics/orders?${periodParams(q, { word: target.word })}`;
  const key: Record<string, string> = target.key === null ? {} : { key: target.key };
  if (target.kind === 'calls') return `/api/reports/calls?${periodParams(q, { figure: target.figure, by: target.by, ...key })}`;
  return `/api/reports/orders?${periodParams(q, { figure: target.figure, by: target.by, ...key })}`;
}

export const drillOrders = (q: ReportQuery, target: DrillTarget) => call<DrilledOrders>('GET', drillUrl(q, target));
export const drillCalls = (q: ReportQuery, target: DrillTarget) => call<DrilledCalls>('GET', drillUrl(q, target));

export const hotTopics = (q: ReportQuery, sort: 'orders' | 'rise') =>
  call<HotTopics>('GET', `/api/reports/hot-topics?${periodParams(q, { sort, limit: '20' })}`);
