import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import t from 'tap';
import { MIGRATIONS_DIR, openDb } from '../../src/db/connection.js';
import * as schema from '../../src/db/schema.js';
import { listOrders, SEARCH_TOTAL_CAP, TOTAL_CAP, type OrderFilter } from '../../src/workorders/queries.js';

function tempDb(t: { teardown(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-q-'));
  const h = openDb({ file: path.join(dir, 'q.db') });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return h;
}

t.test('list totals are counted up to a cap and say when there are more', async (t) => {
  const h = tempDb(t);
  const insert = h.sqlite.prepare(
    "insert into work_orders (number, channel, category, subject, status, created_at, updated_at) values (?, '12345', ?, '咨询', 'accepted', ?, ?)",
  );
  h.sqlite.transaction(() => {
    for (let i = 0; i < TOTAL_CAP + 50; i++) insert.run(`Q-${i}`, i < 30 ? 'complaint' : 'consultation', i, i);
  })();
  const all = { kind: 'all', hideReporter: false } as const;
  const page = listOrders(h.db, all, { pageSize: 10 }, Date.now());
  t.equal(page.total, TOTAL_CAP);
  t.equal(page.totalCapped, true);
  t.equal(page.items[0]?.number, `Q-${TOTAL_CAP + 49}`, 'newest first');
  const few = listOrders(h.db, all, { category: 'complaint' }, Date.now());
  t.same([few.total, few.totalCapped], [30, false]);
});

t.test('full-text search: newest first by id, paged, counted up to the cap, filters and short terms still apply', async (t) => {
  const h = tempDb(t);
  const insert = h.sqlite.prepare(
    "insert into work_orders (number, channel, subject, content, status, lead_unit_id, deadline_at, created_at, updated_at) values (?, '12345', ?, ?, ?, ?, ?, ?, ?)",
  );
  h.sqlite.transaction(() => {
    for (let i = 0; i < TOTAL_CAP + 20; i++) {
      const food = i % 2 === 0;
      const unit = i % 4 === 0 ? 'unit-a' : 'unit-b';
      insert.run(`S-${i}`, food ? '过期食品' : '路灯不亮', `第${i}号诉求`, i % 3 === 0 ? 'closed' : 'dispatched', unit, 1_000_000 - i, i, i);
    }
  })();
  const all = { kind: 'all', hideReporter: false } as const;
  const ids = (p: { items: Array<{ number: string }> }) => p.items.map((o) => o.number);

  const first = listOrders(h.db, all, { q: '过期食品', pageSize: 3 }, Date.now());
  t.same(ids(first), [`S-${TOTAL_CAP + 18}`, `S-${TOTAL_CAP + 16}`, `S-${TOTAL_CAP + 14}`], 'newest first');
  t.same([first.total, first.totalCapped], [SEARCH_TOTAL_CAP, true], 'counted from the index alone, up to the search cap');
  const second = listOrders(h.db, all, { q: '过期食品', pageSize: 3, page: 2 }, Date.now());
  t.same(ids(second), [`S-${TOTAL_CAP + 12}`, `S-${TOTAL_CAP + 10}`, `S-${TOTAL_CAP + 8}`], 'the next page follows on');
  const broad = listOrders(h.db, all, { q: '号诉求', pageSize: 1 }, Date.now());
  t.same([broad.total, broad.totalCapped], [SEARCH_TOTAL_CAP, true], 'a phrase in every order is counted up to the cap');

  const closed = listOrders(h.db, all, { q: '过期食品', status: ['closed'], pageSize: 2 }, Date.now());
  t.same(ids(closed), [`S-${TOTAL_CAP + 14}`, `S-${TOTAL_CAP + 8}`], 'other filters apply to the matches');
  t.same([closed.total, closed.totalCapped], [SEARCH_TOTAL_CAP, true], 'and to the count (still past the cap)');
  const closedRecent = listOrders(h.db, all, { q: '过期食品', status: ['closed'], createdFrom: TOTAL_CAP - 1180 }, Date.now());
  t.same([closedRecent.total, closedRecent.totalCapped], [200, false], 'below the cap every match is counted');

  const unitA = { kind: 'units', unitIds: ['unit-a'], hideReporter: true } as const;
  const scoped = listOrders(h.db, unitA, { q: '过期食品', pageSize: 100 }, Date.now());
  t.ok(scoped.items.length > 0 && scoped.items.every((o) => o.leadUnitId === 'unit-a'), 'a unit finds only its own orders');
  t.equal(listOrders(h.db, unitA, { q: '路灯不亮' }, Date.now()).total, 0, 'and nothing of another unit');

  const exact = listOrders(h.db, all, { q: '第1234号' }, Date.now());
  t.same(ids(exact), ['S-1234'], 'an order by its own words');
  const short = listOrders(h.db, all, { q: '路灯', pageSize: 2 }, Date.now());
  t.same(ids(short), [`S-${TOTAL_CAP + 19}`, `S-${TOTAL_CAP + 17}`], 'two characters match the subject, newest first');
  const mixed = listOrders(h.db, all, { q: '路灯 第1235号' }, Date.now());
  t.same(ids(mixed), ['S-1235'], 'short and long terms must all occur');
  t.equal(listOrders(h.db, all, { q: '食品 第1235号' }, Date.now()).total, 0);

  const urgent = listOrders(h.db, all, { q: '过期食品', sort: 'deadlineAt', pageSize: 2 }, Date.now());
  t.same(ids(urgent), [`S-${TOTAL_CAP + 18}`, `S-${TOTAL_CAP + 16}`], 'by deadline, most urgent first');
  t.same([urgent.total, urgent.totalCapped], [SEARCH_TOTAL_CAP, true], 'sorted by deadline, the search cap too');

  // An order stored later with an earlier created_at (e.g. imported): search goes by id, lists by time.
  insert.run('S-imported', '过期食品', '旧工单', 'closed', 'unit-a', null, -5, -5);
  t.same(ids(listOrders(h.db, all, { q: '过期食品', pageSize: 1 }, Date.now())), ['S-imported'], 'search: the order taken last comes first');
  t.same(ids(listOrders(h.db, all, { status: ['closed'], pageSize: 1 }, Date.now())), [`S-${TOTAL_CAP + 17}`], 'list: newest created_at first');
});

t.test('lists page in the same order as sorting every match, and SQLite walks indexes in that order', async (t) => {
  const h = tempDb(t);
  const statuses = ['dispatched', 'signed', 'in_progress', 'returned', 'replied', 'closed'] as const;
  const insert = h.sqlite.prepare(
    "insert into work_orders (number, channel, status, lead_unit_id, deadline_at, created_at, updated_at) values (?, '12345', ?, ?, ?, ?, ?)",
  );
  const now = 500_000;
  h.sqlite.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const created = (i * 7919) % 3001; // created_at not in id order, with ties broken by id
      const deadline = i % 11 === 0 ? null : (i * 104_729) % 1_000_000;
      insert.run(`L-${i}`, statuses[(i * 5) % statuses.length], i % 3 === 0 ? 'unit-a' : 'unit-b', deadline, created % 1500, created);
    }
  })();
  type Row = { id: number; status: string; lead_unit_id: string; deadline_at: number | null; created_at: number };
  const all = h.sqlite.prepare('select id, status, lead_unit_id, deadline_at, created_at from work_orders').all() as Row[];
  const byCreated = (a: Row, b: Row) => b.created_at - a.created_at || b.id - a.id;
  const byDeadline = (a: Row, b: Row) =>
    Number(a.deadline_at === null) - Number(b.deadline_at === null) || (a.deadline_at ?? 0) - (b.deadline_at ?? 0) || a.id - b.id;
  const awaiting = ['dispatched', 'signed', 'in_progress', 'returned', 'supervised'];
  const cases: Array<{ filter: OrderFilter; keep: (r: Row) => boolean }> = [
    { filter: { status: ['signed', 'in_progress'] }, keep: (r) => ['signed', 'in_progress'].includes(r.status) },
    { filter: { status: ['signed', 'closed', 'returned'], sort: 'deadlineAt' }, keep: (r) => ['signed', 'closed', 'returned'].includes(r.status) },
    { filter: { overdue: true, sort: 'deadlineAt' }, keep: (r) => awaiting.includes(r.status) && r.deadline_at !== null && r.deadline_at < now },
    { filter: { overdue: true }, keep: (r) => awaiting.includes(r.status) && r.deadline_at !== null && r.deadline_at < now },
    {
      filter: { overdue: true, status: ['signed', 'closed'], sort: 'deadlineAt' },
      keep: (r) => r.status === 'signed' && r.deadline_at !== null && r.deadline_at < now,
    },
    { filter: { overdue: true, status: ['closed'] }, keep: () => false },
    { filter: { leadUnitId: 'unit-a', sort: 'deadlineAt' }, keep: (r) => r.lead_unit_id === 'unit-a' },
    {
      filter: { status: ['replied', 'dispatched'], leadUnitId: 'unit-b' },
      keep: (r) => ['replied', 'dispatched'].includes(r.status) && r.lead_unit_id === 'unit-b',
    },
  ];
  const scope = { kind: 'all', hideReporter: false } as const;
  for (const { filter, keep } of cases) {
    const expected = all
      .filter(keep)
      .sort(filter.sort === 'deadlineAt' ? byDeadline : byCreated)
      .map((r) => r.id);
    for (const page of [1, 2, 7]) {
      const got = listOrders(h.db, scope, { ...filter, page, pageSize: 25 }, now);
      t.same(
        got.items.map((o) => o.id),
        expected.slice((page - 1) * 25, page * 25),
        `${JSON.stringify(filter)} page ${page}`,
      );
      t.equal(got.total, expected.length);
    }
  }

  // The plans of the queries a list runs: no sort of all matches (the merge of per-status
  // heads sorts only those heads, in the outer query).
  const plans: string[][] = [];
  // Two orders the text search finds, so that its page of one is full and its count runs too.
  h.sqlite.exec("update work_orders set subject = '过期食品' where id in (1, 2)");
  const traced = drizzle(h.sqlite, {
    schema,
    logger: {
      logQuery: (query, params) =>
        void (
          /^select/i.test(query) &&
          plans.push((h.sqlite.prepare(`explain query plan ${query}`).all(...(params as unknown[])) as Array<{ detail: string }>).map((p) => p.detail))
        ),
    },
  });
  const planOf = (filter: OrderFilter) => {
    plans.length = 0;
    // A full page (a short one is the last: it counts itself, order-pages.ts shortPageCount).
    listOrders(traced, scope, { ...filter, pageSize: 1 }, now);
    t.ok(plans.length >= 2, 'the page and its count were traced');
    return plans.map((p) => p.join(' | '));
  };
  for (const filter of [{}, { leadUnitId: 'unit-a', sort: 'deadlineAt' }, { status: ['signed'] }, { q: '过期食品' }] as OrderFilter[]) {
    for (const plan of planOf(filter)) t.notMatch(plan, /TEMP B-TREE/, `${JSON.stringify(filter)}: ${plan}`);
  }
  for (const [filter, index] of [
    [{ status: ['signed', 'closed'] }, 'work_orders_status_created_idx'],
    [{ overdue: true, sort: 'deadlineAt' }, 'work_orders_status_deadline_order_idx'],
  ] as Array<[OrderFilter, string]>) {
    const [page] = planOf(filter);
    t.match(page, index, `${JSON.stringify(filter)}: ${page}`);
    t.equal(page?.match(/TEMP B-TREE/g)?.length, 1, 'one sort, of the merged heads');
  }
  t.match(planOf({ q: '过期食品' })[0], /SCAN work_orders_fts VIRTUAL TABLE INDEX \d+:M/, 'the search is driven by the FTS index');
  // By deadline with no status: the page walks its index (migration 0035) instead of sorting every order.
  const [deadlinePage] = planOf({ sort: 'deadlineAt' });
  t.match(deadlinePage, /SCAN work_orders USING INDEX work_orders_deadline_order_idx/, `by deadline: ${deadlinePage}`);
  t.notMatch(deadlinePage, /TEMP B-TREE/, 'no sort');
  // A creation-date bound keeps its range on the creation index (the deadline walk would pass
  // every order outside the range): the matches are sorted, as before that index.
  for (const filter of [
    { sort: 'deadlineAt', createdFrom: 0 },
    { sort: 'deadlineAt', createdTo: now },
  ] as OrderFilter[]) {
    const [page] = planOf(filter);
    t.match(page, /SEARCH work_orders USING INDEX work_orders_created_idx/, `${JSON.stringify(filter)}: ${page}`);
  }
});

t.test('orders without text stay out of the FTS index, are found once they have text, and an upgraded database drops its empty documents', async (t) => {
  // A database migrated up to 0006 (every row indexed, text or not), then upgraded.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-q-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const partial = path.join(dir, 'migrations');
  fs.mkdirSync(path.join(partial, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((e) => e.tag.endsWith('_work_orders_fts_textless'));
  journal.entries = journal.entries.slice(0, upTo);
  fs.writeFileSync(path.join(partial, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(partial, `${e.tag}.sql`));
  const file = path.join(dir, 'q.db');
  const old = openDb({ file, migrationsDir: partial });
  const insert = "insert into work_orders (number, channel, subject, caller_name, status, created_at, updated_at) values (?, '12345', ?, ?, 'draft', 1, 1)";
  old.sqlite.prepare(insert).run('F-1', null, null);
  old.sqlite.prepare(insert).run('F-2', '过期食品', null);
  old.close();

  const h = openDb({ file });
  t.teardown(() => h.close());
  const indexed = () => (h.sqlite.prepare('select count(*) n from work_orders_fts_docsize').get() as { n: number }).n;
  const check = () => t.doesNotThrow(() => h.sqlite.exec("insert into work_orders_fts(work_orders_fts) values ('integrity-check')"), 'FTS index consistent');
  t.equal(indexed(), 1, 'the empty document of the upgraded database is gone');
  check();
  h.sqlite.prepare(insert).run('F-3', null, null);
  h.sqlite.prepare(insert).run('F-4', null, '过期食客');
  t.equal(indexed(), 2, 'a new textless order is not indexed; a caller name is text');
  check();
  const all = { kind: 'all', hideReporter: false } as const;
  const found = (q: string) => listOrders(h.db, all, { q }, Date.now()).items.map((o) => o.number);
  t.same(found('过期食'), ['F-4', 'F-2']);
  h.sqlite.prepare("update work_orders set subject = '路灯不亮过期' where number in ('F-1', 'F-3')").run();
  t.same(found('过期食'), ['F-4', 'F-2']);
  t.same(found('灯不亮'), ['F-3', 'F-1'], 'found once they have text');
  check();
  h.sqlite.prepare("update work_orders set subject = null, caller_name = null where number in ('F-1', 'F-4')").run();
  t.same(found('灯不亮'), ['F-3']);
  t.same(found('过期食'), ['F-2'], 'text removed: out of the index');
  t.equal(indexed(), 2);
  check();
  h.sqlite.prepare("update work_orders set location = '织里镇' where number = 'F-1'").run();
  t.same(found('织里镇'), ['F-1']);
  check();
});

t.test('the API documents the caps it applies', async (t) => {
  const { OrderList } = await import('../../src/contract/http-workorders.js');
  t.match(OrderList.shape.total.description, `up to ${TOTAL_CAP.toLocaleString('en')};`);
  t.match(OrderList.shape.total.description, `up to ${SEARCH_TOTAL_CAP.toLocaleString('en')} for a text search`);
});
