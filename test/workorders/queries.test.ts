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
