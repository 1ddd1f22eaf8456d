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
import type { Db } from '../db/connection.js';
import type { OrgConfig } from '../config/files/schemas/org.js';
import { unitCondition, type UnitFilter } from './order-kpis.js';
import { DRILL_LIMIT, type DrilledOrders } from './order-drill.js';
import { previousPeriod, type Period } from './period.js';
import { reportScope, type ReportUser } from './reports-service.js';
import { placeWords, topicWords } from './topic-words.js';
import type { TOPIC_SORTS } from '../contract/reports.js';

// The sorts are shared with the web app (the contract).
export { TOPIC_SORTS } from '../contract/reports.js';
export type TopicSort = (typeof TOPIC_SORTS)[number];
/** At most this many topics per answer. */
export const MAX_TOPICS = 100;
/** Each topic carries its latest orders, at most this many (the full list: {@link HotTopicsService.orders}). */
export const TOPIC_SAMPLE = 10;

export interface HotTopic {
  readonly word: string;
  /** Orders of the period that mention the word. */
  readonly orders: number;
  /** The same in the previous period. */
  readonly previous: number;
  /** orders − previous. */
  readonly rise: number;
  /** rise ÷ previous; null when the word is new (previous 0). */
  readonly riseRate: number | null;
  /** The categories of its orders, most first (at most 3; null: not classified). */
  readonly categories: Array<{ category: string | null; orders: number }>;
  /** Place words of its orders' location field, most first (at most 3). */
  readonly places: Array<{ place: string; orders: number }>;
  /** Its latest orders (at most {@link TOPIC_SAMPLE}). */
  readonly sample: Array<{ id: number; number: string }>;
}

export interface HotTopics {
  readonly period: Period;
  readonly previous: Period;
  readonly sort: TopicSort;
  /** Orders of the period read (with text, in scope). */
  readonly orders: number;
  readonly topics: HotTopic[];
}

export interface TopicQuery {
  readonly sort?: TopicSort;
  readonly limit?: number;
  /** Only orders of this category. */
  readonly category?: string;
}

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
  readonly db: Db;
  readonly org: () => OrgConfig;
}

export class HotTopicsService {
  /** Order id → its words at a version (an edited text is segmented again). */
  private readonly cache = new Map<number, OrderWords>();
  constructor(private readonly o: HotTopicsOptions) {}

  /** The hot topics of `period` beside the previous period, within the reader's scope. */
  topics(user: ReportUser, period: Period, q: TopicQuery = {}): HotTopics {
    const units = this.units(user);
    const previous = previousPeriod(period);
    const cur = this.read(period, units, q.category);
    const prevCounts = new Map<string, number>();
    for (const r of this.read(previous, units, q.category)) for (const w of r.w.words) prevCounts.set(w, (prevCounts.get(w) ?? 0) + 1);

    const byWord = new Map<string, Array<OrderRow & { w: OrderWords }>>();
    for (const r of cur) for (const w of r.w.words) (byWord.get(w) ?? byWord.set(w, []).get(w)!).push(r);
    const sort = q.sort ?? 'orders';
    const limit = Math.min(Math.max(q.limit ?? 20, 1), MAX_TOPICS);
    const ranked = [...byWord].map(([word, rows]) => {
      const previousCount = prevCounts.get(word) ?? 0;
      return { word, rows, orders: rows.length, previous: previousCount, rise: rows.length - previousCount };
    });
    ranked.sort((a, b) => (sort === 'rise' ? b.rise - a.rise : 0) || b.orders - a.orders || b.rise - a.rise || a.word.localeCompare(b.word));
    const topics = ranked.slice(0, limit).map(({ word, rows, orders, previous: p, rise }) => ({
      word,
      orders,
      previous: p,
      rise,
      riseRate: p > 0 ? rise / p : null,
      categories: top(rows.map((r) => r.category)).map(([category, n]) => ({ category, orders: n })),
      places: top(rows.flatMap((r) => r.w.places)).map(([place, n]) => ({ place, orders: n })),
      sample: rows
        .slice(-TOPIC_SAMPLE)
        .reverse()
        .map((r) => ({ id: r.id, number: r.number })),
    }));
    return { period, previous, sort, orders: cur.length, topics };
  }

  /** The orders of `period` behind one topic word (drill-down), at most {@link DRILL_LIMIT}, oldest first. */
  orders(user: ReportUser, period: Period, word: string, category?: string): DrilledOrders {
    const w = word.trim().toLowerCase();
    const rows = this.read(period, this.units(user), category).filter((r) => r.w.words.includes(w));
    return { orders: rows.slice(0, DRILL_LIMIT).map((r) => ({ id: r.id, number: r.number })), capped: rows.length > DRILL_LIMIT };
  }

  private units(user: ReportUser): UnitFilter {
    const scope = reportScope(user, this.o.org());
    return scope.kind === 'units' ? scope.unitIds : undefined;
  }

  /** The period's orders (no text); the words of those not cached (or edited since) are computed here, their text read by id. */
  private read(p: Period, units: UnitFilter, category: string | undefined): Array<OrderRow & { w: OrderWords }> {
    const rows = this.o.db.all<OrderRow>(sql`
      select o.id as id, o.number as number, o.version as version, o.category as category
      from work_orders o
      where o.created_at >= ${p.start} and o.created_at < ${p.end} and o.status <> 'draft' and not o.confidential
        and (o.subject is not null or o.content is not null)
        and ${unitCondition(sql.raw('o.lead_unit_id'), units)} ${category === undefined ? sql`` : sql`and o.category = ${category}`}
      order by o.id`);
    // Each row carries its words (the cache may drop them while a long period is read).
    const out = rows.map((r) => ({ ...r, w: this.cache.get(r.id) ?? EMPTY_WORDS }));
    const missing = out.filter((r) => r.w.version !== r.version);
    for (let i = 0; i < missing.length; i += TEXT_BATCH) {
      const batch = missing.slice(i, i + TEXT_BATCH);
      const texts = this.o.db.all<OrderText>(sql`
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
      words: topicWords(`${text?.subject ?? ''}\n${text?.content ?? ''}`),
      places: text?.location ? placeWords(text.location) : [],
    };
    this.cache.delete(r.id);
    this.cache.set(r.id, words);
    if (this.cache.size > CACHE_ORDERS) this.cache.delete(this.cache.keys().next().value!);
    return words;
  }
}

/** The three values seen most often (ties: first seen first). */
function top<T>(values: readonly T[]): Array<[T, number]> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
}
