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

/** One posting list: the slots of the documents that have the word, and how often (weighted). */
interface Postings {
  readonly slots: number[];
  readonly tfs: number[];
}

/**
 * Documents live in numbered slots and each word's postings are parallel arrays, so a query adds
 * up scores in one typed array (no Map lookup per posting: at 100,000 articles a common word has
 * tens of thousands). Replacing or removing an article leaves a dead slot behind; the arrays are
 * compacted once a quarter of the slots are dead.
 */
export class MemoryKbSearch implements KbSearchEngine {
  private docs: Array<KbSearchDoc | undefined> = [];
  /** Each slot's words and weighted frequencies (to compact without segmenting again). */
  private words: Array<readonly [string[], number[]] | undefined> = [];
  private lengths: number[] = [];
  private readonly slotOf = new Map<number, number>();
  private postings = new Map<string, Postings>();
  private totalLength = 0;
  private dead = 0;
  private scores = new Float64Array(0);

  constructor(private readonly tokenizer: KbTokenizer) {}

  get size(): number {
    return this.slotOf.size;
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
    this.place(doc, [...terms.keys()], [...terms.values()]);
  }

  remove(articleId: number): void {
    const slot = this.slotOf.get(articleId);
    if (slot === undefined) return;
    this.slotOf.delete(articleId);
    this.docs[slot] = undefined;
    this.words[slot] = undefined;
    this.totalLength -= this.lengths[slot]!;
    this.dead++;
    if (this.dead > 64 && this.dead * 4 > this.docs.length) this.compact();
  }

  search(query: KbSearchQuery, usage: UsageOf): { hits: KbSearchHit[]; tokens: string[] } {
    const tokens = [...new Set(this.tokenizer.tokens(query.text))];
    const candidates: number[] = [];
    const scores = this.scoreBuffer();
    if (tokens.length === 0) {
      // No words (a screen-pop's suggestions): everything the filters let through, by usage.
      this.docs.forEach((doc, slot) => {
        if (doc && matchesFilters(doc, query)) candidates.push(slot);
      });
    } else {
      const n = this.slotOf.size;
      const avg = n === 0 ? 1 : this.totalLength / n;
      const touched: number[] = [];
      for (const t of tokens) {
        const p = this.postings.get(t);
        if (!p) continue;
        const df = p.slots.length;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (let i = 0; i < df; i++) {
          const slot = p.slots[i]!;
          const tf = p.tfs[i]!;
          if (scores[slot] === 0) touched.push(slot);
          scores[slot]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.lengths[slot]!) / avg));
        }
      }
      for (const slot of touched) {
        const doc = this.docs[slot];
        if (doc && matchesFilters(doc, query)) candidates.push(slot);
        else scores[slot] = 0;
      }
    }
    // Best first by score; only the bands down to the limit-th result need their usage read.
    candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);
    const top = candidates.length > 0 ? scores[candidates[0]!]! : 0;
    const band = (slot: number) => (top > 0 ? Math.round((scores[slot]! / top) * BANDS) : 0);
    const floor = candidates.length > query.limit ? band(candidates[query.limit - 1]!) : -1;
    const kept: Array<{ slot: number; band: number; uses: number; score: number }> = [];
    for (const slot of candidates) {
      const b = band(slot);
      if (b < floor) break;
      const doc = this.docs[slot]!;
      kept.push({ slot, band: b, uses: usage(doc.articleId, query.hotline), score: scores[slot]! });
    }
    for (const slot of candidates) scores[slot] = 0;
    kept.sort((a, b) => b.band - a.band || b.uses - a.uses || b.score - a.score || this.docs[a.slot]!.articleId - this.docs[b.slot]!.articleId);
    return { hits: kept.slice(0, query.limit).map((k) => ({ doc: this.docs[k.slot]!, score: k.score, uses: k.uses })), tokens };
  }

  private place(doc: KbSearchDoc, terms: string[], tfs: number[]): void {
    const slot = this.docs.length;
    let length = 0;
    terms.forEach((t, i) => {
      length += tfs[i]!;
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = { slots: [], tfs: [] }));
      p.slots.push(slot);
      p.tfs.push(tfs[i]!);
    });
    this.docs.push(doc);
    this.words.push([terms, tfs]);
    this.lengths.push(length);
    this.slotOf.set(doc.articleId, slot);
    this.totalLength += length;
  }

  /** Scores by slot, all zero between searches (each search clears what it touched). */
  private scoreBuffer(): Float64Array {
    if (this.scores.length < this.docs.length) this.scores = new Float64Array(Math.max(1024, this.docs.length * 2));
    return this.scores;
  }

  private compact(): void {
    const live = this.docs.flatMap((doc, slot) => (doc ? [[doc, this.words[slot]!] as const] : []));
    this.docs = [];
    this.words = [];
    this.lengths = [];
    this.slotOf.clear();
    this.postings = new Map();
    this.totalLength = 0;
    this.dead = 0;
    for (const [doc, [terms, tfs]] of live) this.place(doc, terms, tfs);
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
