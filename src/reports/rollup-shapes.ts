/**
 * What the daily rollups' builder and their readers share (report-rollups.ts): the sources, the
 * count columns a rollup holds and their SQL sums, Beijing days and months, the clean days of a
 * range, and the day lists of a statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';
import { ZERO_CALLS, type CallCounts } from './call-kpis.js';
import { ORDER_COUNT_KEYS } from '../contract/reports.js';
import { dateOf, isPeriod, periodOf } from './period.js';
import { rows, type ReportRead } from './report-read.js';

export type RollupSource = 'calls' | 'orders';

export const CALL_FIELDS = Object.keys(ZERO_CALLS) as Array<keyof CallCounts>;
/** The order counts a day's rollup holds: all but the open-deadline ones (current state). */
export const ORDER_FIELDS = ORDER_COUNT_KEYS.filter((k) => k !== 'signOverdueOpen' && k !== 'replyOverdueOpen');

/** answeredWithin15s → answered_within_15s: the rollup tables' columns are the counts' names. */
export const snake = (name: string) => name.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
export const sums = (fields: readonly string[], alias = true) =>
  sql.raw(fields.map((f) => `coalesce(sum(${snake(f)}), 0)${alias ? ` as "${f}"` : ''}`).join(', '));
/** A source's month sums in report_rollup_days. */
export const MONTH: Record<RollupSource, string> = { calls: 'calls-month', orders: 'orders-month' };
/** The Beijing calendar month of a day: [its first day, the next month's first day). */
export function monthOf(day: number): { start: number; end: number } {
  const p = periodOf('month', dateOf(day));
  if (!isPeriod(p)) throw new Error(`no month for ${day}`);
  return { start: p.start, end: p.end };
}

/** The Beijing days (Shanghai midnights) of [start, end). */
export function daysOf(start: number, end: number): number[] {
  const out: number[] = [];
  for (let d = shanghaiDayStart(start); d < end; d += DAY_MS) out.push(d);
  return out;
}

/** Days of [start, end) read from the rollups: built and not dirty. */
export function* cleanDaysRead(source: RollupSource, start: number, end: number): ReportRead<Set<number>> {
  const found = yield* rows<{ day: number }>(sql`
    select b.day as day from report_rollup_days b
    where b.source = ${source} and b.day >= ${start} and b.day < ${end}
      and not exists (select 1 from report_rollup_dirty d where d.source = b.source and d.day = b.day)`);
  return new Set(found.map((r) => Number(r.day)));
}

export const inList = (xs: readonly number[], col: SQL = sql`day`) =>
  sql`${col} in (${sql.join(
    xs.map((d) => sql`${d}`),
    sql`, `,
  )})`;

/** `col` is one of `days` (a range when they are consecutive, as in a past period). */
export function inDays(days: Set<number>, col: SQL = sql`day`): SQL {
  const list = [...days].sort((a, b) => a - b);
  if (list.at(-1)! - list[0]! === (list.length - 1) * DAY_MS) return sql`${col} >= ${list[0]} and ${col} <= ${list.at(-1)}`;
  return inList(list, col);
}

export function numbers<F extends string>(r: Partial<Record<F, number>>, fields: readonly F[]): Record<F, number> {
  return Object.fromEntries(fields.map((f) => [f, Number(r[f] ?? 0)])) as Record<F, number>;
}
