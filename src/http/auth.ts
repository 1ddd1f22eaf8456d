/**
 * Login sessions by cookie. Every route declares who may call it with `requireRole`; socket.io
 * authorises with the same cookie (realtime/).
 *
 * Authentication comes before validation: a role guard runs at onRequest wherever a route
 * declares it (installAuth lifts it out of `preHandler`), so an anonymous caller gets 401
 * before any 400 about its body, and its body is not even parsed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { UserRole } from '../db/schema.js';
import { SESSION_COOKIE, type SessionUser, type UsersService } from '../users/index.js';
import { AccountError } from '../users/account-errors.js';
import { appError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
    sessionToken: string | null;
  }
}

const ROLE_GUARD = Symbol('sunline.roleGuard');
type Guard = preHandlerAsyncHookHandler & { [ROLE_GUARD]?: true };
const isGuard = (h: unknown): boolean => typeof h === 'function' && (h as Guard)[ROLE_GUARD] === true;

export function installAuth(app: FastifyInstance, users: UsersService): void {
  // Before the routes are added: each route's role guards move from preHandler to onRequest.
  app.addHook('onRoute', (route) => {
    const pre = route.preHandler === undefined ? [] : [route.preHandler].flat();
    const guards = pre.filter(isGuard);
    if (guards.length === 0) return;
    route.preHandler = pre.filter((h) => !isGuard(h));
    route.onRequest = [...(route.onRequest === undefined ? [] : [route.onRequest].flat()), ...guards] as typeof route.onRequest;
  });
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  // The session comes from UsersService's cache (one promise, no I/O) or one read of the
  // database (asynchronous: decision 0017); requests without a cookie do not wait for anything.
  app.addHook('onRequest', (req, _reply, done) => {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return done();
    users.userForToken(token).then((user) => {
      if (user) {
        req.user = user;
        req.sessionToken = token;
        if (user.mustChangePassword === true && mustChangeFirst(req)) return done(new AccountError('PASSWORD_CHANGE_REQUIRED'));
      }
      done();
    }, done);
  });
}

/** What a session whose password must be changed may still call (issue 11 item 1): change it, read itself, log out or in. */
const WHILE_PASSWORD_MUST_CHANGE = new Set(['/api/auth/password', '/api/auth/me', '/api/auth/logout', '/api/auth/login']);

/**
 * Whether the request is an API call refused until the session's password is changed. Decided on
 * the route the router matched, not the raw URL: the router decodes the path first, so
 * '/%61pi/admin/users' reaches '/api/admin/users' though its text does not start with '/api/'.
 */
function mustChangeFirst(req: FastifyRequest): boolean {
  // No route (undefined): the not-found handler answers, with nothing to give away.
  const route = req.routeOptions.url ?? '';
  return route.startsWith('/api/') && !WHILE_PASSWORD_MUST_CHANGE.has(route);
}

/**
 * A role guard: 401 without a session, 403 when the role is not among `roles`. Declared as a
 * route's `preHandler` (or a plugin's `onRequest` hook); installAuth runs a route's guards at
 * onRequest, before the body is parsed and validated.
 */
export function requireRole(...roles: UserRole[]): preHandlerAsyncHookHandler {
  const guard: Guard = async function (req: FastifyRequest, _reply: FastifyReply) {
    if (!req.user) throw appError('UNAUTHENTICATED');
    if (!roles.includes(req.user.role)) throw appError('FORBIDDEN');
  };
  guard[ROLE_GUARD] = true;
  return guard;
}
