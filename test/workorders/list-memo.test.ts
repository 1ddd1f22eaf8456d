/**
 * Lists of platform staff run statements prepared once per filter shape and keep their counts
 * until the database changes (order-pages.ts): the same filter gives the same answer as a
 * fresh build after every kind of change — through the service, raw SQL on the same
 * connection, another connection — and different values of one shape never share a statement.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import * as schema from '../../src/db/schema.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { listOrders, type OrderFilter } from '../../src/workorders/queries.js';

const all = { kind: 'all', hideReporter: false } as const;

t.test('counts and pages follow every change; one shape, many values', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-list-memo-'));
  const file = path.join(dir, 'x.db');
  const h = openDb({ file });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const insert = h.sqlite.prepare(
    "insert into work_orders (number, channel, category, subject, status, created_at, updated_at) values (?, ?, 'complaint', ?, ?, ?, ?)",
  );
  for (let i = 0; i < 60; i++) insert.run(`M-${i}`, i % 2 ? '12345' : 'web', i % 3 ? '路灯不亮' : '噪音扰民', i % 4 ? 'accepted' : 'closed', i, i);
  // A fresh connection each time: nothing prepared, nothing counted before.
  const fresh = (f: OrderFilter) => {
    const sqlite = new Database(file);
    try {
      return listOrders(drizzle(sqlite, { schema }), all, f, 1000);
    } finally {
      sqlite.close();
    }
  };
  const filters: OrderFilter[] = [
    {},
    { channel: 'web' },
    { channel: '12345' },
    { status: ['closed'] },
    { status: ['accepted'] },
    { status: ['accepted', 'closed'], pageSize: 7, page: 2 },
    { status: ['closed', 'accepted'], pageSize: 7, page: 3, sort: 'deadlineAt' },
    { q: '路灯不亮' },
    { q: '噪音扰民' },
    { q: '路灯 亮' },
    { q: '噪音 扰', channel: 'web' },
  ];
  const same = (what: string) => {
    for (const f of filters) t.same(listOrders(h.db, all, f, 1000), fresh(f), `${what}: ${JSON.stringify(f)}`);
  };
  same('as built');
  same('again (prepared and counted)');
  await new WorkOrdersService(sqliteOrdersStoreOn(h.db)).createDraft({ channel: 'web' });
  same('after a create through the service');
  h.sqlite.prepare("update work_orders set status = 'closed' where number = 'M-1'").run();
  same('after raw SQL on the same connection');
  const other = new Database(file);
  other.prepare("delete from work_orders where number in ('M-2', 'M-3')").run();
  other.close();
  same('after another connection');
  t.equal(listOrders(h.db, all, { channel: 'web' }, 1000).total, fresh({ channel: 'web' }).total);
});
