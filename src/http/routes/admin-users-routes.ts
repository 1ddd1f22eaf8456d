/**
 * Account administration (issue 11 item 1): administrators list, create and edit accounts,
 * reset passwords, disable and enable them; administrators and shift leads lift a login lock.
 * A disabled account cannot log in, and every session of it ends at once: its requests are
 * refused and its open sockets are closed (realtime/session-watch.ts); so does a changed role
 * or unit, or a reset password. Passwords are never returned, except one generated here, once.
 * Every action is written to the audit log (users/admin-audit.ts) in the transaction of its change.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Account,
  AccountChanged,
  AccountCreated,
  AccountList,
  AccountsImported,
  AuditPage,
  GeneratedPassword,
  NoContent,
} from '../../contract/http-accounts.js';
import { USER_ROLES, type UserRole } from '../../db/schema.js';
import { AccountError } from '../../users/account-errors.js';
import { checkAccountUnit, type UnitLookup } from '../../users/account-rules.js';
import { parseAccountsCsv } from '../../users/csv-import.js';
import type { UsersService } from '../../users/index.js';
import { checkPassword, generatePassword, PASSWORD_MAX_LENGTH, USERNAME_PATTERN } from '../../users/password-policy.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

const Params = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
/** Citizens sign in through the public pages, never through an administrator. */
const STAFF_ROLES = USER_ROLES.filter((r): r is Exclude<UserRole, 'citizen'> => r !== 'citizen');
const StaffRole = z.enum(STAFF_ROLES as [Exclude<UserRole, 'citizen'>, ...Exclude<UserRole, 'citizen'>[]]);
const DisplayName = z.string().trim().min(1).max(64);
const UnitId = z.string().min(1).max(64).nullable();
const Password = z.string().min(1).max(PASSWORD_MAX_LENGTH);
/** "Must change at next login": for a password the administrator hands over (a real centre's default for new accounts and resets). */
const MustChange = z.boolean().optional();

export const adminUsersRoutes: FastifyPluginAsyncZod<{ users: UsersService; unit: UnitLookup }> = async (app, opts) => {
  const { users } = opts;

  /** The platform's own account (the actor of automatic changes) is not an account to manage. */
  const target = async (id: number) => {
    const u = await users.byId(id);
    if (!u || id === (await users.systemUser()).id) throw appError('NOT_FOUND', `user ${id} not found`);
    return u;
  };
  const view = (u: NonNullable<Awaited<ReturnType<UsersService['byId']>>>): Account => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword === true,
    lockedForMs: users.loginThrottle.lockedFor(u.username),
  });
  /** The given password checked against the policy, or a generated one. */
  const passwordFor = (username: string, given: string | undefined) => {
    if (given === undefined) return { value: generatePassword(), generated: true };
    const problem = checkPassword(given, username);
    if (problem) throw new AccountError('PASSWORD_REFUSED', `password refused: ${problem}`);
    return { value: given, generated: false };
  };

  // Shift leads may lift a lock too (issue 11: "the lead/admin able to unlock"), of the accounts
  // they run (agents and dispatchers, the lead page's list); other accounts' locks are the admin's.
  const LEAD_UNLOCKS = new Set(['agent', 'dispatcher']);
  app.post(
    '/api/admin/users/:id/unlock',
    {
      schema: {
        tags: ['admin'],
        description:
          'Lift the login lock of an account after repeated failed logins (administrators; shift leads for agents and dispatchers only, else 403 FORBIDDEN).',
        params: Params,
        response: { 204: NoContent },
      },
      preHandler: requireRole('admin', 'shift_lead'),
    },
    async (req, reply) => {
      const u = await target(req.params.id);
      if (req.user!.role === 'shift_lead' && !LEAD_UNLOCKS.has(u.role)) throw appError('FORBIDDEN', 'a shift lead unlocks agents and dispatchers only');
      await users.unlockLogin(u.id, { actorId: req.user!.id });
      req.log.info({ actorId: req.user!.id, userId: u.id }, 'login lock lifted');
      return reply.status(204).send(null);
    },
  );

  const adminOnly: FastifyPluginAsyncZod = async (admin) => {
    admin.addHook('onRequest', requireRole('admin'));

    admin.get(
      '/api/admin/users',
      {
        schema: {
          tags: ['admin'],
          description: 'Every account (not the platform’s own), by username; no password hashes.',
          response: { 200: AccountList },
        },
      },
      async () => ({ users: (await users.list()).map(view) }),
    );

    admin.post(
      '/api/admin/users',
      {
        schema: {
          tags: ['admin'],
          description:
            'Create an account. A unit handler needs unitId (a unit of org.yaml); a dispatcher may carry a county sub-platform; other roles carry none. Without a password one is generated and returned once. mustChangePassword: the account must change it at its first login.',
          body: z
            .object({
              username: z.string().regex(USERNAME_PATTERN, 'letters, digits, . _ -; at most 64; starting with a letter or digit'),
              displayName: DisplayName,
              role: StaffRole,
              unitId: UnitId.optional(),
              password: Password.optional(),
              mustChangePassword: MustChange,
            })
            .strict(),
          response: { 201: AccountCreated },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const unitId = checkAccountUnit(b.role, b.unitId ?? null, opts.unit);
        if (await users.byUsername(b.username)) throw new AccountError('USERNAME_TAKEN', `"${b.username}" exists already`);
        const pw = passwordFor(b.username, b.password);
        const created = await users.create(
          { username: b.username, displayName: b.displayName, role: b.role, unitId, password: pw.value, mustChangePassword: b.mustChangePassword ?? false },
          { actorId: req.user!.id, details: { passwordGenerated: pw.generated } },
        );
        req.log.info({ actorId: req.user!.id, userId: created.id, role: b.role }, 'user created');
        return reply.status(201).send({ user: view(await target(created.id)), password: pw.generated ? pw.value : null });
      },
    );

    admin.post(
      '/api/admin/users/import',
      {
        schema: {
          tags: ['admin'],
          description:
            'Create accounts from a CSV file (header username,displayName,role[,unitId]; UTF-8). Every line is checked first: one bad line refuses the file with 400 ACCOUNTS_CSV_INVALID (details: each problem with its line number) and nothing is created. Each account gets a generated password, returned once, that must be changed at the first login (mustChangePassword).',
          body: z
            .object({
              csv: z
                .string()
                .min(1)
                .max(512 * 1024),
            })
            .strict(),
          response: { 201: AccountsImported },
        },
      },
      async (req, reply) => {
        const taken = await users.takenUsernames();
        const parsed = parseAccountsCsv(req.body.csv, { unit: opts.unit, exists: (u) => taken.has(u) });
        if (!parsed.ok) throw new AccountError('ACCOUNTS_CSV_INVALID', undefined, { details: parsed.problems });
        const created = [];
        for (const a of parsed.accounts) {
          const password = generatePassword();
          const u = await users.create(
            { username: a.username, displayName: a.displayName, role: a.role, unitId: a.unitId, password, mustChangePassword: true },
            { actorId: req.user!.id, details: { passwordGenerated: true, csvLine: a.line } },
          );
          created.push({ line: a.line, user: view(await target(u.id)), password });
        }
        req.log.info({ actorId: req.user!.id, count: created.length }, 'users imported');
        return reply.status(201).send({ created });
      },
    );

    admin.patch(
      '/api/admin/users/:id',
      {
        schema: {
          tags: ['admin'],
          description: 'Change an account’s name, role or unit. A changed role or unit ends all its sessions. An administrator cannot change their own role.',
          params: Params,
          body: z
            .object({ displayName: DisplayName.optional(), role: StaffRole.optional(), unitId: UnitId.optional() })
            .strict()
            .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
          response: { 200: AccountChanged },
        },
      },
      async (req) => {
        const u = await target(req.params.id);
        const role = req.body.role ?? u.role;
        if (u.id === req.user!.id && role !== 'admin') throw new AccountError('SELF_CHANGE');
        // A role change without a unit keeps the unit only where the new role may carry it.
        const unitId = checkAccountUnit(role, req.body.unitId === undefined ? u.unitId : req.body.unitId, opts.unit);
        const updated = (await users.update(u.id, { displayName: req.body.displayName, role, unitId }, { actorId: req.user!.id }))!;
        req.log.info({ actorId: req.user!.id, userId: u.id, role }, 'user changed');
        return { user: view(updated) };
      },
    );

    admin.post(
      '/api/admin/users/:id/password',
      {
        schema: {
          tags: ['admin'],
          description:
            'Reset an account’s password (all its sessions end, its login lock is lifted). Without a password one is generated and returned once. mustChangePassword: the account must change it at its next login.',
          params: Params,
          body: z.object({ password: Password.optional(), mustChangePassword: MustChange }).strict().nullish(),
          response: { 200: GeneratedPassword },
        },
      },
      async (req) => {
        const u = await target(req.params.id);
        const pw = passwordFor(u.username, req.body?.password);
        const mustChange = req.body?.mustChangePassword ?? false;
        await users.changePassword(u.id, pw.value, undefined, { actorId: req.user!.id, details: { passwordGenerated: pw.generated } }, mustChange);
        users.loginThrottle.unlock(u.username);
        req.log.info({ actorId: req.user!.id, userId: u.id }, 'password reset; sessions ended');
        return { password: pw.generated ? pw.value : null };
      },
    );

    admin.post(
      '/api/admin/users/:id/disable',
      {
        schema: {
          tags: ['admin'],
          description:
            'Disable an account: it can no longer log in, and all its sessions end (open consoles are disconnected). An administrator cannot disable their own account.',
          params: Params,
          response: { 204: NoContent },
        },
      },
      async (req, reply) => {
        const u = await target(req.params.id);
        if (u.id === req.user!.id) throw new AccountError('SELF_CHANGE');
        await users.disable(u.id, { actorId: req.user!.id });
        req.log.info({ actorId: req.user!.id, userId: u.id }, 'user disabled');
        return reply.status(204).send(null);
      },
    );

    admin.post(
      '/api/admin/users/:id/enable',
      {
        schema: {
          tags: ['admin'],
          description: 'Let a disabled account log in again (its old sessions stay ended).',
          params: Params,
          response: { 204: NoContent },
        },
      },
      async (req, reply) => {
        const u = await target(req.params.id);
        await users.enable(u.id, { actorId: req.user!.id });
        req.log.info({ actorId: req.user!.id, userId: u.id }, 'user enabled');
        return reply.status(204).send(null);
      },
    );

    admin.get(
      '/api/admin/audit',
      {
        schema: {
          tags: ['admin'],
          description:
            'The audit log of account administration, newest first: who did what to which account and when (never a password). Page on with beforeId = the last id of the previous page; userId narrows to one account.',
          querystring: z
            .object({
              limit: z.coerce.number().int().min(1).max(200).default(50),
              beforeId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
              userId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
            })
            .strict(),
          response: { 200: AuditPage },
        },
      },
      async (req) => {
        const { limit, beforeId, userId } = req.query;
        const rows = await users.auditLog({ limit, beforeId, targetUserId: userId });
        const names = new Map<number, string | null>();
        for (const r of rows)
          for (const id of [r.actorId, r.targetUserId]) if (id !== null && !names.has(id)) names.set(id, (await users.byId(id))?.username ?? null);
        const nameOf = (id: number | null) => (id === null ? null : names.get(id)!);
        return {
          entries: rows.map((r) => ({ ...r, actorUsername: nameOf(r.actorId), targetUsername: nameOf(r.targetUserId) })),
          nextBeforeId: rows.length === limit ? rows[rows.length - 1]!.id : null,
        };
      },
    );
  };
  await app.register(adminOnly);
};
