/**
 * Today's queue statistics for shift leads (the 12345 KPIs: docs/glossary.md, DOMAIN.md of the design notes), computed from the calls table:
 * - the day is the Asia/Shanghai calendar day (fixed UTC+8) of the call's `entered_at`, so a
 *   call that entered at 23:59 and was answered after midnight belongs to yesterday;
 * - a call waits from entering the queue (`queued_at`; `entered_at` when the queue join was not
 *   recorded) to its answer; "answered within 15 s" means that wait is at most 15,000 ms;
 * - 15秒接通率 = answered within 15 s ÷ answered; 放弃率 = abandoned in the queue ÷ entered
 *   the queue; a caller who hangs up during the greeting is counted apart (front door).
 *
 * One aggregate query over the `calls_entered_idx` range (one Shanghai day), inbound calls only
 * (outbound callbacks are not calls in), grouped by hotline, written once for both databases
 * (a report read, reports/report-read.ts; decision 0017). Whether an abandon happened at the
 * front door is the `abandoned` call event's `where`, looked up only for abandoned calls
 * (call_events_call_idx).
 *
 * The service republishes the statistics as the `queue.stats` domain event at most once per
 * `throttleMs` after calls change, and at Shanghai midnight (the counters start again). Each
 * computation first waits for the call path's writes queued before it (`settled`: they are
 * written after the event that announced them, calls/call-writes.ts), so the figures published
 * after a change include it. `current()` is the latest computed figures, synchronously, for a
 * console that just connected and the wallboard; `fresh()` computes them now (the HTTP route).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { callEvents, calls } from '../db/schema.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { QueueCounts, QueueStats } from '../contract/index.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';
import { rows, runOn, type ReportRead, type ReportReader } from '../reports/report-read.js';
import { jsonText, type SqlDialect } from '../reports/sql-dialect.js';

/** The 15-second answer target (15秒接通). */
export const ANSWER_TARGET_MS = 15_000;

/** When a call started waiting: its queue join, else its entry (the KPI reports share these, reports/call-kpis.ts). */
export const queueStart = sql`coalesce(${calls.queuedAt}, ${calls.enteredAt})`;
/** An answered call's wait, from {@link queueStart} to the answer. */
export const answerWait = sql`(${calls.answeredAt} - ${queueStart})`;
/**
 * Whether the call was abandoned at the front door (its `abandoned` event's `where`). Unary +
 * keeps SQLite off call_events_type_at_idx (every abandon ever): look up by call id. PostgreSQL
 * has no unary plus on text.
 */
export const atFrontDoorIn = (d: SqlDialect) =>
  sql`exists (select 1 from ${callEvents} where ${callEvents.callId} = ${calls.id} and ${d === 'sqlite' ? sql`+${callEvents.type}` : sql`${callEvents.type}`} = 'abandoned' and ${jsonText(sql`${callEvents.data}`, 'where', d)} = 'front_door')`;
export const abandoned = sql`${calls.outcome} = 'abandoned'`;
const count = (cond: SQL) => sql`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;

/** The name of a hotline number (numbers.yaml), null for a number no longer listed. */
export type HotlineNames = (hotline: string) => { readonly zh: string; readonly en: string } | null | undefined;

interface HotlineRow {
  hotline: string;
  callsIn: number;
  answered: number;
  answeredWithin15s: number;
  abandonedAtFrontDoor: number;
  abandonedInQueue: number;
  waitSum: number;
  waitMax: number | null;
}

/** Today's statistics (the Shanghai day containing `now`), as a report read of either database. */
export function* queueStatsRead(now: number, hotlineName: HotlineNames = () => null): ReportRead<QueueStats> {
  const dayStart = shanghaiDayStart(now);
  const found = yield* rows<HotlineRow>((d) => {
    const atFrontDoor = atFrontDoorIn(d);
    return sql`select ${calls.hotline} as "hotline",
        count(*) as "callsIn",
        ${count(sql`${calls.answeredAt} is not null`)} as "answered",
        ${count(sql`${calls.answeredAt} is not null and ${answerWait} <= ${ANSWER_TARGET_MS}`)} as "answeredWithin15s",
        ${count(sql`${abandoned} and ${atFrontDoor}`)} as "abandonedAtFrontDoor",
        ${count(sql`${abandoned} and not ${atFrontDoor}`)} as "abandonedInQueue",
        coalesce(sum(case when ${calls.answeredAt} is not null then ${answerWait} end), 0) as "waitSum",
        max(case when ${calls.answeredAt} is not null then ${answerWait} end) as "waitMax"
      from ${calls}
      where ${calls.enteredAt} >= ${dayStart} and ${calls.enteredAt} < ${dayStart + DAY_MS} and ${calls.direction} = 'in'
      group by ${calls.hotline}`;
  });
  return statsOf(now, dayStart, found, hotlineName);
}

/** Today's statistics read synchronously on one SQLite handle (tests, the CLI). */
export function queueStatsAt(db: Db, now: number, hotlineName: HotlineNames = () => null): QueueStats {
  return runOn(db, queueStatsRead(now, hotlineName));
}

/** The figures from the per-hotline rows (pure). Inbound calls only: outbound callbacks and 回访 calls are not calls in. */
function statsOf(now: number, dayStart: number, found: readonly HotlineRow[], hotlineName: HotlineNames): QueueStats {
  const total: QueueCounts = { callsIn: 0, answered: 0, answeredWithin15s: 0, abandonedInQueue: 0, abandonedAtFrontDoor: 0 };
  let waitSum = 0;
  let waitMax: number | null = null;
  const byHotline: QueueStats['byHotline'] = [];
  for (const r of found) {
    const counts: QueueCounts = {
      callsIn: Number(r.callsIn),
      answered: Number(r.answered),
      answeredWithin15s: Number(r.answeredWithin15s),
      abandonedInQueue: Number(r.abandonedInQueue),
      abandonedAtFrontDoor: Number(r.abandonedAtFrontDoor),
    };
    for (const k of Object.keys(total) as Array<keyof QueueCounts>) total[k] += counts[k];
    waitSum += Number(r.waitSum);
    if (r.waitMax !== null) waitMax = Math.max(waitMax ?? 0, Number(r.waitMax));
    const name = hotlineName(r.hotline);
    byHotline.push({ hotline: r.hotline, name: name ? { zh: name.zh, en: name.en } : null, ...counts });
  }
  byHotline.sort((a, b) => b.callsIn - a.callsIn || a.hotline.localeCompare(b.hotline));
  // Everyone answered or abandoned in the queue entered it; live callers may still be waiting.
  const enteredQueue = total.callsIn - total.abandonedAtFrontDoor;
  return {
    at: now,
    dayStart,
    ...total,
    answerRate15s: total.answered > 0 ? total.answeredWithin15s / total.answered : null,
    abandonRate: enteredQueue > 0 ? total.abandonedInQueue / enteredQueue : null,
    avgAnswerWaitMs: total.answered > 0 ? Math.round(waitSum / total.answered) : null,
    maxAnswerWaitMs: waitMax,
    byHotline,
  };
}

/** The figures of a day without calls (before the first computation has come back). */
function noCalls(now: number): QueueStats {
  return statsOf(now, shanghaiDayStart(now), [], () => null);
}

export interface QueueStatsOptions {
  /** Where the statistics are read (the port of the server's database). */
  reads: ReportReader;
  /** Resolves once the call path's writes queued so far are written (calls/call-writes.ts); none: nothing to wait for. */
  settled?: () => Promise<unknown>;
  events: DomainEvents;
  log: Logger;
  now?: () => number;
  hotlineName?: HotlineNames;
  /** At most one `queue.stats` event per this many ms (default 1000). */
  throttleMs?: number;
}

/** Today's statistics on demand, and the throttled `queue.stats` domain event after calls change. */
export class QueueStatsService {
  private readonly now: () => number;
  private readonly throttleMs: number;
  private readonly log: Logger;
  private pending: NodeJS.Timeout | null = null;
  private midnight: NodeJS.Timeout | null = null;
  private lastPublished = -Infinity;
  private closed = false;
  /** The latest figures computed, and the number of the computation they came from (a slower, older one never replaces them). */
  private latest: QueueStats;
  private latestSeq = 0;
  private seq = 0;
  private lastEmitted: QueueStats | null = null;
  private readonly onChange = () => this.changed();

  constructor(private readonly o: QueueStatsOptions) {
    this.now = o.now ?? Date.now;
    this.throttleMs = o.throttleMs ?? 1000;
    this.log = o.log.child({ component: 'queue-stats' });
    this.latest = noCalls(this.now());
    // Calls entering, being answered and ending all show up as one of these two.
    o.events.on('queue.changed', this.onChange);
    o.events.on('call.updated', this.onChange);
    this.scheduleMidnight();
  }

  /** The latest figures computed (by `fresh()` or a publication); zeros for today before the first. */
  current(): QueueStats {
    return this.latest;
  }

  /** Today's statistics computed now, after the call path's writes queued before this call; kept as the latest. */
  async fresh(): Promise<QueueStats> {
    const mine = ++this.seq;
    await this.o.settled?.();
    const stats = await this.o.reads.read(() => queueStatsRead(this.now(), this.o.hotlineName));
    if (mine > this.latestSeq) {
      this.latest = stats;
      this.latestSeq = mine;
    }
    return stats;
  }

  close(): void {
    this.closed = true;
    this.o.events.off('queue.changed', this.onChange);
    this.o.events.off('call.updated', this.onChange);
    if (this.pending) clearTimeout(this.pending);
    if (this.midnight) clearTimeout(this.midnight);
    this.pending = this.midnight = null;
  }

  private changed(): void {
    if (this.closed || this.pending) return;
    const wait = Math.max(0, this.lastPublished + this.throttleMs - this.now());
    // A burst (an answer emits call.updated and queue.changed) becomes one publication.
    this.pending = setTimeout(() => {
      this.pending = null;
      this.publish();
    }, wait);
    this.pending.unref();
  }

  private publish(): void {
    if (this.closed) return;
    this.lastPublished = this.now();
    this.fresh().then(
      () => {
        // The latest figures, once: a publication overtaken by a newer computation sends the newer one.
        if (this.closed || this.latest === this.lastEmitted) return;
        this.lastEmitted = this.latest;
        this.o.events.emit('queue.stats', this.latest);
      },
      (err: unknown) => this.log.error({ err }, 'queue statistics failed'),
    );
  }

  private scheduleMidnight(): void {
    if (this.closed) return;
    const now = this.now();
    const next = shanghaiDayStart(now) + DAY_MS;
    this.midnight = setTimeout(
      () => {
        this.publish();
        this.scheduleMidnight();
      },
      next - now + 50,
    );
    this.midnight.unref();
  }
}
