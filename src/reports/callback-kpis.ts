/**
 * The outbound callback figures (issue 12 item 4; docs/kpis.md § Callbacks): how many missed
 * callers were called back, how fast and with how many attempts, and what the outbound calls of a
 * period came to, in total, per Beijing day or per agent.
 *
 * Two views of the same calls:
 * - the **cohort** of missed callers: the callers (one per number, as the worklist counts them;
 *   an order without a number stands alone) with a missed call (an `abandon` event, or created as
 *   `missed_call`) in the period, and the outbound calls made for those orders since, until now:
 *   回拨率 = callers called back (≥ 1 attempt) ÷ missed callers, 回拨接通率 = callers reached ÷
 *   missed callers, within N hours = callers whose first attempt came within N hours of their first
 *   missed call ÷ missed callers, the wait to the first attempt (p50, p90) and attempts per
 *   caller called back. By day: the day of the caller's first missed call. Not by agent (a caller
 *   is nobody's until called): null there.
 * - the **activity**: the outbound calls made in the period (attempts: every result but a dial the
 *   agent cancelled), answered, busy, no answer, failed; and those made for 回访 (an order that was
 *   no missed call). By day made, or by the agent who dialled.
 *
 * The SQL is plain (no JSON, no date functions: days and percentiles are reckoned here), so the
 * same two queries run on SQLite and PostgreSQL (decision 0011; sql-dialect.ts renders them for
 * either: test/reports/callback-kpis.test.ts runs them on both).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { dateOf } from './period.js';
import { rows, runOn, type ReportRead } from './report-read.js';

export type CallbackDimension = 'none' | 'day' | 'agent';

/** A missed-call order of the period: when it was missed and whose number it was. */
export interface MissedRow {
  readonly orderId: number;
  readonly phone: string | null;
  readonly at: number;
}

/** A finished outbound call (not cancelled) made for an order. */
export interface AttemptRow {
  readonly orderId: number;
  readonly agentId: number | null;
  readonly at: number;
  readonly outcome: string;
  /** Whether the order was a missed call (else the call was a 回访). */
  readonly missed: boolean;
}

export interface CallbackCohort {
  missedCallers: number;
  calledBack: number;
  reached: number;
  calledBackWithin: number;
  /** Attempts made for the cohort's orders (until now). */
  cohortAttempts: number;
  callbackRate: number | null;
  reachRate: number | null;
  withinRate: number | null;
  attemptsPerCallback: number | null;
  /** Wait from the caller's first missed call to the first attempt, ms. */
  waitP50Ms: number | null;
  waitP90Ms: number | null;
}

export interface CallbackActivity {
  attempts: number;
  answered: number;
  busy: number;
  noAnswer: number;
  failed: number;
  evaluationAttempts: number;
  evaluationAnswered: number;
}

export interface CallbackRow {
  /** '' for the total; a Beijing date YYYY-MM-DD; an agent id. */
  readonly key: string;
  readonly cohort: CallbackCohort | null;
  readonly activity: CallbackActivity;
}

const MISSED = sql.raw(`(e.action = 'abandon' or (e.action = 'create' and e.to_status = 'missed_call'))`);

/** The missed-call orders of [start, end): each order once, at its first missed-call event. */
export function missedQuery(start: number, end: number): SQL {
  return sql`select o.id as "orderId", o.caller_phone as "phone", min(e.at) as "at"
    from work_order_events e join work_orders o on o.id = e.order_id
    where ${MISSED} and e.at >= ${start} and e.at < ${end}
    group by o.id, o.caller_phone`;
}

/**
 * Finished outbound attempts: made for `orderIds` (any time), or made in [start, end) when
 * `orderIds` is undefined; each says whether its order was a missed call.
 */
export function attemptsQuery(range: { start: number; end: number } | { orderIds: readonly number[] }): SQL {
  const where =
    'orderIds' in range
      ? sql`c.order_id in (${sql.join(
          range.orderIds.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql`c.entered_at >= ${range.start} and c.entered_at < ${range.end}`;
  return sql`select c.order_id as "orderId", c.agent_id as "agentId", c.entered_at as "at", c.outcome as "outcome",
      case when exists (select 1 from work_order_events e where e.order_id = c.order_id and ${MISSED}) then 1 else 0 end as "missed"
    from calls c
    where c.direction = 'out' and c.order_id is not null and c.outcome is not null and c.outcome <> 'cancelled' and ${where}`;
}

/** PostgreSQL's driver returns bigint and numeric columns as strings: numbers here. */
export function missedRow(r: Record<string, unknown>): MissedRow {
  return { orderId: Number(r['orderId']), phone: typeof r['phone'] === 'string' ? r['phone'] : null, at: Number(r['at']) };
}
export function attemptRow(r: Record<string, unknown>): AttemptRow {
  return {
    orderId: Number(r['orderId']),
    agentId: r['agentId'] === null ? null : Number(r['agentId']),
    at: Number(r['at']),
    outcome: typeof r['outcome'] === 'string' ? r['outcome'] : '',
    missed: Number(r['missed']) === 1,
  };
}

const rate = (n: number, d: number) => (d === 0 ? null : n / d);

/** The nearest-rank percentile of sorted values (null when none). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function activity(attempts: readonly AttemptRow[]): CallbackActivity {
  const a: CallbackActivity = { attempts: 0, answered: 0, busy: 0, noAnswer: 0, failed: 0, evaluationAttempts: 0, evaluationAnswered: 0 };
  for (const r of attempts) {
    a.attempts++;
    if (r.outcome === 'answered') a.answered++;
    else if (r.outcome === 'busy') a.busy++;
    else if (r.outcome === 'no_answer') a.noAnswer++;
    else a.failed++;
    if (!r.missed) {
      a.evaluationAttempts++;
      if (r.outcome === 'answered') a.evaluationAnswered++;
    }
  }
  return a;
}

interface Caller {
  readonly firstMissed: number;
  readonly orderIds: Set<number>;
}

function cohort(callers: readonly Caller[], attemptsByOrder: Map<number, AttemptRow[]>, withinMs: number): CallbackCohort {
  const waits: number[] = [];
  let reached = 0;
  let within = 0;
  let attempts = 0;
  for (const c of callers) {
    const tried = [...c.orderIds].flatMap((id) => attemptsByOrder.get(id) ?? []).filter((a) => a.at >= c.firstMissed);
    attempts += tried.length;
    if (tried.length === 0) continue;
    const wait = Math.min(...tried.map((a) => a.at)) - c.firstMissed;
    waits.push(wait);
    if (wait <= withinMs) within++;
    if (tried.some((a) => a.outcome === 'answered')) reached++;
  }
  waits.sort((a, b) => a - b);
  const n = callers.length;
  return {
    missedCallers: n,
    calledBack: waits.length,
    reached,
    calledBackWithin: within,
    cohortAttempts: attempts,
    callbackRate: rate(waits.length, n),
    reachRate: rate(reached, n),
    withinRate: rate(within, n),
    attemptsPerCallback: rate(attempts, waits.length),
    waitP50Ms: percentile(waits, 50),
    waitP90Ms: percentile(waits, 90),
  };
}

/**
 * The figures from the rows of the two queries (pure): `missed` the period's missed-call orders,
 * `cohortAttempts` the attempts made for them, `periodAttempts` the attempts made in the period.
 * The total first (key ''), then the rows of `by` in key order.
 */
export function callbackFigures(
  missed: readonly MissedRow[],
  cohortAttempts: readonly AttemptRow[],
  periodAttempts: readonly AttemptRow[],
  by: CallbackDimension,
  withinMs: number,
): CallbackRow[] {
  const byPhone = new Map<string, { firstMissed: number; orderIds: Set<number> }>();
  for (const m of [...missed].sort((a, b) => a.at - b.at)) {
    const key = m.phone ?? `order-${m.orderId}`;
    const c = byPhone.get(key) ?? byPhone.set(key, { firstMissed: m.at, orderIds: new Set() }).get(key)!;
    c.orderIds.add(m.orderId);
  }
  const callers = [...byPhone.values()];
  const attemptsByOrder = new Map<number, AttemptRow[]>();
  for (const a of cohortAttempts) attemptsByOrder.set(a.orderId, [...(attemptsByOrder.get(a.orderId) ?? []), a]);

  const rows: CallbackRow[] = [{ key: '', cohort: cohort(callers, attemptsByOrder, withinMs), activity: activity(periodAttempts) }];
  if (by === 'none') return rows;
  const keyOf = (a: AttemptRow) => (by === 'day' ? dateOf(a.at) : a.agentId === null ? '' : String(a.agentId));
  const keys = new Set(periodAttempts.map(keyOf));
  if (by === 'day') for (const c of callers) keys.add(dateOf(c.firstMissed));
  for (const key of [...keys].filter((k) => k !== '').sort((a, b) => (by === 'agent' ? Number(a) - Number(b) : a.localeCompare(b))))
    rows.push({
      key,
      cohort:
        by === 'day'
          ? cohort(
              callers.filter((c) => dateOf(c.firstMissed) === key),
              attemptsByOrder,
              withinMs,
            )
          : null,
      activity: activity(periodAttempts.filter((a) => keyOf(a) === key)),
    });
  return rows;
}

/** The callback figures of [start, end): its three reads in one snapshot (report-read.ts). */
export function* callbackReportRead(start: number, end: number, by: CallbackDimension, withinMs: number): ReportRead<CallbackRow[]> {
  const missed = (yield* rows<Record<string, unknown>>(missedQuery(start, end))).map(missedRow);
  const ids = [...new Set(missed.map((m) => m.orderId))];
  const cohortAttempts: AttemptRow[] = [];
  for (let i = 0; i < ids.length; i += 500)
    cohortAttempts.push(...(yield* rows<Record<string, unknown>>(attemptsQuery({ orderIds: ids.slice(i, i + 500) }))).map(attemptRow));
  const periodAttempts = (yield* rows<Record<string, unknown>>(attemptsQuery({ start, end }))).map(attemptRow);
  return callbackFigures(missed, cohortAttempts, periodAttempts, by, withinMs);
}

/** {@link callbackReportRead} on a SQLite handle. */
export function callbackReport(db: Db, start: number, end: number, by: CallbackDimension, withinMs: number): CallbackRow[] {
  return runOn(db, callbackReportRead(start, end, by, withinMs));
}
