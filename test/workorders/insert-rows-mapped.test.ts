/**
 * The create's two inserts (repository.ts orderStatements: insertActed, insertEvent) map the row
 * their `returning()` gives back by hand (order-rows-sqlite.ts): the order and the event they
 * return are exactly what drizzle's own mapping of the stored rows gives — booleans, JSON lists
 * and objects, nulls — and the raw mode of their statements does not leak into other statements.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { newOrderState, type OrderState } from '../../src/workorders/lifecycle/index.js';
import { orderStatements } from '../../src/workorders/repository.js';

function open(t: { teardown(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-insert-rows-'));
  const h = openDb({ file: path.join(dir, 'x.db') });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return h;
}

t.test('the inserted order and event are the stored rows as drizzle maps them', async (t) => {
  const h = open(t);
  const s = orderStatements(h.db);
  const draft = newOrderState(0, 'draft', 1_000);
  const next: OrderState = {
    ...draft,
    status: 'dispatched',
    fields: { category: 'complaint', subject: '路灯不亮', content: '一周了', location: null, callerName: '张先生', confidential: true },
    leadUnitId: 'city-urban',
    coUnitIds: ['a', 'b'],
    deadlineAt: 99,
    callbackDue: true,
    pendingExtension: { days: 3, reason: 'r', requestedAt: 5, requestedBy: 2 },
    linkedOrderIds: [7, 8],
    updatedAt: 2_000,
  };
  const wait = { clock: 'sign', deadlineAt: 5_000 } as unknown as Parameters<typeof s.insertActed>[3];
  const made = s.insertActed({ number: 'N-1', channel: '12345', status: 'draft', callerPhone: '13800001111', callbackDue: false, now: 1_000 }, next, 1, wait);
  t.strictSame(made, s.find(made.id), 'a full order: booleans true, JSON lists and object, a waiting clock');
  const plain = s.insertActed({ number: 'N-2', channel: 'web', status: 'draft', callbackDue: false, now: 3_000 }, draft, 0, null);
  t.strictSame(plain, s.find(plain.id), 'a bare order: nulls, empty lists, booleans false');
  t.equal(typeof made.fields.confidential, 'boolean');

  const e1 = s.insertEvent(made.id, { at: 10, action: 'create', fromStatus: null, toStatus: 'draft', actorId: null, actorRole: null });
  const e2 = s.insertEvent(made.id, {
    at: 11,
    action: 'dispatch',
    fromStatus: 'accepted',
    toStatus: 'dispatched',
    actorId: null,
    actorRole: 'dispatcher',
    comment: '派单',
    data: { leadUnitId: 'city-urban', n: [1, 2] },
  });
  t.strictSame([e1, e2], s.events(made.id), 'events: nulls, a comment, JSON data');

  // The statements read their rows raw; others on the connection still get objects.
  t.strictSame(h.sqlite.prepare('select number from work_orders where id = ?').get(made.id), { number: 'N-1' });
  t.equal(s.bumpCounter('x'), 1);
});
