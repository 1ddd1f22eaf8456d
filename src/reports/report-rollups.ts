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
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { type Db } from '../db/connection.js';
import { DAY_MS } from '../lib/shanghai-time.js';
import { callCountsByKeysRead, ZERO_CALLS, type CallCounts, type CallDimension, type KeyedCallCounts } from './call-kpis.js';
import {
  addCounts,
  eventCountsByKeysRead,
  openDeadlineCountsRead,
  orderRepeatsRead,
  unitCondition,
  type OrderCounts,
  type OrderDimension,
  type OrderRepeat,
  type UnitFilter,
} from './order-kpis.js';
import { coHandlingCountsRead as rawCoHandlingRead, ZERO_CO_HANDLING, type CoHandlingCounts } from './co-handling.js';
import { type RollupSource, CALL_FIELDS, ORDER_FIELDS, sums, MONTH, monthOf, daysOf, cleanDaysRead, inList, inDays } from './rollup-shapes.js';
import { rows, runOn, type ReportRead } from './report-read.js';
import { type BuiltDay, type AfterRead, RollupBuilder } from './rollup-builder.js';
import { workerSettings, RollupsWorker } from './rollups-worker-client.js';
import { TurnLoop } from '../lib/turn-loop.js';
import { loopTiming } from './rollups-job.js';

// What other modules import from here.
export { daysOf, monthOf, type RollupSource } from './rollup-shapes.js';
export { RollupBuilder, type AfterRead, type BuildOutcome, type BuiltDay } from './rollup-builder.js';
export { workerSettings, type RollupsWorkerData, type RollupsWorkerReply, type RollupsWorkerRequest } from './rollups-worker-client.js';

/** The better-sqlite3 connection under drizzle (its file and settings, for the worker's own connection). */
const clientOf = (db: Db) => (db as Db & { readonly $client: Database.Database }).$client;

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

export class ReportRollups {
  private readonly now: () => number;
  private readonly builder: RollupBuilder;
  private worker: RollupsWorker | undefined;
  private readonly loop: TurnLoop;
  constructor(private readonly o: RollupsOptions) {
    this.now = o.now ?? Date.now;
    this.builder = new RollupBuilder(o.db, this.now, o.afterRead);
    // A worker that failed is not reused: the next turn starts a new one.
    this.loop = new TurnLoop(() => this.turn(), { ...loopTiming(o), failed: () => this.stopWorker() });
  }

  /** Days of [start, end) read from the rollups: built and not dirty (a closed day only: the job builds no other). */
  cleanDays(source: RollupSource, start: number, end: number): Set<number> {
    return runOn(this.o.db, cleanDaysRead(source, start, end));
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
   * backlog lasts, then every 30 s (rollups-job.ts). The builds run in a worker thread on its own
   * connection (a big centre's day reads for ~0.5 s (calls) and ~1.4 s (orders): none of it on this
   * event loop, and with no lock held but for the short write); this thread only asks, at each turn,
   * whether anything is pending (a few key lookups), starts the worker when it is and stops it when
   * the backlog is done. With `jobIn: 'inline'` (an in-memory database) the builds run here.
   */
  start(): void {
    this.loop.start();
  }

  /** Stops the job (start() may start it again); resolves once its worker thread (if any) has ended. */
  async close(): Promise<void> {
    // The worker is ended first: a build in progress is rolled back with its transaction, not waited for.
    await this.loop.close(() => this.stopWorker());
  }

  /** One turn of the job: true when nothing is left. */
  private async turn(): Promise<boolean> {
    if (!this.inWorker()) return this.catchUp(1, this.o.onBuild);
    const done = this.builder.hasPending() ? await this.workerTurn() : true;
    if (done) await this.stopWorker();
    return done;
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
  plan(source: RollupSource, start: number, end: number): RollupPlan {
    return runOn(this.o.db, planRead(source, start, end));
  }

  /** {@link callCountsRead} on this object's SQLite handle. */
  callCounts(start: number, end: number, dim: CallDimension): Map<string | null, CallCounts> {
    return runOn(this.o.db, callCountsRead(start, end, dim));
  }

  /** {@link orderCountsRead} on this object's SQLite handle. */
  orderCounts(start: number, end: number, dim: OrderDimension, now: number, units?: UnitFilter): Map<string | null, OrderCounts> {
    return runOn(this.o.db, orderCountsRead(start, end, dim, now, units));
  }

  /** {@link coHandlingCountsRead} on this object's SQLite handle. */
  coHandlingCounts(start: number, end: number): Map<string, CoHandlingCounts> {
    return runOn(this.o.db, coHandlingCountsRead(start, end));
  }
}

/*
 * The reads of the rollups (report-read.ts: statements yielded, run in one snapshot on the
 * reports' port or synchronously on a SQLite handle). They read the rollup tables and, for the
 * days not built or dirty, the raw rows; they do not depend on the job that builds them.
 */

export interface RollupPlan {
  months: Array<{ start: number; end: number }>;
  days: number[];
  raw: number[];
  rows: SQL | null;
}

/** {@link ReportRollups.plan}'s reads. */
export function* planRead(source: RollupSource, start: number, end: number): ReportRead<RollupPlan> {
  const clean = yield* cleanDaysRead(source, start, end);
  const built = new Set(
    (yield* rows<{ day: number }>(sql`select day from report_rollup_days where source = ${MONTH[source]} and day >= ${start} and day < ${end}`)).map((r) =>
      Number(r.day),
    ),
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
export function* callCountsRead(start: number, end: number, dim: CallDimension): ReportRead<Map<string | null, CallCounts>> {
  const plan = yield* planRead('calls', start, end);
  const out = new Map<string | null, CallCounts>();
  const add = (k: string | null, c: Partial<Record<keyof CallCounts, number>>) => {
    const row = out.get(k) ?? out.set(k, { ...ZERO_CALLS }).get(k)!;
    for (const f of CALL_FIELDS) row[f] += Number(c[f] ?? 0);
  };
  if (plan.rows) {
    const key = { none: sql`''`, hotline: sql`hotline`, agent: sql`cast(agent_id as text)`, channel: sql`dialled_number` }[dim];
    const found = yield* rows<CallCounts & { k: string | null }>(sql`
      select ${key} as k, ${sums(CALL_FIELDS)} from report_call_days where ${plan.rows} group by 1`);
    for (const { k, ...c } of found) add(k, c);
  }
  const keyOf = (r: KeyedCallCounts) => ({ none: '', hotline: r.hotline, agent: r.agentId === null ? null : String(r.agentId), channel: r.dialledNumber })[dim];
  for (const day of plan.raw) for (const r of yield* callCountsByKeysRead(day, day + DAY_MS)) add(keyOf(r), r);
  return out;
}

/** {@link orderCounts} of order-kpis.ts over [start, end): built months and clean days from the rollups, the others raw; the open deadlines live. */
export function* orderCountsRead(
  start: number,
  end: number,
  dim: OrderDimension,
  now: number,
  units?: UnitFilter,
): ReportRead<Map<string | null, OrderCounts>> {
  const plan = yield* planRead('orders', start, end);
  const out = new Map<string | null, OrderCounts>();
  const column = { none: sql`''`, unit: sql`unit_id`, category: sql`category`, channel: sql`channel` }[dim];
  const keyOf = (r: { unitId: string | null; category: string | null; channel: string }) =>
    ({ none: '', unit: r.unitId, category: r.category, channel: r.channel })[dim];
  const inScope = (unitId: string | null) => units === undefined || (unitId !== null && units.includes(unitId));
  if (plan.rows) {
    const found = yield* rows<OrderCounts & { k: string | null }>(sql`
      select ${column} as k, ${sums(ORDER_FIELDS)} from report_order_days where ${plan.rows} and ${unitCondition(sql`unit_id`, units)} group by 1`);
    for (const { k, ...c } of found) addCounts(out, k, c);
  }
  // Orders a distinct figure counted on an earlier day of the period too are counted once (a month's sums already count its own once).
  const repeats: OrderRepeat[] = [];
  const read = [...plan.days, ...plan.months.flatMap((m) => daysOf(m.start, m.end))];
  if (read.length) {
    const stored = yield* rows<OrderRepeat & { day: number }>(sql`
      select r.day as "day", r.field as "field", r.order_id as "orderId", r.prev_day as "prevAt", o.lead_unit_id as "unitId", o.category as "category", o.channel as "channel"
      from report_order_repeats r join work_orders o on o.id = r.order_id
      where ${inDays(new Set(read), sql`r.day`)} and r.prev_day >= ${start}`);
    const monthStartOf = new Map(plan.months.flatMap((m) => daysOf(m.start, m.end).map((d) => [d, m.start] as const)));
    repeats.push(...stored.filter((r) => !(monthStartOf.has(Number(r.day)) && Number(r.prevAt) >= monthStartOf.get(Number(r.day))!)));
  }
  for (const day of plan.raw) {
    for (const r of yield* eventCountsByKeysRead(day, day + DAY_MS)) if (inScope(r.unitId)) addCounts(out, keyOf(r), r.counts);
    repeats.push(...(yield* orderRepeatsRead(day, day + DAY_MS)).filter((r) => r.prevAt >= start));
  }
  for (const r of repeats) if (inScope(r.unitId)) addCounts(out, keyOf(r), { [r.field]: -1 });
  for (const [k, vals] of yield* openDeadlineCountsRead(start, end, dim, now, units)) addCounts(out, k, vals);
  return out;
}

/** {@link coHandlingCounts} of co-handling.ts over [start, end): built months and clean days from the rollups, the others raw. */
export function* coHandlingCountsRead(start: number, end: number): ReportRead<Map<string, CoHandlingCounts>> {
  const plan = yield* planRead('orders', start, end);
  const out = new Map<string, CoHandlingCounts>();
  const add = (k: string, c: CoHandlingCounts) => {
    const row = out.get(k) ?? out.set(k, { ...ZERO_CO_HANDLING }).get(k)!;
    for (const f of ['received', 'replied', 'missed'] as const) row[f] += Number(c[f]);
  };
  if (plan.rows) {
    const found = yield* rows<CoHandlingCounts & { k: string }>(sql`
      select unit_id as k, sum(received) as "received", sum(replied) as "replied", sum(missed) as "missed" from report_co_days where ${plan.rows} group by 1`);
    for (const { k, ...c } of found) add(k, c);
  }
  for (const day of plan.raw) for (const [k, c] of yield* rawCoHandlingRead(day, day + DAY_MS)) add(k, c);
  return out;
}
