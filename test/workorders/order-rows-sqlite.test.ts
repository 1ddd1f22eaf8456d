/**
 * The SQLite work-order reads' statements (workorders/order-rows-sqlite.ts): rows read raw and
 * mapped by hand are exactly drizzle's rows (booleans, JSON lists and objects, nulls), and the
 * statements of one read share one read transaction — one snapshot, even when another connection
 * commits between them — which leaves an open transaction alone and always ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { asc, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { workOrderEvents, workOrders } from '../../src/db/schema.js';
import { inOneRead, rowsOf, toEventRow, toOrderRow } from '../../src/workorders/order-rows-sqlite.js';

function open(t: { teardown(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-order-rows-'));
  const file = path.join(dir, 'x.db');
  const h = openDb({ file });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { h, file };
}

t.test('raw rows mapped by hand are the rows drizzle maps', async (t) => {
  const { h } = open(t);
  const insert = h.sqlite.prepare(`insert into work_orders
    (number, channel, caller_phone, confidential, callback_due, status, lead_unit_id, co_unit_ids, pending_extension, linked_order_ids, deadline_at, created_at, updated_at)
    values (?, '12345', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  insert.run('R-1', '13800001111', 1, 0, 'dispatched', 'city-urban', '["a","b"]', '{"days":3,"reason":"r","requestedAt":5,"requestedBy":2}', '[7,8]', 99, 1, 2);
  insert.run('R-2', null, 0, 1, 'accepted', null, '[]', null, '[]', null, 3, 4);
  const event = h.sqlite.prepare('insert into work_order_events (order_id, at, action, from_status, to_status, comment, data) values (?, ?, ?, ?, ?, ?, ?)');
  event.run(1, 10, 'create', null, 'draft', null, null);
  event.run(1, 11, 'dispatch', 'accepted', 'dispatched', '派单', '{"leadUnitId":"city-urban","n":[1,2]}');
  const db = h.db;

  const orders = rowsOf(db, 'test:orders', toOrderRow, () => db.select().from(workOrders).orderBy(asc(workOrders.id))).all();
  t.same(orders, db.select().from(workOrders).orderBy(asc(workOrders.id)).all());
  t.strictSame(
    orders.map((o) => [o.confidential, o.callbackDue, o.coUnitIds, o.pendingExtension, o.linkedOrderIds, o.callerPhone]),
    [
      [true, false, ['a', 'b'], { days: 3, reason: 'r', requestedAt: 5, requestedBy: 2 }, [7, 8], '13800001111'],
      [false, true, [], null, [], null],
    ],
  );
  t.strictSame(Object.keys(orders[0]!), Object.keys(db.select().from(workOrders).all()[0]!), 'the same keys in the same order');

  const byId = rowsOf(db, 'test:byId', toOrderRow, () =>
    db
      .select()
      .from(workOrders)
      .where(eq(workOrders.id, sql.placeholder('id'))),
  );
  t.strictSame(byId.get({ id: 2 }), orders[1]);
  t.equal(byId.get({ id: 3 }), undefined, 'no row: undefined');

  const events = rowsOf(db, 'test:events', toEventRow, () => db.select().from(workOrderEvents).orderBy(asc(workOrderEvents.id))).all();
  t.strictSame(events, db.select().from(workOrderEvents).orderBy(asc(workOrderEvents.id)).all());
  t.strictSame(
    events.map((e) => e.data),
    [null, { leadUnitId: 'city-urban', n: [1, 2] }],
  );
});

t.test("one read, one snapshot: another connection's commit between two statements is not seen", async (t) => {
  const { h, file } = open(t);
  const other = new Database(file);
  t.teardown(() => other.close());
  const count = h.sqlite.prepare('select count(*) from work_orders').pluck();
  const add = other.prepare("insert into work_orders (number, channel, status, created_at, updated_at) values (?, '12345', 'accepted', 1, 1)");
  const twice = () => {
    const first = count.get() as number;
    add.run(`S-${first}`);
    return [first, count.get() as number];
  };
  t.same(inOneRead(h.db, twice), [0, 0], 'both statements read the snapshot of the first');
  t.notOk(h.sqlite.inTransaction, 'the read transaction ended');
  t.same(twice(), [1, 2], 'without it, each statement reads its own (the check can fail)');
});

t.test('inside an open transaction it just runs; a read that throws still ends its transaction', async (t) => {
  const { h } = open(t);
  const count = h.sqlite.prepare('select count(*) from work_orders').pluck();
  h.sqlite.exec('begin');
  h.sqlite.prepare("insert into work_orders (number, channel, status, created_at, updated_at) values ('T-1', '12345', 'accepted', 1, 1)").run();
  t.equal(
    inOneRead(h.db, () => count.get()),
    1,
    "the open transaction's own row",
  );
  t.ok(h.sqlite.inTransaction, 'and its transaction still open');
  h.sqlite.exec('commit');
  t.throws(() =>
    inOneRead(h.db, () => {
      count.get();
      throw new Error('boom');
    }),
  );
  t.notOk(h.sqlite.inTransaction, 'ended after the throw');
  t.equal(
    inOneRead(h.db, () => count.get()),
    1,
  );
});
