/**
 * Daily rollups of the KPI reports (issue 14 item 9; docs/kpis.md "Daily rollups"): a closed
 * Beijing day's additive counts, built once by a job from the same queries as the raw reports
 * (call-kpis.ts callCountsByKeys, order-kpis.ts eventCountsByKeys / orderRepeats, co-handling.ts),
 * so that a month reads ~30 small groups of rows instead of its 250,000 calls and 400,000 order
 * events. A report over a period sums the rollups of its built, clean days and computes the
 * others (today, a day not built yet, a day marked dirty) from the raw rows: the result equals the
 * raw query's (test/reports/report-rollups.test.ts).
 *
 * Kept correct by the triggers of migration 0030 (both dialects): any change to a built day's
 * source rows — a call ending after midnight, a wrap-up closed by the agent's next state, an order
 * event (a callback answers an old missed call; a late evaluation), an order's lead unit,
 * category or channel, a handler's unit — marks the day in report_rollup_dirty in the same
 * statement; the day is read raw until the job rebuilds it. The figures that count orders rather
 * than events (受理, 办结, 督办, 漏接…) keep the orders they count on two days of a period
 * (report_order_repeats) so that a sum over days counts each once. The open-deadline counts read
 * the orders' current state and are never rolled up.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
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

export interface RollupsOptions {
  readonly db: Db;
  readonly now?: () => number;
  /** Told when the background job fails (it tries again later). */
  readonly onError?: (err: unknown) => void;
  /** The job's pause between two days while a backlog lasts (default 1 s: the server's event loop breathes). */
  readonly busyMs?: number;
}

/** The job's pause when every closed day is built and clean, and between two days while a backlog lasts. */
const IDLE_MS = 30_000;
const BUSY_MS = 1_000;

export class ReportRollups {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  constructor(private readonly o: RollupsOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Days of [start, end) read from the rollups: built and not dirty (a closed day only: the job builds no other). */
  cleanDays(source: RollupSource, start: number, end: number): Set<number> {
    const rows = this.o.db.all<{ day: number }>(sql`
      select b.day as day from report_rollup_days b
      where b.source = ${source} and b.day >= ${start} and b.day < ${end}
        and not exists (select 1 from report_rollup_dirty d where d.source = b.source and d.day = b.day)`);
    return new Set(rows.map((r) => Number(r.day)));
  }

  /** Builds (or rebuilds) one closed day of a source in one transaction; a day not yet over is refused. */
  buildDay(source: RollupSource, day: number): void {
    if (day !== shanghaiDayStart(day)) throw new Error(`${day} is no Shanghai midnight`);
    if (day + DAY_MS > this.now()) throw new Error(`the day of ${new Date(day).toISOString()} is not over: it is read raw`);
    const db = this.o.db;
    db.transaction((tx) => {
      // The dirty mark goes first: a change made after this point (none in SQLite's single writer) would mark it again.
      tx.run(sql`delete from report_rollup_dirty where source = ${source} and day = ${day}`);
      // The month's sums no longer hold: rebuilt once its days are all clean again.
      tx.run(sql`delete from report_rollup_days where source = ${MONTH[source]} and day = ${monthOf(day).start}`);
      if (source === 'calls') {
        tx.run(sql`delete from report_call_days where day = ${day} and month = 0`);
        const rows = callCountsByKeys(tx, day, day + DAY_MS);
        for (let i = 0; i < rows.length; i += 200)
          tx.insert(reportCallDays)
            .values(
              rows.slice(i, i + 200).map((r) => ({ ...numbers(r, CALL_FIELDS), day, hotline: r.hotline, agentId: r.agentId, dialledNumber: r.dialledNumber })),
            )
            .run();
      } else {
        tx.run(sql`delete from report_order_days where day = ${day} and month = 0`);
        tx.run(sql`delete from report_order_repeats where day = ${day}`);
        tx.run(sql`delete from report_co_days where day = ${day} and month = 0`);
        const rows = eventCountsByKeys(tx, day, day + DAY_MS);
        for (let i = 0; i < rows.length; i += 200)
          tx.insert(reportOrderDays)
            .values(
              rows.slice(i, i + 200).map((r) => ({ ...numbers(r.counts, ORDER_FIELDS), day, unitId: r.unitId, category: r.category, channel: r.channel })),
            )
            .run();
        const repeats = orderRepeats(tx, day, day + DAY_MS);
        for (let i = 0; i < repeats.length; i += 200)
          tx.insert(reportOrderRepeats)
            .values(repeats.slice(i, i + 200).map((r) => ({ day, field: r.field, orderId: r.orderId, prevDay: shanghaiDayStart(r.prevAt) })))
            .run();
        const co = [...coHandlingCounts(tx, day, day + DAY_MS)];
        if (co.length)
          tx.insert(reportCoDays)
            .values(co.map(([unitId, c]) => ({ day, unitId, ...c })))
            .run();
      }
      tx.insert(reportRollupDays)
        .values({ source, day, builtAt: this.now() })
        .onConflictDoUpdate({ target: [reportRollupDays.source, reportRollupDays.day], set: { builtAt: this.now() } })
        .run();
    });
  }

  /**
   * Builds a calendar month's sums (month = 1) from its days' rows, once every day of it is built
   * and clean; the orders counted on two of its days (report_order_repeats) are counted once.
   * False when a day is not ready (nothing written).
   */
  buildMonth(source: RollupSource, monthStart: number): boolean {
    const m = monthOf(monthStart);
    if (m.start !== monthStart) throw new Error(`${monthStart} is no month's first day`);
    const db = this.o.db;
    return db.transaction((tx) => {
      const clean = this.cleanDays(source, m.start, m.end);
      if (clean.size !== daysOf(m.start, m.end).length) return false;
      const inMonth = sql`day >= ${m.start} and day < ${m.end} and month = 0`;
      if (source === 'calls') {
        tx.run(sql`delete from report_call_days where day = ${m.start} and month = 1`);
        const cols = sql.raw(CALL_FIELDS.map(snake).join(', '));
        tx.run(sql`insert into report_call_days (day, month, hotline, agent_id, dialled_number, ${cols})
          select ${m.start}, 1, hotline, agent_id, dialled_number, ${sums(CALL_FIELDS, false)} from report_call_days where ${inMonth}
          group by hotline, agent_id, dialled_number`);
      } else {
        tx.run(sql`delete from report_order_days where day = ${m.start} and month = 1`);
        tx.run(sql`delete from report_co_days where day = ${m.start} and month = 1`);
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
        for (let i = 0; i < rows.length; i += 200)
          tx.insert(reportOrderDays)
            .values(
              rows
                .slice(i, i + 200)
                .map((r) => ({ ...numbers(r, ORDER_FIELDS), day: m.start, month: 1, unitId: r.unitId, category: r.category, channel: r.channel })),
            )
            .run();
        tx.run(sql`insert into report_co_days (day, month, unit_id, received, replied, missed)
          select ${m.start}, 1, unit_id, sum(received), sum(replied), sum(missed) from report_co_days where ${inMonth} group by unit_id`);
      }
      tx.insert(reportRollupDays)
        .values({ source: MONTH[source], day: m.start, builtAt: this.now() })
        .onConflictDoUpdate({ target: [reportRollupDays.source, reportRollupDays.day], set: { builtAt: this.now() } })
        .run();
      return true;
    });
  }

  /** The closed months whose days are all built and clean but whose sums are not (newest first). */
  pendingMonths(source: RollupSource): number[] {
    const db = this.o.db;
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
    const db = this.o.db;
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

  /** Builds up to `maxDays` pending days of each source (dirty first, then newest first); true when nothing is left. */
  catchUp(maxDays = Infinity, onDay?: (source: RollupSource, day: number) => void): boolean {
    let left = false;
    for (const source of ['calls', 'orders'] as const) {
      const days = this.pending(source, maxDays + 1);
      for (const day of days.slice(0, maxDays)) {
        this.buildDay(source, day);
        onDay?.(source, day);
      }
      if (days.length > maxDays) left = true;
      else {
        const months = this.pendingMonths(source);
        for (const m of months.slice(0, maxDays)) this.buildMonth(source, m);
        if (months.length > maxDays) left = true;
      }
    }
    return !left;
  }

  /**
   * Keeps the rollups built in the background: one day (or month) per turn, a second apart, while a
   * backlog lasts (a big centre's day: ~0.5 s of the event loop for its calls, ~1.4 s for its orders
   * on a loaded machine: run `npm run reports:rollups` before the first start on such a database), then every 30 s.
   */
  start(): void {
    const tick = () => {
      if (this.closed) return;
      let done = true;
      try {
        done = this.catchUp(1);
      } catch (err) {
        this.o.onError?.(err);
      }
      this.timer = setTimeout(tick, done ? IDLE_MS : (this.o.busyMs ?? BUSY_MS));
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.o.busyMs ?? BUSY_MS);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
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

function numbers<F extends string>(r: Partial<Record<F, number>>, fields: readonly F[]): Record<F, number> {
  return Object.fromEntries(fields.map((f) => [f, Number(r[f] ?? 0)])) as Record<F, number>;
}
