/**
 * Daily rollups of the KPI reports (issue 14 item 9; docs/kpis.md "Daily rollups"): a closed
 * Beijing day's additive counts, built once by a job from the same queries as the raw reports
 * (call-kpis.ts callCountsByKeys, order-kpis.ts eventCountsByKeys / orderRepeats, co-handling.ts),
 * so that a month reads ~30 small groups of rows instead of its 250,000 calls and 400,000 order
 * events. A report over a period sums the rollups of its built, clean days and computes the
 * others (today, a day not built yet, a day marked dirty) from the raw rows: the result equals the
 * raw query's (test/reports/report-rollups.test.ts).
 *
 * Kept correct by the triggers of migration 0030 (both dialects; 0034 adds the marks' `seq`): any
 * change to a built day's source rows — a call ending after midnight, a wrap-up closed by the
 * agent's next state, an order event (a callback answers an old missed call; a late evaluation), an
 * order's lead unit, category or channel, a handler's unit — marks the day in report_rollup_dirty
 * in the same statement; the day is read raw until the job rebuilds it. The job builds in a worker
 * thread (report-rollups-worker.ts), reading outside its write transaction; a change committed
 * while it reads leaves the day dirty (RollupBuilder). The figures that count orders rather
 * than events (受理, 办结, 督办, 漏接…) keep the orders they count on two days of a period
 * (report_order_repeats) so that a sum over days counts each once. The open-deadline counts read
 * the orders' current state and are never rolled up.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { cacheSizeOf, type Db } from '../db/connection.js';
import { reportCallDays, reportCoDays, reportOrderDays, reportOrderRepeats, reportRollupDays } from '../db/schema.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';
import { callCountsByKeys, ZERO_CALLS, type CallCounts, type CallDimension, type KeyedCallCounts } from './call-kpis.js';
import {
  addCounts,
  eventCountsByKeys,
  openDeadlineCounts,
  orderRepeats,
  unitCondition,
  type OrderCounts,
  type OrderDimension,
  type OrderRepeat,
  type UnitFilter,
} from './order-kpis.js';
import { ORDER_COUNT_KEYS } from '../contract/reports.js';
import { dateOf, isPeriod, periodOf } from './period.js';
import { coHandlingCounts, ZERO_CO_HANDLING, type CoHandlingCounts } from './co-handling.js';

export type RollupSource = 'calls' | 'orders';

const CALL_FIELDS = Object.keys(ZERO_CALLS) as Array<keyof CallCounts>;
/** The order counts a day's rollup holds: all but the open-deadline ones (current state). */
const ORDER_FIELDS = ORDER_COUNT_KEYS.filter((k) => k !== 'signOverdueOpen' && k !== 'replyOverdueOpen');

/** answeredWithin15s → answered_within_15s: the rollup tables' columns are the counts' names. */
const snake = (name: string) => name.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
const sums = (fields: readonly string[], alias = true) => sql.raw(fields.map((f) => `coalesce(sum(${snake(f)}), 0)${alias ? ` as "${f}"` : ''}`).join(', '));
/** A source's month sums in report_rollup_days. */
const MONTH: Record<RollupSource, string> = { calls: 'calls-month', orders: 'orders-month' };
/** The Beijing calendar month of a day: [its first day, the next month's first day). */
export function monthOf(day: number): { start: number; end: number } {
  const p = periodOf('month', dateOf(day));
  if (!isPeriod(p)) throw new Error(`no month for ${day}`);
  return { start: p.start, end: p.end };
}

/** The Beijing days (Shanghai midnights) of [start, end). */
export function daysOf(start: number, end: number): number[] {
  const out: number[] = [];
  for (let d = shanghaiDayStart(start); d < end; d += DAY_MS) out.push(d);
  return out;
}

/** What became of one build: written; left dirty because its rows changed after they were read; or already built by another builder. */
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

/** Days of [start, end) read from the rollups: built and not dirty. */
function cleanDaysOf(db: Db, source: RollupSource, start: number, end: number): Set<number> {
  const rows = db.all<{ day: number }>(sql`
    select b.day as day from report_rollup_days b
    where b.source = ${source} and b.day >= ${start} and b.day < ${end}
      and not exists (select 1 from report_rollup_dirty d where d.source = b.source and d.day = b.day)`);
  return new Set(rows.map((r) => Number(r.day)));
}

export interface RollupsOptions {
  readonly db: Db;
  readonly now?: () => number;
  /** Told when the background job fails (it tries again later). */
  readonly onError?: (err: unknown) => void;
  /** Told of each build the background job made (its outcome, read and write times). */
  readonly onBuild?: (b: BuiltDay) => void;
  /** The job's pause between two builds while a backlog lasts (default 1 s: the worker leaves the machine's cores to the server). */
  readonly busyMs?: number;
  /** The job's pause once nothing is pending (default 30 s). */
  readonly idleMs?: number;
  /**
   * Where the job builds: 'worker' (default for a database file) a worker thread with its own
   * connection to the same file, off the server's event loop; 'inline' this thread (':memory:').
   */
  readonly jobIn?: 'worker' | 'inline';
  /** Tests: called between each build's read and its write (in the worker's case the worker waits for it). */
  readonly afterRead?: AfterRead;
}

/** The job's pause when every closed day is built and clean, and between two days while a backlog lasts. */
const IDLE_MS = 30_000;
const BUSY_MS = 1_000;

export class ReportRollups {
  private readonly now: () => number;
  private readonly builder: RollupBuilder;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private worker: RollupsWorker | undefined;
  /** The job's turn in progress (close() waits for it). */
  private turn: Promise<void> = Promise.resolve();
  constructor(private readonly o: RollupsOptions) {
    this.now = o.now ?? Date.now;
    this.builder = new RollupBuilder(o.db, this.now, o.afterRead);
  }

  /** Days of [start, end) read from the rollups: built and not dirty (a closed day only: the job builds no other). */
  cleanDays(source: RollupSource, start: number, end: number): Set<number> {
    return cleanDaysOf(this.o.db, source, start, end);
  }

  /** {@link RollupBuilder.buildDay} in this thread. */
  buildDay(source: RollupSource, day: number): BuiltDay {
    return this.builder.buildDay(source, day);
  }

  /** {@link RollupBuilder.buildMonth} in this thread; false when a day is not ready or changed meanwhile (nothing written). */
  buildMonth(source: RollupSource, monthStart: number): boolean {
    return this.builder.buildMonth(source, monthStart)?.outcome === 'built';
  }

  pendingMonths(source: RollupSource): number[] {
    return this.builder.pendingMonths(source);
  }

  pending(source: RollupSource, limit = Infinity): number[] {
    return this.builder.pending(source, limit);
  }

  /** Whether any day or month needs building. */
  hasPending(): boolean {
    return this.builder.hasPending();
  }

  /** {@link RollupBuilder.catchUp} in this thread (the backfill script, tests and benchmarks). */
  catchUp(maxDays = Infinity, onBuild?: (b: BuiltDay) => void): boolean {
    return this.builder.catchUp(maxDays, onBuild);
  }

  /**
   * Keeps the rollups built in the background: one day (or month) per turn, `busyMs` apart while a
   * backlog lasts, then every 30 s. The builds run in a worker thread on its own connection (a big
   * centre's day reads for ~0.5 s (calls) and ~1.4 s (orders): none of it on this event loop, and
   * with no lock held but for the short write); this thread only asks, at each turn, whether
   * anything is pending (a few key lookups), starts the worker when it is and stops it when the
   * backlog is done. With `jobIn: 'inline'` (an in-memory database) the builds run here.
   */
  start(): void {
    // Started again after close() (the timed jobs moved back to this node: cluster/timed-jobs.ts).
    this.closed = false;
    const schedule = (ms: number) => {
      if (this.closed) return;
      this.timer = setTimeout(() => {
        this.turn = tick();
      }, ms);
      this.timer.unref();
    };
    const tick = async () => {
      if (this.closed) return;
      let done = true;
      try {
        if (this.inWorker()) {
          if (this.builder.hasPending()) done = await this.workerTurn();
          if (done) await this.stopWorker();
        } else done = this.catchUp(1, this.o.onBuild);
      } catch (err) {
        if (!this.closed) this.o.onError?.(err);
        // A worker that failed is not reused: the next turn starts a new one.
        await this.stopWorker();
      }
      schedule(done ? (this.o.idleMs ?? IDLE_MS) : (this.o.busyMs ?? BUSY_MS));
    };
    schedule(this.o.busyMs ?? BUSY_MS);
  }

  /** Stops the job (start() may start it again); resolves once its worker thread (if any) has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.stopWorker();
    await this.turn;
  }

  private inWorker(): boolean {
    if (this.o.jobIn) return this.o.jobIn === 'worker';
    const client = clientOf(this.o.db);
    return !client.memory && client.name !== '' && client.name !== ':memory:';
  }

  private async workerTurn(): Promise<boolean> {
    if (!this.worker) {
      const client = clientOf(this.o.db);
      this.worker = new RollupsWorker({ ...workerSettings(client), ...(this.o.afterRead ? { afterRead: this.o.afterRead } : {}) });
    }
    const { done, builds } = await this.worker.catchUp(this.now(), 1);
    for (const b of builds) this.o.onBuild?.(b);
    return done;
  }

  private async stopWorker(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.close();
  }

  /**
   * How [start, end) is read: the calendar months inside it whose sums are built and whose days are
   * all clean, the other clean days one by one, the rest (today, unbuilt, dirty) raw.
   */
  plan(source: RollupSource, start: number, end: number): { months: Array<{ start: number; end: number }>; days: number[]; raw: number[]; rows: SQL | null } {
    const clean = this.cleanDays(source, start, end);
    const built = new Set(
      this.o.db
        .all<{ day: number }>(sql`select day from report_rollup_days where source = ${MONTH[source]} and day >= ${start} and day < ${end}`)
        .map((r) => Number(r.day)),
    );
    const months: Array<{ start: number; end: number }> = [];
    const inMonth = new Set<number>();
    for (const m0 of built) {
      const m = monthOf(m0);
      const ds = daysOf(m.start, m.end);
      if (m.end <= end && ds.every((d) => clean.has(d))) {
        months.push(m);
        for (const d of ds) inMonth.add(d);
      }
    }
    const days = [...clean].filter((d) => !inMonth.has(d));
    const raw = daysOf(start, end).filter((d) => !clean.has(d));
    const parts = [
      ...(months.length ? [sql`(month = 1 and ${inList(months.map((m) => m.start))})`] : []),
      ...(days.length ? [sql`(month = 0 and ${inDays(new Set(days))})`] : []),
    ];
    return { months, days, raw, rows: parts.length ? sql`(${sql.join(parts, sql` or `)})` : null };
  }

  /** {@link callCounts} of call-kpis.ts over [start, end): built months and clean days from the rollups, the other days raw. */
  callCounts(start: number, end: number, dim: CallDimension): Map<string | null, CallCounts> {
    const plan = this.plan('calls', start, end);
    const out = new Map<string | null, CallCounts>();
    const add = (k: string | null, c: Partial<Record<keyof CallCounts, number>>) => {
      const row = out.get(k) ?? out.set(k, { ...ZERO_CALLS }).get(k)!;
      for (const f of CALL_FIELDS) row[f] += Number(c[f] ?? 0);
    };
    if (plan.rows) {
      const key = { none: sql`''`, hotline: sql`hotline`, agent: sql`cast(agent_id as text)`, channel: sql`dialled_number` }[dim];
      const rows = this.o.db.all<CallCounts & { k: string | null }>(sql`
        select ${key} as k, ${sums(CALL_FIELDS)} from report_call_days where ${plan.rows} group by 1`);
      for (const { k, ...c } of rows) add(k, c);
    }
    const keyOf = (r: KeyedCallCounts) =>
      ({ none: '', hotline: r.hotline, agent: r.agentId === null ? null : String(r.agentId), channel: r.dialledNumber })[dim];
    for (const day of plan.raw) for (const r of callCountsByKeys(this.o.db, day, day + DAY_MS)) add(keyOf(r), r);
    return out;
  }

  /** {@link orderCounts} of order-kpis.ts over [start, end): built months and clean days from the rollups, the others raw; the open deadlines live. */
  orderCounts(start: number, end: number, dim: OrderDimension, now: number, units?: UnitFilter): Map<string | null, OrderCounts> {
    const db = this.o.db;
    const plan = this.plan('orders', start, end);
    const out = new Map<string | null, OrderCounts>();
    const column = { none: sql`''`, unit: sql`unit_id`, category: sql`category`, channel: sql`channel` }[dim];
    const keyOf = (r: { unitId: string | null; category: string | null; channel: string }) =>
      ({ none: '', unit: r.unitId, category: r.category, channel: r.channel })[dim];
    const inScope = (unitId: string | null) => units === undefined || (unitId !== null && units.includes(unitId));
    if (plan.rows) {
      const rows = db.all<OrderCounts & { k: string | null }>(sql`
        select ${column} as k, ${sums(ORDER_FIELDS)} from report_order_days where ${plan.rows} and ${unitCondition(sql`unit_id`, units)} group by 1`);
      for (const { k, ...c } of rows) addCounts(out, k, c);
    }
    // Orders a distinct figure counted on an earlier day of the period too are counted once (a month's sums already count its own once).
    const repeats: OrderRepeat[] = [];
    const read = [...plan.days, ...plan.months.flatMap((m) => daysOf(m.start, m.end))];
    if (read.length) {
      const stored = db.all<OrderRepeat & { day: number }>(sql`
        select r.day as day, r.field as field, r.order_id as orderId, r.prev_day as prevAt, o.lead_unit_id as unitId, o.category as category, o.channel as channel
        from report_order_repeats r join work_orders o on o.id = r.order_id
        where ${inDays(new Set(read), sql`r.day`)} and r.prev_day >= ${start}`);
      const monthStartOf = new Map(plan.months.flatMap((m) => daysOf(m.start, m.end).map((d) => [d, m.start] as const)));
      repeats.push(...stored.filter((r) => !(monthStartOf.has(Number(r.day)) && Number(r.prevAt) >= monthStartOf.get(Number(r.day))!)));
    }
    for (const day of plan.raw) {
      for (const r of eventCountsByKeys(db, day, day + DAY_MS)) if (inScope(r.unitId)) addCounts(out, keyOf(r), r.counts);
      repeats.push(...orderRepeats(db, day, day + DAY_MS).filter((r) => r.prevAt >= start));
    }
    for (const r of repeats) if (inScope(r.unitId)) addCounts(out, keyOf(r), { [r.field]: -1 });
    for (const [k, vals] of openDeadlineCounts(db, start, end, dim, now, units)) addCounts(out, k, vals);
    return out;
  }

  /** {@link coHandlingCounts} of co-handling.ts over [start, end): built months and clean days from the rollups, the others raw. */
  coHandlingCounts(start: number, end: number): Map<string, CoHandlingCounts> {
    const plan = this.plan('orders', start, end);
    const out = new Map<string, CoHandlingCounts>();
    const add = (k: string, c: CoHandlingCounts) => {
      const row = out.get(k) ?? out.set(k, { ...ZERO_CO_HANDLING }).get(k)!;
      for (const f of ['received', 'replied', 'missed'] as const) row[f] += Number(c[f]);
    };
    if (plan.rows) {
      const rows = this.o.db.all<CoHandlingCounts & { k: string }>(sql`
        select unit_id as k, sum(received) as received, sum(replied) as replied, sum(missed) as missed from report_co_days where ${plan.rows} group by 1`);
      for (const { k, ...c } of rows) add(k, c);
    }
    for (const day of plan.raw) for (const [k, c] of coHandlingCounts(this.o.db, day, day + DAY_MS)) add(k, c);
    return out;
  }
}

const inList = (xs: readonly number[], col: SQL = sql`day`) =>
  sql`${col} in (${sql.join(
    xs.map((d) => sql`${d}`),
    sql`, `,
  )})`;

/** `col` is one of `days` (a range when they are consecutive, as in a past period). */
function inDays(days: Set<number>, col: SQL = sql`day`): SQL {
  const list = [...days].sort((a, b) => a - b);
  if (list.at(-1)! - list[0]! === (list.length - 1) * DAY_MS) return sql`${col} >= ${list[0]} and ${col} <= ${list.at(-1)}`;
  return inList(list, col);
}

/** The better-sqlite3 connection under drizzle (its file and settings, for the worker's own connection). */
const clientOf = (db: Db) => (db as Db & { readonly $client: Database.Database }).$client;

/**
 * The worker's connection gets the app's connection's own settings: its file, FULL (2) or NORMAL
 * (1, also the 'group' mode: its fsyncs are the app's), and its page cache size (SUNLINE_DB_CACHE_MB
 * in the server), so that the thread's cache, while it lives, is no bigger than the server's.
 */
export function workerSettings(client: Database.Database): Pick<RollupsWorkerData, 'file' | 'synchronous' | 'cacheSize'> {
  const full = Number(client.pragma('synchronous', { simple: true })) >= 2;
  return { file: client.name, synchronous: full ? 'full' : 'normal', cacheSize: cacheSizeOf(client) };
}

function numbers<F extends string>(r: Partial<Record<F, number>>, fields: readonly F[]): Record<F, number> {
  return Object.fromEntries(fields.map((f) => [f, Number(r[f] ?? 0)])) as Record<F, number>;
}

/** What the job's worker thread is started with (report-rollups-worker.ts). */
export interface RollupsWorkerData {
  readonly file: string;
  readonly synchronous: 'full' | 'normal';
  /** SQLite's cache_size of the worker's connection (negative = KiB), the app connection's. */
  readonly cacheSize: number;
  /** With a test's afterRead: the worker tells of each read and waits on this until the test's change is made. */
  readonly gate?: SharedArrayBuffer;
}
export type RollupsWorkerRequest = { readonly type: 'catchUp'; readonly now: number; readonly maxDays: number };
export type RollupsWorkerReply =
  | { readonly type: 'done'; readonly done: boolean; readonly builds: BuiltDay[] }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string }
  | { readonly type: 'read'; readonly source: RollupSource; readonly day: number; readonly month: boolean };

/**
 * Starts the worker's module: the compiled .js in dist; under tsx (the sources: dev, tests, bench)
 * the .ts source, after registering tsx's loader in the new thread (a worker does not inherit it).
 */
function startWorker(data: RollupsWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./report-rollups-worker.js', import.meta.url), { workerData: data });
  const entry = new URL('./report-rollups-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, {
    eval: true,
    workerData: data,
  });
}

/** The job's worker thread, as seen from the server's thread: one request at a time. */
class RollupsWorker {
  private readonly worker: Worker;
  private waiting: { resolve: (r: { done: boolean; builds: BuiltDay[] }) => void; reject: (err: Error) => void } | undefined;
  private ended: Error | undefined;
  private hookError: unknown;

  constructor(o: { file: string; synchronous: 'full' | 'normal'; cacheSize: number; afterRead?: AfterRead }) {
    const gate = o.afterRead ? new SharedArrayBuffer(4) : undefined;
    const data: RollupsWorkerData = { file: o.file, synchronous: o.synchronous, cacheSize: o.cacheSize, ...(gate ? { gate } : {}) };
    this.worker = startWorker(data);
    this.worker.on('message', (m: RollupsWorkerReply) => {
      if (m.type === 'read') {
        try {
          o.afterRead?.(m.source, m.day, m.month);
        } catch (err) {
          this.hookError = err;
        } finally {
          const g = new Int32Array(gate!);
          Atomics.store(g, 0, 1);
          Atomics.notify(g, 0);
        }
        return;
      }
      const w = this.waiting;
      this.waiting = undefined;
      const hookError = this.hookError;
      this.hookError = undefined;
      if (hookError) w?.reject(hookError instanceof Error ? hookError : new Error('the afterRead hook failed', { cause: hookError }));
      else if (m.type === 'done') w?.resolve({ done: m.done, builds: m.builds });
      else w?.reject(Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {}));
    });
    const end = (err: Error) => {
      this.ended ??= err;
      this.waiting?.reject(err);
      this.waiting = undefined;
    };
    this.worker.on('error', end);
    this.worker.on('exit', (code) => end(new Error(`the report rollups' worker ended (exit code ${code})`)));
  }

  /** Runs {@link RollupBuilder.catchUp}(maxDays) in the worker at the given time. */
  catchUp(now: number, maxDays: number): Promise<{ done: boolean; builds: BuiltDay[] }> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      const req: RollupsWorkerRequest = { type: 'catchUp', now, maxDays };
      this.worker.postMessage(req);
    });
  }

  /** Ends the thread (a build in progress is rolled back with its transaction); resolves once it has ended. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
