/**
 * The order desk API (派单/审核 工作台, issue 10) for dispatchers, shift leads and admins: queue
 * counts and pages, search, saved searches, likely repeats, the dispatch suggestion and returns
 * per unit. Everything reads within the caller's scope (a county dispatcher: its sub-platform's
 * subtree; an order outside it is ORDER_NOT_FOUND). Actions go through POST
 * /api/workorders/:id/actions. The screen that uses this: docs/workorder-lifecycle.md.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowIdParam } from '../../contract/bounds.js';
import {
  Consultation,
  DeskOrderDetail,
  DeskUnits,
  OrderCalls,
  QueueCounts,
  QueuePage,
  SavedFilter,
  SavedFilters,
  SearchPage,
  SimilarOrders,
  Suggestion,
  UnitReturnsPage,
} from '../../contract/http-desk.js';
import type { SessionUser } from '../../users/index.js';
import { DESK_QUEUES, DESK_ROLES, type DeskService, type DeskUser, type SavedFilters as SavedFiltersService } from '../../workorders/desk/index.js';
import { consultationWorkbook } from '../../workorders/desk/consultation-xlsx.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';
import { ListQuery } from './workorders-routes.js';

export interface DeskRoutesOptions {
  readonly desk: DeskService;
  /** The user's saved searches (常用筛选). */
  readonly savedFilters: SavedFiltersService;
  readonly now?: () => number;
}

const userOf = (user: SessionUser | null): DeskUser => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId };
};

const cursor = z.string().min(1).max(200).optional();

/** The search's parameters (the work-order list's filters, an exact number and phone); a saved filter stores these. */
const SearchParams = ListQuery.omit({ page: true, pageSize: true }).extend({
  number: z.string().trim().min(1).max(40).optional(),
  phone: z
    .string()
    .regex(/^\d{3,20}$/)
    .optional(),
});
/** A saved filter names only the search's own parameters. */
const StrictSearch = z.strictObject(SearchParams.shape);
const SearchQuery = SearchParams.extend({ cursor, pageSize: ListQuery.shape.pageSize });
const IdParams = z.object({ id: rowIdParam() });
const badCursor = () => appError('VALIDATION_FAILED', 'the cursor is not one this server gave out');

export const deskRoutes: FastifyPluginAsyncZod<DeskRoutesOptions> = async (app, opts) => {
  const { desk, savedFilters } = opts;
  const now = opts.now ?? Date.now;
  const desks = requireRole(...DESK_ROLES);
  const tags = ['desk'];

  app.get('/api/desk/queues', { schema: { tags, response: { 200: QueueCounts } }, preHandler: desks }, async (req) => desk.counts(userOf(req.user)));

  app.get(
    '/api/desk/queues/:queue',
    {
      schema: {
        tags,
        params: z.object({ queue: z.enum(DESK_QUEUES) }),
        querystring: z.object({ cursor, pageSize: ListQuery.shape.pageSize }),
        response: { 200: QueuePage },
      },
      preHandler: desks,
    },
    async (req) => (await desk.queue(userOf(req.user), req.params.queue, req.query.cursor, req.query.pageSize)) ?? Promise.reject(badCursor()),
  );

  app.get(
    '/api/desk/orders',
    {
      schema: {
        tags,
        querystring: SearchQuery,
        response: { 200: SearchPage },
      },
      preHandler: desks,
    },
    async (req) => {
      const user = userOf(req.user);
      // A masked phone is not to be confirmed by searching for it either.
      if (req.query.phone !== undefined && !desk.reader(user).readsPhones) throw appError('FORBIDDEN', 'searching by phone needs a role that may read phones');
      return (await desk.search(user, req.query)) ?? Promise.reject(badCursor());
    },
  );

  app.get(
    '/api/desk/orders/:id',
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: DeskOrderDetail },
      },
      preHandler: desks,
    },
    async (req) => desk.order(userOf(req.user), req.params.id),
  );

  app.get(
    '/api/desk/orders/:id/calls',
    {
      schema: {
        tags,
        description:
          'The order’s calls: the one it came in with, those of the orders merged into it that the caller may see, and the calls made for it (callbacks), oldest first.',
        params: IdParams,
        response: { 200: OrderCalls },
      },
      preHandler: desks,
    },
    async (req) => ({ items: await desk.calls(userOf(req.user), req.params.id) }),
  );

  app.get(
    '/api/desk/units',
    {
      schema: {
        tags,
        description: 'The units the caller may dispatch to: every unit for the city centre, the sub-platform’s subtree for a county dispatcher.',
        response: { 200: DeskUnits },
      },
      preHandler: desks,
    },
    async (req) => ({ items: desk.units(userOf(req.user)) }),
  );

  app.get(
    '/api/desk/orders/:id/similar',
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: SimilarOrders },
      },
      preHandler: desks,
    },
    async (req) => ({ items: await desk.similar(userOf(req.user), req.params.id) }),
  );

  app.get(
    '/api/desk/orders/:id/suggestion',
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: Suggestion },
      },
      preHandler: desks,
    },
    async (req) => desk.suggestion(userOf(req.user), req.params.id),
  );

  app.get(
    '/api/desk/units/returns',
    {
      schema: {
        tags,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: { 200: UnitReturnsPage },
      },
      preHandler: desks,
    },
    async (req) => desk.returnsByUnit(userOf(req.user), req.query.days),
  );

  const ConsultationQuery = z.object({
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a Beijing date, YYYY-MM-DD')
      .optional(),
  });
  const consultation = async (user: SessionUser | null, day: string | undefined) =>
    (await desk.consultation(userOf(user), day)) ?? Promise.reject(appError('VALIDATION_FAILED', `${day ?? ''} is not a date`));

  app.get(
    '/api/desk/consultation',
    {
      schema: {
        tags,
        description:
          'The daily consultation list (每日会商) of a Beijing day (default yesterday): returns disputed by units, orders still being handled past their deadline at the end of the day, orders unsatisfied a second time or more — grouped by unit, within the caller’s scope.',
        querystring: ConsultationQuery,
        response: { 200: Consultation },
      },
      preHandler: desks,
    },
    async (req) => consultation(req.user, req.query.day),
  );

  app.get(
    '/api/desk/consultation.xlsx',
    {
      schema: {
        tags,
        description: 'The same list as an Excel workbook, one sheet per kind (lang: zh, the default, or en).',
        querystring: ConsultationQuery.extend({ lang: z.enum(['zh', 'en']).default('zh') }),
      },
      preHandler: desks,
    },
    async (req, reply) => {
      const list = await consultation(req.user, req.query.day);
      const body = await consultationWorkbook(list, req.query.lang, (id) => desk.unitName(id));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="consultation-${list.day}.xlsx"`)
        .send(body);
    },
  );

  // The filter is stored as sent (the search's own parameters, raw), and replayed as its query string.
  const RawSearch = z
    .record(z.string(), z.union([z.string().max(200), z.array(z.string().max(200)).max(20)]))
    .refine((f) => StrictSearch.safeParse(f).success, {
      message: 'not a valid search of GET /api/desk/orders',
    });

  app.get('/api/desk/filters', { schema: { tags, response: { 200: SavedFilters } }, preHandler: desks }, async (req) => ({
    items: await savedFilters.list(userOf(req.user).id),
  }));

  app.post(
    '/api/desk/filters',
    {
      schema: { tags, body: z.strictObject({ name: z.string().trim().min(1).max(60), filter: RawSearch }), response: { 200: SavedFilter } },
      preHandler: desks,
    },
    async (req) => savedFilters.save(userOf(req.user).id, req.body.name, req.body.filter, now()),
  );

  app.delete('/api/desk/filters/:id', { schema: { tags, params: IdParams, response: { 204: z.null() } }, preHandler: desks }, async (req, reply) => {
    await savedFilters.delete(userOf(req.user).id, req.params.id);
    return reply.status(204).send(null);
  });
};
