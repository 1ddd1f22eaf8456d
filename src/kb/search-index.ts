/**
 * The knowledge base's search engine behind a small interface (decision 0013), so a database-side
 * engine (PostgreSQL's pg_trgm, decision 0011) can replace it. This one keeps the published
 * articles in memory: BM25 over jieba words (title and keywords weigh three times the body),
 * filters applied to the scored candidates, then ranked by relevance and, among results of about
 * the same relevance, by how often agents answered with the article on that hotline.
 */
import type { KbArticleType } from '../db/schema.js';
import type { KbTokenizer } from './tokenize.js';

/** What the engine knows of a published article version. */
export interface KbSearchDoc {
  readonly articleId: number;
  readonly versionId: number;
  readonly unitId: string;
  readonly type: KbArticleType;
  readonly title: string;
  readonly body: string;
  readonly keywords: readonly string[];
  readonly hotlines: readonly string[];
  readonly categories: readonly string[];
  readonly areas: readonly string[];
  readonly effectiveFrom: string | null;
  readonly expiresOn: string | null;
}

export interface KbSearchQuery {
  readonly text: string;
  /** Beijing date YYYY-MM-DD: articles not yet effective or expired on it are left out. */
  readonly today: string;
  /** An article for no hotline (or no area) applies to all. */
  readonly hotline?: string | undefined;
  /** The caller's area and its ancestors: an article for a county applies in its townships. */
  readonly areas?: readonly string[] | undefined;
  readonly category?: string | undefined;
  readonly unitId?: string | undefined;
  readonly type?: KbArticleType | undefined;
  readonly limit: number;
}

export interface KbSearchHit {
  readonly doc: KbSearchDoc;
  readonly score: number;
  readonly uses: number;
}

/** How often an article was used to answer on a hotline (all hotlines without one). */
export type UsageOf = (articleId: number, hotline: string | undefined) => number;

export interface KbSearchEngine {
  /** Add or replace an article's published version. */
  put(doc: KbSearchDoc): void;
  remove(articleId: number): void;
  /** Results, best first; `tokens` is what the query was read as (for highlighting). */
  search(query: KbSearchQuery, usage: UsageOf): { hits: KbSearchHit[]; tokens: string[] };
  readonly size: number;
}

const WEIGHT = { title: 3, keywords: 3, body: 1 } as const;
const K1 = 1.2;
const B = 0.75;
/** Results whose scores are within 5 % of the best's share a band; usage orders a band. */
const BANDS = 20;

interface Slot {
  readonly doc: KbSearchDoc;
  readonly terms: ReadonlyMap<string, number>;
  readonly length: number;
}

export class MemoryKbSearch implements KbSearchEngine {
  private readonly slots = new Map<number, Slot>();
  private readonly postings = new Map<string, Set<number>>();
  private totalLength = 0;

  constructor(private readonly tokenizer: KbTokenizer) {}

  get size(): number {
    return this.slots.size;
  }

  put(doc: KbSearchDoc): void {
    this.remove(doc.articleId);
    const terms = new Map<string, number>();
    const add = (text: string, weight: number) => {
      for (const t of this.tokenizer.tokens(text)) terms.set(t, (terms.get(t) ?? 0) + weight);
    };
    add(doc.title, WEIGHT.title);
    add(doc.keywords.join(' '), WEIGHT.keywords);
    add(doc.body, WEIGHT.body);
    let length = 0;
    for (const [t, tf] of terms) {
      length += tf;
      let set = this.postings.get(t);
      if (!set) this.postings.set(t, (set = new Set()));
      set.add(doc.articleId);
    }
    this.slots.set(doc.articleId, { doc, terms, length });
    this.totalLength += length;
  }

  remove(articleId: number): void {
    const slot = this.slots.get(articleId);
    if (!slot) return;
    for (const t of slot.terms.keys()) {
      const set = this.postings.get(t);
      set?.delete(articleId);
      if (set?.size === 0) this.postings.delete(t);
    }
    this.totalLength -= slot.length;
    this.slots.delete(articleId);
  }

  search(query: KbSearchQuery, usage: UsageOf): { hits: KbSearchHit[]; tokens: string[] } {
    const tokens = [...new Set(this.tokenizer.tokens(query.text))];
    const visible = (doc: KbSearchDoc) => matchesFilters(doc, query);
    const scored: Array<{ doc: KbSearchDoc; score: number }> = [];
    if (tokens.length === 0) {
      // No words (a screen-pop's suggestions): everything the filters let through, by usage.
      for (const { doc } of this.slots.values()) if (visible(doc)) scored.push({ doc, score: 0 });
    } else {
      const n = this.slots.size;
      const avg = n === 0 ? 1 : this.totalLength / n;
      const scores = new Map<number, number>();
      for (const t of tokens) {
        const set = this.postings.get(t);
        if (!set) continue;
        const idf = Math.log(1 + (n - set.size + 0.5) / (set.size + 0.5));
        for (const id of set) {
          const slot = this.slots.get(id)!;
          const tf = slot.terms.get(t)!;
          scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * slot.length) / avg)));
        }
      }
      for (const [id, score] of scores) {
        const doc = this.slots.get(id)!.doc;
        if (visible(doc)) scored.push({ doc, score });
      }
    }
    const top = scored.reduce((m, s) => Math.max(m, s.score), 0);
    const hits = scored.map((s) => ({ ...s, uses: usage(s.doc.articleId, query.hotline), band: top > 0 ? Math.round((s.score / top) * BANDS) : 0 }));
    hits.sort((a, b) => b.band - a.band || b.uses - a.uses || b.score - a.score || a.doc.articleId - b.doc.articleId);
    return { hits: hits.slice(0, query.limit).map(({ doc, score, uses }) => ({ doc, score, uses })), tokens };
  }
}

/** The filters of a query, and the dates: what an agent may be shown on `today`. */
export function matchesFilters(doc: KbSearchDoc, q: KbSearchQuery): boolean {
  if (doc.effectiveFrom !== null && doc.effectiveFrom > q.today) return false;
  // "Expires on" a day: from that day on it is no longer shown.
  if (doc.expiresOn !== null && doc.expiresOn <= q.today) return false;
  if (q.hotline !== undefined && doc.hotlines.length > 0 && !doc.hotlines.includes(q.hotline)) return false;
  if (q.areas !== undefined && doc.areas.length > 0 && !doc.areas.some((a) => q.areas!.includes(a))) return false;
  if (q.category !== undefined && !doc.categories.includes(q.category)) return false;
  if (q.unitId !== undefined && doc.unitId !== q.unitId) return false;
  if (q.type !== undefined && doc.type !== q.type) return false;
  return true;
}
