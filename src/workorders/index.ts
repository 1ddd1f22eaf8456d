/** Work orders: the pure lifecycle, deadlines, and their persistence. */
export { WorkOrdersService, type ApplyResult, type NewDraft, type OrderApplied, type WorkOrdersServiceOptions } from './workorders-service.js';
export { WorkOrderError, WORK_ORDER_ERRORS, type WorkOrderErrorCode } from './errors.js';
export { orderNumbers } from './order-numbers.js';
export type { Tx, WorkOrder, WorkOrderEventRecord } from './repository.js';
