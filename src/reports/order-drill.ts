/**
 * Drill-down (issue 14 item 2): the orders behind one cell of the order figures — a count of a
 * period, in total or for one unit, category or channel — found by the same conditions as the
 * count (order-kpis.ts EVENT_METRICS) and within the same unit scope, so that the list and the
 * figure agree. Counts of events (a reopened order replies twice) list the order once.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { KEY, ORDER_SQL, unitCondition, type EventMetric, type OrderCounts, type OrderDimension, type UnitFilter } from './order-kpis.js';
import { jsonIsTrue, type SqlDialect } from './sql-dialect.js';
import { rows, runOn, type ReportRead } from './report-read.js';

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

const late = (figure: DrillFigure, d: SqlDialect): SQL => (figure === 'signedLate' || figure === 'repliedLate' ? jsonIsTrue('e.data', 'late', d) : sql`1 = 1`);

/** At most this many orders per drill-down; `capped` says there are more. */
export const DRILL_LIMIT = 500;

export interface DrilledOrders {
  readonly orders: Array<{ id: number; number: string }>;
  readonly capped: boolean;
}

const metricOf = (figure: DrillFigure, d: SqlDialect): EventMetric => ORDER_SQL[d].EVENT_METRICS.find((m) => figure in m.values)!;

/**
 * The orders counted in `figure` over [start, end); for one `key` of `dim` (a unit id, category or
 * channel; null: the orders with none, e.g. no unit), or all with dim 'none'; only events of `units` (a county's subtree).
 */
export function* drillOrdersRead(
  start: number,
  end: number,
  figure: DrillFigure,
  dim: OrderDimension,
  key: string | null,
  units: UnitFilter,
): ReportRead<DrilledOrders> {
  const found = yield* rows<{ id: number; number: string }>((d) => {
    const m = metricOf(figure, d);
    const col = dim === 'unit' ? m.unit : KEY[dim];
    const keyCond = dim === 'none' ? sql`1 = 1` : key === null ? sql`${col} is null` : sql`${col} = ${key}`;
    return sql`
    select distinct o.id as "id", o.number as "number"
    from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
    where ${m.where} and e.at >= ${start} and e.at < ${end} and ${unitCondition(m.unit, units)} and ${keyCond} and ${late(figure, d)}
    order by o.id
    limit ${DRILL_LIMIT + 1}`;
  });
  return { orders: found.slice(0, DRILL_LIMIT), capped: found.length > DRILL_LIMIT };
}

/** {@link drillOrdersRead} on a SQLite handle. */
export function drillOrders(
  db: Db,
  start: number,
  end: number,
  figure: DrillFigure,
  dim: OrderDimension,
  key: string | null,
  units: UnitFilter,
): DrilledOrders {
  return runOn(db, drillOrdersRead(start, end, figure, dim, key, units));
}
