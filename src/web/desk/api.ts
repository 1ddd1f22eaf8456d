/**
 * The order desk's HTTP calls (src/http/routes/desk-routes.ts, and the work-order actions of
 * workorders-routes.ts), through the console's shared fetch helper (cookie, CSRF header, coded errors).
 */
import { call, type OrderView } from '../api.js';
import type { Attachment } from '../unit/api.js';

export type { Attachment };

export const DESK_QUEUES = ['to_dispatch', 'returned', 'to_review', 'extension_requested', 'to_callback', 'unsatisfied', 'due_soon', 'overdue'] as const;
export type DeskQueue = (typeof DESK_QUEUES)[number];

export type DueState = 'on_time' | 'due_soon' | 'overdue';

/** Each number counted up to the server's cap (1000); `…Capped`: there are more ("1000+"), and onTime is null. */
export interface QueueCount {
  queue: DeskQueue;
  total: number;
  totalCapped: boolean;
  overdue: number;
  overdueCapped: boolean;
  dueSoon: number;
  dueSoonCapped: boolean;
  onTime: number | null;
}

/** An order as the desk sees it: the phone masked (138****5678) when the role may not read it. */
export interface DeskOrder extends OrderView {
  callerId: number | null;
  callId: string | null;
  agentId: number | null;
  coRepliedUnitIds: string[];
  callbackDue: boolean;
  satisfaction: string | null;
  mergedIntoId: number | null;
  linkedOrderIds: number[];
  updatedAt: number;
  phoneMasked: boolean;
}

export interface Clock {
  kind: string;
  deadlineAt: number;
  state: DueState;
}

export interface QueueItem {
  order: DeskOrder;
  clock: Clock | null;
  lastReturn: { unitId: string | null; reason: string | null; at: number; actorId: number | null } | null;
}

export interface DeskEvent {
  id: number;
  orderId: number;
  at: number;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorId: number | null;
  actorRole: string | null;
  comment: string | null;
  data: Record<string, unknown> | null;
  /** The actor's display name (null: the system, a citizen). */
  actorName: string | null;
}

/** An order named on the page: number and status null when it is outside the reader's scope. */
export interface RelatedOrder {
  id: number;
  number: string | null;
  status: string | null;
}

export interface DeskOrderDetail extends DeskOrder {
  history: DeskEvent[];
  allowedActions: string[];
  linkedOrders: RelatedOrder[];
  mergedInto: RelatedOrder | null;
  /** The deadline granting the waiting extension request would give (the server's work calendar: holidays counted). */
  extensionProposal: { days: number; deadlineAt: number } | null;
}

/** One of the order's calls (GET /api/desk/orders/:id/calls). */
export interface OrderCall {
  id: string;
  orderId: number;
  orderNumber: string;
  hotline: string;
  dialledNumber: string;
  direction: string;
  callerPhone: string | null;
  phoneMasked: boolean;
  state: string;
  outcome: string | null;
  enteredAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  agentId: number | null;
  agentName: string | null;
}

/** A unit the user may dispatch to (GET /api/desk/units). */
export interface DeskUnit {
  id: string;
  name: string;
  area: string;
  kind: string;
}

export interface Suggestion {
  suggestion: { lead: string; coHandlers: string[]; entryId: string; matchedKeywords: string[]; reason: string } | null;
  area: { id: string; name: string; path: string[]; matchedBy: 'id' | 'name' } | null;
  inScope: boolean;
}

export type RepeatReason = 'same_phone' | 'same_place' | 'similar_text';
export interface SimilarOrder {
  order: DeskOrder;
  reasons: RepeatReason[];
}

export interface UnitReturns {
  unitId: string;
  dispatched: number;
  returned: number;
  rate: number;
}

/** The search's query parameters as sent (and as a saved filter stores them): strings only. */
export type ConsultationKind = 'disputed_return' | 'overdue' | 'unsatisfied_again';
export interface ConsultationItem {
  kind: ConsultationKind;
  orderId: number;
  number: string;
  subject: string | null;
  category: string | null;
  status: string;
  at: number;
  note: string | null;
  count: number;
}
export interface Consultation {
  day: string;
  from: number;
  to: number;
  totals: Record<ConsultationKind, number>;
  units: { unitId: string; items: ConsultationItem[] }[];
}

export type SearchParams = Record<string, string | string[]>;

export interface SearchPage {
  items: DeskOrder[];
  total: number;
  /** total is a lower bound ("1000+"). */
  totalCapped: boolean;
  nextCursor: string | null;
  /** Only the newest text matches were checked and the page is short because of it: nextCursor searches older orders. */
  partial: boolean;
}

export interface SavedFilter {
  id: number;
  name: string;
  filter: SearchParams;
  createdAt: number;
}

/** A query string from search parameters (lists repeated: ?status=a&status=b). */
export function queryOf(params: SearchParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) if (x !== '') q.append(k, x);
  return q.toString();
}

export const queueCounts = () => call<{ items: QueueCount[]; at: number }>('GET', '/api/desk/queues');

export const queuePage = (queue: DeskQueue, cursor: string | null, pageSize = 20) =>
  call<{ items: QueueItem[]; nextCursor: string | null }>(
    'GET',
    `/api/desk/queues/${queue}?${queryOf({ pageSize: String(pageSize), ...(cursor ? { cursor } : {}) })}`,
  );

export const searchOrders = (params: SearchParams, cursor: string | null) =>
  call<SearchPage>('GET', `/api/desk/orders?${queryOf({ ...params, ...(cursor ? { cursor } : {}) })}`);

export const deskOrder = (id: number) => call<DeskOrderDetail>('GET', `/api/desk/orders/${id}`);
export const orderCalls = (id: number) => call<{ items: OrderCall[] }>('GET', `/api/desk/orders/${id}/calls`).then((r) => r.items);
export const deskUnits = () => call<{ items: DeskUnit[] }>('GET', '/api/desk/units').then((r) => r.items);
export const similarOrders = (id: number) => call<{ items: SimilarOrder[] }>('GET', `/api/desk/orders/${id}/similar`).then((r) => r.items);
export const orderSuggestion = (id: number) => call<Suggestion>('GET', `/api/desk/orders/${id}/suggestion`);
export const unitReturns = (days: number) => call<{ since: number; items: UnitReturns[] }>('GET', `/api/desk/units/returns?days=${days}`);

export const consultation = (day: string) => call<Consultation>('GET', `/api/desk/consultation?day=${encodeURIComponent(day)}`);
export const savedFilters = () => call<{ items: SavedFilter[] }>('GET', '/api/desk/filters').then((r) => r.items);
export const saveFilter = (name: string, filter: SearchParams) => call<SavedFilter>('POST', '/api/desk/filters', { name, filter });
export const deleteFilter = (id: number) => call<void>('DELETE', `/api/desk/filters/${id}`);

export const attachments = (id: number) => call<{ items: Attachment[] }>('GET', `/api/workorders/${id}/attachments`).then((r) => r.items);

/** One lifecycle action with the version the page showed (a change meanwhile is CONFLICT). */
export const deskAction = (id: number, action: Record<string, unknown> & { type: string }, version: number) =>
  call<{ order: OrderView }>('POST', `/api/workorders/${id}/actions`, { ...action, expectedVersion: version });
