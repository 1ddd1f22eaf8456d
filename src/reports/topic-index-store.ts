/**
 * The hot topics' index as a port (issue 16, decision 0017): the statements the index's catch-up
 * (topic-index.ts) needs of work_orders and the topic_* tables, asynchronous, in one of two
 * dialects (topic-index-store-sqlite.ts, topic-index-store-pg.ts), held to the same behaviour by
 * one contract suite (test/reports/topic-index-store.test.ts). What an order adds to the hot
 * topics (jieba's words, the day and month rows, what is counted) stays in topic-index.ts, once.
 */
import { sql } from 'drizzle-orm';
import type { Dialect } from '../db/async-db.js';

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

/** An order as the catch-up reads it, with what the index holds for it (null columns: not indexed yet). */
export interface TopicSourceRow extends TopicSource {
  readonly oldVersion: number | null;
  readonly oldDay: string | null;
  readonly oldUnit: string | null;
  readonly oldCategory: string | null;
  readonly oldCounted: number | boolean | null;
  readonly oldWords: string | null;
  readonly oldPlaces: string | null;
}

/** An order's row of topic_orders ('' for a null unit or category; words and places '\n'-separated). */
export interface TopicOrderRow {
  readonly orderId: number;
  readonly version: number;
  readonly updatedAt: number;
  readonly day: string;
  readonly unitId: string;
  readonly category: string;
  readonly counted: boolean;
  readonly words: string;
  readonly places: string;
}

/** One batch's writes, computed above the port (topic-index.ts): every key at most once. */
export interface TopicIndexWrites {
  /** Upserted on order_id. */
  readonly orders: readonly TopicOrderRow[];
  /** Rows of topic_order_words taken out (before those put in). */
  readonly dropHits: ReadonlyArray<{ readonly word: string; readonly day: string; readonly orderId: number }>;
  readonly addHits: ReadonlyArray<{
    readonly word: string;
    readonly day: string;
    readonly orderId: number;
    readonly unitId: string;
    readonly category: string;
  }>;
  /** Added to topic_word_days' `orders` (n ≠ 0); a row left at 0 or below is deleted. */
  readonly words: ReadonlyArray<{ readonly day: string; readonly word: string; readonly unitId: string; readonly category: string; readonly n: number }>;
  /** The same for topic_place_days. */
  readonly places: ReadonlyArray<{
    readonly word: string;
    readonly day: string;
    readonly unitId: string;
    readonly category: string;
    readonly place: string;
    readonly n: number;
  }>;
}

/** The statements, on one connection or inside one transaction. */
export interface TopicIndexQueries {
  /** The highest order id indexed and the latest updated_at indexed (null: nothing indexed). */
  cursors(): Promise<{ maxId: number | null; latest: number | null }>;
  /** Orders with an id above `afterId`, oldest id first, at most `limit`. */
  fresh(afterId: number, limit: number): Promise<TopicSourceRow[]>;
  /** Orders updated at or after `since` whose version is not the one indexed (or not indexed), in no order, at most `limit`. */
  changed(since: number, limit: number): Promise<TopicSourceRow[]>;
  /**
   * In a transaction only, before its reads: one catch-up batch at a time on the database, so that
   * two catch-ups at once (the job on one node, a request on another) never both take an order's
   * old contribution out or put its new one in. PostgreSQL: a transaction-level advisory lock
   * ({@link TOPIC_INDEX_LOCK_KEY}); SQLite: the port's writer lock already runs one transaction at a time.
   */
  lockIndex(): Promise<void>;
  /** In a transaction only: one batch's writes (see {@link TopicIndexWrites}). */
  write(w: TopicIndexWrites): Promise<void>;
}

export interface TopicIndexStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: TopicIndexQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: TopicIndexQueries) => Promise<T>): Promise<T>;
}

/** The order's fields and what the index holds for it (work_orders `o` left join topic_orders `t`): the same text in both dialects. */
export const TOPIC_SOURCE_COLUMNS = sql`o.id as "id", o.version as "version", o.updated_at as "updatedAt", o.created_at as "createdAt", o.status as "status",
  o.confidential as "confidential", o.lead_unit_id as "leadUnitId", o.category as "category", o.subject as "subject", o.content as "content",
  o.location as "location", t.version as "oldVersion", t.day as "oldDay", t.unit_id as "oldUnit", t.category as "oldCategory", t.counted as "oldCounted",
  t.words as "oldWords", t.places as "oldPlaces"`;

/** The PostgreSQL advisory lock key of a catch-up batch: 'SUNLTOPI' as a 64-bit number (qa-store.ts's draw lock is 'SUNLQADR'). */
export const TOPIC_INDEX_LOCK_KEY = '6004791767907389513';
