/**
 * Keeps the search engine in step with the database (decision 0013, "Start-up"). At start the
 * index is built in the background, a page of articles at a time in slices of a few milliseconds
 * between which the event loop runs (setImmediate); each version's words come from
 * kb_article_versions.search_words (segmented and written back when missing or older). Until it
 * is complete, searches answer from what is loaded (`complete: false`) after waiting for it at
 * most a bound. Then, before each search, the audit's last id (a change by this node or another)
 * says which articles to re-read and put or remove: no rebuild on a change. A change of kb.yaml's
 * synonyms builds a new index in the background while the old one keeps answering.
 *
 * The reads and the written-back words go through the knowledge base's port (kb-store.ts,
 * decision 0017). The catch-ups before searches take turns (one at a time, in order): two
 * searches at once must not both count the same new answers or put the same articles.
 */
import type { KbSearchWords } from '../db/schema.js';
import type { ArticleRow, KbStore, Published, VersionRow } from './kb-store.js';
import { MemoryKbSearch, type KbSearchDoc, type KbSearchEngine } from './search-index.js';
import { KbTokenizer } from './tokenize.js';

/** One slice of the background build: the event loop waits at most about this long for it. */
const SLICE_MS = 12;
/** Articles read from the database at a time by the build. */
const PAGE = 200;

export function searchDoc(article: ArticleRow, v: VersionRow): KbSearchDoc {
  return {
    articleId: article.id,
    versionId: v.id,
    unitId: article.unitId,
    type: v.type,
    title: v.title,
    body: v.body,
    keywords: v.keywords,
    hotlines: v.hotlines,
    categories: v.categories,
    areas: v.areas,
    effectiveFrom: v.effectiveFrom,
    expiresOn: v.expiresOn,
  };
}

interface Index {
  readonly engine: KbSearchEngine;
  readonly tokenizer: KbTokenizer;
  readonly synonyms: readonly (readonly string[])[];
  /** The audit's last id when the build began: changes after it are caught up article by article. */
  audit: number;
}

export interface KbCurrentIndex {
  readonly engine: KbSearchEngine;
  readonly tokenizer: KbTokenizer;
  /** False while the first build is loading: results come from the articles loaded so far. */
  readonly complete: boolean;
}

export class KbSearchCache {
  /** The complete index searches use. */
  private live: Index | undefined;
  /** The index being built in the background (the first one, or for new synonyms). */
  private building: Index | undefined;
  private waiters: Array<(complete: boolean) => void> = [];
  private answersSeen = 0;
  /** articleId → hotline → answers. */
  private readonly usage = new Map<number, Map<string, number>>();
  /** hotline → the articles answered with on it. */
  private readonly usedOnHotline = new Map<string, Set<number>>();
  /** Words segmented by the build, to write back at the end of its slice. */
  private segmented: Array<{ versionId: number; words: KbSearchWords }> = [];
  /** The catch-ups before searches, one after the other. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: KbStore,
    private readonly currentSynonyms: () => readonly (readonly string[])[],
  ) {}

  /** Begin the background build (at start): searches meanwhile answer from what is loaded. */
  start(): void {
    if (!this.live && !this.building) this.buildInBackground(this.currentSynonyms());
  }

  /** Resolves true once a complete index is there, false after `maxWaitMs` without one. */
  ready(maxWaitMs: number): Promise<boolean> {
    if (this.live) return Promise.resolve(true);
    if (!this.building) this.start();
    return new Promise((resolve) => {
      const done = (complete: boolean) => {
        clearTimeout(timer);
        resolve(complete);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, maxWaitMs);
      this.waiters.push(done);
    });
  }

  /** Whether a build is under way (the first, or one for new synonyms). */
  get loading(): boolean {
    return this.building !== undefined;
  }

  /**
   * The engine to search now, current with the database. Without `start()` (tests, tools) the
   * first call builds the index at once.
   */
  current(): Promise<KbCurrentIndex> {
    const next = this.turn.then(() => this.refresh());
    this.turn = next.catch(() => undefined);
    return next;
  }

  private async refresh(): Promise<KbCurrentIndex> {
    const synonyms = this.currentSynonyms();
    if (!this.live && !this.building) this.live = await this.buildNow(synonyms);
    else if (synonyms !== (this.building ?? this.live)!.synonyms) this.buildInBackground(synonyms);
    const rev = await this.store.read((q) => q.revision());
    await this.countAnswers(rev.answers);
    const index = this.live ?? this.building!;
    if (this.live) await this.catchUp(this.live, rev.audit);
    return { engine: index.engine, tokenizer: index.tokenizer, complete: this.live !== undefined };
  }

  usageOf = (articleId: number, hotline: string | undefined): number => {
    const byHotline = this.usage.get(articleId);
    if (!byHotline) return 0;
    if (hotline !== undefined) return byHotline.get(hotline) ?? 0;
    let n = 0;
    for (const c of byHotline.values()) n += c;
    return n;
  };

  /** The articles answered with on `hotline` (on any without one). */
  usedOn = (hotline: string | undefined): Iterable<number> => (hotline === undefined ? this.usage.keys() : (this.usedOnHotline.get(hotline) ?? []));

  /** Puts and removes the articles changed since the index last looked (here or on another node). */
  private async catchUp(index: Index, audit: number): Promise<void> {
    if (audit === index.audit) return;
    const { changed, rows } = await this.store.read(async (q) => {
      const changed = await q.articlesChangedSince(index.audit);
      return { changed, rows: await q.publishedVersions(changed) };
    });
    const live = new Map(rows.map((r) => [r.article.id, r]));
    for (const id of changed) {
      const r = live.get(id);
      if (r) this.put(index, r.article, r.version);
      else index.engine.remove(id);
    }
    await this.flushSegmented();
    index.audit = audit;
  }

  private put(index: Index, article: ArticleRow, version: VersionRow): void {
    const words = index.engine.put(searchDoc(article, version), version.searchWords);
    if (words !== version.searchWords) this.segmented.push({ versionId: version.id, words });
  }

  private async flushSegmented(): Promise<void> {
    const rows = this.segmented;
    this.segmented = [];
    if (rows.length > 0) await this.store.transaction((tx) => tx.saveSearchWords(rows));
  }

  private async newIndex(synonyms: readonly (readonly string[])[]): Promise<Index> {
    const tokenizer = new KbTokenizer(synonyms);
    const { audit } = await this.store.read((q) => q.revision());
    return { engine: new MemoryKbSearch(tokenizer), tokenizer, synonyms, audit };
  }

  private async buildNow(synonyms: readonly (readonly string[])[]): Promise<Index> {
    const index = await this.newIndex(synonyms);
    for (const r of await this.store.read((q) => q.publishedVersions())) this.put(index, r.article, r.version);
    await this.flushSegmented();
    return index;
  }

  /** Builds a new index a slice at a time; a newer build (synonyms changed again) supersedes it. */
  private buildInBackground(synonyms: readonly (readonly string[])[]): void {
    const tokenizer = new KbTokenizer(synonyms);
    // Its audit id is read when the build begins (build()).
    const index: Index = { engine: new MemoryKbSearch(tokenizer), tokenizer, synonyms, audit: 0 };
    this.building = index;
    this.build(index).catch(() => {
      // A failed read (the database closed at shutdown): the next search builds on demand.
      if (this.building === index) this.building = undefined;
      this.segmented = [];
      this.wake(false);
    });
  }

  private async build(index: Index): Promise<void> {
    const { audit } = await this.store.read((q) => q.revision());
    index.audit = audit;
    let after = 0;
    for (;;) {
      if (this.building !== index) return;
      const page: Published[] = await this.store.read((q) => q.publishedPage(after, PAGE));
      let at = 0;
      while (at < page.length) {
        // A slice: the event loop runs between two (setImmediate), a newer build ends this one.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.building !== index) return;
        const until = performance.now() + SLICE_MS;
        while (at < page.length && performance.now() < until) {
          const r = page[at++]!;
          this.put(index, r.article, r.version);
        }
        await this.flushSegmented();
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.article.id;
    }
    if (this.building === index) this.finish(index);
  }

  private finish(index: Index): void {
    this.live = index;
    this.building = undefined;
    this.wake(true);
  }

  private wake(complete: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(complete);
  }

  private async countAnswers(last: number): Promise<void> {
    if (last === this.answersSeen) return;
    for (const a of await this.store.read((q) => q.answersSince(this.answersSeen, last))) {
      let byHotline = this.usage.get(a.articleId);
      if (!byHotline) this.usage.set(a.articleId, (byHotline = new Map<string, number>()));
      byHotline.set(a.hotline, (byHotline.get(a.hotline) ?? 0) + 1);
      let used = this.usedOnHotline.get(a.hotline);
      if (!used) this.usedOnHotline.set(a.hotline, (used = new Set()));
      used.add(a.articleId);
    }
    this.answersSeen = last;
    this.live?.engine.usageChanged();
    this.building?.engine.usageChanged();
  }
}
