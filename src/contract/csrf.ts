/**
 * The request header that proves a state-changing request comes from our own scripts
 * (docs/decisions/0010-csrf-defence.md). A cross-site form cannot set a header, and a
 * cross-site `fetch` that sets one needs a CORS preflight, which the server never grants.
 * The server requires it on every POST/PUT/PATCH/DELETE that carries the session cookie, and
 * on login; the web app sends it on every request.
 */
export const CSRF_HEADER = 'x-sunline-request';
export const CSRF_HEADER_VALUE = '1';
