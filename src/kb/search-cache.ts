/**
 * Keeps the search engine in step with the database: built on first use, then brought up to date
 * before each search from the audit's last id (a change made by this node or another one) and
 * rebuilt whole when kb.yaml's synonyms change. Usage per article and hotline comes with it.
 */
import type { KbRepository, VersionRow, ArticleRow } from './repository.js';
import { MemoryKbSearch, type KbSearchDoc, type KbSearchEngine } from './search-index.js';
import { KbTokenizer } from './tokenize.js';

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

export class KbSearchCache {
  private engine: KbSearchEngine | undefined;
  private tokenizer: KbTokenizer | undefined;
  private synonyms: readonly (readonly string[])[] | undefined;
  private seen = { audit: 0, answers: 0 };
  /** articleId → hotline → answers. */
  private readonly usage = new Map<number, Map<string, number>>();

  constructor(
    private readonly repo: KbRepository,
    private readonly currentSynonyms: () => readonly (readonly string[])[],
  ) {}

  /** The engine, current with the database and kb.yaml. */
  current(): { engine: KbSearchEngine; tokenizer: KbTokenizer } {
    const synonyms = this.currentSynonyms();
    if (!this.engine || !this.tokenizer || synonyms !== this.synonyms) return this.rebuild(synonyms);
    const rev = this.repo.revision();
    if (rev.audit !== this.seen.audit) {
      const changed = this.repo.articlesChangedSince(this.seen.audit);
      const live = new Map(this.repo.publishedVersions(changed).map((r) => [r.article.id, r]));
      for (const id of changed) {
        const r = live.get(id);
        if (r) this.engine.put(searchDoc(r.article, r.version));
        else this.engine.remove(id);
      }
    }
    if (rev.answers !== this.seen.answers) {
      this.countAnswers(this.seen.answers);
      this.engine.usageChanged();
    }
    this.seen = rev;
    return { engine: this.engine, tokenizer: this.tokenizer };
  }

  usageOf = (articleId: number, hotline: string | undefined): number => {
    const byHotline = this.usage.get(articleId);
    if (!byHotline) return 0;
    if (hotline !== undefined) return byHotline.get(hotline) ?? 0;
    let n = 0;
    for (const c of byHotline.values()) n += c;
    return n;
  };

  private rebuild(synonyms: readonly (readonly string[])[]): { engine: KbSearchEngine; tokenizer: KbTokenizer } {
    const rev = this.repo.revision();
    const tokenizer = new KbTokenizer(synonyms);
    const engine = new MemoryKbSearch(tokenizer);
    for (const r of this.repo.publishedVersions()) engine.put(searchDoc(r.article, r.version));
    this.usage.clear();
    this.countAnswers(0);
    Object.assign(this, { engine, tokenizer, synonyms, seen: rev });
    return { engine, tokenizer };
  }

  private countAnswers(sinceId: number): void {
    for (const a of this.repo.answersSince(sinceId)) {
      let byHotline = this.usage.get(a.articleId);
      if (!byHotline) this.usage.set(a.articleId, (byHotline = new Map<string, number>()));
      byHotline.set(a.hotline, (byHotline.get(a.hotline) ?? 0) + 1);
    }
  }
}
