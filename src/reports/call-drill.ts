/**
 * Drill-down from a call figure (issue 14 item 2): the calls behind one count of a period — in
 * total or for one hotline, agent or dialled number — found by the count's own condition
 * (call-kpis.ts CALL_CONDITIONS) over the same inbound calls, at most 500. Only ids, times, the
 * hotline and the agent: no caller number (personal data) in a list.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { calls } from '../db/schema.js';
import { CALL_CONDITIONS, CALL_KEY, type CallCondition, type CallDimension } from './call-kpis.js';
import { DRILL_LIMIT } from './order-drill.js';
import { rows, runOn, type ReportRead } from './report-read.js';

/** The call counts one can drill into (each has its condition in CALL_CONDITIONS; answeredLate: answered after 15 s). */
export const CALL_DRILL_FIGURES = [
  'callsIn',
  'answered',
  'answeredLate',
  'abandonedInQueue',
  'abandonedAtFrontDoor',
  'repeatCalls',
] as const satisfies readonly CallCondition[];
export type CallDrillFigure = (typeof CALL_DRILL_FIGURES)[number];

export interface DrilledCalls {
  readonly calls: Array<{ id: string; enteredAt: number; hotline: string; agentId: number | null }>;
  readonly capped: boolean;
}

/** The inbound calls entered in [start, end) counted in `figure`, for one `key` of `dim` (null: none, e.g. no agent) or all with 'none'; oldest first. */
export function* drillCallsRead(start: number, end: number, figure: CallDrillFigure, dim: CallDimension, key: string | null): ReportRead<DrilledCalls> {
  const col = CALL_KEY[dim];
  const keyCond = dim === 'none' ? sql`1 = 1` : key === null ? sql`${col} is null` : sql`${col} = ${key}`;
  const found = yield* rows<{ id: string; enteredAt: number; hotline: string; agentId: number | null }>(
    (d) => sql`
    select ${calls.id} as "id", ${calls.enteredAt} as "enteredAt", ${calls.hotline} as "hotline", ${calls.agentId} as "agentId"
    from ${calls}
    where ${calls.enteredAt} >= ${start} and ${calls.enteredAt} < ${end} and ${calls.direction} = 'in' and ${CALL_CONDITIONS[d][figure]} and ${keyCond}
    order by ${calls.enteredAt}, ${calls.id}
    limit ${DRILL_LIMIT + 1}`,
  );
  const list = found.map((c) => ({ ...c, enteredAt: Number(c.enteredAt) }));
  return { calls: list.slice(0, DRILL_LIMIT), capped: list.length > DRILL_LIMIT };
}

/** {@link drillCallsRead} on a SQLite handle. */
export function drillCalls(db: Db, start: number, end: number, figure: CallDrillFigure, dim: CallDimension, key: string | null): DrilledCalls {
  return runOn(db, drillCallsRead(start, end, figure, dim, key));
}
