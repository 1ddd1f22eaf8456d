/**
 * Order numbers: nextOrderNumber bumps the daily counter through the orders port's
 * `bumpCounter` inside the transaction that inserts the order. Several services (each with its
 * own port) on one connection share the counter row and take turns on the connection's writer
 * lock; a rolled-back transaction gives its number back; each prefix has its own sequence.
 * Real SQLite file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { WorkOrdersService, nextOrderNumber, sqliteOrdersStoreOn } from '../../src/workorders/index.js';

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

const numbered = (prefix: string, day: string, ns: number[]) => ns.map((n) => `${prefix}-${day}-${String(n).padStart(6, '0')}`);

t.test('two services on one connection share the day counter: no number is handed out twice', async (t) => {
  const h = open(t);
  const a = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW);
  const b = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW);
  const numbers: string[] = [];
  for (const svc of [a, b, b, a, a, b]) numbers.push((await svc.createDraft({ channel: '12345' })).number);
  t.same(numbers, numbered('HZ', '20261126', [1, 2, 3, 4, 5, 6]));

  const together = await Promise.all([a, b, a, b, a, b].map((svc) => svc.createDraft({ channel: '12345' })));
  t.same(
    together.map((o) => o.number).sort(),
    numbered('HZ', '20261126', [7, 8, 9, 10, 11, 12]),
    'creates started at once on both ports take turns on the connection: six distinct numbers',
  );
  t.same(h.sqlite.prepare('select name, value from counters').all(), [{ name: 'workorder:HZ:20261126', value: 12 }]);
});

t.test('each prefix counts on its own', async (t) => {
  const h = open(t);
  const hz = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW);
  const dq = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW, { numberPrefix: 'DQ' });
  const numbers: string[] = [];
  for (const svc of [hz, dq, hz, dq, dq]) numbers.push((await svc.createDraft({ channel: '12345' })).number);
  t.same(numbers, ['HZ-20261126-000001', 'DQ-20261126-000001', 'HZ-20261126-000002', 'DQ-20261126-000002', 'DQ-20261126-000003']);
});

t.test('the counter bump runs inside the caller transaction: a rollback gives the number back', async (t) => {
  const h = open(t);
  const store = sqliteOrdersStoreOn(h.db);
  const next = (now: number) => store.transaction((q) => nextOrderNumber('HZ', now, (name) => q.orders.bumpCounter(name)));
  t.equal(await next(NOW), 'HZ-20261126-000001');
  await t.rejects(
    store.transaction(async (q) => {
      t.equal(await nextOrderNumber('HZ', NOW, (name) => q.orders.bumpCounter(name)), 'HZ-20261126-000002', 'seen inside its transaction');
      throw new Error('the order insert failed');
    }),
    /the order insert failed/,
  );
  t.equal(await next(NOW), 'HZ-20261126-000002', 'the rolled-back number is given again');
  t.equal(await next(NOW + 86_400_000), 'HZ-20261127-000001', 'the next Shanghai day starts at 1');

  const svc = new WorkOrdersService(store, () => NOW);
  await t.rejects(
    svc.transaction(async (tx) => {
      t.equal((await svc.createDraftWithin(tx, { channel: '12345' })).number, 'HZ-20261126-000003');
      throw new Error('the call record failed');
    }),
    /the call record failed/,
  );
  t.equal((await svc.createDraft({ channel: '12345' })).number, 'HZ-20261126-000003', "a rolled-back draft's number is given again");
});
