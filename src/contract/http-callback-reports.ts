/**
 * GET /api/reports/callbacks (src/http/routes/callback-reports-routes.ts, src/reports/callback-kpis.ts):
 * the outbound callback figures of a period — the cohort of missed callers (called back, reached,
 * within N hours, wait p50/p90, attempts per callback) and the outbound calls made — in total and
 * per day or agent. The route replies through this schema; the web app infers its type.
 */
import { z } from 'zod';
import { PERIOD_KINDS } from './reports.js';

export const CALLBACK_REPORT_DIMENSIONS = ['none', 'day', 'agent'] as const;

const rate = z.number().nullable();

export const CallbackCohort = z.object({
  missedCallers: z.number(),
  calledBack: z.number(),
  reached: z.number(),
  calledBackWithin: z.number(),
  cohortAttempts: z.number(),
  /** 回拨率: callers called back (≥ 1 attempt) ÷ missed callers. */
  callbackRate: rate,
  /** 回拨接通率: callers reached ÷ missed callers. */
  reachRate: rate,
  /** Called back within `withinHours` of the first missed call ÷ missed callers. */
  withinRate: rate,
  attemptsPerCallback: rate,
  waitP50Ms: rate,
  waitP90Ms: rate,
});

export const CallbackActivity = z.object({
  attempts: z.number(),
  answered: z.number(),
  busy: z.number(),
  noAnswer: z.number(),
  failed: z.number(),
  evaluationAttempts: z.number(),
  evaluationAnswered: z.number(),
});

export const CallbackReportRow = z.object({
  /** '' for the total; a Beijing date; an agent id. */
  key: z.string(),
  label: z.object({ zh: z.string(), en: z.string() }).nullable(),
  /** Null by agent (a missed caller is nobody's until called). */
  cohort: CallbackCohort.nullable(),
  activity: CallbackActivity,
});

export const CallbackReport = z.object({
  period: z.object({ kind: z.enum(PERIOD_KINDS), from: z.string(), to: z.string(), start: z.number(), end: z.number() }),
  dimension: z.enum(CALLBACK_REPORT_DIMENSIONS),
  withinHours: z.number(),
  total: CallbackReportRow,
  rows: z.array(CallbackReportRow),
});
export type CallbackReport = z.output<typeof CallbackReport>;
