/**
 * The session cookie's Secure attribute (SUNLINE_COOKIE_SECURE). `true`/`false` force it;
 * `auto` (the default) sets it on every response except one to a client on this machine over
 * plain http: the request came over http (no TLS here, and no trusted proxy's
 * X-Forwarded-Proto saying https) and the client's address — the socket peer, or what a proxy
 * named in SUNLINE_TRUST_PROXY forwarded — is a loopback address. That is the tests, the demo
 * and a developer's browser on http://127.0.0.1; a cookie there cannot cross a network. Behind a
 * TLS proxy on the same machine, list the proxy in SUNLINE_TRUST_PROXY: the clients it forwards
 * are not on loopback, so their cookies are Secure.
 */
import type { FastifyRequest } from 'fastify';

export type CookieSecure = boolean | 'auto';

export const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address));

export function secureCookie(setting: CookieSecure, req: Pick<FastifyRequest, 'protocol' | 'ip'>): boolean {
  if (setting !== 'auto') return setting;
  return !(req.protocol === 'http' && isLoopback(req.ip));
}
