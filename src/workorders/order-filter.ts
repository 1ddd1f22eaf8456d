/** What a list of work orders asks for: filters, paging and order (queries.ts, order-pages.ts, unit-pages.ts). */
import type { OrderCategory, OrderStatus } from './lifecycle/index.js';

export const ORDER_SORTS = ['createdAt', 'deadlineAt'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export interface OrderFilter {
  readonly status?: readonly OrderStatus[];
  readonly category?: OrderCategory;
  readonly channel?: string;
  readonly leadUnitId?: string;
  /** The reporter's phone, exact (the order desk's search; work_orders_caller_phone_idx). */
  readonly callerPhone?: string;
  /** Past the handling deadline and still waiting for the unit's reply. */
  readonly overdue?: boolean;
  readonly createdFrom?: number;
  readonly createdTo?: number;
  /** Free text: terms of 3+ characters go through the trigram index, shorter ones match the subject. */
  readonly q?: string;
  readonly page?: number;
  readonly pageSize?: number;
  /**
   * createdAt: newest first (with a text search of 3+ character terms: by order id, the order
   * in which orders were taken); deadlineAt: most urgent first, orders without a deadline last.
   */
  readonly sort?: OrderSort;
}
