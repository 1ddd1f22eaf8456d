/**
 * The call figures of docs/kpis.md over a period, from the calls table (one aggregate over
 * calls_entered_idx). A call belongs to the Beijing day of its `entered_at`: a call that entered
 * at 23:59 and was answered after midnight counts on the day it entered (as the lead view's
 * today figures, src/calls/queue-stats.ts, whose wait and front-door rules these repeat).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { SqlDialect } from './sql-dialect.js';
import { rows, runOn, type ReportRead } from './report-read.js';
import { calls } from '../db/schema.js';
import { ANSWER_TARGET_MS, abandoned, answerWait, atFrontDoorIn } from '../calls/queue-stats.js';
import { DAY_MS } from '../lib/shanghai-time.js';

/** A repeat call (重复来电) comes from a number that called within this long before. */
export const REPEAT_WINDOW_MS = 24 * 3_600_000;

/** channel: the number dialled (a phone order's channel is the same number). */
export type CallDimension = 'none' | 'hotline' | 'agent' | 'channel';

/** Additive counts: rows of a breakdown sum to the total. */
export interface CallCounts {
  callsIn: number;
  /** Calls that asked for a person: answered, or abandoned while waiting in the queue. */
  requested: number;
  answered: number;
  answeredWithin15s: number;
  abandonedInQueue: number;
  abandonedAtFrontDoor: number;
  /** Sum of waits (queue entry → answer) of answered calls, ms. */
  waitSumMs: number;
  /** Answered calls that have ended, and the sum of their talk times (answer → end), ms. */
  talked: number;
  talkSumMs: number;
  /** Sum of the wrap-ups (话后处理) of those calls, ms: each agent's from its wrap_up with the call to its next state (agent_state_events). */
  wrapUpSumMs: number;
  /** Calls from a number that had called within {@link REPEAT_WINDOW_MS} before. */
  repeatCalls: number;
}

export const ZERO_CALLS: CallCounts = {
  callsIn: 0,
  requested: 0,
  answered: 0,
  answeredWithin15s: 0,
  abandonedInQueue: 0,
  abandonedAtFrontDoor: 0,
  waitSumMs: 0,
  talked: 0,
  talkSumMs: 0,
  wrapUpSumMs: 0,
  repeatCalls: 0,
};

const answered = sql`${calls.answeredAt} is not null`;
const talked = sql`${answered} and ${calls.endedAt} is not null`;
const repeat = sql`exists (select 1 from ${calls} p where p.caller_id = ${calls.callerId} and p.entered_at < ${calls.enteredAt} and p.entered_at >= ${calls.enteredAt} - ${REPEAT_WINDOW_MS} and p.direction = 'in')`;
/**
 * The wrap-ups of a call: for each agent's `wrap_up` row with the call, the time to that agent's
 * next row (the first after it through agent_state_events_agent_at_idx); a wrap-up still running has none and adds nothing.
 */
const wrapUpMs = sql`(select sum((select n.at from agent_state_events n where n.agent_id = w.agent_id and n.at >= w.at and n.id > w.id order by n.at, n.id limit 1) - w.at)
  from agent_state_events w where w.call_id = ${calls.id} and w.state = 'wrap_up')`;
const count = (cond: SQL) => sql<number>`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;

/** The conditions of the call counts, by count, in a dialect: the drill-down (call-drill.ts) lists the calls of one. */
function conditionsIn(d: SqlDialect) {
  const atFrontDoor = atFrontDoorIn(d);
  return {
    callsIn: sql`1 = 1`,
    answered,
    answeredLate: sql`${answered} and ${answerWait} > ${ANSWER_TARGET_MS}`,
    abandonedInQueue: sql`${abandoned} and not ${atFrontDoor}`,
    abandonedAtFrontDoor: sql`${abandoned} and ${atFrontDoor}`,
    repeatCalls: repeat,
  } as const;
}
export type CallCondition = keyof ReturnType<typeof conditionsIn>;
export const CALL_CONDITIONS: Record<SqlDialect, Record<CallCondition, SQL>> = { sqlite: conditionsIn('sqlite'), postgresql: conditionsIn('postgresql') };

export const CALL_KEY: Record<CallDimension, SQL> = {
  none: sql`''`,
  hotline: sql`${calls.hotline}`,
  agent: sql`cast(${calls.agentId} as text)`,
  channel: sql`${calls.dialledNumber}`,
};

/** The columns of {@link CallCounts}, aggregated over the calls of a group (names quoted: PostgreSQL folds unquoted ones). */
function countColumnsIn(d: SqlDialect): SQL {
  const atFrontDoor = atFrontDoorIn(d);
  return sql`count(*) as "callsIn",
      ${count(sql`${answered} or (${abandoned} and not ${atFrontDoor})`)} as "requested",
      ${count(answered)} as "answered",
      ${count(sql`${answered} and ${answerWait} <= ${ANSWER_TARGET_MS}`)} as "answeredWithin15s",
      ${count(sql`${abandoned} and not ${atFrontDoor}`)} as "abandonedInQueue",
      ${count(sql`${abandoned} and ${atFrontDoor}`)} as "abandonedAtFrontDoor",
      coalesce(sum(case when ${answered} then ${answerWait} end), 0) as "waitSumMs",
      ${count(talked)} as "talked",
      coalesce(sum(case when ${talked} then ${calls.endedAt} - ${calls.answeredAt} end), 0) as "talkSumMs",
      coalesce(sum(case when ${talked} then ${wrapUpMs} end), 0) as "wrapUpSumMs",
      ${count(repeat)} as "repeatCalls"`;
}
const CALL_COUNT_COLUMNS: Record<SqlDialect, SQL> = { sqlite: countColumnsIn('sqlite'), postgresql: countColumnsIn('postgresql') };

/**
 * The call counts of inbound calls entered in [start, end), by `dim` (key '' for the total).
 * Outbound calls (callbacks, 回访; `direction = 'out'`, src/calls/outbound-records.ts) are no
 * calls in: they would inflate 人工接通率 and the agents' AHT.
 */
export function* callCountsRead(start: number, end: number, dim: CallDimension): ReportRead<Map<string | null, CallCounts>> {
  const found = yield* rows<CallCounts & { k: string | null }>(
    (d) => sql`
    select ${CALL_KEY[dim]} as k, ${CALL_COUNT_COLUMNS[d]}
    from ${calls}
    where ${calls.enteredAt} >= ${start} and ${calls.enteredAt} < ${end} and ${calls.direction} = 'in'
    group by 1`,
  );
  return new Map(found.map(({ k, ...c }) => [k, c]));
}

/** {@link callCountsRead} on a SQLite handle. */
export function callCounts(db: Db, start: number, end: number, dim: CallDimension): Map<string | null, CallCounts> {
  return runOn(db, callCountsRead(start, end, dim));
}

/** The call counts of [start, end) by hotline, agent and dialled number together: a day's rollup (report-rollups.ts). */
export interface KeyedCallCounts extends CallCounts {
  hotline: string;
  agentId: number | null;
  dialledNumber: string;
}
export function* callCountsByKeysRead(start: number, end: number): ReportRead<KeyedCallCounts[]> {
  return yield* rows<KeyedCallCounts>(
    (d) => sql`
    select ${calls.hotline} as "hotline", ${calls.agentId} as "agentId", ${calls.dialledNumber} as "dialledNumber", ${CALL_COUNT_COLUMNS[d]}
    from ${calls}
    where ${calls.enteredAt} >= ${start} and ${calls.enteredAt} < ${end} and ${calls.direction} = 'in'
    group by 1, 2, 3`,
  );
}
export function callCountsByKeys(db: Db, start: number, end: number): KeyedCallCounts[] {
  return runOn(db, callCountsByKeysRead(start, end));
}

/**
 * Calls in and answered on each day of [start, end) (key: the day's index from `start`, a Beijing
 * midnight), by the same conditions as {@link callCounts}: the trend chart's call figures in one
 * grouped query instead of one report per day.
 */
export function* callsPerDayRead(start: number, end: number): ReportRead<Map<number, Pick<CallCounts, 'callsIn' | 'answered'>>> {
  const found = yield* rows<{ d: number; callsIn: number; answered: number }>(sql`
    select cast((${calls.enteredAt} - ${start}) / ${DAY_MS} as integer) as d, count(*) as "callsIn", ${count(answered)} as "answered"
    from ${calls}
    where ${calls.enteredAt} >= ${start} and ${calls.enteredAt} < ${end} and ${calls.direction} = 'in'
    group by 1`);
  return new Map(found.map(({ d, callsIn, answered }) => [Number(d), { callsIn: Number(callsIn), answered: Number(answered) }]));
}
export function callsPerDay(db: Db, start: number, end: number): Map<number, Pick<CallCounts, 'callsIn' | 'answered'>> {
  return runOn(db, callsPerDayRead(start, end));
}
