/**
 * Co-handling (协办) figures per unit over a period (docs/kpis.md "Unit assessment"), from the
 * order history: an order dispatched with co-handling units (dispatch/redispatch `data.coUnitIds`),
 * their replies (reply with `data.part = 'co_unit'`, by `data.unitId`), and the lead unit's replies
 * that went out while a co-handling unit had not replied yet (`data.coUnitsNotReplied`: the co-unit
 * held the order up or left the lead to answer without it). Events are dated in the period, as the
 * lead-unit figures (order-kpis.ts); the JSON lists are read through sql-dialect.ts.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { jsonArrayElements, jsonText } from './sql-dialect.js';
import { rows, runOn, type ReportRead } from './report-read.js';

/** Additive counts of one unit as a co-handling unit. */
export interface CoHandlingCounts {
  /** Dispatches and re-dispatches naming the unit as a co-handling unit (协办收到). */
  received: number;
  /** Its replies as a co-handling unit (协办回复). */
  replied: number;
  /** Lead-unit replies sent while it had not replied yet (协办未回复即办结). */
  missed: number;
}

export const ZERO_CO_HANDLING: CoHandlingCounts = { received: 0, replied: 0, missed: 0 };

/** The co-handling counts of [start, end) by unit id. */
export function* coHandlingCountsRead(start: number, end: number): ReportRead<Map<string, CoHandlingCounts>> {
  const out = new Map<string, CoHandlingCounts>();
  const add = (found: Array<{ k: string | null; n: number }>, field: keyof CoHandlingCounts) => {
    for (const { k, n } of found) {
      if (k === null || k === '') continue;
      const row = out.get(k) ?? out.set(k, { ...ZERO_CO_HANDLING }).get(k)!;
      row[field] += Number(n);
    }
  };
  const inPeriod = sql`e.at >= ${start} and e.at < ${end}`;
  add(
    yield* rows(
      (d) => sql`select j.value as k, count(*) as n from work_order_events e, ${jsonArrayElements('e.data', 'coUnitIds', 'j', d)}
      where e.action in ('dispatch', 'redispatch') and ${inPeriod} group by 1`,
    ),
    'received',
  );
  add(
    yield* rows(
      (d) => sql`select ${jsonText('e.data', 'unitId', d)} as k, count(*) as n from work_order_events e
      where e.action = 'reply' and ${jsonText('e.data', 'part', d)} = 'co_unit' and ${inPeriod} group by 1`,
    ),
    'replied',
  );
  add(
    yield* rows(
      (d) => sql`select j.value as k, count(*) as n from work_order_events e, ${jsonArrayElements('e.data', 'coUnitsNotReplied', 'j', d)}
      where e.action = 'reply' and ${jsonText('e.data', 'part', d)} = 'lead_unit' and ${inPeriod} group by 1`,
    ),
    'missed',
  );
  return out;
}

/** {@link coHandlingCountsRead} on a SQLite handle. */
export function coHandlingCounts(db: Db, start: number, end: number): Map<string, CoHandlingCounts> {
  return runOn(db, coHandlingCountsRead(start, end));
}
