/**
 * The knowledge base (知识库, issue 15): articles owned by units, drafted by the unit's handlers,
 * approved by the centre's reviewers before agents see them, every version kept and every
 * change audited; searched with Chinese segmentation; "answered with this article" links the
 * version an agent used to an order (当场答复). The tables are behind the knowledge base's port
 * (kb-store.ts, decision 0017): each change is one transaction with its audit row (kb-editing.ts).
 */
import type { KbAuditAction } from '../db/schema.js';
import { ArticleFields, datesProblem, type ArticleFieldsInput, type ArticleFieldsValue } from './article-input.js';
import { appError } from '../errors/index.js';
import { maskPhonesInText } from '../logging/mask.js';
import { DAY_MS } from '../lib/shanghai-time.js';
import { KbError } from './errors.js';
import { bodyImageIds } from '../contract/kb-body.js';
import { kbFigures } from './figures.js';
import type { KbConfig } from './kb-config.js';
import type { KbDirectory } from './facets.js';
import { editArticle, insertArticle, moveArticle, withdrawArticle } from './kb-editing.js';
import type { AnsweredWith, AuditRow, KbStore, VersionRow } from './kb-store.js';
import {
  articleView,
  beijingDay,
  type ArticleView,
  type KbImportUpload,
  type KbListParams,
  type KbOrderRef,
  type KbSearchParams,
  type KbSearchResult,
  type StaleArticle,
} from './kb-views.js';
import { KbSearchCache } from './search-cache.js';
import { plainText, highlight, snippet } from './highlight.js';
import { candidateProblem, formatProblem, readCsv, readMarkdown } from './import.js';
import { readXlsx } from './xlsx-import.js';
import { canEditUnit, isReviewer, seesDrafts, staleness, type KbActor, type KbTransition } from './workflow.js';

export {
  beijingDay,
  type ArticleView,
  type KbImportUpload,
  type KbListParams,
  type KbOrderRef,
  type KbSearchParams,
  type KbSearchResult,
  type StaleArticle,
} from './kb-views.js';

/** The longest span of the knowledge base's figures (a year and a leap day, as a report's custom period). */
export const MAX_FIGURES_DAYS = 366;

export interface KbServiceOptions {
  /** The knowledge base's tables on the async port: sqliteKbStore or pgKbStore. */
  readonly store: KbStore;
  readonly config: () => KbConfig;
  readonly hotlineExists: (number: string) => boolean;
  readonly areaExists: (areaId: string) => boolean;
  readonly unitExists: (unitId: string) => boolean;
  /** The area and its ancestors in org.yaml (an article for a county applies in its townships). */
  readonly areaLineage: (areaId: string) => readonly string[];
  /** An order by id (undefined when there is none), as committed. */
  readonly order: (orderId: number) => KbOrderRef | undefined | Promise<KbOrderRef | undefined>;
  /** Whether `actor` may see the order (the work orders' scope); without it nobody reads an order's answers. */
  readonly seesOrder?: (actor: KbActor, orderId: number) => boolean | Promise<boolean>;
  /** org.yaml's units and areas for the filter pickers (GET /api/kb/facets); none without it. */
  readonly directory?: () => KbDirectory;
  readonly now?: () => number;
}

export class KbService {
  private readonly store: KbStore;
  private readonly now: () => number;
  readonly search: KbSearchCache;

  constructor(private readonly opts: KbServiceOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.search = new KbSearchCache(this.store, () => opts.config().synonyms);
  }

  today(): string {
    return beijingDay(this.now());
  }

  /** A new article of `fields.unitId`, as a draft (version 1). */
  async create(actor: KbActor, input: ArticleFieldsInput, action: KbAuditAction = 'create'): Promise<ArticleView> {
    const fields = this.editableFields(actor, input);
    const at = this.now();
    const id = await this.store.transaction((tx) => insertArticle(tx, actor, fields, at, action));
    return this.get(actor, id);
  }

  /**
   * Edit the article: its draft (or rejected version) in place, or a new draft version after the
   * published one. `draftVersionId` is the draft the editor read (null: there was none).
   */
  async update(actor: KbActor, articleId: number, input: ArticleFieldsInput, draftVersionId: number | null): Promise<ArticleView> {
    const fields = this.checked(input);
    const at = this.now();
    await this.store.transaction((tx) => editArticle(tx, actor, articleId, fields, draftVersionId, at));
    return this.get(actor, articleId);
  }

  /** Submit the draft for review (its unit's editors); the images its body places must be attached to it. */
  submit(actor: KbActor, articleId: number): Promise<ArticleView> {
    return this.move(actor, articleId, 'submit', null, async (article, draft, tx) => {
      if (!canEditUnit(actor, article.unitId)) throw new KbError('KB_NOT_YOUR_UNIT');
      if (!draft) return;
      const images = new Set((await tx.attachmentsOf(draft.id)).filter((a) => a.mediaType.startsWith('image/')).map((a) => a.id));
      const missing = bodyImageIds(draft.body).filter((id) => !images.has(id));
      if (missing.length > 0)
        throw new KbError('KB_IMAGE_NOT_ATTACHED', `the body places attachment ${missing.join(', ')}, which is not an image of this draft`);
    });
  }

  /** Approve the version in review: it becomes what agents read; the one before is kept as superseded. */
  approve(actor: KbActor, articleId: number, note: string | null): Promise<ArticleView> {
    return this.move(actor, articleId, 'approve', note, () => this.mustReview(actor));
  }

  reject(actor: KbActor, articleId: number, note: string): Promise<ArticleView> {
    return this.move(actor, articleId, 'reject', note, () => this.mustReview(actor));
  }

  /** Withdraw an article: hidden from agents, all of it kept; approving a new version brings it back. */
  async withdraw(actor: KbActor, articleId: number, note: string | null): Promise<ArticleView> {
    const at = this.now();
    const reviewer = isReviewer(actor, this.opts.config().reviewers);
    await this.store.transaction((tx) => withdrawArticle(tx, actor, articleId, reviewer, note, at));
    return this.get(actor, articleId);
  }

  /** An article as `actor` may see it: agents only a published one in force; editors and reviewers everything. */
  async get(actor: KbActor, articleId: number): Promise<ArticleView> {
    const view = await this.store.read(async (q) => {
      const article = await q.article(articleId);
      return article && articleView(q, article, this.today(), this.opts.config().staleGraceDays);
    });
    if (!view) throw new KbError('KB_ARTICLE_NOT_FOUND');
    if (seesDrafts(actor, view.unitId, this.opts.config().reviewers)) return view;
    if (view.published === null || view.withdrawn || !view.inForce) throw new KbError('KB_ARTICLE_NOT_FOUND');
    return { ...view, draft: null };
  }

  /** One version: published ones (also superseded: what an agent read during a call) to every reader, drafts to editors and reviewers. */
  async version(actor: KbActor, versionId: number): Promise<VersionRow> {
    const { v, article } = await this.store.read(async (q) => {
      const v = await q.version(versionId);
      return { v, article: v && (await q.article(v.articleId)) };
    });
    if (!v || !article) throw new KbError('KB_VERSION_NOT_FOUND');
    if (v.publishedAt === null && !seesDrafts(actor, article.unitId, this.opts.config().reviewers)) throw new KbError('KB_VERSION_NOT_FOUND');
    return v;
  }

  /** Every version and audit row of an article (its editors and the reviewers). */
  async history(actor: KbActor, articleId: number): Promise<{ versions: VersionRow[]; audit: AuditRow[] }> {
    return this.store.read(async (q) => {
      const article = await q.article(articleId);
      if (!article) throw new KbError('KB_ARTICLE_NOT_FOUND');
      if (!seesDrafts(actor, article.unitId, this.opts.config().reviewers)) throw new KbError('KB_NOT_YOUR_UNIT');
      return { versions: await q.versions(articleId), audit: await q.audit(articleId) };
    });
  }

  /**
   * Articles for management: a unit handler's own unit, everything for administrators and
   * reviewers; filtered by the current version's state, category, area (with its ancestors, as
   * a search) and type.
   */
  async list(actor: KbActor, filter: KbListParams, limit: number, offset: number): Promise<ArticleView[]> {
    const reviewer = isReviewer(actor, this.opts.config().reviewers);
    if (!reviewer && actor.role !== 'unit_handler') throw new KbError('KB_NOT_YOUR_UNIT', 'the article list is for editors and reviewers');
    this.knownFilters(filter);
    if (!reviewer && filter.unitId !== undefined && filter.unitId !== actor.unitId) throw new KbError('KB_NOT_YOUR_UNIT');
    const unitId = reviewer ? filter.unitId : (actor.unitId ?? '');
    const { area, ...rest } = filter;
    const today = this.today();
    const grace = this.opts.config().staleGraceDays;
    return this.store.read(async (q) => {
      const articles = await q.list({ ...rest, unitId, areas: area === undefined ? undefined : this.opts.areaLineage(area) }, limit, offset);
      const views: ArticleView[] = [];
      for (const a of articles) views.push(await articleView(q, a, today, grace));
      return views;
    });
  }

  /** What the filter controls offer: units that own articles (with names), published categories, org.yaml's areas. */
  async facets(): Promise<{ units: Array<{ id: string; name: string }>; categories: string[]; areas: Array<{ id: string; name: string; level: string }> }> {
    const dir = this.opts.directory?.() ?? { units: [], areas: [] };
    const names = new Map(dir.units.map((u) => [u.id, u.name]));
    const { units, categories } = await this.store.read(async (q) => ({ units: await q.owningUnits(), categories: await q.publishedCategories(500) }));
    return { units: units.map((id) => ({ id, name: names.get(id) ?? id })), categories, areas: [...dir.areas] };
  }

  /**
   * A filter's unit and area must be in org.yaml, its hotline in numbers.yaml (400 UNKNOWN_UNIT /
   * KB_UNKNOWN_AREA / KB_UNKNOWN_HOTLINE), not an empty answer.
   */
  private knownFilters(f: { readonly unitId?: string | undefined; readonly area?: string | undefined; readonly hotline?: string | undefined }): void {
    if (f.hotline !== undefined && !this.opts.hotlineExists(f.hotline)) throw new KbError('KB_UNKNOWN_HOTLINE', `hotline ${f.hotline} is not in numbers.yaml`);
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
  async stale(actor: KbActor, unitId: string | undefined): Promise<StaleArticle[]> {
    const reviewer = isReviewer(actor, this.opts.config().reviewers);
    if (!reviewer && actor.role !== 'unit_handler') throw new KbError('KB_NOT_YOUR_UNIT', 'stale articles are for their editors and the reviewers');
    if (!reviewer && unitId !== undefined && unitId !== actor.unitId) throw new KbError('KB_NOT_YOUR_UNIT');
    this.knownFilters({ unitId });
    const today = this.today();
    const grace = this.opts.config().staleGraceDays;
    const rows = await this.store.read((q) => q.stale(today, reviewer ? unitId : (actor.unitId ?? ''), 200));
    return rows.map(({ article, version }) => ({
      id: article.id,
      unitId: article.unitId,
      title: version.title,
      reviewBy: version.reviewBy!,
      staleness: staleness(version.reviewBy, today, grace),
      hasDraft: article.draftVersionId !== null,
    }));
  }

  /** Full-text search of what agents may be shown today; a search that finds nothing is logged (once the index is complete). */
  async find(actor: KbActor, p: KbSearchParams): Promise<{ items: KbSearchResult[]; tokens: string[]; complete: boolean }> {
    this.knownFilters(p);
    const { engine, tokenizer, complete } = await this.search.current();
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
    if (hits.length === 0 && complete && p.q.trim().length > 0 && p.live !== true) {
      // Kept for the figures' "what the KB lacks", read by dispatchers, leads and admins: a phone or
      // ID number someone typed is personal data and no gap in the KB, so it is kept masked.
      const row = { at: this.now(), query: maskPhonesInText(p.q.trim()).slice(0, 200), hotline: p.hotline ?? null, actorId: actor.id };
      await this.store.transaction((tx) => tx.insertMissedSearch(row));
    }
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

  /**
   * "Answered with this article": the agent of the order (or a shift lead, an administrator) links
   * the version they used: published, of an article not withdrawn, in force today.
   */
  async answer(actor: KbActor, orderId: number, versionId: number): Promise<{ linked: boolean }> {
    const order = await this.opts.order(orderId);
    if (!order) throw new KbError('KB_ANSWER_REFUSED', `no order ${orderId}`);
    if (actor.role === 'agent' && order.agentId !== actor.id) throw new KbError('KB_ANSWER_REFUSED', 'the order is another agent’s');
    const at = this.now();
    const today = this.today();
    const linked = await this.store.transaction(async (tx) => {
      const v = await tx.version(versionId);
      if (!v || v.publishedAt === null) throw new KbError('KB_ANSWER_REFUSED', 'only a published version answers a caller');
      // What agents may be shown today only: a withdrawn article, or a version expired or not yet in force, answers nobody
      // (a version superseded during the call still does).
      if ((await tx.article(v.articleId))?.withdrawn !== false) throw new KbError('KB_ANSWER_REFUSED', 'the article is withdrawn');
      if ((v.effectiveFrom !== null && v.effectiveFrom > today) || (v.expiresOn !== null && v.expiresOn <= today))
        throw new KbError('KB_ANSWER_REFUSED', 'the version is not in force today');
      return tx.insertAnswer({ orderId, articleId: v.articleId, versionId, hotline: order.channel, actorId: actor.id, at });
    });
    return { linked };
  }

  /**
   * The article versions an order was answered with: what the agent read during the call, shown
   * later (each version's text and files stay readable: GET /api/kb/versions/:id). To whoever
   * may see the order; another's order is KB_ORDER_NOT_FOUND, as a missing one.
   */
  async answersOf(actor: KbActor, orderId: number): Promise<AnsweredWith[]> {
    // Awaited before anything is read: a pending or failed check never shows the answers.
    if ((await this.opts.seesOrder?.(actor, orderId)) !== true) throw new KbError('KB_ORDER_NOT_FOUND', `no order ${orderId}`);
    return this.store.read((q) => q.answersOf(orderId));
  }

  /**
   * Import articles as drafts from CSV files, Markdown files or Excel workbooks; all or nothing
   * (one transaction): any problem (FILE:LINE:COL, the config files' shape; a workbook's
   * FILE[SHEET]:ROW:COL) refuses the whole import with every problem listed.
   */
  async import(actor: KbActor, upload: KbImportUpload): Promise<{ imported: number[] }> {
    const read =
      upload.format === 'xlsx'
        ? await Promise.all(upload.files.map((f) => readXlsx(f, actor.unitId)))
        : upload.files.map((f) => (upload.format === 'csv' ? readCsv(f, actor.unitId) : readMarkdown(f, actor.unitId)));
    const problems = read.flatMap((r) => r.problems);
    const candidates: ArticleFieldsValue[] = [];
    for (const c of read.flatMap((r) => r.candidates)) {
      try {
        candidates.push(this.editableFields(actor, c.fields, 'you may import articles of your own unit only, not '));
      } catch (err) {
        problems.push(candidateProblem(c, err));
      }
    }
    if (problems.length > 0 || candidates.length === 0) {
      const list = problems.length > 0 ? problems.map(formatProblem) : ['nothing to import'];
      throw new KbError('KB_IMPORT_INVALID', list.slice(0, 5).join('\n'), { details: { problems: list.slice(0, 200) } });
    }
    const at = this.now();
    const imported = await this.store.transaction(async (tx) => {
      const ids: number[] = [];
      for (const fields of candidates) ids.push(await insertArticle(tx, actor, fields, at, 'import'));
      return ids;
    });
    return { imported };
  }

  /** The figures for Beijing days [from, to] (default: the 7 days up to today; at most {@link MAX_FIGURES_DAYS}); stale articles as of today. */
  async figures(from: string | undefined, to: string | undefined) {
    const today = this.today();
    const last = to ?? today;
    const first = from ?? beijingDay(Date.parse(`${last}T00:00:00+08:00`) - 6 * 86_400_000);
    if (first > last) throw appError('VALIDATION_FAILED', 'from is after to');
    const start = Date.parse(`${first}T00:00:00+08:00`);
    const end = Date.parse(`${last}T00:00:00+08:00`) + 86_400_000;
    const days = Math.round((end - start) / DAY_MS);
    if (days > MAX_FIGURES_DAYS) throw appError('VALIDATION_FAILED', `the figures cover at most ${MAX_FIGURES_DAYS} days; from ${first} to ${last} is ${days}`);
    const grace = this.opts.config().staleGraceDays;
    const figures = await this.store.read((q) => kbFigures(q, start, end, today, grace));
    return { from: first, to: last, ...figures };
  }

  private async move(
    actor: KbActor,
    articleId: number,
    t: Exclude<KbTransition, 'edit'>,
    note: string | null,
    allowed: Parameters<typeof moveArticle>[6],
  ): Promise<ArticleView> {
    const at = this.now();
    await this.store.transaction((tx) => moveArticle(tx, actor, articleId, t, note, at, allowed));
    return this.get(actor, articleId);
  }

  private mustReview(actor: KbActor): void {
    if (!isReviewer(actor, this.opts.config().reviewers)) throw new KbError('KB_NOT_A_REVIEWER');
  }

  /** Checked fields of a new article `actor` may write (its own unit). */
  private editableFields(actor: KbActor, input: ArticleFieldsInput, refusal?: string): ArticleFieldsValue {
    const fields = this.checked(input);
    if (!canEditUnit(actor, fields.unitId))
      throw new KbError('KB_NOT_YOUR_UNIT', refusal === undefined ? 'you may write articles of your own unit only' : `${refusal}${fields.unitId}`);
    return fields;
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
