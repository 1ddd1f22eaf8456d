/**
 * The daily trend's counts (GET /api/reports/daily, docs/kpis.md "Daily rollups"): calls in and
 * answered, orders accepted, closed, missed and called back on each Beijing day of a period.
 * A built, clean day (ReportRollups.cleanDays: closed, built, not marked dirty) is read from its
 * day rows (report_call_days / report_order_days, month = 0): they hold that day's counts by key,
 * built by the raw reports' own queries, and a day's distinct figures (受理, 办结, 漏接) count each
 * order once within the day — what the raw per-day query counts — with one key per order (its
 * lead unit, category, channel), so their sum over keys is the day's figure. The other days (today,
 * a day not built yet, a dirty day, a day still to come) are counted raw by call-kpis.ts callsPerDay
 * and order-kpis.ts orderCountsPerDay, one grouped query per run of consecutive such days.
 */
import { sql } from 'drizzle-orm';
import { DAY_MS } from '../lib/shanghai-time.js';
import { callsPerDayRead, type CallCounts } from './call-kpis.js';
import { orderCountsPerDayRead, unitCondition, type OrderCounts, type UnitFilter } from './order-kpis.js';
import type { RollupSource } from './report-rollups.js';
import { cleanDaysRead } from './rollup-shapes.js';
import { rows, type ReportRead } from './report-read.js';

export const TREND_ORDER_FIELDS = ['accepted', 'closed', 'missed', 'calledBack'] as const;
export type TrendCalls = Pick<CallCounts, 'callsIn' | 'answered'>;
export type TrendOrders = Pick<OrderCounts, (typeof TREND_ORDER_FIELDS)[number]>;

/** Where each day of [start, end) is read: the clean days from the rollups, the rest raw in runs of consecutive days. */
interface TrendPlan {
  readonly clean: Set<number>;
  readonly rawRuns: Array<{ start: number; end: number }>;
}

function* plan(rollups: boolean, source: RollupSource, start: number, end: number): ReportRead<TrendPlan> {
  const clean = rollups ? yield* cleanDaysRead(source, start, end) : new Set<number>();
  const rawRuns: Array<{ start: number; end: number }> = [];
  for (let d = start; d < end; d += DAY_MS) {
    if (clean.has(d)) continue;
    const last = rawRuns.at(-1);
    if (last && last.end === d) last.end = d + DAY_MS;
    else rawRuns.push({ start: d, end: d + DAY_MS });
  }
  return { clean, rawRuns };
}

const dayIndex = (start: number, day: number) => Math.round((day - start) / DAY_MS);

/**
 * Calls in and answered on each day of [start, end) (key: the day's index from `start`, a Shanghai midnight); days without calls absent.
 * `rollups`: whether built days are read from the rollups (else every day raw).
 */
export function* trendCalls(rollups: boolean, start: number, end: number): ReportRead<Map<number, TrendCalls>> {
  const p = yield* plan(rollups, 'calls', start, end);
  const out = new Map<number, TrendCalls>();
  if (p.clean.size) {
    const found = yield* rows<{ day: number; callsIn: number; answered: number }>(sql`
      select day, coalesce(sum(calls_in), 0) as "callsIn", coalesce(sum(answered), 0) as "answered"
      from report_call_days where day >= ${start} and day < ${end} and month = 0 group by day`);
    for (const r of found)
      if (p.clean.has(Number(r.day))) out.set(dayIndex(start, Number(r.day)), { callsIn: Number(r.callsIn), answered: Number(r.answered) });
  }
  for (const run of p.rawRuns)
    for (const [i, c] of yield* callsPerDayRead(run.start, run.end)) out.set(dayIndex(start, run.start) + i, { callsIn: c.callsIn, answered: c.answered });
  return out;
}

/** Orders accepted, closed, missed and called back on each day of [start, end) (key as {@link trendCalls}), of `units`' events only when given (a county's subtree). */
export function* trendOrders(rollups: boolean, start: number, end: number, units?: UnitFilter): ReportRead<Map<number, TrendOrders>> {
  const p = yield* plan(rollups, 'orders', start, end);
  const out = new Map<number, TrendOrders>();
  if (p.clean.size) {
    const found = yield* rows<{ day: number } & TrendOrders>(sql`
      select day, coalesce(sum(accepted), 0) as accepted, coalesce(sum(closed), 0) as closed,
        coalesce(sum(missed), 0) as missed, coalesce(sum(called_back), 0) as "calledBack"
      from report_order_days where day >= ${start} and day < ${end} and month = 0 and ${unitCondition(sql`unit_id`, units)} group by day`);
    for (const r of found)
      if (p.clean.has(Number(r.day)))
        out.set(dayIndex(start, Number(r.day)), {
          accepted: Number(r.accepted),
          closed: Number(r.closed),
          missed: Number(r.missed),
          calledBack: Number(r.calledBack),
        });
  }
  for (const run of p.rawRuns)
    for (const [i, o] of yield* orderCountsPerDayRead(run.start, run.end, TREND_ORDER_FIELDS, units))
      out.set(dayIndex(start, run.start) + i, { accepted: o.accepted ?? 0, closed: o.closed ?? 0, missed: o.missed ?? 0, calledBack: o.calledBack ?? 0 });
  return out;
}
