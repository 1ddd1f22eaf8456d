/**
 * Administrators disable and enable accounts (the minimum of issue 11's administration). A
 * disabled account cannot log in, and every session of it ends at once: its requests are
 * refused and its open sockets are closed (realtime/session-watch.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UsersService } from '../../users/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

const Params = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export const adminUsersRoutes: FastifyPluginAsyncZod<{ users: UsersService }> = async (app, opts) => {
  app.addHook('onRequest', requireRole('admin'));

  /** The platform's own account (the actor of automatic changes) is not an account to manage. */
  const target = (id: number) => {
    if (!opts.users.exists(id) || id === opts.users.systemUser().id) throw appError('NOT_FOUND', `user ${id} not found`);
    return id;
  };

  app.post(
    '/api/admin/users/:id/disable',
    {
      schema: {
        tags: ['admin'],
        description:
          'Disable an account: it can no longer log in, and all its sessions end (open consoles are disconnected). An administrator cannot disable their own account.',
        params: Params,
      },
    },
    async (req, reply) => {
      const id = target(req.params.id);
      if (id === req.user!.id) throw appError('VALIDATION_FAILED', 'an administrator cannot disable their own account');
      opts.users.disable(id);
      req.log.info({ adminId: req.user!.id, userId: id }, 'user disabled');
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/admin/users/:id/enable',
    { schema: { tags: ['admin'], description: 'Let a disabled account log in again (its old sessions stay ended).', params: Params } },
    async (req, reply) => {
      const id = target(req.params.id);
      opts.users.enable(id);
      req.log.info({ adminId: req.user!.id, userId: id }, 'user enabled');
      return reply.status(204).send();
    },
  );
};
