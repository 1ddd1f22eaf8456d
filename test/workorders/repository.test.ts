import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, sql } from 'drizzle-orm';
import t from 'tap';
import { openDb, withStatementCache, type DbHandle } from '../../src/db/connection.js';
import { users } from '../../src/db/schema.js';
import { WorkOrderError, WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEAD = 'hz-hrss';

interface Fixture {
  h: DbHandle;
  file: string;
  clock: { now: number };
  svc: WorkOrdersService;
  agent: Actor;
  lead: Actor;
}

function setup(t: { teardown(fn: () => unknown): void }, start = Date.parse('2026-11-26T10:00:00+08:00')): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-wo-'));
  const file = path.join(dir, 'wo.db');
  const h = openDb({ file });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (2, 'u1', 'Unit', 'unit_handler', '${LEAD}', 'x');
  `);
  const clock = { now: start };
  return {
    h,
    file,
    clock,
    svc: new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now),
    agent: { id: 1, role: 'agent', unitId: null },
    lead: { id: 2, role: 'unit_handler', unitId: LEAD },
  };
}

const rowOf = (f: Fixture, id: number) => f.h.sqlite.prepare('select * from work_orders where id = ?').get(id);
const eventsOf = (f: Fixture, id: number) => f.h.sqlite.prepare('select * from work_order_events where order_id = ? order by id').all(id);

async function caught(fn: () => Promise<unknown>): Promise<WorkOrderError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof WorkOrderError) return err;
    throw err;
  }
  throw new Error('expected a WorkOrderError');
}

const accept: OrderAction = { type: 'accept', fields: { category: 'complaint', subject: '噪音', content: '夜间施工噪音扰民' } };

t.test('order numbers count per Shanghai day and restart at 1 the next day', async (t) => {
  // 23:30 in Shanghai is 15:30 UTC: still the 26th locally.
  const f = setup(t, Date.parse('2026-11-26T23:30:00+08:00'));
  const a = await f.svc.createDraft({ channel: '12345', callerPhone: '13800138000', agentId: 1 });
  const b = await f.svc.createMissedCall({ channel: '12345', callerPhone: '13900139000' });
  t.equal(a.number, 'HZ-20261126-000001');
  t.equal(b.number, 'HZ-20261126-000002');
  t.equal(a.status, 'draft');
  t.equal(b.status, 'missed_call');
  t.equal(b.callbackDue, true, 'a missed call carries a callback duty');
  f.clock.now = Date.parse('2026-11-27T00:00:01+08:00'); // 16:00 UTC on the 26th
  const c = await f.svc.createDraft({ channel: 'web' });
  t.equal(c.number, 'HZ-20261127-000001', 'restarts at local midnight, not UTC midnight');
  t.equal((await f.svc.createDraft({ channel: 'web' })).number, 'HZ-20261127-000002');
  const created = await f.svc.history(a.id);
  t.equal(created.length, 1);
  t.match(created[0], { action: 'create', fromStatus: null, toStatus: 'draft', actorId: 1, actorRole: 'agent' });
});

t.test('a full path writes one event per step with statuses and actor', async (t) => {
  const f = setup(t);
  const o = await f.svc.createDraft({ channel: '12345', callerPhone: '13800138000', agentId: 1 });
  const steps: [OrderAction, Actor, string][] = [
    [accept, f.agent, 'accepted'],
    [
      { type: 'dispatch', leadUnitId: LEAD, coUnitIds: ['hz-transport'], deadlineAt: f.clock.now + 5 * DAY, signDeadlineAt: f.clock.now + 4 * HOUR },
      f.agent,
      'dispatched',
    ],
    [{ type: 'sign' }, f.lead, 'signed'],
    [{ type: 'start' }, f.lead, 'in_progress'],
    [{ type: 'reply', text: '已责令施工方夜间停工' }, f.lead, 'replied'],
    [{ type: 'review_accept' }, f.agent, 'reviewed'],
    [{ type: 'evaluate', result: 'satisfied', channel: 'callback' }, f.agent, 'evaluated'],
    [{ type: 'close' }, f.agent, 'closed'],
  ];
  let version = o.version;
  let from: string = o.status;
  for (const [action, actor, to] of steps) {
    f.clock.now += HOUR;
    const r = await f.svc.apply(o.id, action, actor, version);
    t.equal(r.order.status, to, `${action.type} → ${to}`);
    t.equal(r.order.version, version + 1, `${action.type} bumps the version`);
    t.match(r.event, { orderId: o.id, action: action.type, fromStatus: from, toStatus: to, actorId: actor.id, actorRole: actor.role, at: f.clock.now });
    version = r.order.version;
    from = to;
  }
  const final = await f.svc.get(o.id);
  t.match(final, { status: 'closed', leadUnitId: LEAD, coUnitIds: ['hz-transport'], satisfaction: 'satisfied', handlingRound: 1 });
  t.match(final.fields, { category: 'complaint', content: '夜间施工噪音扰民' });
  const hist = await f.svc.history(o.id);
  t.same(
    hist.map((e) => [e.action, e.fromStatus, e.toStatus]),
    [['create', null, 'draft'], ...steps.map(([a, , to], i) => [a.type, i === 0 ? 'draft' : steps[i - 1]![2], to])],
  );
  t.ok(
    hist.every((e, i) => i === 0 || e.at > hist[i - 1]!.at),
    'events are in order',
  );
});

t.test('a refused move changes nothing and throws the lifecycle code', async (t) => {
  const f = setup(t);
  const o = await f.svc.createDraft({ channel: '12345' });
  const before = { row: rowOf(f, o.id), events: eventsOf(f, o.id) };
  const e1 = await caught(() => f.svc.apply(o.id, { type: 'sign' }, f.lead));
  t.match(e1, { code: 'ILLEGAL_TRANSITION', statusCode: 409 });
  const e2 = await caught(() => f.svc.apply(o.id, { type: 'accept' }, f.lead));
  t.match(e2, { code: 'FORBIDDEN_ROLE', statusCode: 403 });
  const e3 = await caught(() => f.svc.apply(o.id, { type: 'accept' }, f.agent));
  t.equal(e3.statusCode, 400, 'accept without category and content is a payload error');
  const e4 = await caught(() => f.svc.apply(9999, accept, f.agent));
  t.match(e4, { code: 'ORDER_NOT_FOUND', statusCode: 404 });
  t.same(rowOf(f, o.id), before.row, 'row unchanged');
  t.same(eventsOf(f, o.id), before.events, 'history unchanged');
});

t.test('a stale expectedVersion is refused with CONFLICT', async (t) => {
  const f = setup(t);
  const o = await f.svc.createDraft({ channel: '12345' });
  const first = await f.svc.apply(o.id, { type: 'update_fields', fields: { subject: '路灯不亮' } }, f.agent, o.version);
  t.equal(first.order.version, 2);
  const err = await caught(() => f.svc.apply(o.id, { type: 'update_fields', fields: { subject: '路灯坏了' } }, f.agent, o.version));
  t.match(err, { code: 'CONFLICT', statusCode: 409 });
  t.equal((await f.svc.get(o.id)).fields.subject, '路灯不亮');
  t.equal((await f.svc.history(o.id)).length, 2);
});

t.test('an exception after the row update leaves no partial change', async (t) => {
  const f = setup(t);
  const o = await f.svc.createDraft({ channel: '12345' });
  const before = { row: rowOf(f, o.id), events: eventsOf(f, o.id) };
  // Actor 77 is no user: the event insert (after the row update) fails on its foreign key.
  const ghost: Actor = { id: 77, role: 'agent', unitId: null };
  await t.rejects(() => f.svc.apply(o.id, accept, ghost), /FOREIGN KEY/);
  t.same(rowOf(f, o.id), before.row, 'the status update was rolled back');
  t.same(eventsOf(f, o.id), before.events, 'no event written');
  // A failed create gives its number back.
  await t.rejects(() => f.svc.createDraft({ channel: '12345', agentId: 77 }), /FOREIGN KEY/);
  t.equal((await f.svc.createDraft({ channel: '12345' })).number, 'HZ-20261126-000002');
});

t.test('link is written on both orders; merge needs an open target', async (t) => {
  const f = setup(t);
  const a = await f.svc.createDraft({ channel: '12345' });
  const b = await f.svc.createDraft({ channel: '12345' });
  await f.svc.apply(a.id, { type: 'link', otherOrderId: b.id }, f.agent);
  t.same((await f.svc.get(a.id)).linkedOrderIds, [b.id]);
  t.same((await f.svc.get(b.id)).linkedOrderIds, [a.id]);
  t.match(await caught(() => f.svc.apply(a.id, { type: 'merge_into', targetOrderId: 4242 }, f.agent)), { code: 'INVALID_FIELD' });
  const m = await f.svc.apply(a.id, { type: 'merge_into', targetOrderId: b.id }, f.agent);
  t.match(m.order, { status: 'merged', mergedIntoId: b.id });
});

t.test('order and history survive reopening the database file', async (t) => {
  const f = setup(t);
  const o = await f.svc.createDraft({ channel: '12345', callerPhone: '13800138000' });
  await f.svc.apply(o.id, accept, f.agent);
  await f.svc.apply(o.id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt: f.clock.now + 3 * DAY }, f.agent);
  await f.svc.apply(o.id, { type: 'sign' }, f.lead);
  await f.svc.apply(o.id, { type: 'request_extension', days: 5, reason: '需协调多个部门' }, f.lead);
  const order = await f.svc.get(o.id);
  const history = await f.svc.history(o.id);
  f.h.close();
  const again = openDb({ file: f.file });
  t.teardown(() => again.close());
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(again.db), () => f.clock.now);
  t.same(await svc.get(o.id), order);
  t.same(await svc.history(o.id), history);
  t.match(await svc.get(o.id), { status: 'signed', pendingExtension: { days: 5, requestedBy: 2 }, version: 5 });
});

t.test("prepared order statements write inside the caller's transaction and roll back with it", async (t) => {
  const f = setup(t);
  const count = () => (f.h.sqlite.prepare('select count(*) n from work_orders').get() as { n: number }).n;
  await t.rejects(
    f.svc.transaction(async (tx) => {
      const o = await f.svc.createDraftWithin(tx, { channel: '12345', callerPhone: '13800138000' });
      await f.svc.applyWithin(tx, o.id, accept, f.agent);
      t.equal(count(), 1, 'visible inside the transaction');
      throw new Error('the caller gives up');
    }),
  );
  t.equal(count(), 0, 'order and event rolled back with the caller');
  t.equal((f.h.sqlite.prepare('select count(*) n from work_order_events').get() as { n: number }).n, 0);
  const o = await f.svc.transaction(
    async (tx) => (await f.svc.applyWithin(tx, (await f.svc.createDraftWithin(tx, { channel: '12345' })).id, accept, f.agent)).order,
  );
  t.match(o, { number: 'HZ-20261126-000001', status: 'accepted', version: 2, fields: { subject: '噪音' } }, 'the number was given back too');
  t.same(
    (await f.svc.history(o.id)).map((e) => e.action),
    ['create', 'accept'],
  );
  await t.rejects(() => f.svc.get(4242), /not found/);
  await t.rejects(() => f.svc.history(4242), /not found/);
});

t.test('drizzle reuses compiled statements by SQL text, in the mode each query expects, up to a bound', async (t) => {
  const f = setup(t);
  const client = withStatementCache(f.h.sqlite, 2);
  const a = client.prepare('select 1 as one');
  t.equal(client.prepare('select 1 as one'), a, 'same text, same compiled statement');
  a.raw(true);
  t.same(client.prepare('select 1 as one').get(), { one: 1 }, 'raw mode (left on by a mapped query) is off again on reuse');
  const insert = client.prepare("insert into counters (name, value) values ('c', 1)");
  t.equal(client.prepare("insert into counters (name, value) values ('c', 1)"), insert, 'a write statement is reused too');
  client.prepare('select 2 as two');
  t.not(client.prepare('select 1 as one'), a, 'the least recently used statement was dropped');
  t.equal(client.inTransaction, false, 'the rest of the connection is the connection');
  // Through drizzle: the same query mapped (raw) and not mapped in turn.
  const mapped = f.h.db.select({ n: count() }).from(users);
  for (let i = 0; i < 3; i++) {
    t.equal(mapped.get()?.n, 2);
    const row = f.h.db.get<Record<string, number>>(sql.raw(mapped.toSQL().sql));
    t.ok(!Array.isArray(row) && Object.values(row).includes(2), 'the same text, not mapped: a row object');
  }
});
