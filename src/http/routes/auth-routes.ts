import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NoContent, SignedIn, type SessionUserView } from '../../contract/http-accounts.js';
import { USER_ROLES } from '../../db/schema.js';
import { LoginLockedError, type SessionUser, type UsersService } from '../../users/index.js';
import { AccountError } from '../../users/account-errors.js';
import { checkPassword } from '../../users/password-policy.js';
import { SESSION_COOKIE } from '../../users/index.js';
import { appError } from '../errors.js';
import { requireRole } from '../auth.js';
import { secureCookie, type CookieSecure } from '../cookie-secure.js';

const userView = (u: SessionUser): SessionUserView => ({ ...u, mustChangePassword: u.mustChangePassword === true });

const ALL_ROLES = [...USER_ROLES];

export const authRoutes: FastifyPluginAsyncZod<{ users: UsersService; cookieSecure: CookieSecure }> = async (app, opts) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: SignedIn },
      },
      // Brute-force guard per client address (the socket peer unless SUNLINE_TRUST_PROXY names
      // it as a proxy); per username, whatever the address: users/login-throttle.ts.
      // csrf: a forged login would sign the victim's browser in as the attacker (http/csrf.ts).
      config: { rateLimit: { max: 10, timeWindow: '1 minute' }, csrf: 'always' },
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
        secure: secureCookie(opts.cookieSecure, req),
        expires: new Date(res.expiresAt),
      });
      req.log.info({ userId: res.user.id, role: res.user.role, mustChangePassword: res.user.mustChangePassword === true }, 'login');
      return { user: userView(res.user) };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 204: NoContent } } }, async (req, reply) => {
    if (req.sessionToken) await opts.users.logout(req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        description:
          'Change your own password. The current password is checked (wrong: 403 WRONG_PASSWORD; repeated failures lock the account like failed logins: 429 LOGIN_LOCKED); the new one must meet the password policy (400 PASSWORD_REFUSED); every other session of yours ends, this one stays. A pending forced change (mustChangePassword) is done.',
        body: z
          .object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(8).max(256) })
          .strict()
          .refine((b) => b.newPassword !== b.currentPassword, { message: 'the new password must differ from the current one', path: ['newPassword'] }),
        response: { 204: NoContent },
      },
      preHandler: requireRole(...ALL_ROLES),
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const user = req.user!;
      const problem = checkPassword(req.body.newPassword, user.username);
      if (problem) throw new AccountError('PASSWORD_REFUSED', `password refused: ${problem}`);
      await opts.users.changeOwnPassword(user, req.body.currentPassword, req.body.newPassword, req.sessionToken!).catch((err: unknown) => {
        req.log.info({ userId: user.id, code: (err as { code?: unknown }).code }, 'password change refused');
        throw err;
      });
      req.log.info({ userId: user.id }, 'password changed; other sessions ended');
      return reply.status(204).send(null);
    },
  );

  app.get('/api/auth/me', { schema: { tags: ['auth'], response: { 200: SignedIn } } }, async (req) => {
    if (!req.user) throw appError('UNAUTHENTICATED');
    return { user: userView(req.user) };
  });
};
