/**
 * The capped counts of order lists and searches on PostgreSQL, kept until the data they were
 * counted on changes: what SQLite's adapter does with data_version (order-pages.ts countMemo),
 * with PostgreSQL's own marker of "nothing committed since": the statement's snapshot
 * (`pg_current_snapshot()`: xmin, xmax and the transactions in progress). A count is kept with
 * the snapshot it was counted in (one statement: the same snapshot); the same count asked again
 * first reads the current snapshot (one small statement), and is answered from memory only if
 * that snapshot is the same — no transaction of any session, on any node, has committed since,
 * so counting again would see exactly the same rows. Any commit in the cluster (an order, a
 * session, a call event) makes every kept count stale, as any write does on SQLite. The key is
 * the count's SQL and its parameters (the scope, the filter and `now` for overdue lists).
 */
import { sql } from 'drizzle-orm';
import type { PgConn } from '../db/postgres-async.js';

/** The statement's snapshot as text, to select beside a count. */
export const SNAPSHOT = sql<string>`pg_current_snapshot()::text`;

/** A count statement that selects `n` and `snapshot` ({@link SNAPSHOT}) in one row. */
export interface CountQuery extends PromiseLike<Array<{ n: number; snapshot: string }>> {
  toSQL(): { sql: string; params: unknown[] };
}

export class CountMemo {
  private readonly kept = new Map<string, { snapshot: string; n: number }>();
  /** How many counts were answered from memory (for tests and benches). */
  hits = 0;

  constructor(private readonly max = 512) {}

  async count(db: PgConn, query: CountQuery): Promise<number> {
    const { sql: text, params } = query.toSQL();
    const key = JSON.stringify([text, params]);
    const kept = this.kept.get(key);
    if (kept) {
      const { rows } = await db.execute<{ snapshot: string }>(sql`select ${SNAPSHOT} as snapshot`);
      this.kept.delete(key);
      if (rows[0]?.snapshot === kept.snapshot) {
        this.kept.set(key, kept);
        this.hits++;
        return kept.n;
      }
    }
    const [row] = await query;
    const n = row?.n ?? 0;
    if (row) {
      this.kept.set(key, { snapshot: row.snapshot, n });
      // The least recently used count goes first.
      if (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!);
    }
    return n;
  }
}
