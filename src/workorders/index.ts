/** Work orders: the pure lifecycle, deadlines, and their persistence. */
export { WorkOrdersService, type OrdersTx, type ApplyResult, type NewDraft, type OrderApplied, type WorkOrdersServiceOptions } from './workorders-service.js';
export { WorkOrderError, WORK_ORDER_ERRORS, type WorkOrderErrorCode } from './errors.js';
export { nextOrderNumber } from './order-numbers.js';
export type { OrdersStore, OrdersHandle } from './orders-store.js';
export { sqliteOrdersStore, sqliteOrdersStoreOn } from './orders-store-sqlite.js';
export type { Tx, WorkOrder, WorkOrderEventRecord } from './repository.js';
