/**
 * The work-order figures of docs/kpis.md over a period, from the order history
 * (work_order_events, append-only, through work_order_events_action_at_idx) and, for orders past
 * a deadline and still waiting, the orders' current state. A figure counts the events dated in
 * the period: an order reopened by supervision replies and is evaluated again, and each reply
 * and each evaluation counts in the period it happened in.
 *
 * Each event is attributed to one unit (the `unit` expression of its metric): the unit an order
 * was dispatched to for dispatches, the acting handler's unit for returns and sign-fors, the
 * replying unit for replies, and the order's lead unit for the rest. The events' JSON data is
 * read through sql-dialect.ts (SQLite's json_extract today, PostgreSQL's `->>` pluggable).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { jsonIsTrue, jsonText, type SqlDialect } from './sql-dialect.js';
import { rows, runOn, type ReportRead } from './report-read.js';
import { DAY_MS } from '../lib/shanghai-time.js';

export type OrderDimension = 'none' | 'unit' | 'category' | 'channel';

/** Additive counts: rows of a breakdown sum to the total. */
export interface OrderCounts {
  /** Orders accepted (受理): accept, or a missed-call callback that found a demand. */
  accepted: number;
  answeredOnSpot: number;
  /** Dispatches and re-dispatches to a lead unit. */
  dispatched: number;
  returned: number;
  signed: number;
  signedLate: number;
  /** Orders still waiting for the sign-for whose sign-for deadline passed in the period. */
  signOverdueOpen: number;
  /** The lead unit's replies (each handling round). */
  replied: number;
  repliedLate: number;
  /** Orders still being handled whose handling deadline passed in the period. */
  replyOverdueOpen: number;
  extended: number;
  supervised: number;
  closed: number;
  /** Closed orders evaluated by a callback (回访) before closing. */
  closedWithCallback: number;
  /** Evaluations by channel: all, and satisfied or basically satisfied. */
  surveyEvaluated: number;
  surveySatisfied: number;
  callbackEvaluated: number;
  callbackSatisfied: number;
  thirdPartyEvaluated: number;
  thirdPartySatisfied: number;
  /** Evaluations after a second handling (after supervision), all channels. */
  secondEvaluated: number;
  secondSatisfied: number;
  /** Missed-call orders (漏接), those called back by now, and the sum of waits to the callback, ms. */
  missed: number;
  calledBack: number;
  callbackWaitSumMs: number;
}

export const ZERO_ORDERS: OrderCounts = {
  accepted: 0,
  answeredOnSpot: 0,
  dispatched: 0,
  returned: 0,
  signed: 0,
  signedLate: 0,
  signOverdueOpen: 0,
  replied: 0,
  repliedLate: 0,
  replyOverdueOpen: 0,
  extended: 0,
  supervised: 0,
  closed: 0,
  closedWithCallback: 0,
  surveyEvaluated: 0,
  surveySatisfied: 0,
  callbackEvaluated: 0,
  callbackSatisfied: 0,
  thirdPartyEvaluated: 0,
  thirdPartySatisfied: 0,
  secondEvaluated: 0,
  secondSatisfied: 0,
  missed: 0,
  calledBack: 0,
  callbackWaitSumMs: 0,
};

const leadUnit = sql.raw('o.lead_unit_id');
const actorUnit = sql.raw('u.unit_id');
const sum = (cond: SQL) => sql`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;

export interface EventMetric {
  readonly where: SQL;
  readonly unit: SQL;
  readonly values: Partial<Record<keyof OrderCounts, SQL>>;
}

/** The metrics' SQL in a dialect (the events' JSON fields are read through sql-dialect.ts). */
function metricsIn(d: SqlDialect) {
  const data = (key: string) => jsonText('e.data', key, d);
  const satisfied = sql`${data('result')} in ('satisfied', 'basically_satisfied')`;
  const channel = (c: string) => sql`coalesce(${data('channel')}, 'survey') = ${c}`;
  const secondHandling = sql`exists (select 1 from work_order_events s where s.order_id = e.order_id and s.action = 'start' and ${jsonIsTrue('s.data', 'secondHandling', d)} and s.at <= e.at)`;
  const firstCallback = sql.raw(`(select min(c.at) from work_order_events c where c.order_id = e.order_id and c.action = 'callback_done' and c.at >= e.at)`);

  const ACCEPTED = sql`(e.action = 'accept' or (e.action = 'callback_done' and e.to_status = 'accepted'))`;
  const ANSWER_ON_SPOT = sql`e.action = 'answer_on_spot'`;
  const SUPERVISE = sql`e.action = 'supervise'`;
  const CLOSE = sql`e.action = 'close'`;
  const CLOSED_WITH_CALLBACK = sql`exists (select 1 from work_order_events v where v.order_id = e.order_id and v.action = 'evaluate' and ${jsonText('v.data', 'channel', d)} = 'callback' and v.at <= e.at)`;
  const MISSED = sql`(e.action = 'abandon' or (e.action = 'create' and e.to_status = 'missed_call'))`;

  /**
   * The figures that count orders, not events (count(distinct order)), and the event that makes an
   * order count: a sum over days would count an order twice when it has the event on two days
   * (办结 again after supervision), so the rollups (report-rollups.ts) keep those repeats. All are
   * attributed to the order's lead unit.
   */
  const DISTINCT_FIELDS = [
    { field: 'accepted', where: ACCEPTED },
    { field: 'answeredOnSpot', where: ANSWER_ON_SPOT },
    { field: 'supervised', where: SUPERVISE },
    { field: 'closed', where: CLOSE },
    { field: 'closedWithCallback', where: sql`${CLOSE} and ${CLOSED_WITH_CALLBACK}` },
    { field: 'missed', where: MISSED },
  ] as const satisfies ReadonlyArray<{ field: keyof OrderCounts; where: SQL }>;

  const EVENT_METRICS: readonly EventMetric[] = [
    { where: ACCEPTED, unit: leadUnit, values: { accepted: sql`count(distinct e.order_id)` } },
    { where: ANSWER_ON_SPOT, unit: leadUnit, values: { answeredOnSpot: sql`count(distinct e.order_id)` } },
    { where: sql`e.action in ('dispatch', 'redispatch')`, unit: data('leadUnitId'), values: { dispatched: sql`count(*)` } },
    { where: sql`e.action = 'return'`, unit: actorUnit, values: { returned: sql`count(*)` } },
    { where: sql`e.action = 'sign'`, unit: actorUnit, values: { signed: sql`count(*)`, signedLate: sum(jsonIsTrue('e.data', 'late', d)) } },
    {
      where: sql`e.action = 'reply' and ${data('part')} = 'lead_unit'`,
      unit: data('unitId'),
      values: { replied: sql`count(*)`, repliedLate: sum(jsonIsTrue('e.data', 'late', d)) },
    },
    { where: sql`e.action = 'grant_extension'`, unit: leadUnit, values: { extended: sql`count(*)` } },
    { where: SUPERVISE, unit: leadUnit, values: { supervised: sql`count(distinct e.order_id)` } },
    {
      where: CLOSE,
      unit: leadUnit,
      values: { closed: sql`count(distinct e.order_id)`, closedWithCallback: sql`count(distinct case when ${CLOSED_WITH_CALLBACK} then e.order_id end)` },
    },
    {
      where: sql`e.action in ('evaluate', 'record_survey')`,
      unit: leadUnit,
      values: {
        surveyEvaluated: sum(channel('survey')),
        surveySatisfied: sum(sql`${channel('survey')} and ${satisfied}`),
        callbackEvaluated: sum(channel('callback')),
        callbackSatisfied: sum(sql`${channel('callback')} and ${satisfied}`),
        thirdPartyEvaluated: sum(channel('third_party')),
        thirdPartySatisfied: sum(sql`${channel('third_party')} and ${satisfied}`),
        secondEvaluated: sum(secondHandling),
        secondSatisfied: sum(sql`${secondHandling} and ${satisfied}`),
      },
    },
    {
      where: MISSED,
      unit: leadUnit,
      values: {
        missed: sql`count(distinct e.order_id)`,
        calledBack: sum(sql`${firstCallback} is not null`),
        callbackWaitSumMs: sql`coalesce(sum(${firstCallback} - e.at), 0)`,
      },
    },
  ];
  return { DISTINCT_FIELDS, EVENT_METRICS };
}

/** The order metrics' SQL by dialect: {@link EventMetric}s, and the distinct figures with the event that makes an order count. */
export const ORDER_SQL = { sqlite: metricsIn('sqlite'), postgresql: metricsIn('postgresql') } as const satisfies Record<SqlDialect, unknown>;
export type DistinctField = ReturnType<typeof metricsIn>['DISTINCT_FIELDS'][number]['field'];

export const KEY: Record<Exclude<OrderDimension, 'unit'>, SQL> = { none: sql`''`, category: sql.raw('o.category'), channel: sql.raw('o.channel') };
const HANDLING = sql.raw(`('dispatched', 'signed', 'in_progress', 'supervised')`);

/** Only events of these units count (a county's subtree); undefined: all. */
export type UnitFilter = readonly string[] | undefined;

export function unitCondition(unit: SQL, units: UnitFilter): SQL {
  if (units === undefined) return sql`1 = 1`;
  if (units.length === 0) return sql`0 = 1`;
  return sql`${unit} in (${sql.join(
    units.map((u) => sql`${u}`),
    sql`, `,
  )})`;
}

/** Each metric's SQL in the dialect: `stmt(m)` is a statement of metric `m` (the same index in both dialects). */
const METRIC_COUNT = ORDER_SQL.sqlite.EVENT_METRICS.length;
const perMetric = (i: number, stmt: (m: EventMetric) => SQL) => (d: SqlDialect) => stmt(ORDER_SQL[d].EVENT_METRICS[i]!);

/**
 * The order counts of [start, end), by `dim` (key '' for the total; null for no unit, e.g. an
 * order answered on the spot, by unit). `now` bounds the deadlines that count as passed.
 */
export function* orderCountsRead(
  start: number,
  end: number,
  dim: OrderDimension,
  now: number,
  units?: UnitFilter,
): ReportRead<Map<string | null, OrderCounts>> {
  const out = new Map<string | null, OrderCounts>();
  for (let i = 0; i < METRIC_COUNT; i++) {
    const found = yield* rows<Record<string, number> & { k: string | null }>(
      perMetric(
        i,
        (m) => sql`
      select ${dim === 'unit' ? m.unit : KEY[dim]} as k, ${metricColumns(m)}
      from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
      where ${m.where} and e.at >= ${start} and e.at < ${end} and ${unitCondition(m.unit, units)}
      group by 1`,
      ),
    );
    for (const { k, ...vals } of found) addCounts(out, k, vals);
  }
  for (const [k, vals] of yield* openDeadlineCountsRead(start, end, dim, now, units)) addCounts(out, k, vals);
  return out;
}

/** {@link orderCountsRead} on a SQLite handle. */
export function orderCounts(db: Db, start: number, end: number, dim: OrderDimension, now: number, units?: UnitFilter): Map<string | null, OrderCounts> {
  return runOn(db, orderCountsRead(start, end, dim, now, units));
}

const metricColumns = (m: EventMetric) =>
  sql.join(
    Object.entries(m.values).map(([name, expr]) => sql`${expr} as ${sql.identifier(name)}`),
    sql`, `,
  );

/** Adds `vals` to the row `k` of `out` (created at zero). */
export function addCounts<K>(out: Map<K, OrderCounts>, k: K, vals: Partial<Record<keyof OrderCounts, number>>): void {
  const row = out.get(k) ?? out.set(k, { ...ZERO_ORDERS }).get(k)!;
  for (const [name, v] of Object.entries(vals)) row[name as keyof OrderCounts] += Number(v ?? 0);
}

/**
 * Deadlines that passed in [start, end) (and before now) on orders still waiting for that step,
 * by `dim` (the lead unit for `unit`): read from the orders' current state, never rolled up.
 * Two narrow queries, not one over every open order: the sign-fors still due are orders in status
 * `dispatched` (a prefix of the status indexes) with the sign-for deadline in the range, the
 * handlings still due the (status, deadline_at) ranges of work_orders_status_idx.
 */
export function* openDeadlineCountsRead(
  start: number,
  end: number,
  dim: OrderDimension,
  now: number,
  units?: UnitFilter,
): ReportRead<Map<string | null, Pick<OrderCounts, 'signOverdueOpen' | 'replyOverdueOpen'>>> {
  const out = new Map<string | null, Pick<OrderCounts, 'signOverdueOpen' | 'replyOverdueOpen'>>();
  const until = Math.min(end, now);
  if (until <= start) return out;
  const key = dim === 'unit' ? leadUnit : KEY[dim];
  const row = (k: string | null) => out.get(k) ?? out.set(k, { signOverdueOpen: 0, replyOverdueOpen: 0 }).get(k)!;
  const signs = yield* rows<{ k: string | null; n: number }>(sql`
    select ${key} as k, count(*) as n from work_orders o
    where o.status = 'dispatched' and o.sign_deadline_at >= ${start} and o.sign_deadline_at < ${until} and ${unitCondition(leadUnit, units)}
    group by 1`);
  for (const { k, n } of signs) row(k).signOverdueOpen += Number(n);
  const replies = yield* rows<{ k: string | null; n: number }>(sql`
    select ${key} as k, count(*) as n from work_orders o
    where o.status in ${HANDLING} and o.deadline_at >= ${start} and o.deadline_at < ${until} and ${unitCondition(leadUnit, units)}
    group by 1`);
  for (const { k, n } of replies) row(k).replyOverdueOpen += Number(n);
  return out;
}

/** {@link openDeadlineCountsRead} on a SQLite handle. */
export function openDeadlineCounts(
  db: Db,
  start: number,
  end: number,
  dim: OrderDimension,
  now: number,
  units?: UnitFilter,
): Map<string | null, Pick<OrderCounts, 'signOverdueOpen' | 'replyOverdueOpen'>> {
  return runOn(db, openDeadlineCountsRead(start, end, dim, now, units));
}

/** The event counts of [start, end) by attributed unit, the order's category and channel together: a day's rollup (report-rollups.ts). */
export interface KeyedOrderCounts {
  readonly unitId: string | null;
  readonly category: string | null;
  readonly channel: string;
  readonly counts: OrderCounts;
}
export function* eventCountsByKeysRead(start: number, end: number): ReportRead<KeyedOrderCounts[]> {
  const out = new Map<string, KeyedOrderCounts>();
  for (let i = 0; i < METRIC_COUNT; i++) {
    const found = yield* rows<Record<string, number> & { unitId: string | null; category: string | null; channel: string }>(
      perMetric(
        i,
        (m) => sql`
      select ${m.unit} as "unitId", o.category as "category", o.channel as "channel", ${metricColumns(m)}
      from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
      where ${m.where} and e.at >= ${start} and e.at < ${end}
      group by 1, 2, 3`,
      ),
    );
    for (const { unitId, category, channel, ...vals } of found) {
      const k = JSON.stringify([unitId, category, channel]);
      const row = out.get(k) ?? out.set(k, { unitId, category, channel, counts: { ...ZERO_ORDERS } }).get(k)!;
      for (const [name, v] of Object.entries(vals)) row.counts[name as keyof OrderCounts] += Number(v ?? 0);
    }
  }
  return [...out.values()];
}
export function eventCountsByKeys(db: Db, start: number, end: number): KeyedOrderCounts[] {
  return runOn(db, eventCountsByKeysRead(start, end));
}

/** An order counted by a distinct figure in [start, end) that also counted by it before `start`, at `prevAt` (its latest such event before). */
export interface OrderRepeat {
  readonly orderId: number;
  readonly field: DistinctField;
  readonly prevAt: number;
  /** The order's current lead unit, category and channel (the keys of its distinct figures). */
  readonly unitId: string | null;
  readonly category: string | null;
  readonly channel: string;
}
/** The orders of [start, end)'s distinct figures that had the same figure's event before `start` (ORDER_SQL's DISTINCT_FIELDS). */
export function* orderRepeatsRead(start: number, end: number): ReportRead<OrderRepeat[]> {
  const out: OrderRepeat[] = [];
  for (let i = 0; i < ORDER_SQL.sqlite.DISTINCT_FIELDS.length; i++) {
    const field = ORDER_SQL.sqlite.DISTINCT_FIELDS[i]!.field;
    const found = yield* rows<Omit<OrderRepeat, 'field'>>((d) => {
      const where = ORDER_SQL[d].DISTINCT_FIELDS[i]!.where;
      return sql`
      select * from (
        select d.order_id as "orderId", o.lead_unit_id as "unitId", o.category as "category", o.channel as "channel",
          (select max(e.at) from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
            where e.order_id = d.order_id and e.at < ${start} and ${where}) as "prevAt"
        from (select distinct e.order_id from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
          where ${where} and e.at >= ${start} and e.at < ${end}) d join work_orders o on o.id = d.order_id
      ) r where r."prevAt" is not null`;
    });
    for (const r of found) out.push({ ...r, orderId: Number(r.orderId), prevAt: Number(r.prevAt), field });
  }
  return out;
}
export function orderRepeats(db: Db, start: number, end: number): OrderRepeat[] {
  return runOn(db, orderRepeatsRead(start, end));
}

/**
 * Some event counts (`fields`, none of the deadline ones) on each day of [start, end) (key: the
 * day's index from `start`, a Beijing midnight): the trend chart's order figures, by the same
 * metrics ({@link EventMetric}: conditions, unit attribution, distinct orders) as
 * {@link orderCounts}, one grouped query per metric instead of one report per day.
 */
export function* orderCountsPerDayRead(
  start: number,
  end: number,
  fields: readonly Exclude<keyof OrderCounts, 'signOverdueOpen' | 'replyOverdueOpen'>[],
  units?: UnitFilter,
): ReportRead<Map<number, Partial<OrderCounts>>> {
  const out = new Map<number, Partial<OrderCounts>>();
  for (let i = 0; i < METRIC_COUNT; i++) {
    const names = Object.keys(ORDER_SQL.sqlite.EVENT_METRICS[i]!.values).filter((name) => (fields as readonly string[]).includes(name));
    if (names.length === 0) continue;
    const found = yield* rows<Record<string, number> & { d: number }>(
      perMetric(i, (m) => {
        const cols = sql.join(
          names.map((name) => sql`${m.values[name as keyof OrderCounts]!} as ${sql.identifier(name)}`),
          sql`, `,
        );
        return sql`
      select cast((e.at - ${start}) / ${DAY_MS} as integer) as d, ${cols}
      from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
      where ${m.where} and e.at >= ${start} and e.at < ${end} and ${unitCondition(m.unit, units)}
      group by 1`;
      }),
    );
    for (const { d, ...vals } of found) {
      const row = out.get(Number(d)) ?? out.set(Number(d), {}).get(Number(d))!;
      for (const [name, v] of Object.entries(vals)) row[name as keyof OrderCounts] = (row[name as keyof OrderCounts] ?? 0) + Number(v ?? 0);
    }
  }
  return out;
}
export function orderCountsPerDay(
  db: Db,
  start: number,
  end: number,
  fields: readonly Exclude<keyof OrderCounts, 'signOverdueOpen' | 'replyOverdueOpen'>[],
  units?: UnitFilter,
): Map<number, Partial<OrderCounts>> {
  return runOn(db, orderCountsPerDayRead(start, end, fields, units));
}
