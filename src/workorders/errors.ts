/**
 * Work-order errors with fixed codes, HTTP statuses and default messages (decision 0009 #5):
 * the lifecycle's refusals, the order itself and its attachments. The domain does not import
 * http/: the error handler renders every coded error (src/errors).
 */
import { defineErrors } from '../errors/index.js';
import { LIFECYCLE_ERRORS, type LifecycleErrorCode } from './lifecycle/index.js';

export class WorkOrderError extends defineErrors('WorkOrderError', {
  ...LIFECYCLE_ERRORS,
  ORDER_NOT_FOUND: [404, 'no such work order'],
  /** `expectedVersion` differs from the stored one: someone else changed the order. */
  CONFLICT: [409, 'the order changed; reload and try again'],
  /** The citizen lookup of this order number failed too often (intake.ts): wait (Retry-After). */
  LOOKUP_LOCKED: [429, 'too many failed lookups of this order; try again later'],
  /** A county dispatcher dispatching to a unit outside its sub-platform's subtree. */
  UNIT_OUT_OF_SCOPE: [403, 'the unit is outside your sub-platform'],
  /** The order desk's saved searches (desk/saved-filters.ts). */
  SAVED_FILTER_NOT_FOUND: [404, 'no such saved filter'],
  SAVED_FILTERS_FULL: [409, 'too many saved filters'],
  /** A dispatch names a unit (lead or co-handling) that config/org.yaml does not list. */
}) {}

export const WORK_ORDER_ERRORS = WorkOrderError.catalogue;
export type WorkOrderErrorCode = keyof typeof WORK_ORDER_ERRORS;

export const isLifecycleCode = (code: string): code is LifecycleErrorCode => code in LIFECYCLE_ERRORS;
