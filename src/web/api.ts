/** The few HTTP calls the console makes; the session lives in the httpOnly `sunline_session` cookie. */
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
  ) {
    super(`${status} ${code}`);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    throw new HttpError(res.status, err?.error?.code ?? 'HTTP_ERROR');
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const me = () => call<{ user: User }>('GET', '/api/auth/me').then((r) => r.user);
export const login = (username: string, password: string) => call<{ user: User }>('POST', '/api/auth/login', { username, password }).then((r) => r.user);
export const logout = () => call<void>('POST', '/api/auth/logout');
