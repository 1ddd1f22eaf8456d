/**
 * The topic index's catch-up runs every few seconds on the event loop (reports/topic-index.ts), so
 * its statements on SQLite must be index look-ups, never a read of every row: each statement the
 * store runs is captured (drizzle's logger) and planned with EXPLAIN QUERY PLAN, and none may scan
 * topic_orders. Two max() in one select did (SQLite's min/max shortcut takes a lone aggregate):
 * ~80 ms a catch-up at 1M orders, ~8 % of the server's CPU while creating orders (bench:http).
 */
import { drizzle } from 'drizzle-orm/better-sqlite3';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import * as schema from '../../src/db/schema.js';
import { sqliteTopicIndexStoreOn } from '../../src/reports/topic-index-store-sqlite.js';

t.test('the cursors are two look-ups of an index’s end, not a scan of topic_orders', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  const statements: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(h.sqlite, { schema, logger: { logQuery: (sql, params) => void statements.push({ sql, params }) } });
  const store = sqliteTopicIndexStoreOn(db);
  t.same(await store.read((q) => q.cursors()), { maxId: null, latest: null }, 'nothing indexed yet');
  h.sqlite
    .prepare(
      `insert into topic_orders (order_id, version, updated_at, day, unit_id, category, counted, words, places) values (7, 1, 1234, '2026-12-01', '', '', 0, '', '')`,
    )
    .run();
  t.same(await store.read((q) => q.cursors()), { maxId: 7, latest: 1234 }, 'the highest order id and update time indexed');
  t.ok(statements.length >= 2, 'the statements were captured');
  for (const s of statements) {
    const plan = (h.sqlite.prepare(`explain query plan ${s.sql}`).all(...(s.params as never[])) as { detail: string }[]).map((r) => r.detail).join(' ; ');
    t.notMatch(plan, /SCAN topic_orders/, `${s.sql} → ${plan}`);
  }
});
