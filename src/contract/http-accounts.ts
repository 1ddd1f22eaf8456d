/**
 * The accounts API's responses: login and the signed-in user (src/http/routes/auth-routes.ts),
 * account administration and its audit log (admin-users-routes.ts), the shift lead's locked
 * logins (lead-locks-routes.ts). The routes reply through these schemas (and OpenAPI describes
 * them); the web app infers its types from them (`import type`). Never a password hash; a
 * password only where one was generated, once.
 */
import { z } from 'zod';

/** Every role an account may have (the same list as db/schema.ts USER_ROLES: test/contract/http-responses.test.ts checks it at compile time). */
export const USER_ROLES = ['agent', 'shift_lead', 'admin', 'unit_handler', 'dispatcher', 'wallboard', 'qa', 'citizen'] as const;

/** The signed-in user (POST /api/auth/login, GET /api/auth/me). */
export const SessionUserView = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  unitId: z.string().nullable(),
  /** The password was set by someone else: the web shows only "set a new password" until POST /api/auth/password; other calls get 403 PASSWORD_CHANGE_REQUIRED. */
  mustChangePassword: z.boolean(),
});
export type SessionUserView = z.output<typeof SessionUserView>;
export const SignedIn = z.object({ user: SessionUserView });
export type SignedIn = z.output<typeof SignedIn>;

/** A reply without a body (204). */
export const NoContent = z.null();

/** An account as administration shows it: the user, whether it is disabled, its login lock. */
export const Account = SessionUserView.extend({
  disabled: z.boolean(),
  /** Milliseconds until the login lock ends; 0 when not locked. */
  lockedForMs: z.number(),
});
export type Account = z.output<typeof Account>;

/** GET /api/admin/users. */
export const AccountList = z.object({ users: z.array(Account) });
export type AccountList = z.output<typeof AccountList>;
/** PATCH /api/admin/users/:id. */
export const AccountChanged = z.object({ user: Account });
export type AccountChanged = z.output<typeof AccountChanged>;
/** POST /api/admin/users/:id/password. */
export const GeneratedPassword = z.object({ password: z.string().nullable().describe('the generated password, shown once; null when one was given') });
export type GeneratedPassword = z.output<typeof GeneratedPassword>;
/** POST /api/admin/users. */
export const AccountCreated = AccountChanged.merge(GeneratedPassword);
export type AccountCreated = z.output<typeof AccountCreated>;
/** POST /api/admin/users/import: each created account with its CSV line and generated password. */
export const AccountsImported = z.object({ created: z.array(z.object({ line: z.number(), user: Account, password: z.string() })) });
export type AccountsImported = z.output<typeof AccountsImported>;

/** One row of the account administration's audit log; `action` as in db/schema.ts ADMIN_AUDIT_ACTIONS. */
export const AuditEntry = z.object({
  id: z.number(),
  at: z.number(),
  actorId: z.number(),
  actorUsername: z.string().nullable(),
  action: z.string(),
  targetUserId: z.number().nullable(),
  targetUsername: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.output<typeof AuditEntry>;
/** GET /api/admin/audit: newest first; nextBeforeId pages on. */
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextBeforeId: z.number().nullable() });
export type AuditPage = z.output<typeof AuditPage>;

/** The roles whose locks a shift lead looks after. */
export const LEAD_SCOPED_ROLES = ['agent', 'dispatcher'] as const;
/** A locked login on the shift lead's page. */
export const LockedAccount = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(LEAD_SCOPED_ROLES),
  /** Milliseconds until the lock ends by itself. */
  lockedForMs: z.number(),
});
export type LockedAccount = z.output<typeof LockedAccount>;
/** GET /api/lead/locked-accounts. */
export const LockedAccounts = z.object({ accounts: z.array(LockedAccount) });
export type LockedAccounts = z.output<typeof LockedAccounts>;
