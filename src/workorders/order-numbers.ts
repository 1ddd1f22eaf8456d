/**
 * Human work-order numbers, `HZ-20261126-000123`: a per-day sequence in the `counters` table,
 * keyed by the Shanghai (UTC+8, no DST since 1991) date so numbering restarts at local midnight
 * whatever the server's TZ. Bumped inside the caller's transaction: a rolled-back order gives
 * its number back.
 */
import { shanghaiDate } from '../lib/shanghai-time.js';

/**
 * The next order number at `now`: `bump(name)` bumps the day's counter inside the transaction
 * that inserts the order (orders-store.ts `bumpCounter`: an upsert with `RETURNING`, prepared
 * once per connection on SQLite — building it per call took about a third of a create's CPU,
 * docs/performance.md).
 */
export async function nextOrderNumber(prefix: string, now: number, bump: (name: string) => Promise<number>): Promise<string> {
  const day = shanghaiDate(now);
  const value = await bump(`workorder:${prefix}:${day}`);
  return `${prefix}-${day}-${String(value).padStart(6, '0')}`;
}
