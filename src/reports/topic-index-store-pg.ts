/**
 * The hot topics' index on PostgreSQL (topic-index-store.ts; the async port: db/postgres-async.ts).
 * A batch's writes are a few multi-row statements (a round trip each) instead of one statement per
 * row as on SQLite; a batch first takes a transaction-level advisory lock, so that two catch-ups
 * at once (two nodes, or a request beside the job) run their batches one after the other, each
 * reading what the one before it committed (READ COMMITTED: every statement after the lock sees it).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { topicOrders, topicOrderWords, topicPlaceDays, topicWordDays } from '../db/schema-pg.js';
import { numericRows } from './report-read-pg.js';
import {
  TOPIC_INDEX_LOCK_KEY,
  TOPIC_SOURCE_COLUMNS,
  type TopicIndexQueries,
  type TopicIndexStore,
  type TopicIndexWrites,
  type TopicSourceRow,
} from './topic-index-store.js';

/** Rows per multi-row statement: at most 9 parameters a row, far below PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 1000;

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) yield rows.slice(i, i + ROWS_PER_STATEMENT);
}

/** `(a, b, …) in ((…), (…))` over the given rows. */
const tuplesIn = (columns: SQL, rows: ReadonlyArray<readonly unknown[]>): SQL =>
  sql`(${columns}) in (${sql.join(
    rows.map(
      (r) =>
        sql`(${sql.join(
          r.map((v) => sql`${v}`),
          sql`, `,
        )})`,
    ),
    sql`, `,
  )})`;

class PgTopicIndexQueries implements TopicIndexQueries {
  constructor(private readonly db: PgConn) {}

  /** Rows of a raw statement, int8 (updated_at, created_at, max) as numbers as on SQLite. */
  private async rows<R>(q: SQL): Promise<R[]> {
    return numericRows(await this.db.execute(q)) as R[];
  }

  async cursors(): Promise<{ maxId: number | null; latest: number | null }> {
    const [r] = await this.rows<{ maxId: number | null; latest: number | null }>(
      sql`select max(order_id) as "maxId", max(updated_at) as "latest" from topic_orders`,
    );
    return r ?? { maxId: null, latest: null };
  }

  fresh(afterId: number, limit: number): Promise<TopicSourceRow[]> {
    return this.rows<TopicSourceRow>(sql`
      select ${TOPIC_SOURCE_COLUMNS} from work_orders o left join topic_orders t on t.order_id = o.id
      where o.id > ${afterId} order by o.id limit ${limit}`);
  }

  changed(since: number, limit: number): Promise<TopicSourceRow[]> {
    return this.rows<TopicSourceRow>(sql`
      select ${TOPIC_SOURCE_COLUMNS} from work_orders o left join topic_orders t on t.order_id = o.id
      where o.updated_at >= ${since} and (t.order_id is null or t.version <> o.version)
      limit ${limit}`);
  }

  async lockIndex(): Promise<void> {
    await this.db.execute(sql`select pg_advisory_xact_lock(${TOPIC_INDEX_LOCK_KEY}::bigint)`);
  }

  async write(w: TopicIndexWrites): Promise<void> {
    for (const c of chunks(w.dropHits))
      await this.db.delete(topicOrderWords).where(
        tuplesIn(
          sql`${topicOrderWords.word}, ${topicOrderWords.day}, ${topicOrderWords.orderId}`,
          c.map((h) => [h.word, h.day, h.orderId]),
        ),
      );
    for (const c of chunks(w.addHits)) await this.db.insert(topicOrderWords).values(c);
    for (const c of chunks(w.orders))
      await this.db
        .insert(topicOrders)
        .values(c)
        .onConflictDoUpdate({
          target: topicOrders.orderId,
          set: {
            version: sql`excluded.version`,
            updatedAt: sql`excluded.updated_at`,
            day: sql`excluded.day`,
            unitId: sql`excluded.unit_id`,
            category: sql`excluded.category`,
            counted: sql`excluded.counted`,
            words: sql`excluded.words`,
            places: sql`excluded.places`,
          },
        });
    for (const c of chunks(w.words)) {
      await this.db
        .insert(topicWordDays)
        .values(c.map((r) => ({ day: r.day, word: r.word, unitId: r.unitId, category: r.category, orders: r.n })))
        .onConflictDoUpdate({
          target: [topicWordDays.day, topicWordDays.word, topicWordDays.unitId, topicWordDays.category],
          set: { orders: sql`${topicWordDays.orders} + excluded.orders` },
        });
      const fell = c.filter((r) => r.n < 0);
      if (fell.length > 0)
        await this.db.delete(topicWordDays).where(
          sql`${topicWordDays.orders} <= 0 and ${tuplesIn(
            sql`${topicWordDays.day}, ${topicWordDays.word}, ${topicWordDays.unitId}, ${topicWordDays.category}`,
            fell.map((r) => [r.day, r.word, r.unitId, r.category]),
          )}`,
        );
    }
    for (const c of chunks(w.places)) {
      await this.db
        .insert(topicPlaceDays)
        .values(c.map((r) => ({ word: r.word, day: r.day, unitId: r.unitId, category: r.category, place: r.place, orders: r.n })))
        .onConflictDoUpdate({
          target: [topicPlaceDays.word, topicPlaceDays.day, topicPlaceDays.unitId, topicPlaceDays.category, topicPlaceDays.place],
          set: { orders: sql`${topicPlaceDays.orders} + excluded.orders` },
        });
      const fell = c.filter((r) => r.n < 0);
      if (fell.length > 0)
        await this.db.delete(topicPlaceDays).where(
          sql`${topicPlaceDays.orders} <= 0 and ${tuplesIn(
            sql`${topicPlaceDays.word}, ${topicPlaceDays.day}, ${topicPlaceDays.unitId}, ${topicPlaceDays.category}, ${topicPlaceDays.place}`,
            fell.map((r) => [r.word, r.day, r.unitId, r.category, r.place]),
          )}`,
        );
    }
  }
}

export function pgTopicIndexStore(port: PostgresAsyncDb): TopicIndexStore {
  return {
    dialect: 'postgres',
    read: (fn) => port.read((conn) => fn(new PgTopicIndexQueries(conn))),
    transaction: (fn) => port.transaction((tx) => fn(new PgTopicIndexQueries(tx))),
  };
}
