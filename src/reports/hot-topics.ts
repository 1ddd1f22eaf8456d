/**
 * Hot topics (热点分析, issue 14 item 4; docs/kpis.md "Hot topics"): the words most orders of a
 * period are about, from the subject and content segmented by jieba (topic-words.ts), with their
 * count in the previous period of the same kind and the rise, the categories and places
 * (location field) of their orders, and the orders behind each word.
 *
 * The orders of a period are those created in it (Beijing days), drafts (no demand yet) and
 * confidential orders (举报人保密: not even their words are shown) left out, within the reader's
 * scope: a county dispatcher reads the orders sent to its subtree's units. A merged repeat
 * (重复诉求并单) counts: each citizen who called about it adds to the topic's heat.
 */
import { sql } from 'drizzle-orm';
import type { OrgConfig } from '../config/files/schemas/org.js';
import { unitCondition, type UnitFilter } from './order-kpis.js';
import { DRILL_LIMIT, type DrilledOrders } from './order-drill.js';
import { previousPeriod, type Period } from './period.js';
import { reportScope, type ReportUser } from './reports-service.js';
import { rows, type ReportRead, type ReportReader } from './report-read.js';
import { datesOf, indexFilter, keyValue, orderWords, scopeFilter, TopicIndex } from './topic-index.js';
import type { TopicIndexStore } from './topic-index-store.js';
import { MAX_TOPICS, TOPIC_SAMPLE, type HotTopic, type HotTopics, type TopicQuery } from './hot-topic.js';
import { TurnLoop } from '../lib/turn-loop.js';

export { MAX_TOPICS, TOPIC_SAMPLE, TOPIC_SORTS, type HotTopic, type HotTopics, type TopicQuery, type TopicSort } from './hot-topic.js';

interface OrderRow {
  id: number;
  number: string;
  version: number;
  category: string | null;
}

interface OrderText {
  id: number;
  subject: string | null;
  content: string | null;
  location: string | null;
}

interface OrderWords {
  readonly version: number;
  readonly words: readonly string[];
  readonly places: readonly string[];
}

/** Orders whose words are kept between requests (≈ 1 KB each); the oldest kept are dropped first. */
const CACHE_ORDERS = 200_000;
/** Orders whose text is read in one statement (well under SQLite's and PostgreSQL's parameter limits). */
const TEXT_BATCH = 500;
/** Version 0: no order has it (versions start at 1), so an order without cached words is always read. */
const EMPTY_WORDS: OrderWords = { version: 0, words: [], places: [] };

export interface HotTopicsOptions {
  /** Where the hot topics are read (one snapshot per answer: report-read.ts). */
  readonly reads: ReportReader;
  /** The index's port (topic-index-store.ts), on the same database. */
  readonly index: TopicIndexStore;
  readonly org: () => OrgConfig;
  /** Told when the background catch-up fails (it is tried again later). */
  readonly onError?: (err: unknown) => void;
}

/** Orders a request indexes itself before answering; with more left (a first start on a big database) it computes from the text meanwhile. */
export const SYNC_INDEX_ORDERS = 2_000;
/** The background catch-up's pause when nothing is left, and its batch while a backlog lasts (~0.2 s of the event loop at ~1 ms an order). */
const CATCH_UP_IDLE_MS = 10_000;
const CATCH_UP_CHUNK = 200;
/** Days whose orders behind a word are read in one statement (a union of one range read per day). */
const WORD_DAYS_PER_QUERY = 40;
/** Days read at a time for a word's first or last orders, best first (see wordOrders). */
const WORD_DAYS_PER_READ = 3;

/** The parts of the hot topics both ways of computing them (index, order text) give. */
interface TopicSourceView {
  /** Orders read. */
  readonly orders: number;
  /** Word → orders, in the period and in the previous one. */
  readonly counts: Map<string, number>;
  readonly previous: Map<string, number>;
  /** The categories, places and latest orders of the chosen words. */
  details(words: readonly string[]): ReportRead<Map<string, Pick<HotTopic, 'categories' | 'places' | 'sample'>>>;
}

export class HotTopicsService {
  /** Order id → its words at a version (an edited text is segmented again); for the text path only. */
  private readonly cache = new Map<number, OrderWords>();
  private readonly index: TopicIndex;
  /** The background catch-up: a batch at once while a backlog lasts, then every CATCH_UP_IDLE_MS. */
  private readonly loop: TurnLoop;
  constructor(private readonly o: HotTopicsOptions) {
    this.index = new TopicIndex(o.index);
    this.loop = new TurnLoop(() => this.index.catchUp(CATCH_UP_CHUNK), {
      busyMs: 0,
      idleMs: CATCH_UP_IDLE_MS,
      ...(o.onError ? { onError: o.onError } : {}),
    });
  }

  /** The hot topics of `period` beside the previous period, within the reader's scope (from the index, brought up to date first). */
  async topics(user: ReportUser, period: Period, q: TopicQuery = {}): Promise<HotTopics> {
    const units = this.units(user);
    return (await this.index.catchUp(SYNC_INDEX_ORDERS)) ? this.indexedTopics(units, period, q) : this.textTopics(units, period, q);
  }

  /** The orders of `period` behind one topic word (drill-down), at most {@link DRILL_LIMIT}, oldest first. */
  async orders(user: ReportUser, period: Period, word: string, category?: string): Promise<DrilledOrders> {
    const units = this.units(user);
    return (await this.index.catchUp(SYNC_INDEX_ORDERS)) ? this.indexedOrders(units, period, word, category) : this.textOrders(units, period, word, category);
  }

  /** Works off the index's backlog in the background (a first start on an existing database), then keeps it warm. */
  start(): void {
    this.loop.start();
  }

  /** Stops the background catch-up, once a batch under way has committed. */
  close(): Promise<void> {
    return this.loop.close();
  }

  /** The hot topics computed from the index tables (topic-index.ts), in one snapshot. */
  indexedTopics(units: UnitFilter, period: Period, q: TopicQuery = {}): Promise<HotTopics> {
    return this.o.reads.read(() => this.indexedTopicsRead(units, period, q));
  }

  private *indexedTopicsRead(units: UnitFilter, period: Period, q: TopicQuery): ReportRead<HotTopics> {
    const where = (p: Period) => indexFilter(p.from, p.to, units, q.category);
    const rollup = (p: Period) => indexFilter(p.from, p.to, units, q.category, true);
    const previous = previousPeriod(period);
    const [total] = yield* rows<{ n: number }>(sql`select count(*) as n from topic_orders t where ${where(period)} and t.counted`);
    const orders = Number(total?.n ?? 0);
    const byCategory = new Map<string, Map<string | null, number>>();
    const counts = new Map<string, number>();
    for (const r of yield* rows<{ word: string; category: string; n: number }>(
      sql`select t.word as word, t.category as category, sum(t.orders) as n from topic_word_days t where ${rollup(period)} group by t.word, t.category`,
    )) {
      const n = Number(r.n);
      counts.set(r.word, (counts.get(r.word) ?? 0) + n);
      (byCategory.get(r.word) ?? byCategory.set(r.word, new Map()).get(r.word)!).set(keyValue(r.category), n);
    }
    const prev = new Map(
      (yield* rows<{ word: string; n: number }>(
        sql`select t.word as word, sum(t.orders) as n from topic_word_days t where ${rollup(previous)} group by t.word`,
      )).map((r) => [r.word, Number(r.n)]),
    );
    const details = (words: readonly string[]) => this.indexedDetails(words, period, units, q.category, byCategory);
    return yield* ranked(period, previous, q, { orders, counts, previous: prev, details });
  }

  /** The categories, places and latest orders of the chosen words, from the index. */
  private *indexedDetails(
    words: readonly string[],
    period: Period,
    units: UnitFilter,
    category: string | undefined,
    byCategory: Map<string, Map<string | null, number>>,
  ): ReportRead<Map<string, Pick<HotTopic, 'categories' | 'places' | 'sample'>>> {
    const rollup = (p: Period) => indexFilter(p.from, p.to, units, category, true);
    const places = new Map<string, Map<string, number>>();
    if (words.length > 0)
      for (const r of yield* rows<{ word: string; place: string; n: number }>(sql`
        select t.word as word, t.place as place, sum(t.orders) as n from topic_place_days t
        where t.word in (${sql.join(
          words.map((w) => sql`${w}`),
          sql`, `,
        )}) and ${rollup(period)} group by t.word, t.place`))
        (places.get(r.word) ?? places.set(r.word, new Map()).get(r.word)!).set(r.place, Number(r.n));
    const samples = new Map<string, number[]>();
    for (const w of words) samples.set(w, yield* this.wordOrders(w, period, units, category, 'desc', TOPIC_SAMPLE));
    const numbers = yield* numbersOf([...new Set([...samples.values()].flat())]);
    return new Map(
      words.map((w) => [
        w,
        {
          categories: top(byCategory.get(w) ?? new Map<string | null, number>()).map(([category, n]) => ({ category, orders: n })),
          places: top(places.get(w) ?? new Map<string, number>()).map(([place, n]) => ({ place, orders: n })),
          sample: (samples.get(w) ?? []).map((id) => ({ id, number: numbers.get(id) ?? '' })),
        },
      ]),
    );
  }

  /** The orders behind a word from the index. */
  indexedOrders(units: UnitFilter, period: Period, word: string, category?: string): Promise<DrilledOrders> {
    return this.o.reads.read(() => this.indexedOrdersRead(units, period, word, category));
  }

  private *indexedOrdersRead(units: UnitFilter, period: Period, word: string, category: string | undefined): ReportRead<DrilledOrders> {
    const ids = yield* this.wordOrders(word.trim().toLowerCase(), period, units, category, 'asc', DRILL_LIMIT + 1);
    const numbers = yield* numbersOf(ids.slice(0, DRILL_LIMIT));
    return { orders: ids.slice(0, DRILL_LIMIT).map((id) => ({ id, number: numbers.get(id) ?? '' })), capped: ids.length > DRILL_LIMIT };
  }

  /**
   * The first or last `limit` order ids (by id) behind `word` in `period`. Ids need not follow the
   * days (an order's day is its creation's), so each day's own first or last id is read first (one
   * index step per day); then the days are read in that order, each up to `limit` ids (a range read
   * that stops there), until the days left cannot hold a better id than the `limit` found.
   */
  private *wordOrders(word: string, period: Period, units: UnitFilter, category: string | undefined, dir: 'asc' | 'desc', limit: number): ReportRead<number[]> {
    const better = (a: number, b: number) => (dir === 'asc' ? a < b : a > b);
    const byDir = (a: number, b: number) => (dir === 'asc' ? a - b : b - a);
    const heads = (yield* this.perDay(word, datesOf(period.from, period.to), units, category, dir, 1)).sort((a, b) => byDir(a.id, b.id));
    const ids: number[] = [];
    for (let i = 0; i < heads.length;) {
      const chunk = heads.slice(i, i + WORD_DAYS_PER_READ);
      i += chunk.length;
      for (const r of yield* this.perDay(
        word,
        chunk.map((h) => h.day),
        units,
        category,
        dir,
        limit,
      ))
        ids.push(r.id);
      ids.sort(byDir).splice(limit);
      if (ids.length === limit && i < heads.length && !better(heads[i]!.id, ids[limit - 1]!)) break;
    }
    return ids;
  }

  /** Each day's first or last `limit` ids behind `word` (a union of one range read per day, 40 days to a statement). */
  private *perDay(
    word: string,
    days: readonly string[],
    units: UnitFilter,
    category: string | undefined,
    dir: 'asc' | 'desc',
    limit: number,
  ): ReportRead<Array<{ id: number; day: string }>> {
    const out: Array<{ id: number; day: string }> = [];
    const order = sql.raw(dir);
    for (let i = 0; i < days.length; i += WORD_DAYS_PER_QUERY) {
      const parts = days.slice(i, i + WORD_DAYS_PER_QUERY).map(
        (day) => sql`select id, day from (select t.order_id as id, t.day as day from topic_order_words t
          where t.word = ${word} and t.day = ${day} and ${scopeFilter(units, category)} order by t.order_id ${order} limit ${limit}) as d`,
      );
      out.push(...(yield* rows<{ id: number; day: string }>(sql.join(parts, sql` union all `))));
    }
    return out;
  }

  /** The hot topics computed from the orders' text (the reference the index is tested against, and the answer while it catches up), in one snapshot. */
  textTopics(units: UnitFilter, period: Period, q: TopicQuery = {}): Promise<HotTopics> {
    return this.o.reads.read(() => this.textTopicsRead(units, period, q));
  }

  private *textTopicsRead(units: UnitFilter, period: Period, q: TopicQuery): ReportRead<HotTopics> {
    const previous = previousPeriod(period);
    const cur = yield* this.read(period, units, q.category);
    const prevCounts = new Map<string, number>();
    for (const r of yield* this.read(previous, units, q.category)) for (const w of r.w.words) prevCounts.set(w, (prevCounts.get(w) ?? 0) + 1);
    const byWord = new Map<string, Array<OrderRow & { w: OrderWords }>>();
    for (const r of cur) for (const w of r.w.words) (byWord.get(w) ?? byWord.set(w, []).get(w)!).push(r);
    // eslint-disable-next-line require-yield -- the text path's details are in memory already
    const details = function* (words: readonly string[]) {
      return new Map(
        words.map((word) => {
          const rows = byWord.get(word) ?? [];
          return [
            word,
            {
              categories: top(counted(rows.map((r) => r.category))).map(([category, n]) => ({ category, orders: n })),
              places: top(counted(rows.flatMap((r) => r.w.places))).map(([place, n]) => ({ place, orders: n })),
              sample: rows
                .slice(-TOPIC_SAMPLE)
                .reverse()
                .map((r) => ({ id: r.id, number: r.number })),
            },
          ];
        }),
      );
    };
    return yield* ranked(period, previous, q, {
      orders: cur.length,
      counts: new Map([...byWord].map(([w, rows]) => [w, rows.length])),
      previous: prevCounts,
      details,
    });
  }

  /** The orders behind a word from the orders' text. */
  textOrders(units: UnitFilter, period: Period, word: string, category?: string): Promise<DrilledOrders> {
    return this.o.reads.read(() => this.textOrdersRead(units, period, word, category));
  }

  private *textOrdersRead(units: UnitFilter, period: Period, word: string, category: string | undefined): ReportRead<DrilledOrders> {
    const w = word.trim().toLowerCase();
    const found = (yield* this.read(period, units, category)).filter((r) => r.w.words.includes(w));
    return { orders: found.slice(0, DRILL_LIMIT).map((r) => ({ id: r.id, number: r.number })), capped: found.length > DRILL_LIMIT };
  }

  /** The units a reader's hot topics cover (undefined: all). */
  units(user: ReportUser): UnitFilter {
    const scope = reportScope(user, this.o.org());
    return scope.kind === 'units' ? scope.unitIds : undefined;
  }
  /** The period's orders (no text); the words of those not cached (or edited since) are computed here, their text read by id. */
  private *read(p: Period, units: UnitFilter, category: string | undefined): ReportRead<Array<OrderRow & { w: OrderWords }>> {
    const found = yield* rows<OrderRow>(sql`
      select o.id as id, o.number as number, o.version as version, o.category as category
      from work_orders o
      where o.created_at >= ${p.start} and o.created_at < ${p.end} and o.status <> 'draft' and not o.confidential
        and (o.subject is not null or o.content is not null)
        and ${unitCondition(sql.raw('o.lead_unit_id'), units)} ${category === undefined ? sql`` : sql`and o.category = ${category}`}
      order by o.id`);
    // Each row carries its words (the cache may drop them while a long period is read).
    const out = found.map((r) => ({ ...r, w: this.cache.get(r.id) ?? EMPTY_WORDS }));
    const missing = out.filter((r) => r.w.version !== r.version);
    for (let i = 0; i < missing.length; i += TEXT_BATCH) {
      const batch = missing.slice(i, i + TEXT_BATCH);
      const texts = yield* rows<OrderText>(sql`
        select id, subject, content, location from work_orders where id in (${sql.join(
          batch.map((r) => sql`${r.id}`),
          sql`, `,
        )})`);
      const byId = new Map(texts.map((x) => [x.id, x]));
      for (const r of batch) r.w = this.remember(r, byId.get(r.id));
    }
    return out;
  }

  private remember(r: OrderRow, text: OrderText | undefined): OrderWords {
    const words: OrderWords = {
      version: r.version,
      ...orderWords({ subject: text?.subject ?? null, content: text?.content ?? null, location: text?.location ?? null }),
    };
    this.cache.delete(r.id);
    this.cache.set(r.id, words);
    if (this.cache.size > CACHE_ORDERS) this.cache.delete(this.cache.keys().next().value!);
    return words;
  }
}

/** The numbers of orders by id. */
function* numbersOf(ids: readonly number[]): ReportRead<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = yield* rows<{ id: number; number: string }>(
    sql`select id, number from work_orders where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(found.map((r) => [r.id, r.number]));
}

/** The words ranked by `q.sort`, the first `q.limit` with their details. */
function* ranked(period: Period, previous: Period, q: TopicQuery, v: TopicSourceView): ReportRead<HotTopics> {
  const sort = q.sort ?? 'orders';
  const limit = Math.min(Math.max(q.limit ?? 20, 1), MAX_TOPICS);
  const list = [...v.counts].map(([word, orders]) => {
    const p = v.previous.get(word) ?? 0;
    return { word, orders, previous: p, rise: orders - p };
  });
  list.sort((a, b) => (sort === 'rise' ? b.rise - a.rise : 0) || b.orders - a.orders || b.rise - a.rise || a.word.localeCompare(b.word));
  const chosen = list.slice(0, limit);
  const details = yield* v.details(chosen.map((x) => x.word));
  const topics = chosen.map((x) => ({ ...x, riseRate: x.previous > 0 ? x.rise / x.previous : null, ...details.get(x.word)! }));
  return { period, previous, sort, orders: v.orders, topics };
}

function counted<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** The three values with the most orders (ties: in code-point order, null last). */
function top<T extends string | null>(counts: Map<T, number>): Array<[T, number]> {
  const order = (a: T, b: T) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return [...counts].sort((a, b) => b[1] - a[1] || order(a[0], b[0])).slice(0, 3);
}
