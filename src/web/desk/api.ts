/**
 * The order desk's HTTP calls (src/http/routes/desk-routes.ts, and the work-order actions of
 * workorders-routes.ts), through the console's shared fetch helper (cookie, CSRF header, coded errors).
 */
import { call } from '../api.js';
import type { Attachment, AttachmentList } from '../../contract/http-attachments.js';
import type {
  Consultation,
  DeskOrderDetail,
  DeskUnits,
  OrderCalls,
  QueueCounts,
  QueuePage,
  SavedFilter as SavedFilterView,
  SavedFilters,
  SearchPage,
  SimilarOrders,
  Suggestion,
  UnitReturnsPage,
} from '../../contract/http-desk.js';
import type { OrderActionResult } from '../../contract/http-workorders.js';
import type { DeskQueue } from '../../contract/work-orders.js';

export type { Attachment };
// The replies' types are the contract's (src/contract/http-desk.ts): the routes reply through the same schemas.
export type * from '../../contract/http-desk.js';
export { DESK_QUEUES, type DeskQueue, type DueState } from '../../contract/work-orders.js';

/** The search's query parameters as sent (and as a saved filter stores them): strings only. */
export type SearchParams = Record<string, string | string[]>;

/** A saved search; its filter is the search's parameters as they were sent. */
export type SavedFilter = Omit<SavedFilterView, 'filter'> & { filter: SearchParams };

/** A query string from search parameters (lists repeated: ?status=a&status=b). */
export function queryOf(params: SearchParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) if (x !== '') q.append(k, x);
  return q.toString();
}

export const queueCounts = () => call<QueueCounts>('GET', '/api/desk/queues');

export const queuePage = (queue: DeskQueue, cursor: string | null, pageSize = 20) =>
  call<QueuePage>('GET', `/api/desk/queues/${queue}?${queryOf({ pageSize: String(pageSize), ...(cursor ? { cursor } : {}) })}`);

export const searchOrders = (params: SearchParams, cursor: string | null) =>
  call<SearchPage>('GET', `/api/desk/orders?${queryOf({ ...params, ...(cursor ? { cursor } : {}) })}`);

export const deskOrder = (id: number) => call<DeskOrderDetail>('GET', `/api/desk/orders/${id}`);
export const orderCalls = (id: number) => call<OrderCalls>('GET', `/api/desk/orders/${id}/calls`).then((r) => r.items);
export const deskUnits = () => call<DeskUnits>('GET', '/api/desk/units').then((r) => r.items);
export const similarOrders = (id: number) => call<SimilarOrders>('GET', `/api/desk/orders/${id}/similar`).then((r) => r.items);
export const orderSuggestion = (id: number) => call<Suggestion>('GET', `/api/desk/orders/${id}/suggestion`);
export const unitReturns = (days: number) => call<UnitReturnsPage>('GET', `/api/desk/units/returns?days=${days}`);

export const consultation = (day: string) => call<Consultation>('GET', `/api/desk/consultation?day=${encodeURIComponent(day)}`);
export const savedFilters = () => call<SavedFilters>('GET', '/api/desk/filters').then((r) => r.items as SavedFilter[]);
export const saveFilter = (name: string, filter: SearchParams) => call<SavedFilter>('POST', '/api/desk/filters', { name, filter });
export const deleteFilter = (id: number) => call<void>('DELETE', `/api/desk/filters/${id}`);

export const attachments = (id: number) => call<AttachmentList>('GET', `/api/workorders/${id}/attachments`).then((r) => r.items);

/** One lifecycle action with the version the page showed (a change meanwhile is CONFLICT). */
export const deskAction = (id: number, action: Record<string, unknown> & { type: string }, version: number) =>
  call<OrderActionResult>('POST', `/api/workorders/${id}/actions`, { ...action, expectedVersion: version });
