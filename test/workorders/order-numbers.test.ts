/**
 * orderNumbers: the daily counter upsert prepared once per connection. Several allocators (one
 * per WorkOrdersService) on one connection share the counter row; a rolled-back transaction
 * gives its number back; each prefix has its own sequence. Real SQLite file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn, orderNumbers } from '../../src/workorders/index.js';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');

function open(t: { teardown(fn: () => unknown): void }): DbHandle {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-numbers-'));
  const h = openDb({ file: path.join(dir, 'n.db') });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return h;
}

t.test('two services on one connection share the day counter: no number is handed out twice', async (t) => {
  const h = open(t);
  const a = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW);
  const b = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW);
  const numbers = [a, b, b, a, a, b].map((svc) => svc.createDraft({ channel: '12345' }).number);
  t.same(
    numbers,
    [1, 2, 3, 4, 5, 6].map((n) => `HZ-20261126-${String(n).padStart(6, '0')}`),
  );
  t.same(h.sqlite.prepare('select name, value from counters').all(), [{ name: 'workorder:HZ:20261126', value: 6 }]);
});

t.test('each prefix counts on its own', async (t) => {
  const h = open(t);
  const hz = orderNumbers(h.db);
  const dq = orderNumbers(h.db, 'DQ');
  const next = (f: (now: number) => string) => h.db.transaction(() => f(NOW));
  t.same(
    [next(hz), next(dq), next(hz), next(dq), next(dq)],
    ['HZ-20261126-000001', 'DQ-20261126-000001', 'HZ-20261126-000002', 'DQ-20261126-000002', 'DQ-20261126-000003'],
  );
});

t.test('the prepared upsert runs inside the caller transaction: a rollback gives the number back', async (t) => {
  const h = open(t);
  const next = orderNumbers(h.db);
  t.equal(
    h.db.transaction(() => next(NOW)),
    'HZ-20261126-000001',
  );
  t.throws(() =>
    h.db.transaction(() => {
      t.equal(next(NOW), 'HZ-20261126-000002', 'seen inside its transaction');
      throw new Error('the order insert failed');
    }),
  );
  t.equal(
    h.db.transaction(() => next(NOW)),
    'HZ-20261126-000002',
    'the rolled-back number is given again',
  );
  t.equal(next(NOW + 86_400_000), 'HZ-20261127-000001', 'the next Shanghai day starts at 1');
});
