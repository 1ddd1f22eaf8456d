/**
 * work_order_units mirrors lead_unit_id / co_unit_ids (migrations/0008 triggers) and drives a
 * unit's lists (scopeCondition). Real SQLite files throughout.
 */
import path from 'node:path';
import { desc } from 'drizzle-orm';
import t from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { workOrders } from '../../src/db/schema.js';
import { listOrders } from '../../src/workorders/queries.js';
import { findPage } from '../../src/workorders/order-pages.js';
import { SMALL_UNIT_ORDERS, canSee, scopeCondition, scopeFor, type OrderScope } from '../../src/workorders/scope.js';
import { agentAndHandler, migrationsBefore, openTmpDb, rng, tmpDir } from '../helpers/db-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const open = openTmpDb;

/** The junction rows of an order as "unit:role", sorted. */
const unitsOf = (h: DbHandle, orderId: number): string[] =>
  (h.sqlite.prepare('select unit_id, role from work_order_units where order_id = ? order by unit_id').all(orderId) as { unit_id: string; role: string }[]).map(
    (r) => `${r.unit_id}:${r.role}`,
  );

t.test('junction rows follow dispatch, return and re-dispatch, and stay through a merge', async (t) => {
  const h = open(t);
  const { now, svc, agent, handler: lead } = agentAndHandler(h);
  const accept = { type: 'accept', fields: { category: 'complaint', subject: '噪音', content: '夜间施工' } } as const;

  const o = await svc.createDraft({ channel: '12345', callerPhone: '13800138000', agentId: 1 });
  t.same(unitsOf(h, o.id), [], 'a draft is with no unit');
  await svc.apply(o.id, accept, agent);
  await svc.apply(o.id, { type: 'dispatch', leadUnitId: 'hz-hrss', coUnitIds: ['hz-transport', 'hz-urban'], deadlineAt: now + 5 * DAY }, agent);
  t.same(unitsOf(h, o.id), ['hz-hrss:lead', 'hz-transport:co', 'hz-urban:co'], 'dispatch: lead and co-units');
  await svc.apply(o.id, { type: 'return', reason: '不属于本单位职责' }, lead);
  t.same(unitsOf(h, o.id), ['hz-hrss:lead', 'hz-transport:co', 'hz-urban:co'], 'a return keeps the units (the columns are unchanged)');
  await svc.apply(o.id, { type: 'redispatch', leadUnitId: 'hz-transport', coUnitIds: ['hz-amr'], deadlineAt: now + 6 * DAY }, agent);
  t.same(unitsOf(h, o.id), ['hz-amr:co', 'hz-transport:lead'], 're-dispatch replaces lead and co-units');

  const other = await svc.createDraft({ channel: '12345', callerPhone: '13800138001', agentId: 1 });
  await svc.apply(other.id, accept, agent);
  await svc.apply(other.id, { type: 'merge_into', targetOrderId: o.id }, agent);
  t.same(unitsOf(h, o.id), ['hz-amr:co', 'hz-transport:lead'], 'a merge (of an accepted order into this one) keeps the units');
  t.same(unitsOf(h, other.id), [], 'the merged order was with no unit and still is');

  // Any writer of the columns, not only the service: a direct update and a delete.
  h.sqlite.prepare(`update work_orders set co_unit_ids = '["hz-hrss"]' where id = ?`).run(o.id);
  t.same(unitsOf(h, o.id), ['hz-hrss:co', 'hz-transport:lead'], 'co-units changed directly');
  h.sqlite.prepare('update work_orders set lead_unit_id = null where id = ?').run(o.id);
  t.same(unitsOf(h, o.id), ['hz-hrss:co']);
  h.sqlite.exec('delete from work_order_events; delete from work_orders');
  t.equal((h.sqlite.prepare('select count(*) n from work_order_units').get() as { n: number }).n, 0, 'deleted orders leave no rows');
});

t.test('a failed change leaves the junction as it was (same transaction)', async (t) => {
  const h = open(t);
  const ins = h.sqlite.prepare(
    `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, created_at, updated_at) values (?, '12345', 'dispatched', ?, ?, 1, 1)`,
  );
  const id = Number(ins.run('T-1', 'u-a', '["u-b"]').lastInsertRowid);
  const tx = h.sqlite.transaction(() => {
    h.sqlite.prepare(`update work_orders set lead_unit_id = 'u-c', co_unit_ids = '[]' where id = ?`).run(id);
    throw new Error('rolled back');
  });
  t.throws(() => tx(), /rolled back/);
  t.same(unitsOf(h, id), ['u-a:lead', 'u-b:co']);
});

t.test('over random data a unit lists exactly the orders canSee lets it see', async (t) => {
  const h = open(t);
  const rand = rng(12345);
  const UNITS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
  const some = (): string[] => UNITS.filter(() => rand() < 0.2);
  const lead = (): string | null => (rand() < 0.25 ? null : UNITS[Math.floor(rand() * UNITS.length)]!);
  const ins = h.sqlite.prepare(
    `insert into work_orders (number, channel, status, subject, lead_unit_id, co_unit_ids, created_at, updated_at) values (?, '12345', 'dispatched', ?, ?, ?, ?, ?)`,
  );
  const upd = h.sqlite.prepare('update work_orders set lead_unit_id = ?, co_unit_ids = ? where id = ?');
  const N = 400;
  for (let i = 0; i < N; i++) {
    const l = lead();
    ins.run(`R-${i}`, i % 3 === 0 ? '路灯不亮' : '噪音扰民', l, JSON.stringify(some().filter((u) => u !== l)), i, i);
  }
  for (let i = 0; i < 300; i++) {
    const l = lead();
    upd.run(l, JSON.stringify(some().filter((u) => u !== l)), 1 + Math.floor(rand() * N));
  }
  const rows = h.sqlite.prepare('select id, lead_unit_id, co_unit_ids from work_orders').all() as {
    id: number;
    lead_unit_id: string | null;
    co_unit_ids: string;
  }[];
  const scopes: [string, OrderScope][] = [
    ...UNITS.map((u): [string, OrderScope] => [u, scopeFor({ role: 'unit_handler', unitId: u })]),
    ['u1+subtree', scopeFor({ role: 'unit_handler', unitId: 'u1' }, { unitsInSubtree: () => ['u3', 'u5'] })],
    ['no unit', scopeFor({ role: 'unit_handler', unitId: null })],
    ['unknown unit', scopeFor({ role: 'unit_handler', unitId: 'nobody' })],
  ];
  for (const [name, scope] of scopes) {
    const expected = rows
      .filter((r) => canSee(scope, { leadUnitId: r.lead_unit_id, coUnitIds: JSON.parse(r.co_unit_ids) as string[] }))
      .map((r) => r.id)
      .sort((a, b) => a - b);
    const listed = listOrders(h.db, scope, { pageSize: 100, page: 1 }, N);
    t.equal(listed.total, expected.length, `${name}: total`);
    const ids: number[] = [];
    for (let page = 1; (page - 1) * 100 < listed.total; page++) ids.push(...listOrders(h.db, scope, { pageSize: 100, page }, N).items.map((o) => o.id));
    t.same(
      [...ids].sort((a, b) => a - b),
      expected,
      `${name}: the same orders as canSee`,
    );
    // Without a db the condition always takes the large-unit form (+id: walk the list index).
    const walked = findPage(h.db, scopeCondition(scope), {}, N, 1000, 0);
    t.same(
      walked.rows.map((r) => r.id).sort((a, b) => a - b),
      expected,
      `${name}: the large-unit form lists the same orders`,
    );
    t.equal(
      findPage(h.db, scopeCondition(scope), { sort: 'deadlineAt', status: ['dispatched', 'returned'] }, N, 1000, 0).n,
      expected.length,
      `${name}: merged statuses`,
    );
    const searched = listOrders(h.db, scope, { q: '路灯不亮', pageSize: 100 }, N);
    const expectedSearch = expected.filter((id) => (id - 1) % 3 === 0);
    t.equal(searched.total, expectedSearch.length, `${name}: search total`);
  }
  t.ok(
    rows.some((r) => r.co_unit_ids !== '[]'),
    'the data has co-units',
  );
});

t.test('a small unit is listed from its own orders, a large one by walking the list index', async (t) => {
  const h = open(t);
  const ins = h.sqlite.prepare(
    `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, created_at, updated_at) values (?, '12345', 'dispatched', ?, '["small"]', ?, ?)`,
  );
  h.sqlite.transaction(() => {
    for (let i = 0; i < SMALL_UNIT_ORDERS + 10; i++) ins.run(`P-${i}`, 'large', i, i);
  })();
  h.sqlite.prepare(`update work_orders set co_unit_ids = '[]' where id > 5`).run();
  const planOf = (unit: string) => {
    const cond = scopeCondition(scopeFor({ role: 'unit_handler', unitId: unit }), h.db)!;
    const q = h.db.select().from(workOrders).where(cond).orderBy(desc(workOrders.createdAt), desc(workOrders.id)).limit(20).toSQL();
    return (h.sqlite.prepare(`explain query plan ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail).join(' | ');
  };
  t.match(
    planOf('small'),
    /SEARCH work_orders USING INTEGER PRIMARY KEY.*SEARCH work_order_units USING COVERING INDEX sqlite_autoindex_work_order_units_1 \(unit_id=\?\)/,
  );
  t.match(planOf('large'), /SCAN work_orders USING INDEX work_orders_created_idx.*SEARCH work_order_units USING COVERING INDEX/);
  t.notMatch(planOf('large'), /TEMP B-TREE/, "no sort of the large unit's orders");
  t.equal(listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: 'small' }), {}, 1).total, 5);
  t.same(
    listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: 'large' }), { pageSize: 3 }, 1).items.map((o) => o.number),
    ['P-2009', 'P-2008', 'P-2007'],
  );
});

t.test('the migration backfills an older database', async (t) => {
  const dir = tmpDir(t, 'sunline-ou-');
  const partial = path.join(dir, 'migrations');
  t.ok(migrationsBefore(partial, '_work_order_units') > 0);
  const file = path.join(dir, 'old.db');
  const old = openDb({ file, migrationsDir: partial });
  const ins = old.sqlite.prepare(
    `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, created_at, updated_at) values (?, '12345', ?, ?, ?, 1, 1)`,
  );
  ins.run('B-1', 'draft', null, '[]');
  ins.run('B-2', 'dispatched', 'u-a', '[]');
  ins.run('B-3', 'dispatched', 'u-a', '["u-b","u-c"]');
  ins.run('B-4', 'returned', 'u-b', '["u-a"]');
  old.close();

  const h = openDb({ file });
  t.teardown(() => h.close());
  t.same(unitsOf(h, 1), []);
  t.same(unitsOf(h, 2), ['u-a:lead']);
  t.same(unitsOf(h, 3), ['u-a:lead', 'u-b:co', 'u-c:co']);
  t.same(unitsOf(h, 4), ['u-a:co', 'u-b:lead']);
  const numbers = (u: string) => listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: u }), {}, 1).items.map((o) => o.number);
  t.same(numbers('u-a'), ['B-4', 'B-3', 'B-2']);
  t.same(numbers('u-c'), ['B-3']);
  h.sqlite.prepare(`update work_orders set co_unit_ids = '["u-c"]' where id = 4`).run();
  t.same(numbers('u-c'), ['B-4', 'B-3'], 'the triggers work on the upgraded database');
});
