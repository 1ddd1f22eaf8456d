/** What the hot topics (hot-topics.ts) answer: the topics of a period with their counts, rise, categories, places and latest orders. */
import type { TOPIC_SORTS } from '../contract/reports.js';
import type { Period } from './period.js';

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
