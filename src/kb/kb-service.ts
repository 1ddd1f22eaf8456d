/**
 * The knowledge base (知识库, issue 15): articles owned by units, drafted by the unit's handlers,
 * approved by the centre's reviewers before agents see them, every version kept and every
 * change audited; searched with Chinese segmentation; "answered with this article" links the
 * version an agent used to an order (当场答复).
 */
import type { Db } from '../db/connection.js';
import type { KbArticleType, KbAuditAction, KbVersionState } from '../db/schema.js';
import { shanghaiDayStart, SHANGHAI_OFFSET_MS } from '../lib/shanghai-time.js';
import { ArticleFields, datesProblem, type ArticleFieldsInput, type ArticleFieldsValue } from './article-input.js';
import { appError } from '../errors/index.js';
import { KbError } from './errors.js';
import { bodyImageIds, renumberBodyImages } from '../contract/kb-body.js';
import { missedSearches, mostUsed, onSpotFigures, staleByUnit } from './figures.js';
import type { KbConfig } from './kb-config.js';
import type { KbDirectory } from './facets.js';
import { KbRepository, type ArticleRow, type Tx, type VersionRow } from './repository.js';
import { KbSearchCache } from './search-cache.js';
import { versionWords } from './search-words.js';
import type { KbSearchQuery } from './search-index.js';
import { plainText, highlight, snippet, type Segment } from './highlight.js';
import { candidateProblem, formatProblem, readCsv, readMarkdown, type ImportFile } from './import.js';
import { readXlsx, type XlsxFile } from './xlsx-import.js';
import { canEditUnit, isReviewer, seesDrafts, staleness, transition, type KbActor, type KbTransition } from './workflow.js';

export interface KbOrderRef {
  /** The order's hotline: its channel when it came by phone. */
  readonly channel: string;
  readonly agentId: number | null;
}

export interface KbServiceOptions {
  readonly db: Db;
  readonly config: () => KbConfig;
  readonly hotlineExists: (number: string) => boolean;
  readonly areaExists: (areaId: string) => boolean;
  readonly unitExists: (unitId: string) => boolean;
  /** The area and its ancestors in org.yaml (an article for a county applies in its townships). */
  readonly areaLineage: (areaId: string) => readonly string[];
  /** An order by id (undefined when there is none). */
  readonly order: (orderId: number) => KbOrderRef | undefined;
  /** Whether `actor` may see the order (the work orders' scope); without it nobody reads an order's answers. */
  readonly seesOrder?: (actor: KbActor, orderId: number) => boolean | Promise<boolean>;
  /** org.yaml's units and areas for the filter pickers (GET /api/kb/facets); none without it. */
  readonly directory?: () => KbDirectory;
  readonly now?: () => number;
}

export interface ArticleView {
  readonly id: number;
  readonly unitId: string;
  readonly withdrawn: boolean;
  /** What agents read; null until a version is approved. */
  readonly published: VersionRow | null;
  /** The version being edited or reviewed, to its editors and the reviewers only. */
  readonly draft: VersionRow | null;
  readonly staleness: 'fresh' | 'stale' | 'stale_overdue';
  readonly inForce: boolean;
}

/** A search as the API takes it: the engine's query with the words as `q` and one area (its ancestors are added). */
export type KbSearchParams = Omit<KbSearchQuery, 'text' | 'today' | 'areas'> & {
  readonly q: string;
  readonly area?: string | undefined;
  /** A live refinement as the agent types (the console's panel): a miss is not logged as a missed search. */
  readonly live?: boolean | undefined;
};

/** What an import reads: text files (CSV, Markdown) or workbooks. */
export type KbImportUpload =
  { readonly format: 'csv' | 'markdown'; readonly files: readonly ImportFile[] } | { readonly format: 'xlsx'; readonly files: readonly XlsxFile[] };

/** The editors' list filter as the API takes it (one area; its ancestors are added). */
export interface KbListParams {
  readonly unitId?: string | undefined;
  readonly state?: KbVersionState | undefined;
  readonly withdrawn?: boolean | undefined;
  readonly category?: string | undefined;
  readonly area?: string | undefined;
  readonly type?: KbArticleType | undefined;
}

export interface StaleArticle {
  readonly id: number;
  readonly unitId: string;
  readonly title: string;
  readonly reviewBy: string;
  readonly staleness: 'fresh' | 'stale' | 'stale_overdue';
  /** A new version is already being written or reviewed. */
  readonly hasDraft: boolean;
}

export interface KbSearchResult {
  readonly articleId: number;
  readonly versionId: number;
  readonly unitId: string;
  readonly type: KbArticleType;
  readonly title: Segment[];
  readonly snippet: Segment[];
  readonly score: number;
  readonly uses: number;
}

/** Beijing date YYYY-MM-DD of `ms`. */
export const beijingDay = (ms: number): string => new Date(shanghaiDayStart(ms) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

export class KbService {
  private readonly repo: KbRepository;
  private readonly now: () => number;
  readonly search: KbSearchCache;

  constructor(private readonly opts: KbServiceOptions) {
    this.repo = new KbRepository(opts.db);
    this.now = opts.now ?? Date.now;
    this.search = new KbSearchCache(this.repo, () => opts.config().synonyms);
  }

  today(): string {
    return beijingDay(this.now());
  }

  /** A new article of `fields.unitId`, as a draft (version 1). */
  create(actor: KbActor, input: ArticleFieldsInput, action: KbAuditAction = 'create'): ArticleView {
    const fields = this.checked(input);
    if (!canEditUnit(actor, fields.unitId)) throw new KbError('KB_NOT_YOUR_UNIT', 'you may write articles of your own unit only');
    const at = this.now();
    const { unitId, ...versionFields } = fields;
    const id = this.repo.transaction((tx) => {
      const article = this.repo.insertArticle(tx, unitId, at);
      const v = this.repo.insertVersion(tx, article.id, 1, versionFields, actor.id, at);
      this.repo.updateArticle(tx, article.id, { draftVersionId: v.id });
      this.repo.writeAudit(tx, { at, articleId: article.id, versionId: v.id, actorId: actor.id, action });
      return article.id;
    });
    return this.get(actor, id);
  }

  /**
   * Edit the article: its draft (or rejected version) in place, or a new draft version after the
   * published one. `draftVersionId` is the draft the editor read (null: there was none).
   */
  update(actor: KbActor, articleId: number, input: ArticleFieldsInput, draftVersionId: number | null): ArticleView {
    const fields = this.checked(input);
    const at = this.now();
    this.repo.transaction((tx) => {
      const article = this.editable(tx, actor, articleId);
      if (fields.unitId !== article.unitId && actor.role !== 'admin')
        throw new KbError('KB_NOT_YOUR_UNIT', 'only an administrator moves an article to another unit');
      if (article.draftVersionId !== draftVersionId) throw new KbError('KB_STALE_EDIT');
      const { unitId, ...versionFields } = fields;
      let versionId: number;
      if (article.draftVersionId !== null) {
        const draft = this.repo.version(article.draftVersionId, tx)!;
        if (transition(draft.state, 'edit') === null) throw new KbError('KB_BAD_STATE', `a version ${draft.state} cannot be edited`);
        this.repo.updateVersion(tx, draft.id, { ...versionFields, state: 'draft', authorId: actor.id, updatedAt: at });
        versionId = draft.id;
      } else {
        versionId = this.repo.insertVersion(tx, articleId, this.repo.maxVersionNo(tx, articleId) + 1, versionFields, actor.id, at).id;
        // Its images and files carry over; the published version keeps its own (attachments.ts),
        // and the body's image references follow them to the copies.
        if (article.publishedVersionId !== null) {
          const copies = this.repo.copyAttachments(tx, article.publishedVersionId, versionId);
          if (copies.size > 0) this.repo.updateVersion(tx, versionId, { body: renumberBodyImages(versionFields.body, copies) });
        }
      }
      this.repo.updateArticle(tx, articleId, { unitId, draftVersionId: versionId, updatedAt: at });
      this.repo.writeAudit(tx, { at, articleId, versionId, actorId: actor.id, action: 'update' });
    });
    return this.get(actor, articleId);
  }

  /** Submit the draft for review (its unit's editors); the images its body places must be attached to it. */
  submit(actor: KbActor, articleId: number): ArticleView {
    return this.move(actor, articleId, 'submit', null, (article) => {
      if (!canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
      const draft = article.draftVersionId === null ? undefined : this.repo.version(article.draftVersionId);
      if (!draft) return;
      const images = this.repo.imageIds(draft.id);
      const missing = bodyImageIds(draft.body).filter((id) => !images.has(id));
      if (missing.length > 0)
        throw new KbError('KB_IMAGE_NOT_ATTACHED', `the body places attachment ${missing.join(', ')}, which is not an image of this draft`);
    });
  }

  /** Approve the version in review: it becomes what agents read; the one before is kept as superseded. */
  approve(actor: KbActor, articleId: number, note: string | null): ArticleView {
    return this.move(actor, articleId, 'approve', note, () => this.mustReview(actor));
  }

  reject(actor: KbActor, articleId: number, note: string): ArticleView {
    return this.move(actor, articleId, 'reject', note, () => this.mustReview(actor));
  }

  /** Withdraw an article: hidden from agents, all of it kept; approving a new version brings it back. */
  withdraw(actor: KbActor, articleId: number, note: string | null): ArticleView {
    const at = this.now();
    this.repo.transaction((tx) => {
      const article = this.repo.article(articleId, tx);
      if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
      if (!canEditUnit(actor, article.unitId) && !isReviewer(actor, this.opts.config().reviewers)) throw new KbError('KB_NOT_YOUR_UNIT');
      if (article.withdrawn) throw new KbError('KB_BAD_STATE', 'the article is already withdrawn');
      this.repo.updateArticle(tx, articleId, { withdrawn: true, updatedAt: at });
      this.repo.writeAudit(tx, { at, articleId, versionId: article.publishedVersionId, actorId: actor.id, action: 'withdraw', note });
    });
    return this.get(actor, articleId);
  }

  /** An article as `actor` may see it: agents only a published one in force; editors and reviewers everything. */
  get(actor: KbActor, articleId: number): ArticleView {
    const article = this.repo.article(articleId);
    if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
    const view = this.view(article);
    if (seesDrafts(actor, article.unitId, this.opts.config().reviewers)) return view;
    if (view.published === null || article.withdrawn || !view.inForce) throw new KbError('KB_ARTICLE_NOT_FOUND');
    return { ...view, draft: null };
  }

  /** One version: published ones (also superseded: what an agent read during a call) to every reader, drafts to editors and reviewers. */
  version(actor: KbActor, versionId: number): VersionRow {
    const v = this.repo.version(versionId);
    const article = v && this.repo.article(v.articleId);
    if (!v || !article) throw new KbError('KB_VERSION_NOT_FOUND');
    if (v.publishedAt === null && !seesDrafts(actor, article.unitId, this.opts.config().reviewers)) throw new KbError('KB_VERSION_NOT_FOUND');
    return v;
  }

  /** Every version and audit row of an article (its editors and the reviewers). */
  history(actor: KbActor, articleId: number) {
    const article = this.repo.article(articleId);
    if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
    if (!seesDrafts(actor, article.unitId, this.opts.config().reviewers)) throw new KbError('KB_NOT_YOUR_UNIT');
    return { versions: this.repo.versions(articleId), audit: this.repo.audit(articleId) };
  }

  /**
   * Articles for management: a unit handler's own unit, everything for administrators and
   * reviewers; filtered by the current version's state, category, area (with its ancestors, as
   * a search) and type.
   */
  list(actor: KbActor, filter: KbListParams, limit: number, offset: number) {
    const reviewer = isReviewer(actor, this.opts.config().reviewers);
    if (!reviewer && actor.role !== 'unit_handler') throw new KbError('KB_NOT_YOUR_UNIT', 'the article list is for editors and reviewers');
    this.knownFilters(filter);
    if (!reviewer && filter.unitId !== undefined && filter.unitId !== actor.unitId) throw new KbError('KB_NOT_YOUR_UNIT');
    const unitId = reviewer ? filter.unitId : (actor.unitId ?? '');
    const { area, ...rest } = filter;
    return this.repo.list({ ...rest, unitId, areas: area === undefined ? undefined : this.opts.areaLineage(area) }, limit, offset).map((a) => this.view(a));
  }

  /** What the filter controls offer: units that own articles (with names), published categories, org.yaml's areas. */
  facets(): { units: Array<{ id: string; name: string }>; categories: string[]; areas: Array<{ id: string; name: string; level: string }> } {
    const dir = this.opts.directory?.() ?? { units: [], areas: [] };
    const names = new Map(dir.units.map((u) => [u.id, u.name]));
    return {
      units: this.repo.owningUnits().map((id) => ({ id, name: names.get(id) ?? id })),
      categories: this.repo.publishedCategories(500),
      areas: [...dir.areas],
    };
  }

  /** A filter's unit and area must be in org.yaml (400 UNKNOWN_UNIT / KB_UNKNOWN_AREA), not an empty answer. */
  private knownFilters(f: { readonly unitId?: string | undefined; readonly area?: string | undefined }): void {
    if (f.unitId !== undefined && !this.opts.unitExists(f.unitId)) throw appError('UNKNOWN_UNIT', `unit ${f.unitId} is not in org.yaml`);
    if (f.area !== undefined && !this.opts.areaExists(f.area)) throw new KbError('KB_UNKNOWN_AREA', `area ${f.area} is not in org.yaml`);
  }

  /**
   * Waits, at most `maxWaitMs`, for the index's first build (begun at start in the background);
   * true when it is complete. Searches after a false answer come from the articles loaded so far.
   */
  searchReady(maxWaitMs: number): Promise<boolean> {
    return this.search.ready(maxWaitMs);
  }

  /**
   * Articles past their review-by date (时效性): a unit handler sees its own unit's, the reviewers
   * every unit's (or one's); each flagged `stale_overdue` once past the grace period.
   */
  stale(actor: KbActor, unitId: string | undefined): StaleArticle[] {
    const reviewer = isReviewer(actor, this.opts.config().reviewers);
    if (!reviewer && actor.role !== 'unit_handler') throw new KbError('KB_NOT_YOUR_UNIT', 'stale articles are for their editors and the reviewers');
    if (!reviewer && unitId !== undefined && unitId !== actor.unitId) throw new KbError('KB_NOT_YOUR_UNIT');
    const today = this.today();
    const grace = this.opts.config().staleGraceDays;
    return this.repo.stale(today, reviewer ? unitId : (actor.unitId ?? ''), 200).map(({ article, version }) => ({
      id: article.id,
      unitId: article.unitId,
      title: version.title,
      reviewBy: version.reviewBy!,
      staleness: staleness(version.reviewBy, today, grace),
      hasDraft: article.draftVersionId !== null,
    }));
  }

  /** Full-text search of what agents may be shown today; a search that finds nothing is logged (once the index is complete). */
  find(actor: KbActor, p: KbSearchParams): { items: KbSearchResult[]; tokens: string[]; complete: boolean } {
    this.knownFilters(p);
    const { engine, tokenizer, complete } = this.search.current();
    const { hits, tokens } = engine.search(
      {
        text: p.q,
        today: this.today(),
        hotline: p.hotline,
        category: p.category,
        unitId: p.unitId,
        type: p.type,
        areas: p.area === undefined ? undefined : this.opts.areaLineage(p.area),
        limit: p.limit,
      },
      this.search.usageOf,
      this.search.usedOn,
    );
    if (hits.length === 0 && complete && p.q.trim().length > 0 && p.live !== true)
      this.repo.recordMissedSearch({ at: this.now(), query: p.q.trim().slice(0, 200), hotline: p.hotline ?? null, actorId: actor.id });
    const terms = tokenizer.highlightTerms(tokens);
    const items = hits.map((h) => ({
      articleId: h.doc.articleId,
      versionId: h.doc.versionId,
      unitId: h.doc.unitId,
      type: h.doc.type,
      title: highlight(h.doc.title, terms),
      snippet: snippet(plainText(h.doc.body), terms),
      score: Math.round(h.score * 1000) / 1000,
      uses: h.uses,
    }));
    return { items, tokens, complete };
  }

  /** "Answered with this article": the agent of the order (or a shift lead, an administrator) links the version they used. */
  answer(actor: KbActor, orderId: number, versionId: number): { linked: boolean } {
    const order = this.opts.order(orderId);
    if (!order) throw new KbError('KB_ANSWER_REFUSED', `no order ${orderId}`);
    if (actor.role === 'agent' && order.agentId !== actor.id) throw new KbError('KB_ANSWER_REFUSED', 'the order is another agent’s');
    const v = this.repo.version(versionId);
    if (!v || v.publishedAt === null) throw new KbError('KB_ANSWER_REFUSED', 'only a published version answers a caller');
    const linked = this.repo.insertAnswer({ orderId, articleId: v.articleId, versionId, hotline: order.channel, actorId: actor.id, at: this.now() });
    return { linked };
  }

  /**
   * The article versions an order was answered with: what the agent read during the call, shown
   * later (each version's text and files stay readable: GET /api/kb/versions/:id). To whoever
   * may see the order; another's order is KB_ORDER_NOT_FOUND, as a missing one.
   */
  async answersOf(actor: KbActor, orderId: number) {
    // Awaited before anything is read: a pending or failed check never shows the answers.
    if ((await this.opts.seesOrder?.(actor, orderId)) !== true) throw new KbError('KB_ORDER_NOT_FOUND', `no order ${orderId}`);
    return this.repo.answersOf(orderId);
  }

  /**
   * Import articles as drafts from CSV files, Markdown files or Excel workbooks; all or nothing:
   * any problem (FILE:LINE:COL, the config files' shape; a workbook's FILE[SHEET]:ROW:COL) refuses
   * the whole import with every problem listed.
   */
  async import(actor: KbActor, upload: KbImportUpload): Promise<{ imported: number[] }> {
    const read =
      upload.format === 'xlsx'
        ? await Promise.all(upload.files.map((f) => readXlsx(f, actor.unitId)))
        : upload.files.map((f) => (upload.format === 'csv' ? readCsv(f, actor.unitId) : readMarkdown(f, actor.unitId)));
    const problems = read.flatMap((r) => r.problems);
    const candidates = read.flatMap((r) => r.candidates);
    for (const c of candidates) {
      try {
        const f = this.checked(c.fields);
        if (!canEditUnit(actor, f.unitId)) throw new KbError('KB_NOT_YOUR_UNIT', `you may import articles of your own unit only, not ${f.unitId}`);
      } catch (err) {
        problems.push(candidateProblem(c, err));
      }
    }
    if (problems.length > 0 || candidates.length === 0) {
      const list = problems.length > 0 ? problems.map(formatProblem) : ['nothing to import'];
      throw new KbError('KB_IMPORT_INVALID', list.slice(0, 5).join('\n'), { details: { problems: list.slice(0, 200) } });
    }
    return { imported: this.repo.transaction(() => candidates.map((c) => this.create(actor, c.fields, 'import').id)) };
  }

  /** The figures for Beijing days [from, to] (default: the 7 days up to today); stale articles as of today. */
  figures(from: string | undefined, to: string | undefined) {
    const today = this.today();
    const last = to ?? today;
    const first = from ?? beijingDay(Date.parse(`${last}T00:00:00+08:00`) - 6 * 86_400_000);
    if (first > last) throw appError('VALIDATION_FAILED', 'from is after to');
    const start = Date.parse(`${first}T00:00:00+08:00`);
    const end = Date.parse(`${last}T00:00:00+08:00`) + 86_400_000;
    const db = this.opts.db;
    return {
      from: first,
      to: last,
      onSpot: onSpotFigures(db, start, end),
      mostUsed: mostUsed(db, start, end, 20),
      missedSearches: missedSearches(db, start, end, 50),
      staleByUnit: staleByUnit(db, today, this.opts.config().staleGraceDays),
    };
  }

  private move(actor: KbActor, articleId: number, t: Exclude<KbTransition, 'edit'>, note: string | null, allowed: (a: ArticleRow) => void): ArticleView {
    const at = this.now();
    this.repo.transaction((tx) => {
      const article = this.repo.article(articleId, tx);
      if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
      allowed(article);
      const draft = article.draftVersionId === null ? undefined : this.repo.version(article.draftVersionId, tx);
      const to = draft ? transition(draft.state, t) : null;
      if (!draft || to === null) throw new KbError('KB_BAD_STATE', `nothing to ${t}: ${draft ? `the version is ${draft.state}` : 'no draft'}`);
      if (t === 'submit') this.repo.updateVersion(tx, draft.id, { state: to, updatedAt: at });
      else
        this.repo.updateVersion(tx, draft.id, {
          state: to,
          reviewerId: actor.id,
          reviewedAt: at,
          reviewNote: note,
          updatedAt: at,
          // The published version's words, segmented once here: a start reads them instead (search-words.ts).
          ...(to === 'published' ? { publishedAt: at, searchWords: versionWords(draft) } : {}),
        });
      if (to === 'published') {
        if (article.publishedVersionId !== null) this.repo.updateVersion(tx, article.publishedVersionId, { state: 'superseded', updatedAt: at });
        this.repo.updateArticle(tx, articleId, { publishedVersionId: draft.id, draftVersionId: null, withdrawn: false, updatedAt: at });
      } else this.repo.updateArticle(tx, articleId, { updatedAt: at });
      this.repo.writeAudit(tx, { at, articleId, versionId: draft.id, actorId: actor.id, action: t, note });
    });
    return this.get(actor, articleId);
  }

  private mustReview(actor: KbActor): void {
    if (!isReviewer(actor, this.opts.config().reviewers)) throw new KbError('KB_NOT_A_REVIEWER');
  }

  private editable(tx: Tx, actor: KbActor, articleId: number): ArticleRow {
    const article = this.repo.article(articleId, tx);
    if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
    if (!canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
    return article;
  }

  private view(article: ArticleRow): ArticleView {
    const published = article.publishedVersionId === null ? null : (this.repo.version(article.publishedVersionId) ?? null);
    const draft = article.draftVersionId === null ? null : (this.repo.version(article.draftVersionId) ?? null);
    const today = this.today();
    const inForce =
      published !== null &&
      (published.effectiveFrom === null || published.effectiveFrom <= today) &&
      (published.expiresOn === null || published.expiresOn > today);
    return {
      id: article.id,
      unitId: article.unitId,
      withdrawn: article.withdrawn,
      published,
      draft,
      staleness: published === null ? 'fresh' : staleness(published.reviewBy, today, this.opts.config().staleGraceDays),
      inForce,
    };
  }

  /** Validated fields whose hotlines, areas and unit exist in the configuration now. */
  checked(input: ArticleFieldsInput): ArticleFieldsValue {
    const parsed = ArticleFields.safeParse(input);
    if (!parsed.success) throw appError('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const f = parsed.data;
    if (!this.opts.unitExists(f.unitId)) throw appError('UNKNOWN_UNIT', `unit ${f.unitId} is not in org.yaml`);
    const hotline = f.hotlines.find((h) => !this.opts.hotlineExists(h));
    if (hotline !== undefined) throw new KbError('KB_UNKNOWN_HOTLINE', `hotline ${hotline} is not in numbers.yaml`);
    const area = f.areas.find((a) => !this.opts.areaExists(a));
    if (area !== undefined) throw new KbError('KB_UNKNOWN_AREA', `area ${area} is not in org.yaml`);
    const dates = datesProblem(f);
    if (dates !== null) throw new KbError('KB_BAD_DATES', dates);
    return f;
  }
}
