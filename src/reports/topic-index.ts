/**
 * The hot topics' index (issue 14 items 4 and 9; docs/performance.md "Hot topics"): what each
 * order adds to the hot topics, kept in tables (src/db/schema.ts topic_*) so that a period's
 * topics are a `group by word` over daily rollups instead of segmenting every order's text at
 * query time.
 *
 * A catch-up job fills them from work_orders: the orders with an id above the highest one seen
 * (new orders) and those updated since its cursor (updated_at, minus a margin) whose version
 * differs from the one indexed. Each batch is one transaction of the port (topic-index-store.ts),
 * its reads taken after the index's lock: the order's old contribution (its
 * row in topic_orders) is taken out of the rollups and the new one put in, with the order's new
 * version. So it is idempotent (an order at the version indexed is skipped) and restart-safe
 * (the cursors are read back from topic_orders; a batch lost in a crash is simply done again).
 * The hot-topics service runs it before answering, so the answer includes every order committed
 * before the request; a long backlog (a first start on an existing database) is worked off in the
 * background meanwhile (see HotTopicsService).
 */
import { sql, type SQL } from 'drizzle-orm';
import { unitCondition, type UnitFilter } from './order-kpis.js';
import { dateOf } from './period.js';
import type { TopicIndexQueries, TopicIndexStore, TopicIndexWrites, TopicSource, TopicSourceRow } from './topic-index-store.js';
import { placeWords, topicWords } from './topic-words.js';

export type { TopicSource } from './topic-index-store.js';

/** Updates older than the cursor by up to this much are looked at again (clocks of concurrent writers; a version already indexed is skipped). */
export const CURSOR_MARGIN_MS = 60 * 60_000;
/** Orders read and indexed per transaction. */
const BATCH = 500;
/** '' stands for a null unit or category in the index's keys. */
const NONE = '';

/** What one order adds to the hot topics. */
export interface OrderTopics {
  readonly day: string;
  readonly unitId: string;
  readonly category: string;
  /** Not a draft, not confidential, some text: in the hot topics (and its words in the rollups). */
  readonly counted: boolean;
  readonly words: readonly string[];
  readonly places: readonly string[];
}

/** In the hot topics: drafts (no demand yet) and confidential orders (举报人保密) are not, nor an order without text. */
export const countsInTopics = (o: Pick<TopicSource, 'status' | 'confidential' | 'subject' | 'content'>): boolean =>
  o.status !== 'draft' && !o.confidential && (o.subject !== null || o.content !== null);

/** The topic words of an order's subject and content, and the place words of its location field. */
export function orderWords(o: Pick<TopicSource, 'subject' | 'content' | 'location'>): { words: string[]; places: string[] } {
  return { words: topicWords(`${o.subject ?? ''}\n${o.content ?? ''}`), places: o.location ? placeWords(o.location) : [] };
}

/** What an order adds (nothing but its keys when it does not count: its words are not even kept). */
export function orderTopics(o: TopicSource): OrderTopics {
  const counted = countsInTopics(o);
  const w = counted ? orderWords(o) : { words: [], places: [] };
  return { day: dateOf(o.createdAt), unitId: o.leadUnitId ?? NONE, category: o.category ?? NONE, counted, ...w };
}

interface Row extends TopicSource {
  /** The indexed state (null: not seen yet). */
  readonly old: (OrderTopics & { version: number }) | null;
}

const split = (s: string): string[] => (s === '' ? [] : s.split('\n'));
const key = (...parts: string[]) => parts.join('\u0000');
const unkey = (k: string) => k.split('\u0000');

/**
 * The catch-up (above): the rules, once; its statements through the index's port
 * (topic-index-store.ts: SQLite and PostgreSQL adapters). Each batch is one transaction of the
 * port that first takes the index's lock, then reads the cursors and the orders to index, then
 * writes: two catch-ups at once (the job on one node and a request on another, or a request and
 * the job on one node) run their batches one after the other, the second reading what the first
 * wrote, so an order's contribution is never taken out or put in twice.
 */
export class TopicIndex {
  constructor(private readonly store: TopicIndexStore) {}

  /**
   * Indexes the orders created or changed since the last run, at most `max` of them (in batches,
   * one transaction each). True when none is left.
   */
  async catchUp(max = Number.POSITIVE_INFINITY): Promise<boolean> {
    let done = 0;
    while (done < max) {
      // Nothing to do (the common case of a request): no transaction, no lock — on SQLite a
      // transaction would queue behind every write transaction of the call path for nothing.
      if (await this.idle()) return true;
      const limit = Math.min(BATCH, max - done);
      const n = await this.store.transaction(async (tx) => {
        await tx.lockIndex();
        const rows = await pending(tx, limit);
        if (rows.length > 0) await tx.write(writesOf(rows));
        return rows.length;
      });
      if (n === 0) return true;
      done += n;
    }
    return this.idle();
  }

  /** True when no order waits to be indexed (committed data; outside a transaction). */
  private idle(): Promise<boolean> {
    return this.store.read(async (q) => (await pending(q, 1)).length === 0);
  }
}

/**
 * New orders (oldest id first), then orders changed since the cursor whose version is not the one
 * indexed. The cursors are read back each time (two index look-ups): another catch-up, on this
 * node or another, may have indexed meanwhile.
 */
async function pending(q: TopicIndexQueries, limit: number): Promise<Row[]> {
  const c = await q.cursors();
  const maxId = c.maxId ?? 0;
  const since = (c.latest ?? Number.NEGATIVE_INFINITY) - CURSOR_MARGIN_MS;
  const fresh = await q.fresh(maxId, limit);
  const changed = fresh.length >= limit || !Number.isFinite(since) ? [] : await q.changed(since, limit - fresh.length);
  // A new order updated since the cursor is in both lists.
  const seen = new Set(fresh.map((r) => r.id));
  return [...fresh, ...changed.filter((r) => !seen.has(r.id))].map(rowOf);
}

function rowOf(r: TopicSourceRow): Row {
  const { oldVersion, oldDay, oldUnit, oldCategory, oldCounted, oldWords, oldPlaces, ...source } = r;
  return {
    ...source,
    old:
      oldVersion === null
        ? null
        : {
            version: oldVersion,
            day: oldDay!,
            unitId: oldUnit!,
            category: oldCategory!,
            counted: Boolean(oldCounted),
            words: split(oldWords!),
            places: split(oldPlaces!),
          },
  };
}

/** One batch: every order's old contribution out, its new one in, summed per rollup row first. */
function writesOf(rows: readonly Row[]): TopicIndexWrites {
  const words = new Map<string, number>();
  const places = new Map<string, number>();
  const dropHits: Array<TopicIndexWrites['dropHits'][number]> = [];
  const addHits: Array<TopicIndexWrites['addHits'][number]> = [];
  const orders: Array<TopicIndexWrites['orders'][number]> = [];
  const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const contribute = (id: number, t: OrderTopics, sign: 1 | -1) => {
    if (!t.counted) return;
    const month = monthKey(t.day);
    for (const w of t.words) {
      for (const day of [t.day, month]) {
        bump(words, key(day, w, t.unitId, t.category), sign);
        for (const pl of t.places) bump(places, key(w, day, t.unitId, t.category, pl), sign);
      }
      if (sign < 0) dropHits.push({ word: w, day: t.day, orderId: id });
      else addHits.push({ word: w, day: t.day, orderId: id, unitId: t.unitId, category: t.category });
    }
  };
  for (const r of rows) {
    const now = orderTopics(r);
    if (!r.old || !same(r.old, now)) {
      if (r.old) contribute(r.id, r.old, -1);
      contribute(r.id, now, 1);
    }
    orders.push({
      orderId: r.id,
      version: r.version,
      updatedAt: r.updatedAt,
      day: now.day,
      unitId: now.unitId,
      category: now.category,
      counted: now.counted,
      words: now.words.join('\n'),
      places: now.places.join('\n'),
    });
  }
  return {
    orders,
    dropHits,
    addHits,
    words: [...words]
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => {
        const [day, word, unitId, category] = unkey(k) as [string, string, string, string];
        return { day, word, unitId, category, n };
      }),
    places: [...places]
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => {
        const [word, day, unitId, category, place] = unkey(k) as [string, string, string, string, string];
        return { word, day, unitId, category, place, n };
      }),
  };
}

function same(a: OrderTopics, b: OrderTopics): boolean {
  return (
    a.day === b.day &&
    a.unitId === b.unitId &&
    a.category === b.category &&
    a.counted === b.counted &&
    a.words.join('\n') === b.words.join('\n') &&
    a.places.join('\n') === b.places.join('\n')
  );
}

/**
 * The rollups (topic_word_days, topic_place_days) hold each order twice: under its day and under
 * its month ('YYYY-MM-00', which sorts before the month's first day), so that a long period reads
 * a row per month instead of one per day.
 */
export const monthKey = (day: string): string => `${day.slice(0, 8)}00`;

/** The last day (YYYY-MM-DD) of `day`'s month. */
const monthEnd = (day: string): string => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).toISOString().slice(0, 10);
const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The rows of a rollup aliased `t` covering the days from..to (inclusive): the month rows of whole months, the day rows of the rest. */
function rollupDays(from: string, to: string): SQL {
  const months: string[] = [];
  const ranges: SQL[] = [];
  for (let cur = from; cur <= to;) {
    const last = monthEnd(cur);
    const end = last < to ? last : to;
    if (cur.endsWith('-01') && end === last) months.push(monthKey(cur));
    // Within one month: its month row ('-00') sorts before `cur` and is not in the range.
    else ranges.push(sql`(t.day >= ${cur} and t.day <= ${end})`);
    cur = nextDay(last);
  }
  if (months.length > 0)
    ranges.push(
      sql`t.day in (${sql.join(
        months.map((m) => sql`${m}`),
        sql`, `,
      )})`,
    );
  return ranges.length === 0 ? sql`0 = 1` : sql`(${sql.join(ranges, sql` or `)})`;
}

/**
 * The period's days (Beijing dates, inclusive), the reader's units and a category as conditions on
 * the index table aliased `t`: a rollup (`rollup`: month rows for whole months) or a per-order table.
 */
export function indexFilter(from: string, to: string, units: UnitFilter, category: string | undefined, rollup = false): SQL {
  const days = rollup ? rollupDays(from, to) : sql`t.day >= ${from} and t.day <= ${to}`;
  return sql`${days} and ${scopeFilter(units, category)}`;
}

/** The reader's units and a category as conditions on the index table aliased `t`. */
export function scopeFilter(units: UnitFilter, category: string | undefined): SQL {
  const unit = unitCondition(sql.raw('t.unit_id'), units);
  return category === undefined ? unit : sql`${unit} and t.category = ${category}`;
}

/** The Beijing dates from..to (inclusive). */
export function datesOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) out.push(d);
  return out;
}

/** A key of the index back to the order's value ('' → null). */
export const keyValue = (k: string): string | null => (k === NONE ? null : k);
