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
 * (outbound callbacks are not calls in), grouped by hotline.
 * Whether an abandon happened at the front door is the `abandoned` call event's `where`, looked
 * up only for abandoned calls (call_events_call_idx). The service republishes the statistics as
 * the `queue.stats` domain event at most once per `throttleMs` after calls change, and at
 * Shanghai midnight (the counters start again).
 */
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { callEvents, calls } from '../db/schema.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { QueueCounts, QueueStats } from '../contract/index.js';
import { DAY_MS, shanghaiDayStart } from '../lib/shanghai-time.js';

/** The 15-second answer target (15秒接通). */
export const ANSWER_TARGET_MS = 15_000;

const queueStart = sql`coalesce(${calls.queuedAt}, ${calls.enteredAt})`;
const answerWait = sql`(${calls.answeredAt} - ${queueStart})`;
// Unary + keeps SQLite off call_events_type_at_idx (every abandon ever): look up by call id.
const atFrontDoor = sql`exists (select 1 from ${callEvents} where ${callEvents.callId} = ${calls.id} and +${callEvents.type} = 'abandoned' and json_extract(${callEvents.data}, '$.where') = 'front_door')`;
const abandoned = sql`${calls.outcome} = 'abandoned'`;
const count = (cond: ReturnType<typeof sql>) => sql<number>`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;

/** The name of a hotline number (numbers.yaml), null for a number no longer listed. */
export type HotlineNames = (hotline: string) => { readonly zh: string; readonly en: string } | null | undefined;

/** Today's statistics (the Shanghai day containing `now`). */
export function queueStatsAt(db: Db, now: number, hotlineName: HotlineNames = () => null): QueueStats {
  const dayStart = shanghaiDayStart(now);
  const rows = db
    .select({
      hotline: calls.hotline,
      callsIn: sql<number>`count(*)`,
      answered: count(sql`${calls.answeredAt} is not null`),
      answeredWithin15s: count(sql`${calls.answeredAt} is not null and ${answerWait} <= ${ANSWER_TARGET_MS}`),
      abandonedAtFrontDoor: count(sql`${abandoned} and ${atFrontDoor}`),
      abandonedInQueue: count(sql`${abandoned} and not ${atFrontDoor}`),
      waitSum: sql<number>`coalesce(sum(case when ${calls.answeredAt} is not null then ${answerWait} end), 0)`,
      waitMax: sql<number | null>`max(case when ${calls.answeredAt} is not null then ${answerWait} end)`,
    })
    .from(calls)
    // Inbound calls only: outbound callbacks and 回访 calls (direction 'out') are not calls in.
    .where(and(gte(calls.enteredAt, dayStart), lt(calls.enteredAt, dayStart + DAY_MS), eq(calls.direction, 'in')))
    .groupBy(calls.hotline)
    .all();

  const total: QueueCounts = { callsIn: 0, answered: 0, answeredWithin15s: 0, abandonedInQueue: 0, abandonedAtFrontDoor: 0 };
  let waitSum = 0;
  let waitMax: number | null = null;
  const byHotline: QueueStats['byHotline'] = [];
  for (const r of rows) {
    const counts: QueueCounts = {
      callsIn: r.callsIn,
      answered: r.answered,
      answeredWithin15s: r.answeredWithin15s,
      abandonedInQueue: r.abandonedInQueue,
      abandonedAtFrontDoor: r.abandonedAtFrontDoor,
    };
    for (const k of Object.keys(total) as Array<keyof QueueCounts>) total[k] += counts[k];
    waitSum += r.waitSum;
    if (r.waitMax !== null) waitMax = Math.max(waitMax ?? 0, r.waitMax);
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

export interface QueueStatsOptions {
  db: Db;
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
  private readonly onChange = () => this.changed();

  constructor(private readonly o: QueueStatsOptions) {
    this.now = o.now ?? Date.now;
    this.throttleMs = o.throttleMs ?? 1000;
    this.log = o.log.child({ component: 'queue-stats' });
    // Calls entering, being answered and ending all show up as one of these two.
    o.events.on('queue.changed', this.onChange);
    o.events.on('call.updated', this.onChange);
    this.scheduleMidnight();
  }

  /** Today's statistics, computed now. */
  current(): QueueStats {
    return queueStatsAt(this.o.db, this.now(), this.o.hotlineName);
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
    try {
      this.o.events.emit('queue.stats', this.current());
    } catch (err) {
      this.log.error({ err }, 'queue statistics failed');
    }
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
