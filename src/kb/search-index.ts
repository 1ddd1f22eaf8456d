/**
 * The knowledge base's search engine behind a small interface (decision 0013), so a database-side
 * engine (PostgreSQL's pg_trgm, decision 0011) can replace it. This one keeps the published
 * articles in memory: BM25 over jieba words (title and keywords weigh three times the body),
 * filters applied to the scored candidates, then ranked by relevance and, among results of about
 * the same relevance, by how often agents answered with the article on that hotline.
 */
import type { KbArticleType, KbSearchWords } from '../db/schema.js';
import { indexTerms, usable, versionWords } from './search-words.js';
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
/** The articles used at least once on a hotline (on any without one): a superset is fine. */
export type UsedOn = (hotline: string | undefined) => Iterable<number>;

export interface KbSearchEngine {
  /**
   * Add or replace an article's published version; `words` are its stored search words (segmented
   * here when missing or of another segmenter version). Returns the words it used.
   */
  put(doc: KbSearchDoc, words?: KbSearchWords | null): KbSearchWords;
  remove(articleId: number): void;
  /** Agents answered with articles since the last search: cached suggestions are out of date. */
  usageChanged(): void;
  /**
   * Results, best first; `tokens` is what the query was read as (for highlighting). `used` lets
   * suggestions (no words) read the used articles and then the rest in id order, stopping at the
   * limit, instead of every article of the hotline.
   */
  search(query: KbSearchQuery, usage: UsageOf, used?: UsedOn): { hits: KbSearchHit[]; tokens: string[] };
  readonly size: number;
}

const K1 = 1.2;
const B = 0.75;
/** Results within 5 % of the best score share the first band, the next 5 % the second, …; usage orders a band. */
const BANDS = 20;
/** How long a screen-pop's suggestions are reused (their ranking by use may lag this much). */
const SUGGESTION_TTL_MS = 30_000;

interface Kept {
  readonly doc: KbSearchDoc;
  readonly band: number;
  readonly uses: number;
  readonly score: number;
}

/** Ranking: relevance band, then use on the hotline, then the exact score, then the older article. */
const better = (a: Kept, b: Kept): boolean =>
  a.band !== b.band ? a.band > b.band : a.uses !== b.uses ? a.uses > b.uses : a.score !== b.score ? a.score > b.score : a.doc.articleId < b.doc.articleId;

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
  /** Article ids (ascending) by hotline, those for every hotline, and all: suggestions walk these in order. */
  private readonly byHotline = new Map<string, number[]>();
  private readonly everyHotline: number[] = [];
  private readonly allIds: number[] = [];
  /** Suggestions (no words) by their query, for `SUGGESTION_TTL_MS`: usage may lag that long. */
  private readonly suggestions = new Map<string, { at: number; hits: KbSearchHit[] }>();

  constructor(
    private readonly tokenizer: KbTokenizer,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.slotOf.size;
  }

  put(doc: KbSearchDoc, words?: KbSearchWords | null): KbSearchWords {
    this.remove(doc.articleId);
    this.suggestions.clear();
    const w = usable(words) ? words : versionWords(doc);
    const { terms, tfs } = indexTerms(doc, w, this.tokenizer);
    this.place(doc, terms, tfs);
    insertSorted(this.allIds, doc.articleId);
    if (doc.hotlines.length === 0) insertSorted(this.everyHotline, doc.articleId);
    for (const h of doc.hotlines) {
      let list = this.byHotline.get(h);
      if (!list) this.byHotline.set(h, (list = []));
      insertSorted(list, doc.articleId);
    }
    return w;
  }

  usageChanged(): void {
    this.suggestions.clear();
  }

  remove(articleId: number): void {
    const slot = this.slotOf.get(articleId);
    if (slot === undefined) return;
    this.suggestions.clear();
    this.slotOf.delete(articleId);
    const doc = this.docs[slot]!;
    removeSorted(this.allIds, articleId);
    if (doc.hotlines.length === 0) removeSorted(this.everyHotline, articleId);
    for (const h of doc.hotlines) removeSorted(this.byHotline.get(h) ?? [], articleId);
    this.docs[slot] = undefined;
    this.words[slot] = undefined;
    this.totalLength -= this.lengths[slot]!;
    this.dead++;
    if (this.dead > 64 && this.dead * 4 > this.docs.length) this.compact();
  }

  search(query: KbSearchQuery, usage: UsageOf, used?: UsedOn): { hits: KbSearchHit[]; tokens: string[] } {
    const tokens = [...new Set(this.tokenizer.tokens(query.text))];
    const candidates: number[] = [];
    const scores = this.scoreBuffer();
    if (tokens.length === 0) {
      // No words (a screen-pop's suggestions): what the filters let through, by usage, and the
      // same answer again for a while.
      const key = JSON.stringify(query);
      const cached = this.suggestions.get(key);
      if (cached && this.now() - cached.at < SUGGESTION_TTL_MS) return { hits: cached.hits, tokens };
      const hits = this.suggest(query, usage, used);
      if (this.suggestions.size > 1000) this.suggestions.clear();
      this.suggestions.set(key, { at: this.now(), hits });
      return { hits, tokens };
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
    return { hits: this.best(candidates, scores, query, usage), tokens };
  }

  /**
   * Suggestions, ranked as `best` ranks candidates without scores (use on the hotline, then the
   * older article): the used articles that pass the filters, then the others in id order from the
   * hotline's ids and those for every hotline, stopping at the limit (not every article of the
   * hotline: 33,000 at 100,000 articles).
   */
  private suggest(query: KbSearchQuery, usage: UsageOf, used: UsedOn | undefined): KbSearchHit[] {
    const pool = (): Iterable<number> => (query.hotline === undefined ? this.allIds : mergeSorted(this.byHotline.get(query.hotline) ?? [], this.everyHotline));
    const hits: KbSearchHit[] = [];
    for (const id of used ? used(query.hotline) : pool()) {
      const slot = this.slotOf.get(id);
      const doc = slot === undefined ? undefined : this.docs[slot];
      const uses = doc ? usage(id, query.hotline) : 0;
      if (doc && uses > 0 && matchesFilters(doc, query)) hits.push({ doc, score: 0, uses });
    }
    hits.sort((a, b) => b.uses - a.uses || a.doc.articleId - b.doc.articleId);
    hits.length = Math.min(hits.length, query.limit);
    if (hits.length === query.limit) return hits;
    for (const id of pool()) {
      const doc = this.docs[this.slotOf.get(id)!]!;
      if (usage(id, query.hotline) > 0 || !matchesFilters(doc, query)) continue;
      hits.push({ doc, score: 0, uses: 0 });
      if (hits.length === query.limit) break;
    }
    return hits;
  }

  /** The best `query.limit` candidates; clears their scores for the next search. */
  private best(candidates: number[], scores: Float64Array, query: KbSearchQuery, usage: UsageOf): KbSearchHit[] {
    // The best `limit` by (band, usage, score, id), kept in a short sorted list: no sort of every
    // candidate (a common word has tens of thousands), and usage is read only for candidates whose
    // band can still make the list.
    let top = 0;
    for (const slot of candidates) if (scores[slot]! > top) top = scores[slot]!;
    const kept: Kept[] = [];
    for (const slot of candidates) {
      // 0: within 5 % of the best; -1: 5–10 % below it; …
      const band = top > 0 ? -Math.floor(((top - scores[slot]!) / top) * BANDS) : 0;
      if (kept.length === query.limit && band < kept[kept.length - 1]!.band) continue;
      const doc = this.docs[slot]!;
      const entry = { doc, band, uses: usage(doc.articleId, query.hotline), score: scores[slot]! };
      if (kept.length === query.limit && !better(entry, kept[kept.length - 1]!)) continue;
      let at = kept.length;
      while (at > 0 && better(entry, kept[at - 1]!)) at--;
      if (at < query.limit) {
        kept.splice(at, 0, entry);
        if (kept.length > query.limit) kept.pop();
      }
    }
    for (const slot of candidates) scores[slot] = 0;
    return kept.map(({ doc, score, uses }) => ({ doc, score, uses }));
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

/** Index of the first element ≥ `id` in an ascending list. */
function lowerBound(list: readonly number[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds `id` to an ascending list (appending is the common case: new articles have the largest ids). */
function insertSorted(list: number[], id: number): void {
  if (list.length === 0 || list[list.length - 1]! < id) list.push(id);
  else list.splice(lowerBound(list, id), 0, id);
}

function removeSorted(list: number[], id: number): void {
  const at = lowerBound(list, id);
  if (list[at] === id) list.splice(at, 1);
}

/** Two ascending lists as one, in order. */
function* mergeSorted(a: readonly number[], b: readonly number[]): Generator<number> {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) yield a[i++]!;
    else yield b[j++]!;
  }
}
