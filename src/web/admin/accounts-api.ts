/** The accounts API (src/http/routes/admin-users-routes.ts) through the shared fetch helper. */
import { call } from '../api.js';
import type {
  Account,
  AccountChanged,
  AccountCreated,
  AccountList,
  AccountsImported,
  AuditEntry,
  AuditPage,
  GeneratedPassword,
} from '../../contract/http-accounts.js';

export type { Account, AuditEntry };

export const STAFF_ROLES = ['agent', 'shift_lead', 'qa', 'dispatcher', 'unit_handler', 'wallboard', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** An account's role may be any role (Account.role); only staff accounts are edited here (citizens sign in through the public pages). */
export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

export interface AccountInput {
  displayName: string;
  role: StaffRole;
  unitId: string | null;
}

export const listAccounts = () => call<AccountList>('GET', '/api/admin/users').then((r) => r.users);
export const createAccount = (a: AccountInput & { username: string; password?: string; mustChangePassword?: boolean }) =>
  call<AccountCreated>('POST', '/api/admin/users', a);
export const updateAccount = (id: number, a: AccountInput) => call<AccountChanged>('PATCH', `/api/admin/users/${id}`, a);
export const resetPassword = (id: number, mustChangePassword = false) =>
  call<GeneratedPassword>('POST', `/api/admin/users/${id}/password`, { mustChangePassword });
/** Accounts from a CSV text (POST /api/admin/users/import): all or none; each generated password once. */
export const importAccounts = (csv: string) => call<AccountsImported>('POST', '/api/admin/users/import', { csv });
export const setDisabled = (id: number, disabled: boolean) => call<void>('POST', `/api/admin/users/${id}/${disabled ? 'disable' : 'enable'}`);
export const unlockAccount = (id: number) => call<void>('POST', `/api/admin/users/${id}/unlock`);

/** The admin audit log's newest rows (GET /api/admin/audit). */
export const listAudit = () => call<AuditPage>('GET', '/api/admin/audit?limit=50').then((r) => r.entries);
