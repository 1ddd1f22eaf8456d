/**
 * The KPI reports API's responses (src/http/routes/reports-routes.ts, docs/kpis.md): the routes
 * reply through these schemas (and OpenAPI describes them), the web app's reports page infers
 * its types from them (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { ASSESSMENT_FIGURES, CALL_COUNT_KEYS, CALL_FIGURE_KEYS, ORDER_COUNT_KEYS, ORDER_FIGURE_KEYS, PERIOD_KINDS, REPORT_DIMENSIONS } from './reports.js';

/** An object of numbers with these keys. */
function numbers<K extends string, V extends z.ZodType>(keys: readonly K[], value: V): z.ZodObject<Record<K, V>> {
  return z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, V>);
}
/** Null: figures the reader may not see (a county dispatcher: no call figures). */
const CallFiguresView = numbers(CALL_COUNT_KEYS, z.number()).extend(numbers(CALL_FIGURE_KEYS, z.number().nullable()).shape).nullable();
const OrderFiguresView = numbers(ORDER_COUNT_KEYS, z.number()).extend(numbers(ORDER_FIGURE_KEYS, z.number().nullable()).shape).nullable();

/** The counts and figures of one row of a period. */
export const Figures = z.object({ calls: CallFiguresView, orders: OrderFiguresView });
export type Figures = z.output<typeof Figures>;

export const ReportPeriod = z.object({ kind: z.enum(PERIOD_KINDS), from: z.string(), to: z.string(), start: z.number(), end: z.number() });
export type ReportPeriod = z.output<typeof ReportPeriod>;

const Label = z.object({ zh: z.string(), en: z.string() }).nullable();

/** GET /api/reports/kpis: a period and the one before, in total and by one dimension. */
export const KpiReport = z.object({
  period: ReportPeriod,
  previous: ReportPeriod,
  dimension: z.enum(REPORT_DIMENSIONS),
  total: z.object({ current: Figures, previous: Figures }),
  rows: z.array(z.object({ key: z.string().nullable(), label: Label, current: Figures, previous: Figures })),
});
export type KpiReport = z.output<typeof KpiReport>;

/** One handling unit's monthly scorecard (承办单位考核). */
export const Scorecard = z.object({
  unitId: z.string(),
  label: Label,
  received: z.number(),
  signed: z.number(),
  signedOnTime: z.number(),
  replied: z.number(),
  repliedOnTime: z.number(),
  returned: z.number(),
  extended: z.number(),
  evaluated: z.number(),
  satisfied: z.number(),
  supervised: z.number(),
  /** As a co-handling unit (协办): dispatches naming it, its replies, lead replies sent before it replied. */
  coHandling: z.object({ received: z.number(), replied: z.number(), missed: z.number() }),
  figures: numbers(ASSESSMENT_FIGURES, z.number().nullable()),
  score: z.number().nullable(),
  rank: z.number().nullable(),
  interview: z.boolean(),
});
export type Scorecard = z.output<typeof Scorecard>;

/** GET /api/reports/assessment: the month's scorecards, weights and how many units were ranked. */
export const Assessment = z.object({
  month: z.string(),
  period: ReportPeriod,
  weights: numbers(ASSESSMENT_FIGURES, z.number()),
  ranked: z.number(),
  rows: z.array(Scorecard),
});
export type Assessment = z.output<typeof Assessment>;

/** GET /api/reports/calls: the inbound calls behind one call figure (drill-down), at most 500; no caller numbers. */
export const DrilledCalls = z.object({
  calls: z.array(z.object({ id: z.string(), enteredAt: z.number(), hotline: z.string(), agentId: z.number().nullable() })),
  capped: z.boolean(),
});
export type DrilledCalls = z.output<typeof DrilledCalls>;

/** GET /api/reports/orders: the orders behind one order figure (drill-down), at most 500. */
export const DrilledOrders = z.object({
  orders: z.array(z.object({ id: z.number(), number: z.string() })),
  /** More orders match than were listed. */
  capped: z.boolean(),
});
export type DrilledOrders = z.output<typeof DrilledOrders>;

/** GET /api/reports/daily: the figures of each Beijing day of a period (the reports page's trend chart), at most 92 days. */
export const DailyTrend = z.object({
  period: ReportPeriod,
  days: z.array(
    z.object({
      date: z.string(),
      /** Calls in and answered; null for a county dispatcher (call figures are city-wide). */
      calls: z.object({ callsIn: z.number(), answered: z.number() }).nullable(),
      /** Orders accepted (受理) and closed (办结), missed calls (漏接) and those called back (回拨). */
      orders: z.object({ accepted: z.number(), closed: z.number(), missed: z.number(), calledBack: z.number() }),
    }),
  ),
});
export type DailyTrend = z.output<typeof DailyTrend>;
