/** The unit portal's HTTP calls (work orders, due states, attachments); the session is the cookie. */
import { HttpError } from '../api.js';
import type { DueStates, OrderActionResult, OrderDetail, OrderList, OrderView } from '../../contract/http-workorders.js';
import type { DueState } from '../../contract/work-orders.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../contract/csrf.js';
import type { Attachment, AttachmentList, AttachmentsAdded } from '../../contract/http-attachments.js';

/** An order as GET /api/workorders lists it (scope-masked by the server). */
export type OrderSummary = OrderView;

export type { OrderDetail };
/** One entry of an order's history (GET /api/workorders/:id). */
export type OrderEvent = OrderDetail['history'][number];

export type Due = DueState | null;
/** An order's standing against its deadlines (GET /api/workorders/due). */
export type OrderDue = DueStates['items'][number];

/** One file of an order (GET /api/workorders/:id/attachments): the contract's type. */
export type { Attachment };

/** The lifecycle actions a unit takes from the portal. */
export type UnitAction =
  | { type: 'sign' }
  | { type: 'start' }
  | { type: 'return'; reason: string }
  | { type: 'request_extension'; days: number; reason: string }
  | { type: 'reply'; text: string };

async function send<T>(method: string, url: string, body?: unknown): Promise<T> {
  const isForm = body instanceof FormData;
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    // The CSRF header on every request, uploads included (docs/decisions/0010-csrf-defence.md).
    headers: body === undefined || isForm ? { [CSRF_HEADER]: CSRF_HEADER_VALUE } : { [CSRF_HEADER]: CSRF_HEADER_VALUE, 'content-type': 'application/json' },
    body: body === undefined ? null : isForm ? body : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    throw new HttpError(res.status, err?.error?.code ?? 'HTTP_ERROR');
  }
  return (await res.json()) as T;
}

export const listOrders = (statuses: readonly string[]) =>
  send<OrderList>('GET', `/api/workorders?sort=deadlineAt&pageSize=100${statuses.map((s) => `&status=${s}`).join('')}`).then((r) => r.items);

export const dueStates = (ids: readonly number[]) =>
  ids.length === 0 ? Promise.resolve([]) : send<DueStates>('GET', `/api/workorders/due?ids=${ids.join(',')}`).then((r) => r.items);

export const getOrder = (id: number) => send<OrderDetail>('GET', `/api/workorders/${id}`);

export const listAttachments = (id: number) => send<AttachmentList>('GET', `/api/workorders/${id}/attachments`).then((r) => r.items);

export const attachmentUrl = (orderId: number, attachmentId: number) => `/api/workorders/${orderId}/attachments/${attachmentId}`;

/** One lifecycle action; with files it goes as one multipart upload (files and action together). */
export function act(id: number, action: UnitAction, version: number, files: readonly File[] = []): Promise<OrderActionResult | AttachmentsAdded> {
  if (files.length === 0) return send<OrderActionResult>('POST', `/api/workorders/${id}/actions`, { ...action, expectedVersion: version });
  return upload(id, files, action, version);
}

/** Files alone (an `attach` event), or with an action. */
export function upload(id: number, files: readonly File[], action?: UnitAction, version?: number): Promise<AttachmentsAdded> {
  const form = new FormData();
  if (action) form.append('action', JSON.stringify(action));
  if (version !== undefined) form.append('expectedVersion', String(version));
  for (const f of files) form.append('file', f, f.name);
  return send<AttachmentsAdded>('POST', `/api/workorders/${id}/attachments`, form);
}
