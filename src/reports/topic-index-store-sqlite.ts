/** The hot topics' index on SQLite (topic-index-store.ts; the async port: db/sqlite-async.ts): the statements topic-index.ts ran before the port, prepared per connection. */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '../db/connection.js';
import { topicOrders, topicOrderWords, topicPlaceDays, topicWordDays } from '../db/schema.js';
import { sqliteAsync, type SqliteAsyncDb, type SqliteConn } from '../db/sqlite-async.js';
import { TOPIC_SOURCE_COLUMNS, type TopicIndexQueries, type TopicIndexStore, type TopicIndexWrites, type TopicSourceRow } from './topic-index-store.js';

function prepare(db: Db) {
  const p = (name: string) => sql.placeholder(name);
  return {
    saveOrder: db
      .insert(topicOrders)
      .values({
        orderId: p('orderId'),
        version: p('version'),
        updatedAt: p('updatedAt'),
        day: p('day'),
        unitId: p('unitId'),
        category: p('category'),
        counted: p('counted'),
        words: p('words'),
        places: p('places'),
      })
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
      })
      .prepare(),
    addWord: db
      .insert(topicWordDays)
      .values({ day: p('day'), word: p('word'), unitId: p('unitId'), category: p('category'), orders: p('n') })
      .onConflictDoUpdate({
        target: [topicWordDays.day, topicWordDays.word, topicWordDays.unitId, topicWordDays.category],
        set: { orders: sql`${topicWordDays.orders} + excluded.orders` },
      })
      .prepare(),
    dropWord: db
      .delete(topicWordDays)
      .where(
        and(
          eq(topicWordDays.day, p('day')),
          eq(topicWordDays.word, p('word')),
          eq(topicWordDays.unitId, p('unitId')),
          eq(topicWordDays.category, p('category')),
          lte(topicWordDays.orders, 0),
        ),
      )
      .prepare(),
    addPlace: db
      .insert(topicPlaceDays)
      .values({ word: p('word'), day: p('day'), unitId: p('unitId'), category: p('category'), place: p('place'), orders: p('n') })
      .onConflictDoUpdate({
        target: [topicPlaceDays.word, topicPlaceDays.day, topicPlaceDays.unitId, topicPlaceDays.category, topicPlaceDays.place],
        set: { orders: sql`${topicPlaceDays.orders} + excluded.orders` },
      })
      .prepare(),
    dropPlace: db
      .delete(topicPlaceDays)
      .where(
        and(
          eq(topicPlaceDays.word, p('word')),
          eq(topicPlaceDays.day, p('day')),
          eq(topicPlaceDays.unitId, p('unitId')),
          eq(topicPlaceDays.category, p('category')),
          eq(topicPlaceDays.place, p('place')),
          lte(topicPlaceDays.orders, 0),
        ),
      )
      .prepare(),
    addHit: db
      .insert(topicOrderWords)
      .values({ word: p('word'), day: p('day'), orderId: p('orderId'), unitId: p('unitId'), category: p('category') })
      .prepare(),
    dropHit: db
      .delete(topicOrderWords)
      .where(and(eq(topicOrderWords.word, p('word')), eq(topicOrderWords.day, p('day')), eq(topicOrderWords.orderId, p('orderId'))))
      .prepare(),
  };
}

/** Prepared statements are per connection (the writer, or the read connection while a transaction is open). */
const prepared = new WeakMap<Db, ReturnType<typeof prepare>>();
const statementsOf = (db: Db) => {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
};

class SqliteTopicIndexQueries implements TopicIndexQueries {
  constructor(private readonly conn: SqliteConn) {}

  cursors(): Promise<{ maxId: number | null; latest: number | null }> {
    // One max() per subquery: with two in one select SQLite reads every row (its min/max
    // shortcut takes a lone aggregate only); this way each is one look-up of an index's end.
    return this.conn.run(
      (db) =>
        db.get<{ maxId: number | null; latest: number | null }>(
          sql`select (select max(${topicOrders.orderId}) from ${topicOrders}) as maxId, (select max(${topicOrders.updatedAt}) from ${topicOrders}) as latest`,
        ) ?? { maxId: null, latest: null },
    );
  }

  fresh(afterId: number, limit: number): Promise<TopicSourceRow[]> {
    return this.conn.run((db) =>
      db.all<TopicSourceRow>(sql`
        select ${TOPIC_SOURCE_COLUMNS} from work_orders o left join topic_orders t on t.order_id = o.id
        where o.id > ${afterId} order by o.id limit ${limit}`),
    );
  }

  changed(since: number, limit: number): Promise<TopicSourceRow[]> {
    // In no order: an `order by id` made SQLite walk every order by id instead of the updated_at index.
    return this.conn.run((db) =>
      db.all<TopicSourceRow>(sql`
        select ${TOPIC_SOURCE_COLUMNS} from work_orders o left join topic_orders t on t.order_id = o.id
        where o.updated_at >= ${since} and (t.order_id is null or t.version <> o.version)
        limit ${limit}`),
    );
  }

  lockIndex(): Promise<void> {
    // The port's writer lock: one transaction at a time.
    return Promise.resolve();
  }

  write(w: TopicIndexWrites): Promise<void> {
    // Every statement of the batch in one run(): no await between them.
    return this.conn.run((db) => {
      const s = statementsOf(db);
      for (const h of w.dropHits) s.dropHit.run(h);
      for (const h of w.addHits) s.addHit.run(h);
      for (const o of w.orders) s.saveOrder.run({ ...o });
      for (const r of w.words) {
        s.addWord.run(r);
        if (r.n < 0) s.dropWord.run(r);
      }
      for (const r of w.places) {
        s.addPlace.run(r);
        if (r.n < 0) s.dropPlace.run(r);
      }
    });
  }
}

export function sqliteTopicIndexStore(port: SqliteAsyncDb): TopicIndexStore {
  return {
    dialect: 'sqlite',
    read: (fn) => port.read((conn) => fn(new SqliteTopicIndexQueries(conn))),
    transaction: (fn) => port.transaction((tx) => fn(new SqliteTopicIndexQueries(tx))),
  };
}

const onDb = new WeakMap<Db, TopicIndexStore>();
/** The store never asks the port for durability (the HTTP layer asks the connection's own). */
const NO_DURABILITY = { durable: () => Promise.resolve() } as unknown as DbHandle['durability'];

/**
 * The store over a drizzle handle of the writer connection (benches and tests that hold only a
 * `Db`): the port's writer lock is the connection's (sqlite-async.ts shares it per connection),
 * reads run on the writer (no second connection).
 */
export function sqliteTopicIndexStoreOn(db: Db): TopicIndexStore {
  let s = onDb.get(db);
  if (!s) {
    const sqlite = (db as Db & { $client: DbHandle['sqlite'] }).$client;
    onDb.set(db, (s = sqliteTopicIndexStore(sqliteAsync({ db, sqlite, file: ':memory:', durability: NO_DURABILITY }))));
  }
  return s;
}
