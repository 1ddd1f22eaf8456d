import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { USER_ROLES } from '../../db/schema.js';
import { LoginLockedError, type UsersService } from '../../users/index.js';
import { SESSION_COOKIE } from '../../users/index.js';
import { appError } from '../errors.js';

const UserView = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  unitId: z.string().nullable(),
});

export const authRoutes: FastifyPluginAsyncZod<{ users: UsersService; cookieSecure: boolean }> = async (app, opts) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: z.object({ user: UserView }) },
      },
      // Brute-force guard per client address (the socket peer unless SUNLINE_TRUST_PROXY names
      // it as a proxy); per username, whatever the address: users/login-throttle.ts.
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const who = { username: req.body.username, peer: req.socket.remoteAddress, clientAddress: req.ip };
      const res = await opts.users.login(req.body.username, req.body.password).catch((err: unknown) => {
        if (err instanceof LoginLockedError) req.log.info({ ...who, retryAfterSeconds: err.retryAfterSeconds }, 'login refused: account locked');
        throw err;
      });
      if (!res) {
        req.log.info(who, 'login refused');
        throw appError('BAD_CREDENTIALS');
      }
      reply.setCookie(SESSION_COOKIE, res.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.cookieSecure,
        expires: new Date(res.expiresAt),
      });
      req.log.info({ userId: res.user.id, role: res.user.role }, 'login');
      return { user: res.user };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    if (req.sessionToken) opts.users.logout(req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], response: { 200: z.object({ user: UserView }) } } }, async (req) => {
    if (!req.user) throw appError('UNAUTHENTICATED');
    return { user: req.user };
  });
};
