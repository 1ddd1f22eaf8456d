/**
 * The figures of the wallboard (大屏; src/realtime/wallboard-room.ts sends them): the live queue
 * and agents from the call centre's memory, today's call figures from the lead view's statistics
 * (src/calls/queue-stats.ts, the same numbers as the lead page), today's calls per hour, and the
 * work orders created today and overdue. docs/kpis.md § Wallboard defines each.
 *
 * The database parts are read again only after they changed (a `queue.stats` event, a work
 * order applied) or when older than `maxAgeMs`, since overdue orders also come with time alone.
 * They are read on the port of the server's database (a report read, report-read.ts: either
 * dialect), in the background: `summary()` stays synchronous (the room builds it when a screen
 * joins) and shows the parts as last read while a read is under way; when the read comes back,
 * `onRefreshed` listeners are told (the room sends a new summary). The room builds at most one
 * summary per second, so this reads the database at most that often.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { calls, workOrders } from '../db/schema.js';
import type { QueueSnapshot, QueueStats, WallboardHour, WallboardSummary } from '../contract/index.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';
import { rows, runOn, type ReportRead, type ReportReader } from './report-read.js';

const HOUR_MS = 3_600_000;

/**
 * Statuses in which the unit still owes its reply: the order desk's 超期 filter
 * (src/workorders/order-pages.ts AWAITING_REPLY) counts these past their deadline.
 */
export const OVERDUE_STATUSES = ['dispatched', 'signed', 'in_progress', 'returned', 'supervised'] as const;

/** Orders created in [dayStart, now) — drafts of calls still in progress too: each is a demand received. */
export function* wallboardOrdersRead(now: number): ReportRead<{ today: number; overdue: number }> {
  const statuses = sql.join(
    OVERDUE_STATUSES.map((st) => sql`${st}`),
    sql`, `,
  );
  // work_orders_status_idx (status, deadline_at): a range per status.
  const [r] = yield* rows<{ today: number; overdue: number }>(
    sql`select (select count(*) from ${workOrders} where ${workOrders.createdAt} >= ${shanghaiDayStart(now)} and ${workOrders.createdAt} < ${now + 1}) as "today",
      (select count(*) from ${workOrders} where ${workOrders.status} in (${statuses}) and ${workOrders.deadlineAt} < ${now}) as "overdue"`,
  );
  return { today: Number(r!.today), overdue: Number(r!.overdue) };
}

/** Today's inbound calls per Beijing hour, from midnight to the current hour (hours without calls as zeros). */
export function* wallboardHoursRead(now: number): ReportRead<WallboardHour[]> {
  const dayStart = shanghaiDayStart(now);
  const found = yield* rows<{ hour: number; callsIn: number; answered: number; abandoned: number }>(
    sql`select cast((${calls.enteredAt} - ${dayStart}) / ${HOUR_MS} as integer) as "hour", count(*) as "callsIn",
        coalesce(sum(case when ${calls.answeredAt} is not null then 1 else 0 end), 0) as "answered",
        coalesce(sum(case when ${calls.outcome} = 'abandoned' then 1 else 0 end), 0) as "abandoned"
      from ${calls}
      where ${calls.enteredAt} >= ${dayStart} and ${calls.enteredAt} < ${dayStart + DAY_MS} and ${calls.direction} = 'in'
      group by 1`,
  );
  const last = Math.min(23, Math.floor((now - dayStart) / HOUR_MS));
  const out: WallboardHour[] = Array.from({ length: last + 1 }, (_, hour) => ({ hour, callsIn: 0, answered: 0, abandoned: 0 }));
  for (const r of found) {
    const hour = Number(r.hour);
    if (out[hour]) out[hour] = { hour, callsIn: Number(r.callsIn), answered: Number(r.answered), abandoned: Number(r.abandoned) };
  }
  return out;
}

/** {@link wallboardOrdersRead} synchronously on one SQLite handle (tests). */
export const wallboardOrders = (db: Db, now: number) => runOn(db, wallboardOrdersRead(now));

/** {@link wallboardHoursRead} synchronously on one SQLite handle (tests). */
export const wallboardHours = (db: Db, now: number) => runOn(db, wallboardHoursRead(now));

/** The summary from its parts (pure). */
export function buildWallboardSummary(
  now: number,
  queue: QueueSnapshot,
  stats: QueueStats,
  orders: { today: number; overdue: number },
  hourly: WallboardHour[],
): WallboardSummary {
  const agents: Record<string, number> = {};
  for (const a of queue.agents) if (a.state !== 'logged_out') agents[a.state] = (agents[a.state] ?? 0) + 1;
  const longest = queue.waiting.reduce<number | null>((min, w) => (min === null || w.enteredAt < min ? w.enteredAt : min), null);
  return {
    at: now,
    waiting: queue.waiting.length,
    longestWaitSince: longest,
    agents,
    today: {
      callsIn: stats.callsIn,
      answered: stats.answered,
      answerRate15s: stats.answerRate15s,
      abandonRate: stats.abandonRate,
      avgAnswerWaitMs: stats.avgAnswerWaitMs,
    },
    orders,
    hourly,
  };
}

export interface WallboardFiguresOptions {
  /** Where the database parts are read (the port of the server's database). */
  reads: ReportReader;
  /** The live queue and agents (in memory). */
  queue: () => QueueSnapshot;
  /** Today's call statistics, the latest computed (used until the first `queue.stats` event, and at a new day). */
  stats: () => QueueStats;
  now?: () => number;
  /** The database parts are read again at least this often (default 10 s). */
  maxAgeMs?: number;
  /** A failed read of the database parts (the summary keeps the parts last read). */
  onError?: (err: unknown) => void;
}

const NO_ORDERS = { today: 0, overdue: 0 };

/** The wallboard's summary with the database parts cached until they change (see the header). */
export class WallboardFigures {
  private stats: QueueStats | null = null;
  /** The parts as last read: when, and the number of changes told before the read began (a part read before a change is stale). */
  private hourly: { at: number; seen: number; rows: WallboardHour[] } | null = null;
  private orders: { at: number; seen: number; counts: { today: number; overdue: number } } | null = null;
  private hoursChanges = 0;
  private ordersChanges = 0;
  private reading: Promise<void> | null = null;
  /** A change told while a read was under way: read again after it. */
  private again = false;
  private readonly listeners: Array<() => void> = [];
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(private readonly o: WallboardFiguresOptions) {
    this.now = o.now ?? Date.now;
    this.maxAgeMs = o.maxAgeMs ?? 10_000;
  }

  callsChanged(stats: QueueStats): void {
    this.stats = stats;
    this.hoursChanges++;
    this.markChanged();
  }

  ordersChanged(): void {
    this.ordersChanges++;
    this.markChanged();
  }

  /** `fn` is called when a background read has brought new database parts (the room sends a summary). */
  onRefreshed(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The summary now, with the database parts as last read; starts a read of the parts that are stale. */
  summary(): WallboardSummary {
    const now = this.now();
    const day = shanghaiDayStart(now);
    if (!this.stats || this.stats.dayStart !== day) this.stats = this.o.stats();
    if (this.staleParts(now)) void this.refresh();
    // A read of a day before is not shown on a new day: zeros until today's comes back.
    const hourly = this.hourly && shanghaiDayStart(this.hourly.at) === day ? this.hourly.rows : [];
    const orders = this.orders && shanghaiDayStart(this.orders.at) === day ? this.orders.counts : NO_ORDERS;
    return buildWallboardSummary(now, this.o.queue(), this.stats, orders, hourly);
  }

  /** Reads the stale database parts (one read at a time); resolves when they are in. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        if (this.staleParts(this.now())) void this.refresh();
      }
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const now = this.now();
    const hours = this.stale(this.hourly, this.hoursChanges, now);
    const orders = this.stale(this.orders, this.ordersChanges, now);
    if (!hours && !orders) return;
    const seen = { hours: this.hoursChanges, orders: this.ordersChanges };
    try {
      const got = await this.o.reads.read(function* () {
        return { rows: hours ? yield* wallboardHoursRead(now) : null, counts: orders ? yield* wallboardOrdersRead(now) : null };
      });
      if (got.rows) this.hourly = { at: now, seen: seen.hours, rows: got.rows };
      if (got.counts) this.orders = { at: now, seen: seen.orders, counts: got.counts };
    } catch (err) {
      this.o.onError?.(err);
      return;
    }
    for (const fn of this.listeners) fn();
  }

  private markChanged(): void {
    if (this.reading) this.again = true;
  }

  private staleParts(now: number): boolean {
    return this.stale(this.hourly, this.hoursChanges, now) || this.stale(this.orders, this.ordersChanges, now);
  }

  /** A part is stale when never read, changed since its read began, older than maxAgeMs or of another day. */
  private stale(part: { at: number; seen: number } | null, changes: number, now: number): boolean {
    return part === null || part.seen !== changes || now - part.at >= this.maxAgeMs || shanghaiDayStart(part.at) !== shanghaiDayStart(now);
  }
}
