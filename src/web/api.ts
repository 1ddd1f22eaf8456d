/** The few HTTP calls the console makes; the session lives in the httpOnly `sunline_session` cookie. */
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../contract/csrf.js';
import type { OrderActionResult, OrderView } from '../contract/http-workorders.js';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: string;
  unitId: string | null;
}

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

/** The shared fetch helper: same-origin cookie, the CSRF header, JSON in and out, coded errors as HttpError. */
export async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    // The CSRF header on every request (docs/decisions/0010-csrf-defence.md).
    headers: body === undefined ? { [CSRF_HEADER]: CSRF_HEADER_VALUE } : { [CSRF_HEADER]: CSRF_HEADER_VALUE, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { error?: { code?: string; details?: unknown } } | null;
    throw new HttpError(res.status, err?.error?.code ?? 'HTTP_ERROR', err?.error?.details);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const me = () => call<{ user: User }>('GET', '/api/auth/me').then((r) => r.user);
export const login = (username: string, password: string) => call<{ user: User }>('POST', '/api/auth/login', { username, password }).then((r) => r.user);
export const logout = () => call<void>('POST', '/api/auth/logout');

// ---- agent console: units, caller history, the call's work order ----

/** An org.yaml unit; `phone` set = a transfer / three-way call target. */
export interface UnitInfo {
  id: string;
  name: string;
  area: string;
  kind: string;
  phone: string | null;
}
export const units = () => call<UnitInfo[]>('GET', '/api/units');

export interface CallerHistory {
  caller: { id: number; phone: string; name: string | null; firstSeenAt: number; lastSeenAt: number };
  calls: { total: number; items: { callId: string; dialledNumber: string; enteredAt: number; outcome: string | null; orderNumber: string | null }[] };
  orders: {
    total: number;
    items: { id: number; number: string; status: string; category: string | null; subject: string | null; confidential: boolean; createdAt: number }[];
  };
  page: number;
  pageSize: number;
}
export const callerHistory = (callerId: number, page: number, pageSize = 5) =>
  call<CallerHistory>('GET', `/api/callers/${callerId}/history?page=${page}&pageSize=${pageSize}`);

/** A work order as the API returns it (GET /api/workorders[/:id]): the contract's type, the reporter masked per scope. */
export type { OrderView };
export type OrderInfo = OrderView;
export const order = (id: number) => call<OrderInfo>('GET', `/api/workorders/${id}`);
/** One lifecycle action (POST /api/workorders/:id/actions); resolves with the order after it. */
export const orderAction = (id: number, action: Record<string, unknown> & { type: string }) =>
  call<OrderActionResult>('POST', `/api/workorders/${id}/actions`, action).then((r) => r.order);

export interface DispatchSuggestion {
  lead: string;
  coHandlers: string[];
  matchedKeywords: string[];
  reason: string;
}
export interface DispatchAdvice {
  /** The catalogue's suggested lead unit for these fields, or null. */
  suggestion: DispatchSuggestion | null;
  /** sla.yaml's limits if dispatched now (working days). */
  deadlines: { workingDays: number; deadlineAt: number; signDeadlineAt: number };
}
export const dispatchAdvice = (f: { category: string; subject: string; content: string }) => call<DispatchAdvice>('POST', '/api/dispatch/suggestion', f);
