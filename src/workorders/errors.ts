/**
 * Work-order errors with fixed codes and HTTP statuses (CONVENTIONS.md #5). The domain does not
 * import http/: the HTTP error handler renders anything carrying `code` and `statusCode`.
 */
import { LIFECYCLE_ERRORS, type LifecycleErrorCode } from './lifecycle/index.js';

export const WORK_ORDER_ERRORS = {
  ...LIFECYCLE_ERRORS,
  ORDER_NOT_FOUND: 404,
  /** `expectedVersion` differs from the stored one: someone else changed the order. */
  CONFLICT: 409,
} as const;

export type WorkOrderErrorCode = keyof typeof WORK_ORDER_ERRORS;

export class WorkOrderError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: WorkOrderErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'WorkOrderError';
    this.statusCode = WORK_ORDER_ERRORS[code];
  }
}

export const isLifecycleCode = (code: string): code is LifecycleErrorCode => code in LIFECYCLE_ERRORS;
