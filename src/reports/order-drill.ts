/**
 * Drill-down (issue 14 item 2): the orders behind one cell of the order figures — a count of a
 * period, in total or for one unit, category or channel — found by the same conditions as the
 * count (order-kpis.ts EVENT_METRICS) and within the same unit scope, so that the list and the
 * figure agree. Counts of events (a reopened order replies twice) list the order once.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { EVENT_METRICS, KEY, unitCondition, type EventMetric, type OrderCounts, type OrderDimension, type UnitFilter } from './order-kpis.js';
import { jsonIsTrue } from './sql-dialect.js';

/** The order counts one can drill into (each is one event metric, the late ones with their flag). */
export const DRILL_FIGURES = [
  'accepted',
  'answeredOnSpot',
  'dispatched',
  'returned',
  'signed',
  'signedLate',
  'replied',
  'repliedLate',
  'extended',
  'supervised',
  'closed',
  'missed',
] as const satisfies readonly (keyof OrderCounts)[];
export type DrillFigure = (typeof DRILL_FIGURES)[number];

const LATE: Partial<Record<DrillFigure, SQL>> = { signedLate: jsonIsTrue('e.data', 'late'), repliedLate: jsonIsTrue('e.data', 'late') };

/** At most this many orders per drill-down; `capped` says there are more. */
export const DRILL_LIMIT = 500;

export interface DrilledOrders {
  readonly orders: Array<{ id: number; number: string }>;
  readonly capped: boolean;
}

const metricOf = (figure: DrillFigure): EventMetric => EVENT_METRICS.find((m) => figure in m.values)!;

/**
 * The orders counted in `figure` over [start, end); for one `key` of `dim` (a unit id, category or
 * channel; null: the orders with none, e.g. no unit), or all with dim 'none'; only events of `units` (a county's subtree).
 */
export function drillOrders(
  db: Db,
  start: number,
  end: number,
  figure: DrillFigure,
  dim: OrderDimension,
  key: string | null,
  units: UnitFilter,
): DrilledOrders {
  const m = metricOf(figure);
  const col = dim === 'unit' ? m.unit : KEY[dim];
  const keyCond = dim === 'none' ? sql`1 = 1` : key === null ? sql`${col} is null` : sql`${col} = ${key}`;
  const rows = db.all<{ id: number; number: string }>(sql`
    select distinct o.id as id, o.number as number
    from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
    where ${m.where} and e.at >= ${start} and e.at < ${end} and ${unitCondition(m.unit, units)} and ${keyCond} and ${LATE[figure] ?? sql`1 = 1`}
    order by o.id
    limit ${DRILL_LIMIT + 1}`);
  return { orders: rows.slice(0, DRILL_LIMIT), capped: rows.length > DRILL_LIMIT };
}
