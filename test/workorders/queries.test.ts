import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { listOrders, TOTAL_CAP } from '../../src/workorders/queries.js';

t.test('list totals are counted up to a cap and say when there are more', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-q-'));
  const h = openDb({ file: path.join(dir, 'q.db') });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const insert = h.sqlite.prepare("insert into work_orders (number, channel, category, subject, status, created_at, updated_at) values (?, '12345', ?, '咨询', 'accepted', ?, ?)");
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-q-'));
  const h = openDb({ file: path.join(dir, 'q.db') });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
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
  t.same([first.total, first.totalCapped], [(TOTAL_CAP + 20) / 2, false], 'counted from the index alone');
  const second = listOrders(h.db, all, { q: '过期食品', pageSize: 3, page: 2 }, Date.now());
  t.same(ids(second), [`S-${TOTAL_CAP + 12}`, `S-${TOTAL_CAP + 10}`, `S-${TOTAL_CAP + 8}`], 'the next page follows on');
  const broad = listOrders(h.db, all, { q: '号诉求', pageSize: 1 }, Date.now());
  t.same([broad.total, broad.totalCapped], [TOTAL_CAP, true], 'a phrase in every order is counted up to the cap');

  const closed = listOrders(h.db, all, { q: '过期食品', status: ['closed'], pageSize: 2 }, Date.now());
  t.same(ids(closed), [`S-${TOTAL_CAP + 14}`, `S-${TOTAL_CAP + 8}`], 'other filters apply to the matches');
  t.equal(closed.total, Math.ceil((TOTAL_CAP + 20) / 6), 'and to the count');

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
  t.equal(urgent.total, (TOTAL_CAP + 20) / 2);

  // An order stored later with an earlier created_at (e.g. imported): search goes by id, lists by time.
  insert.run('S-imported', '过期食品', '旧工单', 'closed', 'unit-a', null, -5, -5);
  t.same(ids(listOrders(h.db, all, { q: '过期食品', pageSize: 1 }, Date.now())), ['S-imported'], 'search: the order taken last comes first');
  t.same(ids(listOrders(h.db, all, { status: ['closed'], pageSize: 1 }, Date.now())), [`S-${TOTAL_CAP + 17}`], 'list: newest created_at first');
});
