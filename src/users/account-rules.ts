/**
 * Which unit an account may carry for its role (org.yaml's units): a unit handler needs one; a
 * dispatcher may carry a county sub-platform's (the county's back office, scoped to its subtree)
 * or none (the city's desk); the other roles carry none.
 */
import type { UserRole } from '../db/schema.js';
import { AccountError } from './account-errors.js';
import { AppError } from '../errors/index.js';

/** A unit of org.yaml as far as accounts care. */
export interface UnitLookup {
  (unitId: string): { readonly subPlatform?: boolean | undefined } | undefined;
}

/** Throws the AccountError refusing `unitId` for `role`; returns the unit id to store (null: none). */
export function checkAccountUnit(role: UserRole, unitId: string | null, unitOf: UnitLookup): string | null {
  if (role === 'unit_handler' && unitId === null) throw new AccountError('UNIT_REQUIRED');
  if (unitId === null) return null;
  const unit = unitOf(unitId);
  if (!unit) throw new AppError('UNKNOWN_UNIT', `no unit "${unitId}" in org.yaml`);
  if (role === 'unit_handler') return unitId;
  if (role === 'dispatcher' && unit.subPlatform === true) return unitId;
  throw new AccountError(
    'UNIT_NOT_ALLOWED',
    role === 'dispatcher' ? `a dispatcher's unit must be a county sub-platform; "${unitId}" is not one` : `a ${role} carries no unit`,
  );
}
