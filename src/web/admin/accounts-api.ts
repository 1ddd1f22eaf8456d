/** The accounts API (src/http/routes/admin-users-routes.ts) through the shared fetch helper. */
import { call } from '../api.js';

export const STAFF_ROLES = ['agent', 'shift_lead', 'qa', 'dispatcher', 'unit_handler', 'wallboard', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Account {
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
  unitId: string | null;
  disabled: boolean;
  lockedForMs: number;
  mustChangePassword: boolean;
}

export interface AccountInput {
  displayName: string;
  role: StaffRole;
  unitId: string | null;
}

export const listAccounts = () => call<{ users: Account[] }>('GET', '/api/admin/users').then((r) => r.users);
export const createAccount = (a: AccountInput & { username: string; password?: string; mustChangePassword?: boolean }) =>
  call<{ user: Account; password: string | null }>('POST', '/api/admin/users', a);
export const updateAccount = (id: number, a: AccountInput) => call<{ user: Account }>('PATCH', `/api/admin/users/${id}`, a);
export const resetPassword = (id: number, mustChangePassword = false) =>
  call<{ password: string | null }>('POST', `/api/admin/users/${id}/password`, { mustChangePassword });
/** Accounts from a CSV text (POST /api/admin/users/import): all or none; each generated password once. */
export const importAccounts = (csv: string) =>
  call<{ created: { line: number; user: Account; password: string }[] }>('POST', '/api/admin/users/import', { csv });
export const setDisabled = (id: number, disabled: boolean) => call<void>('POST', `/api/admin/users/${id}/${disabled ? 'disable' : 'enable'}`);
export const unlockAccount = (id: number) => call<void>('POST', `/api/admin/users/${id}/unlock`);

/** One row of the admin audit log (GET /api/admin/audit); `action` as in db/schema.ts ADMIN_AUDIT_ACTIONS. */
export interface AuditEntry {
  id: number;
  at: number;
  actorId: number;
  actorUsername: string | null;
  action: string;
  targetUserId: number | null;
  targetUsername: string | null;
  details: Record<string, unknown>;
}
export const listAudit = () => call<{ entries: AuditEntry[] }>('GET', '/api/admin/audit?limit=50').then((r) => r.entries);
