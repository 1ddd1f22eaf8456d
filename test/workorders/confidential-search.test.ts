/**
 * Search does not match what the searcher may not see (issue 9 item 3): a unit handler who
 * guesses a confidential reporter's name (or phone) gets no match from it, on every list path
 * (newest first, by deadline, with a status, several statuses); platform staff still find the
 * order by the name; the order's own text still matches for the unit. An older database is
 * re-indexed by migration 0013.
 */
import path from 'node:path';
import t from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { listOrders, type OrderFilter } from '../../src/workorders/queries.js';
import type { OrderScope } from '../../src/workorders/scope.js';
import { migrationsBefore, openTmpDb, tmpDir } from '../helpers/db-fixtures.js';

const ALL: OrderScope = { kind: 'all', hideReporter: false };
const UNIT: OrderScope = { kind: 'units', unitIds: ['city-hrss'], hideReporter: true };

/** Two orders of the unit reported by 王小明 (one confidential), and one of another unit. */
function seed(h: DbHandle): void {
  const insert = h.sqlite.prepare(
    `insert into work_orders (number, channel, caller_phone, caller_name, confidential, subject, content, location, status, lead_unit_id, deadline_at, created_at, updated_at)
     values (?, '12345', ?, ?, ?, ?, ?, ?, 'dispatched', ?, ?, ?, ?)`,
  );
  insert.run('C-1', '13900001111', '王小明', 1, '举报企业偷排', '化工厂夜间偷排废水', '织里镇工业园', 'city-hrss', 3000, 1, 1);
  insert.run('C-2', '13900001111', '王小明', 0, '路灯不亮', '小区门口路灯坏了', '爱山街道', 'city-hrss', 2000, 2, 2);
  insert.run('C-3', '13900002222', '李思思', 1, '噪音扰民', '夜间施工噪音', '南浔区', 'city-hrss', 1000, 3, 3);
}

const numbers = (h: DbHandle, scope: OrderScope, filter: OrderFilter) =>
  listOrders(h.db, scope, filter, 10_000)
    .items.map((o) => o.number)
    .sort();

const SHAPES: Array<[string, Partial<OrderFilter>]> = [
  ['newest first', {}],
  ['by deadline', { sort: 'deadlineAt' }],
  ['one status', { status: ['dispatched'] }],
  ['several statuses', { status: ['dispatched', 'signed'] }],
  ['with a short term', {}],
];

t.test('a unit matches no confidential reporter by name, on every list shape; staff do', async (t) => {
  const h = openTmpDb(t);
  seed(h);
  for (const [shape, extra] of SHAPES) {
    const q = shape === 'with a short term' ? '王小明 路灯' : '王小明';
    const wanted = shape === 'with a short term' ? ['C-2'] : ['C-1', 'C-2'];
    t.same(numbers(h, ALL, { ...extra, q }), wanted, `${shape}: staff find both orders of 王小明`);
    t.same(numbers(h, UNIT, { ...extra, q }), ['C-2'], `${shape}: the unit only the one that is not confidential`);
    t.same(numbers(h, UNIT, { ...extra, q: '李思思' }), [], `${shape}: nor the other confidential reporter`);
    t.same(numbers(h, UNIT, { ...extra, q: '偷排废水' }), ['C-1'], `${shape}: the unit still finds the confidential order by its content`);
  }
  t.equal(listOrders(h.db, UNIT, { q: '王小明' }, 10_000).total, 1, 'the count agrees');
  t.equal(listOrders(h.db, UNIT, { q: '王小明 偷排' }, 10_000).total, 0, 'a name with a word of the content: still nothing');
});

t.test('a unit matches no confidential order by the reporter phone either', async (t) => {
  const h = openTmpDb(t);
  seed(h);
  t.same(numbers(h, ALL, { callerPhone: '13900001111' }), ['C-1', 'C-2']);
  t.same(numbers(h, UNIT, { callerPhone: '13900001111' }), ['C-2'], 'unit list path (work_order_units)');
  t.same(numbers(h, UNIT, { callerPhone: '13900002222' }), []);
  t.same(numbers(h, UNIT, { callerPhone: '13900001111', q: '路灯不亮' }), ['C-2'], 'with a text search (order-pages path)');
  t.same(numbers(h, UNIT, { callerPhone: '13900001111', q: '偷排废水' }), []);
});

t.test('the index follows a change of confidentiality and of the name', async (t) => {
  const h = openTmpDb(t);
  seed(h);
  h.sqlite.prepare("update work_orders set confidential = 1 where number = 'C-2'").run();
  t.same(numbers(h, UNIT, { q: '王小明' }), [], 'made confidential: the name no longer matches for the unit');
  t.same(numbers(h, ALL, { q: '王小明' }), ['C-1', 'C-2']);
  h.sqlite.prepare("update work_orders set confidential = 0 where number = 'C-1'").run();
  t.same(numbers(h, UNIT, { q: '王小明' }), ['C-1'], 'no longer confidential: it matches again');
  h.sqlite.prepare("update work_orders set caller_name = '赵六六' where number = 'C-3'").run();
  t.same(numbers(h, ALL, { q: '赵六六' }), ['C-3']);
  t.same(numbers(h, ALL, { q: '李思思' }), [], 'the old name is gone from the index');
  t.same(numbers(h, UNIT, { q: '赵六六' }), []);
  h.sqlite.prepare("delete from work_orders where number = 'C-3'").run();
  h.sqlite.exec("insert into work_orders_fts(work_orders_fts, rank) values ('integrity-check', 1)");
  t.pass('the FTS index agrees with its content');
});

t.test('migration 0013 re-indexes an older database: existing confidential reporters are hidden from units', async (t) => {
  const dir = tmpDir(t);
  const migrations = path.join(dir, 'migrations');
  t.ok(migrationsBefore(migrations, '_work_orders_reporter_privacy') > 0);
  const file = path.join(dir, 'old.db');
  const old = openDb({ file, migrationsDir: migrations });
  seed(old);
  t.equal(old.sqlite.prepare("select count(*) from work_orders_fts where work_orders_fts match '王小明'").pluck().get(), 2, 'before: both by name');
  old.close();
  const h = openDb({ file });
  t.teardown(() => h.close());
  t.same(numbers(h, UNIT, { q: '王小明' }), ['C-2']);
  t.same(numbers(h, ALL, { q: '王小明' }), ['C-1', 'C-2']);
  t.same(numbers(h, UNIT, { q: '偷排废水' }), ['C-1']);
  const codes = h.sqlite.prepare('select lookup_code from work_orders').pluck().all() as string[];
  t.equal(codes.length, 3);
  for (const c of codes) t.match(c, /^[2-9A-HJKMNP-Z]{6}$/, 'existing orders got a lookup code');
  t.equal(new Set(codes).size, 3, 'each its own');
  h.sqlite.exec("insert into work_orders_fts(work_orders_fts, rank) values ('integrity-check', 1)");
});
