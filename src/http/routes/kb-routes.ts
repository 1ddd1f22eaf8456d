/**
 * The knowledge base API (知识库, issue 15): search and suggestions for agents, articles and their
 * workflow for unit handlers and the centre's reviewers, "answered with this article", figures
 * and import. Agents read only published articles in force; a unit handler writes only its own
 * unit's articles; only reviewers (administrators and kb.yaml's reviewers) approve.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_ROW_ID, rowId } from '../../contract/bounds.js';
import {
  KB_ARTICLE_TYPES,
  KbArticle,
  KbArticles,
  KbAnswers,
  KbFacets,
  KbFigures,
  KbHistory,
  KbImported,
  KbLinked,
  KbSearchResult,
  KbStaleList,
  KbVersion,
  KB_VERSION_STATES,
} from '../../contract/http-kb.js';
import type { SessionUser } from '../../users/index.js';
import { ArticleFields, KB_EDITOR_ROLES, KB_READER_ROLES, KbDate, MAX_XLSX_BYTES, type KbActor, type KbService } from '../../kb/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface KbRoutesOptions {
  readonly kb: KbService;
}

const actorOf = (user: SessionUser | null): KbActor => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId, username: user.username };
};

const IdParams = z.object({
  id: z.coerce.number().int().positive().max(MAX_ROW_ID),
});
const Note = z.string().trim().min(1).max(1000);
const FileName = z.string().min(1).max(200);
const word = z.string().trim().min(1).max(40);
/** A unit or area id of org.yaml as a filter: bounded, its shape checked here, its existence by the service (400 UNKNOWN_UNIT / KB_UNKNOWN_AREA). */
const OrgId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be an id of org.yaml');
const SearchQuery = z.object({
  q: z.string().max(200).default(''),
  /** A number of numbers.yaml: its shape checked here, its existence by the service (400 KB_UNKNOWN_HOTLINE). */
  hotline: z
    .string()
    .regex(/^[0-9]{3,20}$/)
    .optional(),
  category: word.optional(),
  unitId: OrgId.optional(),
  area: OrgId.optional(),
  type: z.enum(KB_ARTICLE_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  /** 1: a live refinement as the agent types; a search that finds nothing is then not logged. */
  live: z.enum(['0', '1']).default('0'),
});
/** How long a search waits for the index's first build before answering from the articles loaded so far. */
const SEARCH_WAIT_MS = 2000;
const Period = z.object({ from: KbDate.optional(), to: KbDate.optional() });

export const kbRoutes: FastifyPluginAsyncZod<KbRoutesOptions> = async (app, opts) => {
  const { kb } = opts;
  const readers = requireRole(...KB_READER_ROLES);
  const editors = requireRole(...KB_EDITOR_ROLES);
  const tags = ['kb'];

  app.get(
    '/api/kb/search',
    {
      schema: {
        tags,
        description:
          'Full-text search of the articles agents may be shown today (published, in force, not withdrawn), Chinese segmentation and kb.yaml synonyms, filtered; ranked by relevance, then by use on the hotline. Without q: the hotline’s most used (screen-pop suggestions). A search with q that finds nothing is logged for the figures. A hotline not in numbers.yaml is 400 KB_UNKNOWN_HOTLINE, a unit not in org.yaml 400 UNKNOWN_UNIT, an area not in org.yaml 400 KB_UNKNOWN_AREA (nothing logged).',
        querystring: SearchQuery,
        response: { 200: KbSearchResult },
      },
      preHandler: readers,
    },
    async (req) => {
      // After a start the index loads in the background: wait for it a little, then answer from what is there.
      await kb.searchReady(SEARCH_WAIT_MS);
      const { items, complete } = await kb.find(actorOf(req.user), { ...req.query, live: req.query.live === '1' });
      return { items, complete };
    },
  );

  app.get(
    '/api/kb/articles',
    {
      schema: {
        tags,
        description:
          'Articles for their editors (a unit handler: its unit) and the reviewers, by the current version’s state, category, area (an article for an area’s ancestor applies there too) and type.',
        querystring: z.object({
          unitId: OrgId.optional(),
          state: z.enum(KB_VERSION_STATES).optional(),
          category: word.optional(),
          area: OrgId.optional(),
          type: z.enum(KB_ARTICLE_TYPES).optional(),
          withdrawn: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(100_000).default(0),
        }),
        response: { 200: KbArticles },
      },
      preHandler: readers,
    },
    async (req) => {
      const { limit, offset, withdrawn, ...filter } = req.query;
      return { items: await kb.list(actorOf(req.user), { ...filter, withdrawn: withdrawn === undefined ? undefined : withdrawn === 'true' }, limit, offset) };
    },
  );

  app.get(
    '/api/kb/facets',
    {
      schema: {
        tags,
        description: 'What the /kb filters offer: the units that own articles, the categories of published articles, org.yaml’s areas (depth first).',
        response: { 200: KbFacets },
      },
      preHandler: readers,
    },
    async () => kb.facets(),
  );

  app.get(
    '/api/kb/stale',
    {
      schema: {
        tags,
        description:
          'Published articles past their review-by date (时效性), longest overdue first: a unit handler its own unit’s, the reviewers every unit’s (or unitId’s); stale_overdue once past kb.yaml’s staleGraceDays.',
        querystring: z.object({ unitId: OrgId.optional() }),
        response: { 200: KbStaleList },
      },
      // kb.yaml's reviewers may hold any role: the service refuses who is neither an editor nor a reviewer.
      preHandler: readers,
    },
    async (req) => ({ items: await kb.stale(actorOf(req.user), req.query.unitId) }),
  );

  app.post(
    '/api/kb/articles',
    { schema: { tags, description: 'A new article of a unit, as a draft.', body: ArticleFields, response: { 201: KbArticle } }, preHandler: editors },
    async (req, reply) => reply.code(201).send(await kb.create(actorOf(req.user), req.body)),
  );

  app.get('/api/kb/articles/:id', { schema: { tags, params: IdParams, response: { 200: KbArticle } }, preHandler: readers }, async (req) =>
    kb.get(actorOf(req.user), req.params.id),
  );

  app.put(
    '/api/kb/articles/:id',
    {
      schema: {
        tags,
        description:
          'Edit the draft (or start one after the published version). draftVersionId: the draft you read (null if none): a newer one is 409 KB_STALE_EDIT.',
        params: IdParams,
        body: z.strictObject({ fields: ArticleFields, draftVersionId: rowId().nullable() }),
        response: { 200: KbArticle },
      },
      preHandler: editors,
    },
    async (req) => kb.update(actorOf(req.user), req.params.id, req.body.fields, req.body.draftVersionId),
  );

  const NoteBody = z.strictObject({ note: Note.optional() });
  app.post(
    '/api/kb/articles/:id/submit',
    {
      schema: {
        tags,
        description:
          'Submit the draft for review. Its body may place images attached to it as ![alt](attachment:ID); any other reference is 400 KB_IMAGE_NOT_ATTACHED.',
        params: IdParams,
        response: { 200: KbArticle },
      },
      preHandler: editors,
    },
    async (req) => kb.submit(actorOf(req.user), req.params.id),
  );
  app.post(
    '/api/kb/articles/:id/approve',
    { schema: { tags, params: IdParams, body: NoteBody, response: { 200: KbArticle } }, preHandler: readers },
    async (req) => kb.approve(actorOf(req.user), req.params.id, req.body.note ?? null),
  );
  app.post(
    '/api/kb/articles/:id/reject',
    { schema: { tags, params: IdParams, body: z.strictObject({ note: Note }), response: { 200: KbArticle } }, preHandler: readers },
    async (req) => kb.reject(actorOf(req.user), req.params.id, req.body.note),
  );
  app.post(
    '/api/kb/articles/:id/withdraw',
    { schema: { tags, params: IdParams, body: NoteBody, response: { 200: KbArticle } }, preHandler: readers },
    async (req) => kb.withdraw(actorOf(req.user), req.params.id, req.body.note ?? null),
  );

  app.get(
    '/api/kb/articles/:id/history',
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: KbHistory },
      },
      preHandler: readers,
    },
    async (req) => kb.history(actorOf(req.user), req.params.id),
  );

  app.get(
    '/api/kb/versions/:id',
    {
      schema: { tags, description: 'One version, e.g. the one an order was answered with.', params: IdParams, response: { 200: KbVersion } },
      preHandler: readers,
    },
    async (req) => kb.version(actorOf(req.user), req.params.id),
  );

  app.post(
    '/api/kb/answers',
    {
      schema: {
        tags,
        description:
          '"Answered with this article": links a published version to an order (answered on the spot); counted in 当场答复率. An agent only on their own order; only a version agents may be shown today (its article not withdrawn, the version in force; one superseded meanwhile still counts), else 409 KB_ANSWER_REFUSED.',
        body: z.strictObject({
          orderId: z.number().int().positive().max(MAX_ROW_ID),
          versionId: z.number().int().positive().max(MAX_ROW_ID),
        }),
        response: { 200: KbLinked },
      },
      preHandler: requireRole('agent', 'shift_lead', 'admin'),
    },
    async (req) => kb.answer(actorOf(req.user), req.body.orderId, req.body.versionId),
  );

  app.get(
    '/api/kb/answers',
    {
      schema: {
        tags,
        description:
          'The article versions an order was answered with (what the agent read during the call; each version stays readable at /api/kb/versions/:id), to whoever may see the order.',
        querystring: z.object({ orderId: IdParams.shape.id }),
        response: { 200: KbAnswers },
      },
      preHandler: readers,
    },
    async (req) => ({ items: await kb.answersOf(actorOf(req.user), req.query.orderId) }),
  );

  app.post(
    '/api/kb/import',
    {
      schema: {
        tags,
        description:
          'Bulk import as drafts: CSV (a header row: 标题,内容,类型,单位,热线,分类,区域,关键词,生效日期,失效日期,复核日期), Markdown files with a YAML front matter, or Excel workbooks (.xlsx, base64 in data, at most 512 KiB and 5000 rows each; every non-empty sheet a table with the CSV header). All or nothing: 400 KB_IMPORT_INVALID with details.problems as FILE:LINE:COL lines (a workbook: FILE[SHEET]:ROW:COL with the cell, e.g. C3).',
        body: z.discriminatedUnion('format', [
          z.strictObject({
            format: z.enum(['csv', 'markdown']),
            files: z
              .array(z.strictObject({ name: FileName, text: z.string().max(2_000_000) }))
              .min(1)
              .max(200),
          }),
          z.strictObject({
            format: z.literal('xlsx'),
            files: z
              .array(z.strictObject({ name: FileName, data: z.base64().max(Math.ceil(MAX_XLSX_BYTES / 3) * 4) }))
              .min(1)
              .max(10),
          }),
        ]),
        response: { 200: KbImported },
      },
      preHandler: editors,
    },
    async (req) => {
      const body = req.body;
      const actor = actorOf(req.user);
      if (body.format === 'xlsx')
        return kb.import(actor, { format: 'xlsx', files: body.files.map((f) => ({ name: f.name, data: Buffer.from(f.data, 'base64') })) });
      return kb.import(actor, body);
    },
  );

  app.get(
    '/api/kb/figures',
    {
      schema: {
        tags,
        description:
          '当场答复率 (overall, per hotline, per article type), most-used articles, searches with no result and stale articles per unit, for Beijing days [from, to] (default: the last 7 days; at most 366 days, else 400 VALIDATION_FAILED).',
        querystring: Period,
        response: { 200: KbFigures },
      },
      preHandler: requireRole('shift_lead', 'admin', 'dispatcher'),
    },
    async (req) => kb.figures(req.query.from, req.query.to),
  );
};
