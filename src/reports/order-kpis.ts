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
import { jsonIsTrue, jsonText } from './sql-dialect.js';
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

const data = (key: string) => jsonText('e.data', key);
const leadUnit = sql.raw('o.lead_unit_id');
const actorUnit = sql.raw('u.unit_id');
const sum = (cond: SQL) => sql`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;
const satisfied = sql`${data('result')} in ('satisfied', 'basically_satisfied')`;
const channel = (c: string) => sql`coalesce(${data('channel')}, 'survey') = ${c}`;
const secondHandling = sql`exists (select 1 from work_order_events s where s.order_id = e.order_id and s.action = 'start' and ${jsonIsTrue('s.data', 'secondHandling')} and s.at <= e.at)`;
const firstCallback = sql.raw(`(select min(c.at) from work_order_events c where c.order_id = e.order_id and c.action = 'callback_done' and c.at >= e.at)`);

export interface EventMetric {
  readonly where: SQL;
  readonly unit: SQL;
  readonly values: Partial<Record<keyof OrderCounts, SQL>>;
}

export const EVENT_METRICS: readonly EventMetric[] = [
  {
    where: sql`(e.action = 'accept' or (e.action = 'callback_done' and e.to_status = 'accepted'))`,
    unit: leadUnit,
    values: { accepted: sql`count(distinct e.order_id)` },
  },
  { where: sql`e.action = 'answer_on_spot'`, unit: leadUnit, values: { answeredOnSpot: sql`count(distinct e.order_id)` } },
  { where: sql`e.action in ('dispatch', 'redispatch')`, unit: data('leadUnitId'), values: { dispatched: sql`count(*)` } },
  { where: sql`e.action = 'return'`, unit: actorUnit, values: { returned: sql`count(*)` } },
  { where: sql`e.action = 'sign'`, unit: actorUnit, values: { signed: sql`count(*)`, signedLate: sum(jsonIsTrue('e.data', 'late')) } },
  {
    where: sql`e.action = 'reply' and ${data('part')} = 'lead_unit'`,
    unit: data('unitId'),
    values: { replied: sql`count(*)`, repliedLate: sum(jsonIsTrue('e.data', 'late')) },
  },
  { where: sql`e.action = 'grant_extension'`, unit: leadUnit, values: { extended: sql`count(*)` } },
  { where: sql`e.action = 'supervise'`, unit: leadUnit, values: { supervised: sql`count(distinct e.order_id)` } },
  {
    where: sql`e.action = 'close'`,
    unit: leadUnit,
    values: {
      closed: sql`count(distinct e.order_id)`,
      closedWithCallback: sql`count(distinct case when exists (select 1 from work_order_events v where v.order_id = e.order_id and v.action = 'evaluate' and ${jsonText('v.data', 'channel')} = 'callback' and v.at <= e.at) then e.order_id end)`,
    },
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
    where: sql`(e.action = 'abandon' or (e.action = 'create' and e.to_status = 'missed_call'))`,
    unit: leadUnit,
    values: {
      missed: sql`count(distinct e.order_id)`,
      calledBack: sum(sql`${firstCallback} is not null`),
      callbackWaitSumMs: sql`coalesce(sum(${firstCallback} - e.at), 0)`,
    },
  },
];

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

/**
 * The order counts of [start, end), by `dim` (key '' for the total; null for no unit, e.g. an
 * order answered on the spot, by unit). `now` bounds the deadlines that count as passed.
 */
export function orderCounts(db: Db, start: number, end: number, dim: OrderDimension, now: number, units?: UnitFilter): Map<string | null, OrderCounts> {
  const out = new Map<string | null, OrderCounts>();
  const add = (k: string | null, vals: Record<string, number>) => {
    const row = out.get(k) ?? out.set(k, { ...ZERO_ORDERS }).get(k)!;
    for (const [name, v] of Object.entries(vals)) row[name as keyof OrderCounts] += Number(v ?? 0);
  };
  for (const m of EVENT_METRICS) {
    const key = dim === 'unit' ? m.unit : KEY[dim];
    const cols = sql.join(
      Object.entries(m.values).map(([name, expr]) => sql`${expr} as ${sql.identifier(name)}`),
      sql`, `,
    );
    const rows = db.all<Record<string, number> & { k: string | null }>(sql`
      select ${key} as k, ${cols}
      from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
      where ${m.where} and e.at >= ${start} and e.at < ${end} and ${unitCondition(m.unit, units)}
      group by 1`);
    for (const { k, ...vals } of rows) add(k, vals);
  }
  // Deadlines that passed in the period (and before now) on orders still waiting for that step.
  const until = Math.min(end, now);
  if (until > start) {
    const key = dim === 'unit' ? leadUnit : KEY[dim];
    const rows = db.all<{ k: string | null; signOverdueOpen: number; replyOverdueOpen: number }>(sql`
      select ${key} as k,
        ${sum(sql.raw(`o.status = 'dispatched' and o.sign_deadline_at >= ${start} and o.sign_deadline_at < ${until}`))} as signOverdueOpen,
        ${sum(sql`o.status in ${HANDLING} and o.deadline_at >= ${start} and o.deadline_at < ${until}`)} as replyOverdueOpen
      from work_orders o
      where o.status in ${HANDLING} and ${unitCondition(leadUnit, units)}
        and ((o.deadline_at >= ${start} and o.deadline_at < ${until}) or (o.sign_deadline_at >= ${start} and o.sign_deadline_at < ${until}))
      group by 1`);
    for (const { k, ...vals } of rows) add(k, vals);
  }
  return out;
}

/**
 * Some event counts (`fields`, none of the deadline ones) on each day of [start, end) (key: the
 * day's index from `start`, a Beijing midnight): the trend chart's order figures, by the same
 * metrics ({@link EVENT_METRICS}: conditions, unit attribution, distinct orders) as
 * {@link orderCounts}, one grouped query per metric instead of one report per day.
 */
export function orderCountsPerDay(
  db: Db,
  start: number,
  end: number,
  fields: readonly Exclude<keyof OrderCounts, 'signOverdueOpen' | 'replyOverdueOpen'>[],
  units?: UnitFilter,
): Map<number, Partial<OrderCounts>> {
  const out = new Map<number, Partial<OrderCounts>>();
  for (const m of EVENT_METRICS) {
    const wanted = Object.entries(m.values).filter(([name]) => (fields as readonly string[]).includes(name));
    if (wanted.length === 0) continue;
    const cols = sql.join(
      wanted.map(([name, expr]) => sql`${expr} as ${sql.identifier(name)}`),
      sql`, `,
    );
    const rows = db.all<Record<string, number> & { d: number }>(sql`
      select cast((e.at - ${start}) / ${DAY_MS} as integer) as d, ${cols}
      from work_order_events e join work_orders o on o.id = e.order_id left join users u on u.id = e.actor_id
      where ${m.where} and e.at >= ${start} and e.at < ${end} and ${unitCondition(m.unit, units)}
      group by 1`);
    for (const { d, ...vals } of rows) {
      const row = out.get(Number(d)) ?? out.set(Number(d), {}).get(Number(d))!;
      for (const [name, v] of Object.entries(vals)) row[name as keyof OrderCounts] = (row[name as keyof OrderCounts] ?? 0) + Number(v ?? 0);
    }
  }
  return out;
}
