/**
 * The builder of the daily rollups (report-rollups.ts): one day or one month of a source at a
 * time. Its steps are written once, as generators of operations — "read this in one snapshot",
 * "write this in one transaction", each a report read of statements (report-read.ts) — and run by
 * two drivers: {@link RollupBuilder} synchronously on one SQLite connection (the server's worker
 * thread, `npm run reports:rollups`, tests), {@link runRollupOps} on a {@link RollupRunner} of the
 * asynchronous port (PostgreSQL: the server's job; SQLite: the job's questions on the server's
 * thread). The write statements end in `returning 1`, so that both dialects' runners, which read
 * rows, also tell how many rows a statement changed.
 */
import { sql } from 'drizzle-orm';
import { type Db } from '../db/connection.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';
import { callCountsByKeysRead, type CallCounts } from './call-kpis.js';
import { eventCountsByKeysRead, orderRepeatsRead, type OrderCounts } from './order-kpis.js';
import { coHandlingCountsRead, type CoHandlingCounts } from './co-handling.js';
import { type RollupSource, CALL_FIELDS, ORDER_FIELDS, sums, MONTH, monthOf, daysOf, cleanDaysRead } from './rollup-shapes.js';
import { rows, runOn, type ReportRead } from './report-read.js';
import { CALL_COLUMNS, CO_COLUMNS, ORDER_COLUMNS, callValues, changed, insertRows, orderValues, takeTurn } from './rollup-writes.js';

export type BuildOutcome = 'built' | 'changed' | 'gone';

/** One build of a day (or, `month`, of a month's sums) and the time its read and its write took. */
export interface BuiltDay {
  readonly source: RollupSource;
  readonly day: number;
  readonly month: boolean;
  readonly outcome: BuildOutcome;
  /** The read, in its own read transaction (a snapshot: no lock held against the writers). */
  readonly readMs: number;
  /** The short write transaction: what the other writers may wait for. */
  readonly writeMs: number;
}

/** Called between a build's read and its write (tests make a change there: it must leave the day dirty). */
export type AfterRead = (source: RollupSource, day: number, month: boolean) => void;

/**
 * One operation of a build: `make`'s statements in one read snapshot (`read`), in one write
 * transaction (`write`), or the {@link AfterRead} hook's turn (`afterRead`).
 */
export type RollupOp =
  | { readonly kind: 'read' | 'write'; readonly make: () => ReportRead<unknown> }
  | { readonly kind: 'afterRead'; readonly source: RollupSource; readonly day: number; readonly month: boolean };

/** A build's steps: yields operations, receives each one's result. */
export type RollupOps<T> = Generator<RollupOp, T, unknown>;

function* inRead<T>(make: () => ReportRead<T>): RollupOps<T> {
  return (yield { kind: 'read', make }) as T;
}
function* inWrite<T>(make: () => ReportRead<T>): RollupOps<T> {
  return (yield { kind: 'write', make }) as T;
}

/**
 * Where the asynchronous driver runs a build's operations (the port of either dialect:
 * rollup-runners.ts). `snapshot`: one read-only snapshot; `write`: one transaction, and on
 * PostgreSQL the builders of several nodes take turns (an advisory lock), as SQLite's writer
 * lock makes them.
 */
export interface RollupRunner {
  snapshot<T>(make: () => ReportRead<T>): Promise<T>;
  write<T>(make: () => ReportRead<T>): Promise<T>;
}

const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;

/**
 * Builds (or rebuilds) one closed day of a source: read, then write if unchanged; a day not yet
 * over is refused. A build reads in a snapshot (the other writers are not held up however long
 * the read takes), then writes in a short transaction — only if nothing it read has changed
 * since. That is what the dirty mark's `seq` is for: the triggers raise it with every change to a
 * built day (migration 0034; it stays above the day's report_rollup_days.seq, the mark its last
 * build cleared), the build reads it in the same snapshot as the rows, and the write deletes the
 * mark only where `seq` still is that value; otherwise the day stays dirty (outcome 'changed') and
 * is built again later. A day not built yet has no mark to raise, so its build first claims it (a
 * report_rollup_days row, built_at 0, and a mark) in a tiny transaction of its own: from then on
 * the triggers mark its changes like any built day's.
 */
export function* buildDayOps(source: RollupSource, day: number, now: () => number): RollupOps<BuiltDay> {
  if (day !== shanghaiDayStart(day)) throw new Error(`${day} is no Shanghai midnight`);
  if (day + DAY_MS > now()) throw new Error(`the day of ${new Date(day).toISOString()} is not over: it is read raw`);
  const t0 = performance.now();
  const at = sql`source = ${source} and day = ${day}`;
  // A day without a mark (not built yet, or built and clean) is claimed first, so that the triggers mark any change made after this.
  const marked = yield* inRead(function* () {
    return (yield* rows(sql`select 1 from report_rollup_dirty where ${at}`)).length > 0;
  });
  if (!marked)
    yield* inWrite(function* () {
      yield* rows(takeTurn);
      yield* rows(sql`insert into report_rollup_days (source, day, built_at, seq) values (${source}, ${day}, 0, 0) on conflict do nothing returning 1`);
      yield* rows(sql`insert into report_rollup_dirty (source, day, seq)
        select source, day, seq + 1 from report_rollup_days where ${at} on conflict do nothing returning 1`);
    });
  const read = yield* inRead(function* () {
    const mark = (yield* rows<{ seq: number }>(sql`select seq from report_rollup_dirty where ${at}`))[0];
    if (!mark) return null; // built meanwhile by another builder (another node, the backfill)
    if (source === 'calls') return { seq: Number(mark.seq), calls: yield* callCountsByKeysRead(day, day + DAY_MS) };
    return {
      seq: Number(mark.seq),
      orders: yield* eventCountsByKeysRead(day, day + DAY_MS),
      repeats: yield* orderRepeatsRead(day, day + DAY_MS),
      co: [...(yield* coHandlingCountsRead(day, day + DAY_MS))],
    };
  });
  const readMs = since(t0);
  if (!read) return { source, day, month: false, outcome: 'gone', readMs, writeMs: 0 };
  yield { kind: 'afterRead', source, day, month: false };
  const t1 = performance.now();
  const built = yield* inWrite(function* () {
    yield* rows(takeTurn);
    // The mark read with the rows, unchanged: nothing they were read from has changed since.
    if ((yield* changed(sql`delete from report_rollup_dirty where ${at} and seq = ${read.seq} returning 1`)) === 0) return false;
    // The month's sums no longer hold: rebuilt once its days are all clean again.
    yield* rows(sql`delete from report_rollup_days where source = ${MONTH[source]} and day = ${monthOf(day).start} returning 1`);
    if (read.calls) {
      yield* rows(sql`delete from report_call_days where day = ${day} and month = 0 returning 1`);
      yield* insertRows(
        'report_call_days',
        CALL_COLUMNS,
        read.calls.map((r) => callValues(r, day, 0)),
      );
    } else {
      yield* rows(sql`delete from report_order_days where day = ${day} and month = 0 returning 1`);
      yield* rows(sql`delete from report_order_repeats where day = ${day} returning 1`);
      yield* rows(sql`delete from report_co_days where day = ${day} and month = 0 returning 1`);
      yield* insertRows(
        'report_order_days',
        ORDER_COLUMNS,
        read.orders.map((r) => orderValues(r.counts, r, day, 0)),
      );
      yield* insertRows(
        'report_order_repeats',
        ['day', 'field', 'order_id', 'prev_day'],
        read.repeats.map((r) => [day, r.field, r.orderId, shanghaiDayStart(r.prevAt)]),
      );
      yield* insertRows(
        'report_co_days',
        CO_COLUMNS,
        read.co.map(([unitId, c]) => [day, 0, unitId, Number(c.received), Number(c.replied), Number(c.missed)]),
      );
    }
    yield* rows(sql`update report_rollup_days set built_at = ${now()}, seq = ${read.seq} where ${at} returning 1`);
    return true;
  });
  return { source, day, month: false, outcome: built ? 'built' : 'changed', readMs, writeMs: since(t1) };
}

/**
 * Builds a calendar month's sums (month = 1) from its days' rows, once every day of it is built
 * and clean; the orders counted on two of its days (report_order_repeats) are counted once. Read,
 * then written only if its days are still the ones read (all clean, none rebuilt: the sum of their
 * `seq` grows with each rebuild). Null when a day is not ready (nothing written).
 */
export function* buildMonthOps(source: RollupSource, monthStart: number, now: () => number): RollupOps<BuiltDay | null> {
  const m = monthOf(monthStart);
  if (m.start !== monthStart) throw new Error(`${monthStart} is no month's first day`);
  const t0 = performance.now();
  const days = daysOf(m.start, m.end).length;
  function* state(): ReportRead<number | null> {
    if ((yield* cleanDaysRead(source, m.start, m.end)).size !== days) return null;
    const r = yield* rows<{ s: number }>(
      sql`select coalesce(sum(seq), 0) as s from report_rollup_days where source = ${source} and day >= ${m.start} and day < ${m.end}`,
    );
    return Number(r[0]?.s ?? 0);
  }
  const inMonth = sql`day >= ${m.start} and day < ${m.end} and month = 0`;
  const read = yield* inRead(function* () {
    const seqs = yield* state();
    if (seqs === null) return null;
    if (source === 'calls') {
      const calls = yield* rows<CallCounts & { hotline: string; agentId: number | null; dialledNumber: string }>(sql`
        select hotline, agent_id as "agentId", dialled_number as "dialledNumber", ${sums(CALL_FIELDS)}
        from report_call_days where ${inMonth} group by 1, 2, 3`);
      return { seqs, calls };
    }
    const found = yield* rows<OrderCounts & { unitId: string | null; category: string | null; channel: string }>(sql`
      select unit_id as "unitId", category, channel, ${sums(ORDER_FIELDS)} from report_order_days where ${inMonth} group by 1, 2, 3`);
    const byKey = new Map(found.map((r) => [JSON.stringify([r.unitId, r.category, r.channel]), r]));
    const repeats = yield* rows<{ field: keyof OrderCounts; unitId: string | null; category: string | null; channel: string; n: number }>(sql`
      select r.field as field, o.lead_unit_id as "unitId", o.category as category, o.channel as channel, count(*) as n
      from report_order_repeats r join work_orders o on o.id = r.order_id
      where r.day >= ${m.start} and r.day < ${m.end} and r.prev_day >= ${m.start} group by 1, 2, 3, 4`);
    for (const r of repeats) {
      const row = byKey.get(JSON.stringify([r.unitId, r.category, r.channel]));
      if (!row) throw new Error(`a repeat of ${r.field} without its day's row (${JSON.stringify(r)})`);
      row[r.field] = Number(row[r.field]) - Number(r.n);
    }
    const co = yield* rows<CoHandlingCounts & { unitId: string }>(sql`
      select unit_id as "unitId", sum(received) as received, sum(replied) as replied, sum(missed) as missed from report_co_days where ${inMonth} group by 1`);
    return { seqs, orders: found, co };
  });
  if (!read) return null;
  const readMs = since(t0);
  yield { kind: 'afterRead', source, day: m.start, month: true };
  const t1 = performance.now();
  const built = yield* inWrite(function* () {
    yield* rows(takeTurn);
    if ((yield* state()) !== read.seqs) return false;
    if (read.calls) {
      yield* rows(sql`delete from report_call_days where day = ${m.start} and month = 1 returning 1`);
      yield* insertRows(
        'report_call_days',
        CALL_COLUMNS,
        read.calls.map((r) => callValues(r, m.start, 1)),
      );
    } else {
      yield* rows(sql`delete from report_order_days where day = ${m.start} and month = 1 returning 1`);
      yield* rows(sql`delete from report_co_days where day = ${m.start} and month = 1 returning 1`);
      yield* insertRows(
        'report_order_days',
        ORDER_COLUMNS,
        read.orders.map((r) => orderValues(r, r, m.start, 1)),
      );
      yield* insertRows(
        'report_co_days',
        CO_COLUMNS,
        read.co.map((r) => [m.start, 1, r.unitId, Number(r.received), Number(r.replied), Number(r.missed)]),
      );
    }
    yield* rows(sql`insert into report_rollup_days (source, day, built_at) values (${MONTH[source]}, ${m.start}, ${now()})
      on conflict (source, day) do update set built_at = excluded.built_at returning 1`);
    return true;
  });
  return { source, day: m.start, month: true, outcome: built ? 'built' : 'changed', readMs, writeMs: since(t1) };
}

/** The closed months whose days are all built and clean but whose sums are not (newest first). */
export function* pendingMonthsRead(source: RollupSource, now: number): ReportRead<number[]> {
  const built = new Set((yield* rows<{ day: number }>(sql`select day from report_rollup_days where source = ${MONTH[source]}`)).map((r) => Number(r.day)));
  const clean = yield* cleanDaysRead(source, 0, Number.MAX_SAFE_INTEGER);
  if (clean.size === 0) return [];
  const out: number[] = [];
  const first = Math.min(...clean);
  for (let m = monthOf(shanghaiDayStart(now)); m.start > first;) {
    m = monthOf(m.start - DAY_MS);
    if (!built.has(m.start) && daysOf(m.start, m.end).every((d) => clean.has(d))) out.push(m.start);
  }
  return out;
}

/**
 * The closed days that need building, newest first: dirty ones, then days never built from the
 * first day of the first month with data up to yesterday (so that month can be summed too).
 */
export function* pendingRead(source: RollupSource, now: number, limit = Infinity): ReportRead<number[]> {
  const today = shanghaiDayStart(now);
  const dirty = (yield* rows<{ day: number }>(sql`select day from report_rollup_dirty where source = ${source} and day < ${today} order by day desc`)).map(
    (r) => Number(r.day),
  );
  if (dirty.length >= limit) return dirty.slice(0, limit);
  const first = (yield* rows<{ at: number | null }>(
    source === 'calls' ? sql`select min(entered_at) as at from calls` : sql`select min(at) as at from work_order_events`,
  ))[0]?.at;
  if (first === null || first === undefined) return dirty;
  const built = new Set((yield* rows<{ day: number }>(sql`select day from report_rollup_days where source = ${source}`)).map((r) => Number(r.day)));
  const out = [...dirty];
  for (let d = today - DAY_MS; d >= monthOf(shanghaiDayStart(Number(first))).start && out.length < limit; d -= DAY_MS) if (!built.has(d)) out.push(d);
  return out;
}

/** Whether any day or month of either source needs building (what the job asks before it starts its worker). */
export function* hasPendingRead(now: number): ReportRead<boolean> {
  for (const s of ['calls', 'orders'] as const) if ((yield* pendingRead(s, now, 1)).length > 0 || (yield* pendingMonthsRead(s, now)).length > 0) return true;
  return false;
}

/**
 * Builds up to `maxDays` pending days of each source (dirty first, then newest first), then up to
 * as many pending months; true when nothing is left (a build that found its rows changed leaves
 * its day dirty: not done). `onBuild` is told of each build, days and months.
 */
export function* catchUpOps(now: () => number, maxDays = Infinity, onBuild?: (b: BuiltDay) => void): RollupOps<boolean> {
  let left = false;
  for (const source of ['calls', 'orders'] as const) {
    const days = yield* inRead(() => pendingRead(source, now(), maxDays + 1));
    for (const day of days.slice(0, maxDays)) {
      const b = yield* buildDayOps(source, day, now);
      if (b.outcome === 'changed') left = true;
      onBuild?.(b);
    }
    if (days.length > maxDays) left = true;
    else {
      const months = yield* inRead(() => pendingMonthsRead(source, now()));
      for (const m of months.slice(0, maxDays)) {
        const b = yield* buildMonthOps(source, m, now);
        if (b?.outcome !== 'built') left = true;
        if (b) onBuild?.(b);
      }
      if (months.length > maxDays) left = true;
    }
  }
  return !left;
}

/** Runs `ops` synchronously on one SQLite connection: a read in a deferred transaction (a WAL snapshot), a write in BEGIN IMMEDIATE. */
export function runOpsOn<T>(db: Db, ops: RollupOps<T>, afterRead?: AfterRead): T {
  let step = ops.next();
  while (!step.done) {
    const op = step.value;
    let result: unknown;
    if (op.kind === 'afterRead') afterRead?.(op.source, op.day, op.month);
    else result = db.transaction((tx) => runOn(tx, op.make()), { behavior: op.kind === 'read' ? 'deferred' : 'immediate' });
    step = ops.next(result);
  }
  return step.value;
}

/** Runs `ops` on the asynchronous port of either dialect (rollup-runners.ts). */
export async function runRollupOps<T>(
  runner: RollupRunner,
  ops: RollupOps<T>,
  afterRead?: (source: RollupSource, day: number, month: boolean) => void | Promise<void>,
): Promise<T> {
  let step = ops.next();
  while (!step.done) {
    const op = step.value;
    let result: unknown;
    if (op.kind === 'afterRead') await afterRead?.(op.source, op.day, op.month);
    else result = op.kind === 'read' ? await runner.snapshot(op.make) : await runner.write(op.make);
    step = ops.next(result);
  }
  return step.value;
}

/**
 * Builds the rollups on one SQLite connection, synchronously: the server's job runs it in a worker
 * thread (report-rollups-worker.ts) on a connection of its own, `npm run reports:rollups` and the
 * tests in their own thread.
 */
export class RollupBuilder {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly afterRead?: AfterRead,
  ) {}

  /** Days of [start, end) read from the rollups: built and not dirty (a closed day only: the job builds no other). */
  cleanDays(source: RollupSource, start: number, end: number): Set<number> {
    return runOn(this.db, cleanDaysRead(source, start, end));
  }

  /** {@link buildDayOps} on this connection. */
  buildDay(source: RollupSource, day: number): BuiltDay {
    return runOpsOn(this.db, buildDayOps(source, day, this.now), this.afterRead);
  }

  /** {@link buildMonthOps} on this connection. */
  buildMonth(source: RollupSource, monthStart: number): BuiltDay | null {
    return runOpsOn(this.db, buildMonthOps(source, monthStart, this.now), this.afterRead);
  }

  pendingMonths(source: RollupSource): number[] {
    return runOn(this.db, pendingMonthsRead(source, this.now()));
  }

  pending(source: RollupSource, limit = Infinity): number[] {
    return runOn(this.db, pendingRead(source, this.now(), limit));
  }

  hasPending(): boolean {
    return runOn(this.db, hasPendingRead(this.now()));
  }

  /** {@link catchUpOps} on this connection. */
  catchUp(maxDays = Infinity, onBuild?: (b: BuiltDay) => void): boolean {
    return runOpsOn(this.db, catchUpOps(this.now, maxDays, onBuild), this.afterRead);
  }
}
