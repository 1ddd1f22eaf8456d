/**
 * The hot topics' index (issue 14 items 4 and 9; docs/performance.md "Hot topics"): what each
 * order adds to the hot topics, kept in tables (src/db/schema.ts topic_*) so that a period's
 * topics are a `group by word` over daily rollups instead of segmenting every order's text at
 * query time.
 *
 * A catch-up job fills them from work_orders: the orders with an id above the highest one seen
 * (new orders) and those updated since its cursor (updated_at, minus a margin) whose version
 * differs from the one indexed. Each batch is one transaction: the order's old contribution (its
 * row in topic_orders) is taken out of the rollups and the new one put in, with the order's new
 * version. So it is idempotent (an order at the version indexed is skipped) and restart-safe
 * (the cursors are read back from topic_orders; a batch lost in a crash is simply done again).
 * The hot-topics service runs it before answering, so the answer includes every order committed
 * before the request; a long backlog (a first start on an existing database) is worked off in the
 * background meanwhile (see HotTopicsService).
 */
import { and, eq, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { topicOrders, topicOrderWords, topicPlaceDays, topicWordDays } from '../db/schema.js';
import { unitCondition, type UnitFilter } from './order-kpis.js';
import { dateOf } from './period.js';
import { placeWords, topicWords } from './topic-words.js';

/** Updates older than the cursor by up to this much are looked at again (clocks of concurrent writers; a version already indexed is skipped). */
export const CURSOR_MARGIN_MS = 60 * 60_000;
/** Orders read and indexed per transaction. */
const BATCH = 500;
/** '' stands for a null unit or category in the index's keys. */
const NONE = '';

/** The fields of an order the hot topics read. */
export interface TopicSource {
  readonly id: number;
  readonly version: number;
  readonly updatedAt: number;
  readonly createdAt: number;
  readonly status: string;
  readonly confidential: boolean | number;
  readonly leadUnitId: string | null;
  readonly category: string | null;
  readonly subject: string | null;
  readonly content: string | null;
  readonly location: string | null;
}

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

const SOURCE_COLUMNS = sql`o.id as "id", o.version as "version", o.updated_at as "updatedAt", o.created_at as "createdAt", o.status as "status",
  o.confidential as "confidential", o.lead_unit_id as "leadUnitId", o.category as "category", o.subject as "subject", o.content as "content",
  o.location as "location", t.version as "oldVersion", t.day as "oldDay", t.unit_id as "oldUnit", t.category as "oldCategory", t.counted as "oldCounted",
  t.words as "oldWords", t.places as "oldPlaces"`;

interface RawRow extends TopicSource {
  oldVersion: number | null;
  oldDay: string | null;
  oldUnit: string | null;
  oldCategory: string | null;
  oldCounted: number | boolean | null;
  oldWords: string | null;
  oldPlaces: string | null;
}

export class TopicIndex {
  /** Highest order id indexed; orders above it are new (read from topic_orders at each catch-up). */
  private maxId: number;
  /** Latest updated_at indexed; orders updated since (minus the margin) are looked at again. */
  private latest: number;
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.maxId = 0;
    this.latest = Number.NEGATIVE_INFINITY;
    const p = (name: string) => sql.placeholder(name);
    this.stmt = {
      saveOrder: db
        .insert(topicOrders)
        .values({
          orderId: p('orderId'),
          version: p('version'),
          updatedAt: p('updatedAt'),
          day: p('day'),
          unitId: p('unitId'),
          category: p('category'),
          counted: p('counted'),
          words: p('words'),
          places: p('places'),
        })
        .onConflictDoUpdate({
          target: topicOrders.orderId,
          set: {
            version: sql`excluded.version`,
            updatedAt: sql`excluded.updated_at`,
            day: sql`excluded.day`,
            unitId: sql`excluded.unit_id`,
            category: sql`excluded.category`,
            counted: sql`excluded.counted`,
            words: sql`excluded.words`,
            places: sql`excluded.places`,
          },
        })
        .prepare(),
      addWord: db
        .insert(topicWordDays)
        .values({ day: p('day'), word: p('word'), unitId: p('unitId'), category: p('category'), orders: p('n') })
        .onConflictDoUpdate({
          target: [topicWordDays.day, topicWordDays.word, topicWordDays.unitId, topicWordDays.category],
          set: { orders: sql`${topicWordDays.orders} + excluded.orders` },
        })
        .prepare(),
      dropWord: db
        .delete(topicWordDays)
        .where(
          and(
            eq(topicWordDays.day, p('day')),
            eq(topicWordDays.word, p('word')),
            eq(topicWordDays.unitId, p('unitId')),
            eq(topicWordDays.category, p('category')),
            lte(topicWordDays.orders, 0),
          ),
        )
        .prepare(),
      addPlace: db
        .insert(topicPlaceDays)
        .values({ word: p('word'), day: p('day'), unitId: p('unitId'), category: p('category'), place: p('place'), orders: p('n') })
        .onConflictDoUpdate({
          target: [topicPlaceDays.word, topicPlaceDays.day, topicPlaceDays.unitId, topicPlaceDays.category, topicPlaceDays.place],
          set: { orders: sql`${topicPlaceDays.orders} + excluded.orders` },
        })
        .prepare(),
      dropPlace: db
        .delete(topicPlaceDays)
        .where(
          and(
            eq(topicPlaceDays.word, p('word')),
            eq(topicPlaceDays.day, p('day')),
            eq(topicPlaceDays.unitId, p('unitId')),
            eq(topicPlaceDays.category, p('category')),
            eq(topicPlaceDays.place, p('place')),
            lte(topicPlaceDays.orders, 0),
          ),
        )
        .prepare(),
      addHit: db
        .insert(topicOrderWords)
        .values({ word: p('word'), day: p('day'), orderId: p('orderId'), unitId: p('unitId'), category: p('category') })
        .prepare(),
      dropHit: db
        .delete(topicOrderWords)
        .where(and(eq(topicOrderWords.word, p('word')), eq(topicOrderWords.day, p('day')), eq(topicOrderWords.orderId, p('orderId'))))
        .prepare(),
    };
  }

  /**
   * Indexes the orders created or changed since the last run, at most `max` of them (in batches,
   * one transaction each). True when none is left.
   */
  catchUp(max = Number.POSITIVE_INFINITY): boolean {
    // The cursors are read back each time (two index look-ups): another instance or process may have indexed meanwhile.
    const r = this.db
      .select({ maxId: sql<number | null>`max(${topicOrders.orderId})`, latest: sql<number | null>`max(${topicOrders.updatedAt})` })
      .from(topicOrders)
      .get();
    this.maxId = r?.maxId ?? 0;
    this.latest = r?.latest ?? Number.NEGATIVE_INFINITY;
    let done = 0;
    while (done < max) {
      const rows = this.pending(Math.min(BATCH, max - done));
      if (rows.length === 0) return true;
      this.db.transaction(() => this.apply(rows));
      done += rows.length;
    }
    return this.pending(1).length === 0;
  }

  /**
   * New orders (oldest id first), then orders changed since the cursor whose version is not the one
   * indexed (in no order: an `order by id` made SQLite walk every order by id instead of the updated_at index).
   */
  private pending(limit: number): Row[] {
    const fresh = this.db.all<RawRow>(sql`
      select ${SOURCE_COLUMNS} from work_orders o left join topic_orders t on t.order_id = o.id
      where o.id > ${this.maxId} order by o.id limit ${limit}`);
    const since = this.latest - CURSOR_MARGIN_MS;
    const changed =
      fresh.length >= limit || !Number.isFinite(since)
        ? []
        : this.db.all<RawRow>(sql`
      select ${SOURCE_COLUMNS} from work_orders o left join topic_orders t on t.order_id = o.id
      where o.updated_at >= ${since} and (t.order_id is null or t.version <> o.version)
      limit ${limit - fresh.length}`);
    // A new order updated since the cursor is in both lists.
    const seen = new Set(fresh.map((r) => r.id));
    return [...fresh, ...changed.filter((r) => !seen.has(r.id))].map((r) => ({
      ...r,
      old:
        r.oldVersion === null
          ? null
          : {
              version: r.oldVersion,
              day: r.oldDay!,
              unitId: r.oldUnit!,
              category: r.oldCategory!,
              counted: Boolean(r.oldCounted),
              words: split(r.oldWords!),
              places: split(r.oldPlaces!),
            },
    }));
  }

  /** One batch: every order's old contribution out, its new one in, summed per rollup row first. */
  private apply(rows: readonly Row[]): void {
    const words = new Map<string, number>();
    const places = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
    const contribute = (id: number, t: OrderTopics, sign: 1 | -1) => {
      if (!t.counted) return;
      const month = monthKey(t.day);
      for (const w of t.words) {
        for (const day of [t.day, month]) {
          bump(words, key(day, w, t.unitId, t.category), sign);
          for (const pl of t.places) bump(places, key(w, day, t.unitId, t.category, pl), sign);
        }
        if (sign < 0) this.stmt.dropHit.run({ word: w, day: t.day, orderId: id });
        else this.stmt.addHit.run({ word: w, day: t.day, orderId: id, unitId: t.unitId, category: t.category });
      }
    };
    for (const r of rows) {
      const now = orderTopics(r);
      if (!r.old || !same(r.old, now)) {
        if (r.old) contribute(r.id, r.old, -1);
        contribute(r.id, now, 1);
      }
      this.stmt.saveOrder.run({
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
      this.maxId = Math.max(this.maxId, r.id);
      this.latest = Math.max(this.latest, r.updatedAt);
    }
    for (const [k, n] of words) {
      if (n === 0) continue;
      const [day, word, unitId, category] = unkey(k);
      this.stmt.addWord.run({ day, word, unitId, category, n });
      if (n < 0) this.stmt.dropWord.run({ day, word, unitId, category });
    }
    for (const [k, n] of places) {
      if (n === 0) continue;
      const [word, day, unitId, category, place] = unkey(k);
      this.stmt.addPlace.run({ word, day, unitId, category, place, n });
      if (n < 0) this.stmt.dropPlace.run({ word, day, unitId, category, place });
    }
  }
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
