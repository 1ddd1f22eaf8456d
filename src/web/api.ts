/** The few HTTP calls the console makes; the session lives in the httpOnly `sunline_session` cookie. */
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../contract/csrf.js';
import type { CallerHistory, DispatchAdvice, UnitInfo, Units } from '../contract/http-console.js';
import type { OrderActionResult, OrderView } from '../contract/http-workorders.js';
import type { SessionUserView, SignedIn } from '../contract/http-accounts.js';

/** The signed-in user (the contract's SessionUserView); mustChangePassword: someone else set the password, the app shows only "set a new password" until it is changed. */
export type User = SessionUserView;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The refusal's `error.details` (e.g. the config editor's FILE:LINE:COL problems). */
    readonly details?: unknown,
  ) {
    super(`${status} ${code}`);
  }
}

/** The shared fetch helper: same-origin cookie, the CSRF header, JSON (or a FormData upload) in and JSON out, coded errors as HttpError. */
export async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const isForm = body instanceof FormData;
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    // The CSRF header on every request, uploads included (docs/decisions/0010-csrf-defence.md); the browser sets a form's content type.
    headers: body === undefined || isForm ? { [CSRF_HEADER]: CSRF_HEADER_VALUE } : { [CSRF_HEADER]: CSRF_HEADER_VALUE, 'content-type': 'application/json' },
    body: body === undefined ? null : isForm ? body : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { error?: { code?: string; details?: unknown } } | null;
    throw new HttpError(res.status, err?.error?.code ?? 'HTTP_ERROR', err?.error?.details);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const me = () => call<SignedIn>('GET', '/api/auth/me').then((r) => r.user);
export const login = (username: string, password: string) => call<SignedIn>('POST', '/api/auth/login', { username, password }).then((r) => r.user);
export const logout = () => call<void>('POST', '/api/auth/logout');
/** Your own password (POST /api/auth/password): this session stays, your others end. */
export const changePassword = (currentPassword: string, newPassword: string) => call<void>('POST', '/api/auth/password', { currentPassword, newPassword });

// ---- agent console: units, caller history, the call's work order ----

// The replies' types are the contract's (src/contract/http-console.ts): the routes reply through the same schemas.
export type { CallerHistory, DispatchAdvice, UnitInfo };
export const units = () => call<Units>('GET', '/api/units');

export const callerHistory = (callerId: number, page: number, pageSize = 5) =>
  call<CallerHistory>('GET', `/api/callers/${callerId}/history?page=${page}&pageSize=${pageSize}`);

/** A work order as the API returns it (GET /api/workorders[/:id]): the contract's type, the reporter masked per scope. */
export type { OrderView };
export type OrderInfo = OrderView;
export const order = (id: number) => call<OrderInfo>('GET', `/api/workorders/${id}`);
/** One lifecycle action (POST /api/workorders/:id/actions); resolves with the order after it. */
export const orderAction = (id: number, action: Record<string, unknown> & { type: string }) =>
  call<OrderActionResult>('POST', `/api/workorders/${id}/actions`, action).then((r) => r.order);

export const dispatchAdvice = (f: { category: string; subject: string; content: string }) => call<DispatchAdvice>('POST', '/api/dispatch/suggestion', f);
