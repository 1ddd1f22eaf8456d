/**
 * Login sessions by cookie. Every route declares who may call it with `requireRole`; socket.io
 * will authorise with the same cookie (realtime/).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { UserRole } from '../db/schema.js';
import { SESSION_COOKIE, type SessionUser, type UsersService } from '../users/index.js';
import { appError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
    sessionToken: string | null;
  }
}

export function installAuth(app: FastifyInstance, users: UsersService): void {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  // A callback hook, not an async one: it does no I/O (the session comes from UsersService's
  // cache or one prepared statement) and runs on every request.
  app.addHook('onRequest', (req, _reply, done) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const user = users.userForToken(token);
      if (user) {
        req.user = user;
        req.sessionToken = token;
      }
    }
    done();
  });
}

/** preHandler: 401 without a session, 403 when the role is not among `roles`. */
export function requireRole(...roles: UserRole[]): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, _reply: FastifyReply) {
    if (!req.user) throw appError('UNAUTHENTICATED');
    if (!roles.includes(req.user.role)) throw appError('FORBIDDEN');
  };
}
