/** The desk tests' JSON call through the real app (cookies of a logged-in user; the CSRF header is sent by testApp's inject). */
import type { Sunline } from '../../src/app.js';

export type Cookies = { sunline_session: string };

export async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : {} };
}
