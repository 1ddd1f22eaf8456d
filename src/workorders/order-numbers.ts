/**
 * Human work-order numbers, `HZ-20261126-000123`: a per-day sequence in the `counters` table,
 * keyed by the Shanghai (UTC+8, no DST since 1991) date so numbering restarts at local midnight
 * whatever the server's TZ. Bumped inside the caller's transaction: a rolled-back order gives
 * its number back.
 */
import { sql } from 'drizzle-orm';
import { counters } from '../db/schema.js';
import type { Db } from '../db/connection.js';

import { shanghaiDate } from '../lib/shanghai-time.js';

/**
 * The order-number allocator of `db`'s connection: `(now) => number`, to call inside the
 * transaction that inserts the order. The counter upsert is prepared once: building it as a
 * drizzle query on every call took about a third of a create's CPU (docs/performance.md).
 */
export function orderNumbers(db: Db, prefix = 'HZ'): (now: number) => string {
  const bump = db
    .insert(counters)
    .values({ name: sql.placeholder('name'), value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
    .prepare();
  return (now) => {
    const day = shanghaiDate(now);
    const { value } = bump.get({ name: `workorder:${prefix}:${day}` });
    return `${prefix}-${day}-${String(value).padStart(6, '0')}`;
  };
}
