/**
 * Human work-order numbers, `HZ-20261126-000123`: a per-day sequence in the `counters` table,
 * keyed by the Shanghai (UTC+8, no DST since 1991) date so numbering restarts at local midnight
 * whatever the server's TZ. Bumped inside the caller's transaction: a rolled-back order gives
 * its number back.
 */
import { sql } from 'drizzle-orm';
import { counters } from '../db/schema.js';
import type { DbOrTx } from './repository.js';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** `YYYYMMDD` of `now` (epoch ms) in Beijing time. */
export function shanghaiDate(now: number): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The next number for the Shanghai day of `now`; call inside the transaction that inserts the order. */
export function nextOrderNumber(tx: DbOrTx, now: number, prefix = 'HZ'): string {
  const day = shanghaiDate(now);
  const row = tx
    .insert(counters)
    .values({ name: `workorder:${prefix}:${day}`, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
    .get();
  return `${prefix}-${day}-${String(row.value).padStart(6, '0')}`;
}
