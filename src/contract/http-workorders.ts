/**
 * The work-order API's responses (src/http/routes/workorders-routes.ts, due-states-routes.ts):
 * the routes reply through these schemas (and OpenAPI describes them), the web app infers its
 * types from them (`import type`), so a reply and the page that reads it cannot drift apart.
 * Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { DUE_STATES, ORDER_CATEGORIES, ORDER_STATUSES, WAIT_CLOCKS } from './work-orders.js';

/** The order as the API shows it (also the order desk's rows, http-desk.ts); the reporter masked per scope. */
export const OrderView = z.object({
  id: z.number(),
  number: z.string(),
  channel: z.string(),
  status: z.enum(ORDER_STATUSES),
  category: z.enum(ORDER_CATEGORIES).nullable(),
  subject: z.string().nullable(),
  content: z.string().nullable(),
  location: z.string().nullable(),
  callerId: z.number().nullable(),
  callerPhone: z.string().nullable(),
  callerName: z.string().nullable(),
  confidential: z.boolean(),
  reporterHidden: z.boolean(),
  lookupCode: z.string().nullable().describe("the citizen's lookup code 查询码, told with the order number (null for unit handlers)"),
  callId: z.string().nullable(),
  agentId: z.number().nullable(),
  leadUnitId: z.string().nullable(),
  coUnitIds: z.array(z.string()).readonly(),
  coRepliedUnitIds: z.array(z.string()).readonly(),
  deadlineAt: z.number().nullable(),
  signDeadlineAt: z.number().nullable(),
  callbackDue: z.boolean(),
  pendingExtension: z.object({ days: z.number(), reason: z.string(), requestedAt: z.number(), requestedBy: z.number() }).nullable(),
  satisfaction: z.string().nullable(),
  supervisionLevel: z.number(),
  handlingRound: z.number(),
  mergedIntoId: z.number().nullable(),
  linkedOrderIds: z.array(z.number()).readonly(),
  createdAt: z.number(),
  updatedAt: z.number(),
  version: z.number(),
});
export type OrderView = z.output<typeof OrderView>;

/** The dispatch suggestion (派单建议) from org.yaml's responsibility catalogue: lead unit (主办), co-handlers (协办), and why. */
export const DispatchSuggestion = z.object({
  lead: z.string(),
  coHandlers: z.array(z.string()),
  entryId: z.string(),
  matchedKeywords: z.array(z.string()),
  reason: z.string(),
});
export type DispatchSuggestion = z.output<typeof DispatchSuggestion>;

/** One entry of an order's history. */
export const EventView = z.object({
  id: z.number(),
  orderId: z.number(),
  at: z.number(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actorId: z.number().nullable(),
  actorRole: z.string().nullable(),
  comment: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type EventView = z.output<typeof EventView>;

/** GET /api/workorders. */
export const OrderList = z.object({
  items: z.array(OrderView),
  total: z.number().describe('matches, counted up to 10,000; up to 1,000 for a text search (`q`)'),
  totalCapped: z.boolean().describe('there are more matches than `total` (the count stopped at its cap)'),
  page: z.number(),
  pageSize: z.number(),
});
export type OrderList = z.output<typeof OrderList>;

/** GET /api/workorders/:id. */
export const OrderDetail = OrderView.extend({ history: z.array(EventView) });
export type OrderDetail = z.output<typeof OrderDetail>;

/** POST /api/workorders/:id/actions: the order after the action, and the action's history entry. */
export const OrderActionResult = z.object({ order: OrderView, event: EventView });
export type OrderActionResult = z.output<typeof OrderActionResult>;

const Due = z.enum(DUE_STATES);
/** GET /api/workorders/due: each visible order's standing against its deadlines (null: that clock does not run). */
export const DueStates = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      due: Due.nullable(),
      signDue: Due.nullable(),
      /** The waiting clock of a step the platform owes (dispatch, re-dispatch, review, extension, callback, unsatisfied). */
      wait: z.object({ clock: z.enum(WAIT_CLOCKS), due: Due, deadlineAt: z.number() }).nullable(),
    }),
  ),
});
export type DueStates = z.output<typeof DueStates>;
