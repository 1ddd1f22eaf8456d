/**
 * The figures of the wallboard (大屏; src/realtime/wallboard-room.ts sends them): the live queue
 * and agents from the call centre's memory, today's call figures from the lead view's statistics
 * (src/calls/queue-stats.ts, the same numbers as the lead page), today's calls per hour, and the
 * work orders created today and overdue. docs/kpis.md § Wallboard defines each.
 *
 * The database parts are read again only after they changed (a `queue.stats` event, a work
 * order applied) or when older than `maxAgeMs`, since overdue orders also come with time alone.
 * The room builds at most one summary per second, so this reads the database at most that often.
 */
import { and, count, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { calls, workOrders } from '../db/schema.js';
import type { QueueSnapshot, QueueStats, WallboardHour, WallboardSummary } from '../contract/index.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';

const HOUR_MS = 3_600_000;

/**
 * Statuses in which the unit still owes its reply: the order desk's 超期 filter
 * (src/workorders/order-pages.ts AWAITING_REPLY) counts these past their deadline.
 */
export const OVERDUE_STATUSES = ['dispatched', 'signed', 'in_progress', 'returned', 'supervised'] as const;

/** Orders created in [dayStart, now) — drafts of calls still in progress too: each is a demand received. */
export function wallboardOrders(db: Db, now: number): { today: number; overdue: number } {
  const today = db
    .select({ n: count() })
    .from(workOrders)
    .where(and(gte(workOrders.createdAt, shanghaiDayStart(now)), lt(workOrders.createdAt, now + 1)))
    .get()!.n;
  // work_orders_status_idx (status, deadline_at): a range per status.
  const overdue = db
    .select({ n: count() })
    .from(workOrders)
    .where(and(inArray(workOrders.status, [...OVERDUE_STATUSES]), lt(workOrders.deadlineAt, now)))
    .get()!.n;
  return { today, overdue };
}

/** Today's inbound calls per Beijing hour, from midnight to the current hour (hours without calls as zeros). */
export function wallboardHours(db: Db, now: number): WallboardHour[] {
  const dayStart = shanghaiDayStart(now);
  const rows = db
    .select({
      hour: sql<number>`cast((${calls.enteredAt} - ${dayStart}) / ${HOUR_MS} as integer)`,
      callsIn: count(),
      answered: sql<number>`coalesce(sum(case when ${calls.answeredAt} is not null then 1 else 0 end), 0)`,
      abandoned: sql<number>`coalesce(sum(case when ${calls.outcome} = 'abandoned' then 1 else 0 end), 0)`,
    })
    .from(calls)
    .where(and(gte(calls.enteredAt, dayStart), lt(calls.enteredAt, dayStart + DAY_MS), sql`${calls.direction} = 'in'`))
    .groupBy(sql`1`)
    .all();
  const last = Math.min(23, Math.floor((now - dayStart) / HOUR_MS));
  const out: WallboardHour[] = Array.from({ length: last + 1 }, (_, hour) => ({ hour, callsIn: 0, answered: 0, abandoned: 0 }));
  for (const r of rows) if (out[r.hour]) out[r.hour] = { hour: r.hour, callsIn: r.callsIn, answered: r.answered, abandoned: r.abandoned };
  return out;
}

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
  db: Db;
  /** The live queue and agents (in memory). */
  queue: () => QueueSnapshot;
  /** Today's call statistics computed now (used until the first `queue.stats` event, and at a new day). */
  stats: () => QueueStats;
  now?: () => number;
  /** The database parts are read again at least this often (default 10 s). */
  maxAgeMs?: number;
}

/** The wallboard's summary with the database parts cached until they change (see the header). */
export class WallboardFigures {
  private stats: QueueStats | null = null;
  private hourly: { at: number; rows: WallboardHour[] } | null = null;
  private orders: { at: number; counts: { today: number; overdue: number } } | null = null;
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(private readonly o: WallboardFiguresOptions) {
    this.now = o.now ?? Date.now;
    this.maxAgeMs = o.maxAgeMs ?? 10_000;
  }

  callsChanged(stats: QueueStats): void {
    this.stats = stats;
    this.hourly = null;
  }

  ordersChanged(): void {
    this.orders = null;
  }

  summary(): WallboardSummary {
    const now = this.now();
    const day = shanghaiDayStart(now);
    const fresh = (at: number | undefined) => at !== undefined && now - at < this.maxAgeMs && shanghaiDayStart(at) === day;
    if (!this.stats || this.stats.dayStart !== day) this.stats = this.o.stats();
    if (!fresh(this.hourly?.at)) this.hourly = { at: now, rows: wallboardHours(this.o.db, now) };
    if (!fresh(this.orders?.at)) this.orders = { at: now, counts: wallboardOrders(this.o.db, now) };
    return buildWallboardSummary(now, this.o.queue(), this.stats, this.orders!.counts, this.hourly!.rows);
  }
}
