/**
 * What a create writes into work_orders' indexes (migrations/0031, docs/performance.md "Creates
 * below 2,000/s again"): a draft has no call, caller, unit, category, place or deadline, and the indexes on
 * those columns leave NULL out, so it writes no entry there; the queries that filter on them
 * still use them; the deadline scheduler's handling scan and the desk's overdue queue still read their deadline
 * range from (status, deadline_at) (migrations/0033: 0031 had dropped it).
 */
import type Database from 'better-sqlite3';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { findUnwarned } from '../../src/workorders/deadlines/warnings-store-sqlite.js';

const PARTIAL = [
  'work_orders_call_uq',
  'work_orders_caller_idx',
  'work_orders_lead_unit_idx',
  'work_orders_category_created_idx',
  'work_orders_lead_unit_deadline_idx',
  'work_orders_caller_phone_idx',
  'work_orders_location_idx',
  'work_orders_status_idx',
];

t.test('a draft writes no entry into the indexes of columns it leaves empty', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  const service = new WorkOrdersService(sqliteOrdersStoreOn(h.db));
  for (let i = 0; i < 5; i++) await service.createDraft({ channel: 'web' });
  const indexed = h.sqlite.prepare(`select name from sqlite_schema where type = 'index' and tbl_name = 'work_orders'`).pluck().all() as string[];
  t.ok(indexed.includes('work_orders_status_idx'), '(status, deadline_at) is kept for the deadline ranges');
  for (const name of PARTIAL) {
    const entries = entriesOf(h.sqlite, name);
    const sqlText = h.sqlite.prepare(`select sql from sqlite_schema where name = ?`).pluck().get(name) as string;
    t.match(sqlText, /is not null$/, `${name} leaves NULL out`);
    t.equal(entries, 0, `no ${name} entry for a draft`);
  }
  h.sqlite
    .prepare(`update work_orders set lead_unit_id = 'city-amr', category = 'complaint', location = '织里镇', caller_phone = '13900000000' where id = 1`)
    .run();
  for (const name of [
    'work_orders_lead_unit_idx',
    'work_orders_category_created_idx',
    'work_orders_lead_unit_deadline_idx',
    'work_orders_caller_phone_idx',
    'work_orders_location_idx',
  ]) {
    t.equal(entriesOf(h.sqlite, name), 1, `${name} has the filled order`);
  }
});

t.test('the queries on those columns still use their index', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  const plan = (q: string) => (h.sqlite.prepare(`explain query plan ${q}`).all() as { detail: string }[]).map((r) => r.detail).join(' ; ');
  t.match(plan(`select id from work_orders where call_id = 'c'`), /work_orders_call_uq/);
  t.match(plan(`select id from work_orders where caller_id = 1 order by created_at desc`), /work_orders_caller_idx/);
  t.match(plan(`select count(*) from work_orders where lead_unit_id in ('a', 'b') and status = 'signed'`), /work_orders_lead_unit_idx/);
  t.match(plan(`select id from work_orders where category = 'complaint' order by created_at desc limit 20`), /work_orders_category_created_idx/);
  t.match(plan(`select id from work_orders where caller_phone = '1' order by created_at desc limit 20`), /work_orders_caller_phone_idx/);
  t.match(plan(`select id from work_orders where location = 'x' and created_at > 0 order by created_at desc limit 20`), /work_orders_location_idx/);
  // The desk's overdue and due-soon queues (desk/queues.ts) and the consultation board range over a status's deadlines.
  t.match(
    plan(`select id from work_orders where status = 'signed' and deadline_at < 5 order by deadline_at limit 20`),
    /work_orders_status_idx \(status=\? AND deadline_at<\?\)/,
  );
  t.match(
    plan(`select count(*) from work_orders where status = 'signed' and deadline_at between 1 and 5`),
    /work_orders_status_idx \(status=\? AND deadline_at>\? AND deadline_at<\?\)/,
  );
});

t.test("the scheduler's handling scan reads the deadline range from the status/deadline index", async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  const seen: string[] = [];
  const prepare = h.sqlite.prepare.bind(h.sqlite);
  // Every statement drizzle compiles goes through the connection's prepare (connection.ts).
  h.sqlite.prepare = ((source: string) => (seen.push(source), prepare(source))) as typeof h.sqlite.prepare;
  findUnwarned(h.db, { clock: 'handling', kind: 'overdue', statuses: ['dispatched', 'signed', 'in_progress'], min: 1, max: 2, limit: 10 });
  const source = seen.find((s) => s.includes('deadline_warnings'));
  if (!source) return t.fail('the scan ran no query');
  const params = new Array((source.match(/\?/g) ?? []).length).fill(0);
  const detail = (prepare(`explain query plan ${source}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' ; ');
  t.match(detail, /work_orders_status_idx \(status=\? AND deadline_at>\? AND deadline_at<\?\)/, detail);
});

/** The entries stored in an index's b-tree (SQLite's dbstat: cells of its leaf pages). */
function entriesOf(sqlite: Database.Database, index: string): number {
  return sqlite.prepare(`select coalesce(sum(ncell), 0) from dbstat where name = ? and pagetype = 'leaf'`).pluck().get(index) as number;
}
