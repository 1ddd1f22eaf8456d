/**
 * The builder of the daily rollups (report-rollups.ts): one day or one month of a source at a
 * time, on one connection, synchronously — in the server's worker thread, the CLI or a test.
 */
import { sql } from 'drizzle-orm';
import { type Db } from '../db/connection.js';
import { reportCallDays, reportCoDays, reportOrderDays, reportOrderRepeats, reportRollupDays } from '../db/schema.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';
import { callCountsByKeys, type CallCounts } from './call-kpis.js';
import { eventCountsByKeys, orderRepeats, type OrderCounts } from './order-kpis.js';
import { coHandlingCounts, type CoHandlingCounts } from './co-handling.js';
import { type RollupSource, CALL_FIELDS, ORDER_FIELDS, sums, MONTH, monthOf, daysOf, cleanDaysOf, numbers } from './rollup-shapes.js';

export type BuildOutcome = 'built' | 'changed' | 'gone';

/** One build of a day (or, `month`, of a month's sums) and the time its read and its write took. */
export interface BuiltDay {
  readonly source: RollupSource;
  readonly day: number;
  readonly month: boolean;
  readonly outcome: BuildOutcome;
  /** The read, in its own read transaction (a WAL snapshot: no lock held against the writers). */
  readonly readMs: number;
  /** The short write transaction (BEGIN IMMEDIATE): what the other writers may wait for. */
  readonly writeMs: number;
}

/** Called between a build's read and its write (tests make a change there: it must leave the day dirty). */
export type AfterRead = (source: RollupSource, day: number, month: boolean) => void;

const DAY_WRITE_CHUNK = 200;

/** `write` called with `rows` DAY_WRITE_CHUNK at a time (one insert statement per chunk). */
function inChunks<T>(rows: readonly T[], write: (chunk: readonly T[]) => void): void {
  for (let i = 0; i < rows.length; i += DAY_WRITE_CHUNK) write(rows.slice(i, i + DAY_WRITE_CHUNK));
}
const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;

/**
 * Builds the rollups on one connection, synchronously: the server's job runs it in a worker thread
 * (report-rollups-worker.ts) on a connection of its own, `npm run reports:rollups` and the tests in
 * their own thread. A build reads in a read transaction (a snapshot of the WAL: the other writers
 * are not held up however long the read takes), then writes in a short BEGIN IMMEDIATE transaction
 * — only if nothing it read has changed since. That is what the dirty mark's `seq` is for: the
 * triggers raise it with every change to a built day (migration 0034; it stays above the day's
 * report_rollup_days.seq, the mark its last build cleared), the build reads it in the same snapshot
 * as the rows, and the write deletes the mark only where `seq` still is that value; otherwise the
 * day stays dirty (outcome 'changed') and is built again later. A day not built yet has no mark to
 * raise, so its build first claims it (a report_rollup_days row, built_at 0, and a mark) in a tiny
 * transaction of its own: from then on the triggers mark its changes like any built day's.
 */
export class RollupBuilder {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly afterRead?: AfterRead,
  ) {}

  /** Days of [start, end) read from the rollups: built and not dirty (a closed day only: the job builds no other). */
  cleanDays(source: RollupSource, start: number, end: number): Set<number> {
    return cleanDaysOf(this.db, source, start, end);
  }

  /** Builds (or rebuilds) one closed day of a source: read, then write if unchanged; a day not yet over is refused. */
  buildDay(source: RollupSource, day: number): BuiltDay {
    if (day !== shanghaiDayStart(day)) throw new Error(`${day} is no Shanghai midnight`);
    if (day + DAY_MS > this.now()) throw new Error(`the day of ${new Date(day).toISOString()} is not over: it is read raw`);
    const db = this.db;
    const t0 = performance.now();
    const at = sql`source = ${source} and day = ${day}`;
    // A day without a mark (not built yet, or built and clean) is claimed first, so that the triggers mark any change made after this.
    if (!db.get(sql`select 1 from report_rollup_dirty where ${at}`))
      db.transaction(
        (tx) => {
          tx.run(sql`insert into report_rollup_days (source, day, built_at, seq) values (${source}, ${day}, 0, 0) on conflict do nothing`);
          tx.run(sql`insert into report_rollup_dirty (source, day, seq)
            select source, day, seq + 1 from report_rollup_days where ${at} on conflict do nothing`);
        },
        { behavior: 'immediate' },
      );
    const read = db.transaction(
      (tx) => {
        const mark = tx.get<{ seq: number }>(sql`select seq from report_rollup_dirty where ${at}`);
        if (!mark) return null; // built meanwhile by another builder (another node on this file, the backfill)
        if (source === 'calls') return { seq: Number(mark.seq), calls: callCountsByKeys(tx, day, day + DAY_MS) };
        return {
          seq: Number(mark.seq),
          orders: eventCountsByKeys(tx, day, day + DAY_MS),
          repeats: orderRepeats(tx, day, day + DAY_MS),
          co: [...coHandlingCounts(tx, day, day + DAY_MS)],
        };
      },
      { behavior: 'deferred' },
    );
    const readMs = since(t0);
    if (!read) return { source, day, month: false, outcome: 'gone', readMs, writeMs: 0 };
    this.afterRead?.(source, day, false);
    const t1 = performance.now();
    const built = db.transaction(
      (tx) => {
        // The mark read with the rows, unchanged: nothing they were read from has changed since.
        if (tx.run(sql`delete from report_rollup_dirty where ${at} and seq = ${read.seq}`).changes === 0) return false;
        // The month's sums no longer hold: rebuilt once its days are all clean again.
        tx.run(sql`delete from report_rollup_days where source = ${MONTH[source]} and day = ${monthOf(day).start}`);
        if (read.calls) {
          tx.run(sql`delete from report_call_days where day = ${day} and month = 0`);
          inChunks(read.calls, (rows) =>
            tx
              .insert(reportCallDays)
              .values(rows.map((r) => ({ ...numbers(r, CALL_FIELDS), day, hotline: r.hotline, agentId: r.agentId, dialledNumber: r.dialledNumber })))
              .run(),
          );
        } else {
          tx.run(sql`delete from report_order_days where day = ${day} and month = 0`);
          tx.run(sql`delete from report_order_repeats where day = ${day}`);
          tx.run(sql`delete from report_co_days where day = ${day} and month = 0`);
          inChunks(read.orders, (rows) =>
            tx
              .insert(reportOrderDays)
              .values(rows.map((r) => ({ ...numbers(r.counts, ORDER_FIELDS), day, unitId: r.unitId, category: r.category, channel: r.channel })))
              .run(),
          );
          inChunks(read.repeats, (rows) =>
            tx
              .insert(reportOrderRepeats)
              .values(rows.map((r) => ({ day, field: r.field, orderId: r.orderId, prevDay: shanghaiDayStart(r.prevAt) })))
              .run(),
          );
          if (read.co.length)
            tx.insert(reportCoDays)
              .values(read.co.map(([unitId, c]) => ({ day, unitId, ...c })))
              .run();
        }
        tx.run(sql`update report_rollup_days set built_at = ${this.now()}, seq = ${read.seq} where ${at}`);
        return true;
      },
      { behavior: 'immediate' },
    );
    return { source, day, month: false, outcome: built ? 'built' : 'changed', readMs, writeMs: since(t1) };
  }

  /**
   * Builds a calendar month's sums (month = 1) from its days' rows, once every day of it is built
   * and clean; the orders counted on two of its days (report_order_repeats) are counted once. Read,
   * then written only if its days are still the ones read (all clean, none rebuilt: the sum of their
   * `seq` grows with each rebuild). Null when a day is not ready (nothing written).
   */
  buildMonth(source: RollupSource, monthStart: number): BuiltDay | null {
    const m = monthOf(monthStart);
    if (m.start !== monthStart) throw new Error(`${monthStart} is no month's first day`);
    const db = this.db;
    const t0 = performance.now();
    const days = daysOf(m.start, m.end).length;
    const state = (tx: Db) =>
      cleanDaysOf(tx, source, m.start, m.end).size === days
        ? Number(
            tx.get<{ s: number }>(
              sql`select coalesce(sum(seq), 0) as s from report_rollup_days where source = ${source} and day >= ${m.start} and day < ${m.end}`,
            )?.s ?? 0,
          )
        : null;
    const inMonth = sql`day >= ${m.start} and day < ${m.end} and month = 0`;
    const read = db.transaction(
      (tx) => {
        const seqs = state(tx);
        if (seqs === null) return null;
        if (source === 'calls') {
          const calls = tx.all<CallCounts & { hotline: string; agentId: number | null; dialledNumber: string }>(sql`
            select hotline, agent_id as "agentId", dialled_number as "dialledNumber", ${sums(CALL_FIELDS)}
            from report_call_days where ${inMonth} group by 1, 2, 3`);
          return { seqs, calls };
        }
        const rows = tx.all<OrderCounts & { unitId: string | null; category: string | null; channel: string }>(sql`
          select unit_id as "unitId", category, channel, ${sums(ORDER_FIELDS)} from report_order_days where ${inMonth} group by 1, 2, 3`);
        const byKey = new Map(rows.map((r) => [JSON.stringify([r.unitId, r.category, r.channel]), r]));
        const repeats = tx.all<{ field: keyof OrderCounts; unitId: string | null; category: string | null; channel: string; n: number }>(sql`
          select r.field as field, o.lead_unit_id as "unitId", o.category as category, o.channel as channel, count(*) as n
          from report_order_repeats r join work_orders o on o.id = r.order_id
          where r.day >= ${m.start} and r.day < ${m.end} and r.prev_day >= ${m.start} group by 1, 2, 3, 4`);
        for (const r of repeats) {
          const row = byKey.get(JSON.stringify([r.unitId, r.category, r.channel]));
          if (!row) throw new Error(`a repeat of ${r.field} without its day's row (${JSON.stringify(r)})`);
          row[r.field] -= Number(r.n);
        }
        const co = tx.all<CoHandlingCounts & { unitId: string }>(sql`
          select unit_id as "unitId", sum(received) as received, sum(replied) as replied, sum(missed) as missed from report_co_days where ${inMonth} group by 1`);
        return { seqs, orders: rows, co };
      },
      { behavior: 'deferred' },
    );
    if (!read) return null;
    const readMs = since(t0);
    this.afterRead?.(source, m.start, true);
    const t1 = performance.now();
    const built = db.transaction(
      (tx) => {
        if (state(tx) !== read.seqs) return false;
        if (read.calls) {
          tx.run(sql`delete from report_call_days where day = ${m.start} and month = 1`);
          inChunks(read.calls, (rows) =>
            tx
              .insert(reportCallDays)
              .values(
                rows.map((r) => ({
                  ...numbers(r, CALL_FIELDS),
                  day: m.start,
                  month: 1,
                  hotline: r.hotline,
                  agentId: r.agentId,
                  dialledNumber: r.dialledNumber,
                })),
              )
              .run(),
          );
        } else {
          tx.run(sql`delete from report_order_days where day = ${m.start} and month = 1`);
          tx.run(sql`delete from report_co_days where day = ${m.start} and month = 1`);
          inChunks(read.orders, (rows) =>
            tx
              .insert(reportOrderDays)
              .values(rows.map((r) => ({ ...numbers(r, ORDER_FIELDS), day: m.start, month: 1, unitId: r.unitId, category: r.category, channel: r.channel })))
              .run(),
          );
          inChunks(read.co, (rows) =>
            tx
              .insert(reportCoDays)
              .values(
                rows.map((r) => ({
                  day: m.start,
                  month: 1,
                  unitId: r.unitId,
                  received: Number(r.received),
                  replied: Number(r.replied),
                  missed: Number(r.missed),
                })),
              )
              .run(),
          );
        }
        tx.insert(reportRollupDays)
          .values({ source: MONTH[source], day: m.start, builtAt: this.now() })
          .onConflictDoUpdate({ target: [reportRollupDays.source, reportRollupDays.day], set: { builtAt: this.now() } })
          .run();
        return true;
      },
      { behavior: 'immediate' },
    );
    return { source, day: m.start, month: true, outcome: built ? 'built' : 'changed', readMs, writeMs: since(t1) };
  }

  /** The closed months whose days are all built and clean but whose sums are not (newest first). */
  pendingMonths(source: RollupSource): number[] {
    const db = this.db;
    const built = new Set(db.all<{ day: number }>(sql`select day from report_rollup_days where source = ${MONTH[source]}`).map((r) => Number(r.day)));
    const clean = this.cleanDays(source, 0, Number.MAX_SAFE_INTEGER);
    if (clean.size === 0) return [];
    const out: number[] = [];
    const first = Math.min(...clean);
    for (let m = monthOf(shanghaiDayStart(this.now())); m.start > first;) {
      m = monthOf(m.start - DAY_MS);
      if (!built.has(m.start) && daysOf(m.start, m.end).every((d) => clean.has(d))) out.push(m.start);
    }
    return out;
  }

  /**
   * The closed days that need building, newest first: dirty ones, then days never built from the
   * first day of the first month with data up to yesterday (so that month can be summed too).
   */
  pending(source: RollupSource, limit = Infinity): number[] {
    const db = this.db;
    const today = shanghaiDayStart(this.now());
    const dirty = db
      .all<{ day: number }>(sql`select day from report_rollup_dirty where source = ${source} and day < ${today} order by day desc`)
      .map((r) => Number(r.day));
    if (dirty.length >= limit) return dirty.slice(0, limit);
    const first =
      source === 'calls'
        ? db.get<{ at: number | null }>(sql`select min(entered_at) as at from calls`)?.at
        : db.get<{ at: number | null }>(sql`select min(at) as at from work_order_events`)?.at;
    if (first === null || first === undefined) return dirty;
    const built = new Set(db.all<{ day: number }>(sql`select day from report_rollup_days where source = ${source}`).map((r) => Number(r.day)));
    const out = [...dirty];
    for (let d = today - DAY_MS; d >= monthOf(shanghaiDayStart(Number(first))).start && out.length < limit; d -= DAY_MS) if (!built.has(d)) out.push(d);
    return out;
  }

  /** Whether any day or month of either source needs building (what the job asks before it starts its worker). */
  hasPending(): boolean {
    return (['calls', 'orders'] as const).some((s) => this.pending(s, 1).length > 0 || this.pendingMonths(s).length > 0);
  }

  /**
   * Builds up to `maxDays` pending days of each source (dirty first, then newest first), then up to
   * as many pending months; true when nothing is left (a build that found its rows changed leaves
   * its day dirty: not done). `onBuild` is told of each build, days and months.
   */
  catchUp(maxDays = Infinity, onBuild?: (b: BuiltDay) => void): boolean {
    let left = false;
    for (const source of ['calls', 'orders'] as const) {
      const days = this.pending(source, maxDays + 1);
      for (const day of days.slice(0, maxDays)) {
        const b = this.buildDay(source, day);
        if (b.outcome === 'changed') left = true;
        onBuild?.(b);
      }
      if (days.length > maxDays) left = true;
      else {
        const months = this.pendingMonths(source);
        for (const m of months.slice(0, maxDays)) {
          const b = this.buildMonth(source, m);
          if (b?.outcome !== 'built') left = true;
          if (b) onBuild?.(b);
        }
        if (months.length > maxDays) left = true;
      }
    }
    return !left;
  }
}
