/**
 * Human work-order numbers, `HZ-20261126-000123`: a per-day sequence in the `counters` table,
 * keyed by the Shanghai (UTC+8, no DST since 1991) date so numbering restarts at local midnight
 * whatever the server's TZ. Bumped inside the caller's transaction: a rolled-back order gives
 * its number back.
 */
import { shanghaiDate } from '../lib/shanghai-time.js';

/** How an order created at one time is numbered: the day's counter, and the number's head (`HZ-20261126-`). */
export interface OrderNumbering {
  /** The `counters` row: `workorder:HZ:20261126`. */
  readonly counter: string;
  /** What comes before the counter's value in the number: `HZ-20261126-`. */
  readonly head: string;
}

export function orderNumbering(prefix: string, now: number): OrderNumbering {
  const day = shanghaiDate(now);
  return { counter: `workorder:${prefix}:${day}`, head: `${prefix}-${day}-` };
}

/** The number the counter's value `value` gives: the head, then the value with at least six digits (orders-store-pg.ts writes the same in SQL). */
export function orderNumberOf(n: OrderNumbering, value: number): string {
  return `${n.head}${String(value).padStart(6, '0')}`;
}

/**
 * The next order number at `now`: `bump(name)` bumps the day's counter inside the transaction
 * that inserts the order (orders-store.ts `bumpCounter`: an upsert with `RETURNING`, prepared
 * once per connection on SQLite — building it per call took about a third of a create's CPU,
 * docs/performance.md). The service numbers a new order with `insertNumbered` instead, which
 * bumps the counter in the statement that inserts the order on PostgreSQL.
 */
export async function nextOrderNumber(prefix: string, now: number, bump: (name: string) => Promise<number>): Promise<string> {
  const n = orderNumbering(prefix, now);
  return orderNumberOf(n, await bump(n.counter));
}
