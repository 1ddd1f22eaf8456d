/**
 * A unit handler's lists read work_order_units, which copies each order's list keys (status,
 * created_at, deadline_at; migrations/0011 triggers) — src/workorders/unit-pages.ts. Real
 * SQLite files throughout: the triggers keep the keys right through every kind of change, the
 * migration backfills an older database, the pages equal those of the scope condition on
 * work_orders (same orders, same order, same totals) over random data, and the plans walk the
 * junction's indexes.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { ORDER_CATEGORIES, ORDER_STATUSES, type OrderStatus } from '../../src/workorders/lifecycle/index.js';
import { findPage } from '../../src/workorders/order-pages.js';
import { listOrders, type OrderFilter } from '../../src/workorders/queries.js';
import { canSee, scopeCondition, scopeFor, type OrderScope } from '../../src/workorders/scope.js';
import { findUnitPage, MAX_UNIT_ARMS, unitPageApplies } from '../../src/workorders/unit-pages.js';
import { agentAndHandler, migrationsBefore, openTmpDb, rng, tmpDir } from '../helpers/db-fixtures.js';

const DAY = 86_400_000;

const open = openTmpDb;

/** Junction rows whose keys differ from their order's (should be none). */
const stale = (h: DbHandle): unknown[] =>
  h.sqlite
    .prepare(
      `select u.unit_id, u.order_id, u.status, u.created_at, u.deadline_at, w.status ws, w.created_at wc, w.deadline_at wd
       from work_order_units u join work_orders w on w.id = u.order_id
       where u.status is not w.status or u.created_at is not w.created_at or u.deadline_at is not w.deadline_at`,
    )
    .all();

/** An order's junction rows as "unit:role:status:deadline", sorted. */
const keysOf = (h: DbHandle, orderId: number): string[] =>
  (
    h.sqlite.prepare('select unit_id, role, status, deadline_at from work_order_units where order_id = ? order by unit_id').all(orderId) as Array<
      Record<string, unknown>
    >
  ).map((r) => `${r.unit_id}:${r.role}:${r.status}:${r.deadline_at}`);

t.test('the triggers copy status, created_at and deadline_at through every change', async (t) => {
  const h = open(t);
  const { now, svc, agent, handler: lead } = agentAndHandler(h);
  const o = await svc.createDraft({ channel: '12345', callerPhone: '13800138000', agentId: 1 });
  await svc.apply(o.id, { type: 'accept', fields: { category: 'complaint', subject: '噪音', content: '夜间施工' } }, agent);
  t.same(keysOf(h, o.id), [], 'no unit yet');
  await svc.apply(o.id, { type: 'dispatch', leadUnitId: 'hz-hrss', coUnitIds: ['hz-urban'], deadlineAt: now + 5 * DAY }, agent);
  t.same(
    keysOf(h, o.id),
    [`hz-hrss:lead:dispatched:${now + 5 * DAY}`, `hz-urban:co:dispatched:${now + 5 * DAY}`],
    'dispatch: units with the status and deadline',
  );
  await svc.apply(o.id, { type: 'sign' }, lead);
  t.same(keysOf(h, o.id), [`hz-hrss:lead:signed:${now + 5 * DAY}`, `hz-urban:co:signed:${now + 5 * DAY}`], 'a status change reaches every unit row');
  await svc.apply(o.id, { type: 'return', reason: '不属于本单位职责' }, lead);
  await svc.apply(o.id, { type: 'redispatch', leadUnitId: 'hz-transport', coUnitIds: ['hz-amr', 'hz-urban'], deadlineAt: now + 7 * DAY }, agent);
  t.same(
    keysOf(h, o.id),
    [`hz-amr:co:dispatched:${now + 7 * DAY}`, `hz-transport:lead:dispatched:${now + 7 * DAY}`, `hz-urban:co:dispatched:${now + 7 * DAY}`],
    're-dispatch: new units, new deadline, status dispatched',
  );
  // Any writer, not only the service: a moved deadline, co-units changed, created_at, status.
  h.sqlite.prepare('update work_orders set deadline_at = ? where id = ?').run(now + 9 * DAY, o.id);
  t.same(
    keysOf(h, o.id).map((k) => k.split(':')[3]),
    [`${now + 9 * DAY}`, `${now + 9 * DAY}`, `${now + 9 * DAY}`],
    'an extended deadline',
  );
  h.sqlite.prepare(`update work_orders set co_unit_ids = '["hz-hrss"]', status = 'in_progress' where id = ?`).run(o.id);
  t.same(keysOf(h, o.id), [`hz-hrss:co:in_progress:${now + 9 * DAY}`, `hz-transport:lead:in_progress:${now + 9 * DAY}`], 'co-units and status in one update');
  h.sqlite.prepare('update work_orders set created_at = 7, deadline_at = null where id = ?').run(o.id);
  t.same(stale(h), [], 'created_at and a cleared deadline follow');
  t.same(keysOf(h, o.id), ['hz-hrss:co:in_progress:null', 'hz-transport:lead:in_progress:null']);
  // A bulk insert with its units set at once (as bench/orders.ts and imports do).
  h.sqlite
    .prepare(
      `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, deadline_at, created_at, updated_at) values ('B-1', '12345', 'replied', 'u-a', '["u-b"]', 50, 40, 40)`,
    )
    .run();
  t.same(stale(h), [], 'a direct insert with units');
  t.equal(
    (h.sqlite.prepare(`select count(*) n from work_order_units where status = 'replied' and created_at = 40 and deadline_at = 50`).get() as { n: number }).n,
    2,
  );
  const tx = h.sqlite.transaction(() => {
    h.sqlite.prepare(`update work_orders set status = 'closed' where number = 'B-1'`).run();
    throw new Error('rolled back');
  });
  t.throws(() => tx(), /rolled back/);
  t.equal(
    (h.sqlite.prepare(`select count(*) n from work_order_units where status = 'replied'`).get() as { n: number }).n,
    2,
    'a rolled-back change leaves the keys',
  );
  t.same(stale(h), []);
});

t.test('the migration copies the keys into the rows of an older database', async (t) => {
  const dir = tmpDir(t, 'sunline-ul-');
  const partial = path.join(dir, 'migrations');
  t.ok(migrationsBefore(partial, '_work_order_units_list_keys') > 0);
  const file = path.join(dir, 'old.db');
  const old = openDb({ file, migrationsDir: partial });
  const ins = old.sqlite.prepare(
    `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, deadline_at, created_at, updated_at) values (?, '12345', ?, ?, ?, ?, ?, ?)`,
  );
  ins.run('B-1', 'draft', null, '[]', null, 10, 10);
  ins.run('B-2', 'dispatched', 'u-a', '[]', 500, 20, 20);
  ins.run('B-3', 'in_progress', 'u-a', '["u-b"]', 400, 30, 30);
  ins.run('B-4', 'closed', 'u-b', '["u-a"]', null, 40, 40);
  t.same((old.sqlite.pragma('table_info(work_order_units)') as unknown[]).length, 3, 'the old junction has no keys');
  old.close();

  const h = openDb({ file });
  t.teardown(() => h.close());
  t.same(stale(h), [], 'every row has its order keys');
  t.same(keysOf(h, 3), ['u-a:lead:in_progress:400', 'u-b:co:in_progress:400']);
  const numbers = (unit: string, f: OrderFilter) => listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: unit }), f, 1000).items.map((o) => o.number);
  t.same(numbers('u-a', {}), ['B-4', 'B-3', 'B-2']);
  t.same(numbers('u-a', { sort: 'deadlineAt' }), ['B-3', 'B-2', 'B-4']);
  t.same(numbers('u-b', { status: ['closed', 'in_progress'] }), ['B-4', 'B-3']);
  h.sqlite.prepare(`update work_orders set status = 'replied', deadline_at = 300 where id = 2`).run();
  t.same(numbers('u-a', { sort: 'deadlineAt', status: ['replied', 'in_progress'] }), ['B-2', 'B-3'], 'the new triggers work on the upgraded database');
});

t.test('over random data a unit page equals the page of the scope condition, order and total included', async (t) => {
  const h = open(t);
  const rand = rng(20261126);
  const int = (n: number) => Math.floor(rand() * n);
  const UNITS = ['u1', 'u2', 'u3', 'u4', 'u5'];
  const CHANNELS = ['12345', '12315', 'web'];
  const some = (): string[] => UNITS.filter(() => rand() < 0.2);
  const lead = (): string | null => (rand() < 0.2 ? null : UNITS[int(UNITS.length)]!);
  const status = (): OrderStatus => ORDER_STATUSES[int(ORDER_STATUSES.length)]!;
  const deadline = (): number | null => (rand() < 0.2 ? null : 100 + int(60)); // ties on purpose
  const ins = h.sqlite.prepare(
    `insert into work_orders (number, channel, status, category, subject, lead_unit_id, co_unit_ids, deadline_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const N = 600;
  h.sqlite.transaction(() => {
    for (let i = 0; i < N; i++) {
      const l = lead();
      const created = int(200); // ties on purpose
      ins.run(
        `R-${i}`,
        CHANNELS[int(3)],
        status(),
        ORDER_CATEGORIES[int(3)],
        i % 3 === 0 ? '路灯不亮' : '噪音扰民',
        l,
        JSON.stringify(some().filter((u) => u !== l)),
        deadline(),
        created,
        created,
      );
    }
  })();
  const updates = [
    h.sqlite.prepare('update work_orders set status = ? where id = ?'),
    h.sqlite.prepare('update work_orders set deadline_at = ? where id = ?'),
    h.sqlite.prepare('update work_orders set lead_unit_id = ?, co_unit_ids = ? where id = ?'),
  ];
  for (let i = 0; i < 400; i++) {
    const id = 1 + int(N);
    const k = int(3);
    if (k === 0) updates[0]!.run(status(), id);
    else if (k === 1) updates[1]!.run(deadline(), id);
    else {
      const l = lead();
      updates[2]!.run(l, JSON.stringify(some().filter((u) => u !== l)), id);
    }
  }
  t.same(stale(h), [], 'the keys follow random changes');

  const now = 130;
  const scopes: [string, OrderScope][] = [
    ...UNITS.map((u): [string, OrderScope] => [u, scopeFor({ role: 'unit_handler', unitId: u })]),
    ['u1+subtree', scopeFor({ role: 'unit_handler', unitId: 'u1' }, { unitsInSubtree: () => ['u3', 'u5'] })],
    ['unknown unit', scopeFor({ role: 'unit_handler', unitId: 'nobody' })],
  ];
  const filters: OrderFilter[] = [
    {},
    { sort: 'deadlineAt' },
    { status: ['dispatched', 'signed', 'in_progress'] },
    { status: ['closed'], sort: 'deadlineAt' },
    { overdue: true, sort: 'deadlineAt' },
    { overdue: true },
    { overdue: true, status: ['signed', 'closed'] },
    { status: ['closed', 'replied'], overdue: true },
    { createdFrom: 50, createdTo: 150 },
    { createdFrom: 100, sort: 'deadlineAt', status: ['replied', 'returned'] },
    { category: 'complaint' },
    { channel: 'web', sort: 'deadlineAt' },
    { leadUnitId: 'u2', status: ['dispatched', 'returned'] },
  ];
  let compared = 0;
  for (const [name, scope] of scopes) {
    if (scope.kind !== 'units') continue;
    const rows = h.sqlite.prepare('select id, lead_unit_id, co_unit_ids from work_orders').all() as {
      id: number;
      lead_unit_id: string | null;
      co_unit_ids: string;
    }[];
    const visible = rows.filter((r) => canSee(scope, { leadUnitId: r.lead_unit_id, coUnitIds: JSON.parse(r.co_unit_ids) as string[] })).length;
    t.equal(findUnitPage(h.db, scope.unitIds, {}, now, 1000, 0).n, visible, `${name}: every order canSee allows is counted`);
    for (const f of filters) {
      t.ok(unitPageApplies(scope.unitIds, f), 'served by the junction');
      for (const [limit, offset] of [
        [20, 0],
        [20, 20],
        [7, 35],
        [1000, 0],
      ] as const) {
        const mine = findUnitPage(h.db, scope.unitIds, f, now, limit, offset);
        const theirs = findPage(h.db, scopeCondition(scope, h.db), f, now, limit, offset);
        t.same(
          mine.rows.map((r) => r.id),
          theirs.rows.map((r) => r.id),
          `${name} ${JSON.stringify(f)} ${limit}@${offset}: same orders in the same order`,
        );
        t.equal(mine.n, theirs.n, `${name} ${JSON.stringify(f)}: same total`);
        compared += mine.rows.length;
      }
    }
  }
  t.ok(compared > 2000, `pages were not empty (${compared} rows compared)`);
});

t.test('counts stop at the cap; too many units fall back to the scope condition', async (t) => {
  const h = open(t);
  const ins = h.sqlite.prepare(
    `insert into work_orders (number, channel, status, lead_unit_id, co_unit_ids, created_at, updated_at) values (?, '12345', 'dispatched', 'big', '["other"]', ?, ?)`,
  );
  h.sqlite.transaction(() => {
    for (let i = 0; i < 10_050; i++) ins.run(`C-${i}`, i, i);
  })();
  const page = listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: 'big' }), { status: ['dispatched'] }, 1);
  t.same([page.total, page.totalCapped], [10_000, true]);
  t.equal(page.items[0]?.number, 'C-10049');
  const both = listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: 'big' }, { unitsInSubtree: () => ['other'] }), { pageSize: 3, page: 2 }, 1);
  t.same([both.total, both.totalCapped], [10_000, true], 'two units of one order count it once, up to the cap');
  t.same(
    both.items.map((o) => o.number),
    ['C-10046', 'C-10045', 'C-10044'],
    'and list it once',
  );

  const many = Array.from({ length: Math.ceil(MAX_UNIT_ARMS / ORDER_STATUSES.length) + 1 }, (_, i) => `sub-${i}`);
  t.notOk(unitPageApplies(['big', ...many], {}), 'too many arms for one compound select');
  const wide = listOrders(h.db, scopeFor({ role: 'unit_handler', unitId: 'x' }, { unitsInSubtree: () => ['big', ...many] }), { pageSize: 2 }, 1);
  t.same([wide.total, wide.items.map((o) => o.number)], [10_000, ['C-10049', 'C-10048']], 'the fallback lists the same');
});

t.test('a unit page walks the junction indexes in page order; a unit search counts without order rows', async (t) => {
  const h = open(t);
  const plans: string[] = [];
  const prepare = h.sqlite.prepare.bind(h.sqlite);
  // Record the plan of every statement the lists prepare (drizzle prepares through this handle).
  h.sqlite.prepare = ((source: string) => {
    if (/^select/i.test(source) && !/^explain/i.test(source)) plans.push(source);
    return prepare(source);
  }) as typeof h.sqlite.prepare;
  t.teardown(() => {
    h.sqlite.prepare = prepare;
  });
  const planOf = (source: string): string => {
    const params = (source.match(/\?/g) ?? []).map(() => 'x');
    return (prepare(`explain query plan ${source}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
  };
  const unit = scopeFor({ role: 'unit_handler', unitId: 'u1' });
  for (const f of [{}, { sort: 'deadlineAt' }, { status: ['signed', 'dispatched'] }, { overdue: true, sort: 'deadlineAt' }] as OrderFilter[]) {
    listOrders(h.db, unit, f, 1);
    // The latest of each (a statement the session has prepared before is not prepared again).
    const page = planOf(plans.findLast((p) => / union /i.test(p))!);
    const count = planOf(plans.findLast((p) => /count\(/i.test(p))!);
    t.match(
      page,
      f.sort === 'deadlineAt'
        ? /SEARCH work_order_units USING INDEX work_order_units_status_deadline_idx \(unit_id=\? AND status=\?\)/
        : /SEARCH work_order_units USING INDEX work_order_units_status_created_idx \(unit_id=\? AND status=\?\)/,
      `${JSON.stringify(f)}: ${page}`,
    );
    t.equal(page.match(/TEMP B-TREE/g)?.length, 1, 'one sort, of the merged heads');
    t.match(count, /SEARCH work_order_units USING COVERING INDEX/, `${JSON.stringify(f)} count: ${count}`);
    t.notMatch(count, /work_orders /, 'the count reads no order row');
  }
  // Two of u1's orders match: a page of one is full, so its count runs (a short page counts itself: order-pages.ts shortPageCount).
  prepare(
    `insert into work_orders (number, channel, status, subject, lead_unit_id, created_at, updated_at) values ('LAMP-1', 'web', 'dispatched', '路灯不亮', 'u1', 1, 1), ('LAMP-2', 'web', 'dispatched', '路灯不亮', 'u1', 2, 2)`,
  ).run();
  plans.length = 0;
  listOrders(h.db, unit, { q: '路灯不亮', pageSize: 1 }, 1);
  const count = planOf(plans.findLast((p) => /count\(/i.test(p))!);
  t.match(
    count,
    /SCAN work_orders_fts VIRTUAL TABLE.*SEARCH work_order_units EXISTS USING COVERING INDEX sqlite_autoindex_work_order_units_1/,
    `search count: ${count}`,
  );
  t.notMatch(count, /SEARCH work_orders USING/, 'the search count reads no order row');
  prepare(`delete from work_orders where number like 'LAMP-%'`).run();
  // The page and its count agree on a real search.
  h.sqlite.prepare = prepare;
  const ins = prepare(
    `insert into work_orders (number, channel, status, subject, lead_unit_id, co_unit_ids, created_at, updated_at) values (?, '12345', 'dispatched', ?, ?, '[]', 1, 1)`,
  );
  for (let i = 0; i < 30; i++) ins.run(`S-${i}`, i % 2 ? '路灯不亮' : '噪音扰民', i % 3 ? 'u1' : 'u2');
  const found = listOrders(h.db, unit, { q: '路灯不亮', pageSize: 100 }, 1);
  t.equal(found.total, 10);
  t.same(
    found.items.map((o) => o.number),
    ['S-29', 'S-25', 'S-23', 'S-19', 'S-17', 'S-13', 'S-11', 'S-7', 'S-5', 'S-1'],
  );
  t.ok(h.db.get(sql`select 1 as one`), 'the connection is fine');
});
