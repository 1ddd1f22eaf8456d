/**
 * The order desk reads its search pages and one order with its history through the work orders'
 * async port (order-reads-store.ts, decision 0017 step 2), as the work-order API does: while a
 * transaction of the port is open on SQLite, they read the committed orders on the read
 * connection, never the open transaction's rows on the writer; the order page's actions are
 * decided on the same version of the order it shows. Once committed, the next reads see it. The
 * desk's own reads (desk-reads-store.ts: queue counts and pages, the lookup by number, likely
 * repeats, the order page's names, returns per unit, the consultation list) the same.
 */
import { eq } from 'drizzle-orm';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import type { DbHandle } from '../../src/db/connection.js';
import { users, workOrderEvents, workOrders } from '../../src/db/schema.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { buildWorkCalendar } from '../../src/workorders/deadlines/index.js';
import { DeskService, sqliteDeskReadsStore, type DeskUser } from '../../src/workorders/desk/index.js';
import { unitScope } from '../../src/workorders/dispatch/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import { sqliteOrderReadsStore } from '../../src/workorders/order-reads-store-sqlite.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

t.test('the desk search and order page read committed orders through the port while a transaction is open', async (t) => {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const config = loaded.config;
  const built = buildWorkCalendar(config.calendar);
  if (!built.ok) throw new Error('calendar');
  const h: DbHandle = openTmpDb(t);
  const port = sqliteAsync(h);
  t.teardown(() => port.close());
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, password_hash) values (4, 'd1', 'Dispatcher', 'dispatcher', 'x');
  `);
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => Date.now());
  const desk = new DeskService({
    db: h.db,
    orderReads: sqliteOrderReadsStore(port),
    org: () => config.org,
    clocks: () => ({ calendar: built.calendar, sla: config.sla }),
    unitsInSubtree: (u) => unitScope(config.org, u),
  });
  const agent: Actor = { id: 1, role: 'agent', unitId: null };
  const city: DeskUser = { id: 4, role: 'dispatcher', unitId: null };
  const accept = async (subject: string) =>
    (
      await orders.apply(
        (await orders.createDraft({ channel: 'web', callerPhone: '13800001111' })).id,
        { type: 'accept', fields: { category: 'complaint', subject, content: subject } },
        agent,
      )
    ).order.id;
  const a = await accept('小区夜间施工噪音扰民');
  await accept('路灯不亮');

  const closedTotal = async () => (await desk.search(city, { status: ['closed'] }))?.total;
  const shown = async () => {
    const d = await desk.order(city, a);
    return { status: d.status, dispatchable: d.allowedActions.includes('dispatch'), history: d.history.length };
  };
  const before = await shown();
  t.same([await closedTotal(), before.status, before.dispatchable], [0, 'accepted', true], 'committed: accepted, and the desk may dispatch it');

  await port.transaction(async (tx) => {
    await tx.run((db) => db.update(workOrders).set({ status: 'closed' }).where(eq(workOrders.id, a)).run());
    t.equal(await closedTotal(), 0, 'the search does not count the open transaction’s closed order');
    t.same(await shown(), before, 'the order page shows the committed order, and its actions are decided on it');
  });

  t.equal(await closedTotal(), 1, 'committed: the next search counts it');
  const after = await desk.order(city, a);
  t.same([after.status, after.allowedActions.includes('dispatch')], ['closed', false], 'committed: the next read shows it closed, not dispatchable');
});

t.test('the desk’s own reads (queues, number, repeats, names, returns, consultation) read committed data while a transaction is open', async (t) => {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const config = loaded.config;
  const built = buildWorkCalendar(config.calendar);
  if (!built.ok) throw new Error('calendar');
  const h: DbHandle = openTmpDb(t);
  const port = sqliteAsync(h);
  t.teardown(() => port.close());
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, password_hash) values (4, 'd1', 'Dispatcher', 'dispatcher', 'x');
    insert into users (id, username, display_name, role, password_hash, unit_id) values (5, 'h1', 'Handler', 'unit_handler', 'x', 'city-amr');
  `);
  const now = Date.now();
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => now);
  const desk = new DeskService({
    db: h.db,
    orderReads: sqliteOrderReadsStore(port),
    deskReads: sqliteDeskReadsStore(port),
    org: () => config.org,
    clocks: () => ({ calendar: built.calendar, sla: config.sla }),
    unitsInSubtree: (u) => unitScope(config.org, u),
    now: () => now,
  });
  const agent: Actor = { id: 1, role: 'agent', unitId: null };
  const city: DeskUser = { id: 4, role: 'dispatcher', unitId: null };
  const accept = async (subject: string) => {
    const draft = await orders.createDraft({ channel: 'web', callerPhone: '13800001111' });
    return (await orders.apply(draft.id, { type: 'accept', fields: { category: 'complaint', subject, content: subject } }, agent)).order;
  };
  const a = await accept('小区夜间施工噪音扰民');
  const b = await accept('小区夜间施工噪音又来了');
  const yesterday = now - 86_400_000;

  const seen = async () => ({
    toDispatch: (await desk.counts(city)).items.find((c) => c.queue === 'to_dispatch')?.total,
    queue: (await desk.queue(city, 'to_dispatch', undefined, 20))?.items.map((i) => i.order.id),
    byNumber: (await desk.search(city, { number: a.number }))?.items.map((o) => o.status),
    repeats: (await desk.similar(city, b.id)).map((s) => s.order.id),
    actor: (await desk.order(city, a.id)).history.find((e) => e.action === 'accept')?.actorName,
    returns: (await desk.returnsByUnit(city, 30)).items.length,
    consultation: (await desk.consultation(city))?.totals.disputed_return,
  });
  const before = await seen();
  t.same(
    before,
    { toDispatch: 2, queue: [a.id, b.id], byNumber: ['accepted'], repeats: [a.id], actor: 'Agent', returns: 0, consultation: 0 },
    'committed: both accepted, each the other’s repeat',
  );

  await port.transaction(async (tx) => {
    await tx.run((db) => {
      db.update(workOrders).set({ status: 'merged' }).where(eq(workOrders.id, a.id)).run();
      db.update(users).set({ displayName: 'Renamed' }).where(eq(users.id, 1)).run();
      db.insert(workOrderEvents).values({ orderId: a.id, at: yesterday, action: 'return', actorId: 5, comment: 'not ours' }).run();
    });
    t.same(await seen(), before, 'during the transaction every desk read shows the committed data');
  });

  t.same(
    await seen(),
    { toDispatch: 1, queue: [b.id], byNumber: ['merged'], repeats: [], actor: 'Renamed', returns: 1, consultation: 1 },
    'committed: the next reads see it',
  );
});
