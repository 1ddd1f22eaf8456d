/**
 * The order desk API's responses (派单/审核 工作台, src/http/routes/desk-routes.ts): the routes
 * reply through these schemas (and OpenAPI describes them), the web app's desk infers its types
 * from them (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { DispatchSuggestion, EventView, OrderView } from './http-workorders.js';
import { CLOCK_KINDS, DESK_QUEUES, DUE_STATES } from './work-orders.js';

/** An order as the desk sees it: the phone masked (138****5678) when the role may not read it. */
export const DeskOrder = OrderView.extend({ phoneMasked: z.boolean() });
export type DeskOrder = z.output<typeof DeskOrder>;

/** The clock that colours a queue row. */
export const Clock = z.object({ kind: z.enum(CLOCK_KINDS), deadlineAt: z.number(), state: z.enum(DUE_STATES) });
export type Clock = z.output<typeof Clock>;

export const QueueItem = z.object({
  order: DeskOrder,
  clock: Clock.nullable(),
  lastReturn: z.object({ unitId: z.string().nullable(), reason: z.string().nullable(), at: z.number(), actorId: z.number().nullable() }).nullable(),
});
export type QueueItem = z.output<typeof QueueItem>;

/** Each number counted up to QUEUE_COUNT_CAP; its `…Capped` flag says there are more ("1000+"); onTime is then null. */
export const QueueCount = z.object({
  queue: z.enum(DESK_QUEUES),
  total: z.number(),
  totalCapped: z.boolean(),
  overdue: z.number(),
  overdueCapped: z.boolean(),
  dueSoon: z.number(),
  dueSoonCapped: z.boolean(),
  onTime: z.number().nullable(),
});
export type QueueCount = z.output<typeof QueueCount>;

/** GET /api/desk/queues. */
export const QueueCounts = z.object({ items: z.array(QueueCount), at: z.number() });
export type QueueCounts = z.output<typeof QueueCounts>;

/** GET /api/desk/queues/:queue. */
export const QueuePage = z.object({ items: z.array(QueueItem), nextCursor: z.string().nullable() });
export type QueuePage = z.output<typeof QueuePage>;

/** GET /api/desk/orders. */
export const SearchPage = z.object({
  items: z.array(DeskOrder),
  total: z.number(),
  totalCapped: z.boolean().describe('total is a lower bound (the count stopped at its cap, or the text search’s window ended first)'),
  nextCursor: z.string().nullable(),
  partial: z.boolean().describe('a text search checked only its newest matches and this page is short because of it: nextCursor searches older orders'),
});
export type SearchPage = z.output<typeof SearchPage>;

/** An order named on the page; number and status null when it is outside the caller's scope. */
export const RelatedOrder = z.object({ id: z.number(), number: z.string().nullable(), status: z.string().nullable() });
export type RelatedOrder = z.output<typeof RelatedOrder>;

/** One entry of the desk's history, with the actor's name. */
export const DeskEvent = EventView.extend({ actorName: z.string().nullable().describe('the actor’s display name; null: system, citizen') });
export type DeskEvent = z.output<typeof DeskEvent>;

/** GET /api/desk/orders/:id. */
export const DeskOrderDetail = DeskOrder.extend({
  history: z.array(DeskEvent),
  allowedActions: z.array(z.string()),
  linkedOrders: z.array(RelatedOrder),
  mergedInto: RelatedOrder.nullable(),
  extensionProposal: z
    .object({ days: z.number(), deadlineAt: z.number() })
    .nullable()
    .describe('the deadline granting the waiting extension request would give, on the work calendar (holidays counted)'),
});
export type DeskOrderDetail = z.output<typeof DeskOrderDetail>;

/** One of the order's calls. */
export const OrderCall = z.object({
  id: z.string(),
  orderId: z.number(),
  orderNumber: z.string(),
  hotline: z.string(),
  dialledNumber: z.string(),
  direction: z.string(),
  callerPhone: z.string().nullable(),
  phoneMasked: z.boolean(),
  state: z.string(),
  outcome: z.string().nullable(),
  enteredAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  agentId: z.number().nullable(),
  agentName: z.string().nullable(),
});
export type OrderCall = z.output<typeof OrderCall>;

/** GET /api/desk/orders/:id/calls. */
export const OrderCalls = z.object({ items: z.array(OrderCall) });
export type OrderCalls = z.output<typeof OrderCalls>;

/** A unit the user may dispatch to. */
export const DeskUnit = z.object({ id: z.string(), name: z.string(), area: z.string(), kind: z.string() });
export type DeskUnit = z.output<typeof DeskUnit>;

/** GET /api/desk/units. */
export const DeskUnits = z.object({ items: z.array(DeskUnit) });
export type DeskUnits = z.output<typeof DeskUnits>;

export const REPEAT_REASONS = ['same_phone', 'same_place', 'similar_text'] as const;
export type RepeatReason = (typeof REPEAT_REASONS)[number];

/** A likely repeat of the order, and why. */
export const SimilarOrder = z.object({ order: DeskOrder, reasons: z.array(z.enum(REPEAT_REASONS)) });
export type SimilarOrder = z.output<typeof SimilarOrder>;

/** GET /api/desk/orders/:id/similar. */
export const SimilarOrders = z.object({ items: z.array(SimilarOrder) });
export type SimilarOrders = z.output<typeof SimilarOrders>;

/** GET /api/desk/orders/:id/suggestion. */
export const Suggestion = z.object({
  suggestion: DispatchSuggestion.nullable(),
  area: z.object({ id: z.string(), name: z.string(), path: z.array(z.string()), matchedBy: z.enum(['id', 'name']) }).nullable(),
  inScope: z.boolean(),
});
export type Suggestion = z.output<typeof Suggestion>;

/** One unit's returns over the period. */
export const UnitReturns = z.object({ unitId: z.string(), dispatched: z.number(), returned: z.number(), rate: z.number() });
export type UnitReturns = z.output<typeof UnitReturns>;

/** GET /api/desk/units/returns. */
export const UnitReturnsPage = z.object({ since: z.number(), items: z.array(UnitReturns) });
export type UnitReturnsPage = z.output<typeof UnitReturnsPage>;

export const CONSULTATION_KINDS = ['disputed_return', 'overdue', 'unsatisfied_again'] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

export const ConsultationItem = z.object({
  kind: z.enum(CONSULTATION_KINDS),
  orderId: z.number(),
  number: z.string(),
  subject: z.string().nullable(),
  category: z.string().nullable(),
  status: z.string(),
  at: z.number(),
  note: z.string().nullable(),
  count: z.number(),
});
export type ConsultationItem = z.output<typeof ConsultationItem>;

/** GET /api/desk/consultation: the daily consultation list (每日会商). */
export const Consultation = z.object({
  day: z.string(),
  from: z.number(),
  to: z.number(),
  totals: z.object({ disputed_return: z.number(), overdue: z.number(), unsatisfied_again: z.number() }),
  units: z.array(z.object({ unitId: z.string(), items: z.array(ConsultationItem) })),
});
export type Consultation = z.output<typeof Consultation>;

/** A saved search: its name and the search's own parameters, as sent. */
export const SavedFilter = z.object({ id: z.number(), name: z.string(), filter: z.record(z.string(), z.unknown()), createdAt: z.number() });
export type SavedFilter = z.output<typeof SavedFilter>;

/** GET /api/desk/filters. */
export const SavedFilters = z.object({ items: z.array(SavedFilter) });
export type SavedFilters = z.output<typeof SavedFilters>;
