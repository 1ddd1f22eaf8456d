/**
 * The work-order REST API for agents, shift leads, admins and unit handlers. Every route reads
 * through the caller's scope (workorders/scope.ts): an order outside it is ORDER_NOT_FOUND.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowId, rowIdParam } from '../../contract/bounds.js';
import { OrderActionResult, OrderDetail, OrderList, OrderView } from '../../contract/http-workorders.js';
import type { SessionUser } from '../../users/index.js';
import { ORDER_CATEGORIES, ORDER_STATUSES, type Actor } from '../../workorders/lifecycle/index.js';
import { DEADLINE_HORIZON_DAYS, deadlineOutOfRange } from '../../workorders/deadlines/index.js';
import { createAccepted } from '../../workorders/intake.js';
import type { OrderReadsStore } from '../../workorders/order-reads-store.js';
import { MAX_PAGE_SIZE, ORDER_SORTS, readOrderDetail, readOrderPage, resultView, viewOfOrder } from '../../workorders/queries.js';
import { applyInScope, scopeFor, type ScopeOptions } from '../../workorders/scope.js';
import type { WorkOrdersService } from '../../workorders/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface WorkOrdersRoutesOptions extends ScopeOptions {
  /** The reads (one order with its history, the list and search) on the async port (decision 0017). */
  readonly orderReads: OrderReadsStore;
  readonly orders: WorkOrdersService;
  readonly now?: () => number;
}

const text = (max: number) => z.string().max(max);
const ms = z.number().int().positive();
const unitId = z.string().min(1).max(64);

const Fields = z.strictObject({
  category: z.enum(ORDER_CATEGORIES).nullable(),
  subject: text(200).nullable(),
  content: text(5000).nullable(),
  location: text(500).nullable(),
  callerName: text(100).nullable(),
  confidential: z.boolean(),
});
const FieldsPatch = Fields.partial();

const dispatch = {
  leadUnitId: unitId,
  coUnitIds: z.array(unitId).max(20).optional(),
  deadlineAt: ms,
  signDeadlineAt: ms.optional(),
  comment: text(2000).optional(),
};
const reason = text(2000);
const v = { expectedVersion: rowId().optional() };
const act = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ...shape, ...v });

/** Mirrors OrderAction (workorders/lifecycle/types.ts); the lifecycle still checks content. */
const ActionBody = z.discriminatedUnion('type', [
  act('update_fields', { fields: FieldsPatch }),
  act('accept', { fields: FieldsPatch.optional() }),
  act('answer_on_spot', { answer: text(5000) }),
  act('dispatch', dispatch),
  act('redispatch', dispatch),
  act('sign', {}),
  act('start', {}),
  act('return', { reason }),
  act('request_extension', { days: z.number().int(), reason }),
  act('grant_extension', { deadlineAt: ms, comment: reason.optional() }),
  act('refuse_extension', { reason }),
  act('reply', { text: text(5000) }),
  act('review_accept', { comment: reason.optional() }),
  act('review_send_back', { reason, deadlineAt: ms.optional() }),
  act('evaluate', {
    result: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied']),
    channel: z.enum(['survey', 'callback', 'third_party']),
    comment: reason.optional(),
  }),
  act('supervise', { level: z.number().int(), reason: reason.optional(), deadlineAt: ms.optional() }),
  act('close', { reason: reason.optional() }),
  act('merge_into', { targetOrderId: rowId() }),
  act('link', { otherOrderId: rowId() }),
  act('callback_done', { result: z.enum(['demand', 'no_demand', 'unreachable']), comment: reason.optional() }),
  act('abandon', { reason: reason.optional() }),
]);

/** A list parameter given once (`?status=a`), repeated (`?status=a&status=b`) or comma-separated. */
const listParam = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (x) => (x === undefined ? undefined : (Array.isArray(x) ? x : [x]).flatMap((s) => String(s).split(',')).filter(Boolean)),
    z.array(item).optional(),
  );
/**
 * Epoch milliseconds (at most 15 digits: to the year 33658, within PostgreSQL's bigint; more was
 * a failed query there, a 500) or an ISO date-time.
 */
const time = z.union([z.string().max(15).regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** The list's filters; the order desk's search extends them (desk-routes.ts). */
export const ListQuery = z.object({
  status: listParam(z.enum(ORDER_STATUSES)),
  category: z.enum(ORDER_CATEGORIES).optional(),
  channel: z.string().max(32).optional(),
  leadUnitId: unitId.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .optional(),
  createdFrom: time.optional(),
  createdTo: time.optional(),
  // Control characters (NUL, ESC, DEL, …; tabs and line breaks aside) are no one's search text:
  // refused here rather than handed to the FTS query parser.
  q: z
    .string()
    .trim()
    .max(200)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$/, 'no control characters')
    .optional(),
  /** Deep pages are for filters, not paging: 1,000,000 pages of 100 is far past any list a person reads. */
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  sort: z.enum(ORDER_SORTS).default('createdAt'),
});

const CreateBody = Fields.partial().extend({
  channel: z.string().min(1).max(32),
  callerPhone: z
    .string()
    .regex(/^\d{3,20}$/)
    .nullable()
    .optional(),
  category: z.enum(ORDER_CATEGORIES),
  content: text(5000).min(1),
});

const IdParams = z.object({ id: rowIdParam() });
const STAFF = ['agent', 'shift_lead', 'admin'] as const;

const actorOf = (user: SessionUser | null): Actor => {
  if (!user) throw appError('UNAUTHENTICATED');
  return { id: user.id, role: user.role, unitId: user.unitId };
};

export const workOrdersRoutes: FastifyPluginAsyncZod<WorkOrdersRoutesOptions> = async (app, opts) => {
  const { orders, orderReads } = opts;
  const now = opts.now ?? Date.now;
  const scope = (user: SessionUser | null) => scopeFor(actorOf(user), opts);

  app.get(
    '/api/workorders',
    {
      schema: {
        tags: ['workorders'],
        querystring: ListQuery,
        response: { 200: OrderList },
      },
      preHandler: requireRole(...STAFF, 'dispatcher', 'unit_handler'),
    },
    (req) => readOrderPage(orderReads, scope(req.user), req.query, now()),
  );

  app.get(
    '/api/workorders/:id',
    {
      schema: { tags: ['workorders'], params: IdParams, response: { 200: OrderDetail } },
      preHandler: requireRole(...STAFF, 'dispatcher', 'unit_handler'),
    },
    (req) => readOrderDetail(orderReads, scope(req.user), req.params.id),
  );

  app.post(
    '/api/workorders/:id/actions',
    {
      schema: { tags: ['workorders'], params: IdParams, body: ActionBody, response: { 200: OrderActionResult } },
      preHandler: requireRole(...STAFF, 'dispatcher', 'unit_handler'),
    },
    async (req) => {
      const { expectedVersion, ...action } = req.body;
      // Before anything is looked up or changed: due states are counted up to each deadline.
      const far = deadlineOutOfRange(action, now());
      if (far) throw appError('DEADLINE_OUT_OF_RANGE', `"${far.field}" must be at most ${DEADLINE_HORIZON_DAYS} days ahead`, far);
      const s = scope(req.user);
      return resultView(await applyInScope(orders, s, { orderId: req.params.id, action, actor: actorOf(req.user), expectedVersion }), s);
    },
  );

  app.post(
    '/api/workorders',
    {
      schema: { tags: ['workorders'], body: CreateBody, response: { 201: OrderView } },
      preHandler: requireRole(...STAFF),
    },
    async (req, reply) => {
      const { channel, callerPhone, ...fields } = req.body;
      const actor = actorOf(req.user);
      const draft = { channel, callerPhone: callerPhone ?? null, callerName: fields.callerName ?? null, agentId: actor.id };
      return reply.status(201).send(viewOfOrder(await createAccepted(orders, { draft, fields }, actor), scope(req.user)));
    },
  );
};
