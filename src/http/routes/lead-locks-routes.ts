/**
 * Locked logins for the shift lead (issue 11 item 1: "lockout after repeated failures, with the
 * lead/admin able to unlock"): the agents and dispatchers whose login is locked now, so the lead's
 * page can show them with an unlock button (POST /api/admin/users/:id/unlock, admin-users-routes.ts).
 * Other roles' locks are the administrator's (accounts page). No password data.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LEAD_SCOPED_ROLES, LockedAccounts } from '../../contract/http-accounts.js';
import type { UsersService } from '../../users/index.js';
import { requireRole } from '../auth.js';

export const leadLocksRoutes: FastifyPluginAsyncZod<{ users: UsersService }> = async (app, { users }) => {
  app.get(
    '/api/lead/locked-accounts',
    {
      schema: {
        tags: ['agents'],
        description: 'Agents and dispatchers whose login is locked after repeated failed logins, by username (shift leads and administrators).',
        response: { 200: LockedAccounts },
      },
      preHandler: requireRole('shift_lead', 'admin'),
    },
    async () => ({
      accounts: (await users.list()).flatMap((u) => {
        if (u.disabled || !(LEAD_SCOPED_ROLES as readonly string[]).includes(u.role)) return [];
        const lockedForMs = users.loginThrottle.lockedFor(u.username);
        return lockedForMs > 0
          ? [{ id: u.id, username: u.username, displayName: u.displayName, role: u.role as (typeof LEAD_SCOPED_ROLES)[number], lockedForMs }]
          : [];
      }),
    }),
  );
};
