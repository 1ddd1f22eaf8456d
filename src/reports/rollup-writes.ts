/**
 * The statements of the rollups' writes (rollup-builder.ts): the advisory lock a write takes first
 * on PostgreSQL, multi-row inserts of a day's or a month's rows, and the count of rows a write
 * changed. Every write statement ends in `returning 1`, so that both dialects' runners, which read
 * rows, tell what it changed.
 */
import { sql } from 'drizzle-orm';
import type { CallCounts } from './call-kpis.js';
import type { OrderCounts } from './order-kpis.js';
import { CALL_FIELDS, ORDER_FIELDS, numbers, snake } from './rollup-shapes.js';
import { rows, type ReportRead, type Stmt } from './report-read.js';

/** The number of rows a write statement (ending in `returning 1`) changed. */
export function* changed(q: Stmt): ReportRead<number> {
  return (yield* rows<unknown>(q)).length;
}

/**
 * The advisory lock every node's rollup writes take on PostgreSQL ('SUNLROLL' as a 64-bit number):
 * a write checks what it read, then writes, as one step, like SQLite's exclusive write transaction.
 */
export const ROLLUP_LOCK_KEY = '6004791767873834060';
export const takeTurn: Stmt = (dialect) => (dialect === 'postgresql' ? sql`select pg_advisory_xact_lock(${sql.raw(ROLLUP_LOCK_KEY)})` : sql`select 1`);

const DAY_WRITE_CHUNK = 200;

/** One `insert … values (…), (…) returning 1` per DAY_WRITE_CHUNK rows of `table`'s `columns` (the rows' values in that order). */
export function* insertRows(table: string, columns: readonly string[], values: ReadonlyArray<ReadonlyArray<string | number | null>>): ReportRead<void> {
  const cols = sql.raw(columns.join(', '));
  for (let i = 0; i < values.length; i += DAY_WRITE_CHUNK) {
    const chunk = values.slice(i, i + DAY_WRITE_CHUNK).map(
      (row) =>
        sql`(${sql.join(
          row.map((v) => sql`${v}`),
          sql`, `,
        )})`,
    );
    yield* rows(sql`insert into ${sql.raw(table)} (${cols}) values ${sql.join(chunk, sql`, `)} returning 1`);
  }
}

export const CALL_COLUMNS = ['day', 'month', 'hotline', 'agent_id', 'dialled_number', ...CALL_FIELDS.map(snake)];
export const callValues = (r: CallCounts & { hotline: string; agentId: number | null; dialledNumber: string }, day: number, month: 0 | 1) => {
  const n = numbers(r, CALL_FIELDS);
  return [day, month, r.hotline, r.agentId === null ? null : Number(r.agentId), r.dialledNumber, ...CALL_FIELDS.map((f) => n[f])];
};
export const ORDER_COLUMNS = ['day', 'month', 'unit_id', 'category', 'channel', ...ORDER_FIELDS.map(snake)];
export const orderValues = (c: Partial<OrderCounts>, k: { unitId: string | null; category: string | null; channel: string }, day: number, month: 0 | 1) => {
  const n = numbers(c, ORDER_FIELDS);
  return [day, month, k.unitId, k.category, k.channel, ...ORDER_FIELDS.map((f) => n[f])];
};
export const CO_COLUMNS = ['day', 'month', 'unit_id', 'received', 'replied', 'missed'];
