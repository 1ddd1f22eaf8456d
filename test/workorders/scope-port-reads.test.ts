/**
 * The scope checks of an order's attachments (list, download, the startup sweep), of the desk's
 * order calls and dispatch suggestion, and of the knowledge base's "answered with" orders, and
 * the knowledge base's lookup of the order a link is made on (its agent), read the order through the work orders' async port (order-reads-store.ts, decision 0017 step 2):
 * while a transaction of the port is open on SQLite they see the committed order (and the
 * committed attachments), never the open transaction's rows on the writer. Once committed, the
 * next reads see the change: an order moved out of a county's subtree is then not found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import type { DbHandle } from '../../src/db/connection.js';
import { workOrderAttachments, workOrders } from '../../src/db/schema.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { kbOrder, kbSeesOrder } from '../../src/wiring/knowledge-base.js';
import { AttachmentsService } from '../../src/workorders/attachments.js';
import { buildWorkCalendar } from '../../src/workorders/deadlines/index.js';
import { DeskService, sqliteDeskReadsStore, type DeskUser } from '../../src/workorders/desk/index.js';
import { unitScope } from '../../src/workorders/dispatch/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import { sqliteOrderReadsStore } from '../../src/workorders/order-reads-store-sqlite.js';
import { scopeFor } from '../../src/workorders/scope.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

/** The value `fn` gives, or the code of what it throws (the same for a sync throw and a rejection). */
async function outcome(fn: () => unknown): Promise<unknown> {
  try {
    return await fn();
  } catch (err) {
    return (err as { code?: unknown }).code ?? err;
  }
}

t.test('attachments, the desk’s calls and suggestion and the KB’s order checks read the committed order through the port', async (t) => {
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
    insert into users (id, username, display_name, role, unit_id, password_hash) values (3, 'u-dq', 'DQ', 'unit_handler', 'dq-amr', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (5, 'd2', 'County', 'dispatcher', 'dq-12345', 'x');
  `);
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => Date.now());
  const agent: Actor = { id: 1, role: 'agent', unitId: null };
  const draft = await orders.createDraft({ channel: 'web', callerPhone: '13800001111' });
  const id = (
    await orders.apply(
      draft.id,
      { type: 'accept', fields: { category: 'complaint', subject: '民宿卫生差', content: '民宿卫生差', location: '德清县莫干山镇仙潭村' } },
      agent,
    )
  ).order.id;
  // With the county's 市场监管局 (committed): the county and the unit see it.
  h.db.update(workOrders).set({ leadUnitId: 'dq-amr', agentId: 1 }).where(eq(workOrders.id, id)).run();
  const dir = t.testdir();
  const attach = (name: string, stored: string) =>
    h.db
      .insert(workOrderAttachments)
      .values({ orderId: id, fileName: name, storedName: stored, kind: 'pdf', mediaType: 'application/pdf', size: 4, sha256: 'x', createdAt: 1 })
      .returning({ id: workOrderAttachments.id })
      .get().id;
  fs.writeFileSync(path.join(dir, 'a'.repeat(32)), '%PDF');
  fs.writeFileSync(path.join(dir, 'b'.repeat(32)), '%PDF');
  const aId = attach('a.pdf', 'a'.repeat(32));

  const orderReads = sqliteOrderReadsStore(port);
  const attachments = new AttachmentsService({ orderReads, orders, dir, maxBytes: 1024, now: () => Date.now() + 2 * 3_600_000 });
  const desk = new DeskService({
    db: h.db,
    orderReads,
    deskReads: sqliteDeskReadsStore(port),
    org: () => config.org,
    clocks: () => ({ calendar: built.calendar, sla: config.sla }),
    unitsInSubtree: (u) => unitScope(config.org, u),
  });
  const kbOrderOf = kbOrder(orderReads);
  const sees = kbSeesOrder({ orderReads, org: () => config.org, qa: { mayReadOrder: () => Promise.resolve(false) } });
  const county: DeskUser = { id: 5, role: 'dispatcher', unitId: 'dq-12345' };
  const subtree = { unitsInSubtree: (u: string) => unitScope(config.org, u) };
  const unit = scopeFor({ role: 'unit_handler', unitId: 'dq-amr' }, subtree);
  const countyScope = scopeFor(county, subtree);
  const all = scopeFor({ role: 'agent', unitId: null });

  const seen = async () => ({
    unitList: await outcome(async () => (await attachments.list(unit, id)).map((a) => a.fileName)),
    countyFile: await outcome(async () => (await attachments.locate(countyScope, id, aId)).view.fileName),
    allList: await outcome(async () => (await attachments.list(all, id)).map((a) => a.fileName)),
    calls: await outcome(async () => (await desk.calls(county, id)).length),
    suggestion: await outcome(async () => (await desk.suggestion(county, id)).suggestion?.lead),
    kb: await sees({ id: 5, role: 'dispatcher', unitId: 'dq-12345', username: 'd2' }, id),
    kbOrder: await kbOrderOf(id),
  });
  const before = await seen();
  t.same(
    before,
    {
      unitList: ['a.pdf'],
      countyFile: 'a.pdf',
      allList: ['a.pdf'],
      calls: 0,
      suggestion: 'dq-moganshan-gov',
      kb: true,
      kbOrder: { channel: 'web', agentId: 1 },
    },
    'committed: with the county’s unit, one file',
  );

  let bId = 0;
  await port.transaction(async (tx) => {
    await tx.run((db) => {
      db.update(workOrders).set({ leadUnitId: 'city-amr', agentId: 3 }).where(eq(workOrders.id, id)).run();
      bId = attach('b.pdf', 'b'.repeat(32));
    });
    t.same(await seen(), before, 'during the transaction: the committed order (still the county’s) and its committed file only');
    t.same(await outcome(() => attachments.locate(all, id, bId)), 'ATTACHMENT_NOT_FOUND', 'the uncommitted file is not found');
    // The sweep reads the committed names: the uncommitted row's file counts as an orphan.
    t.same(await attachments.sweepOrphans(), ['b'.repeat(32)], 'the sweep reads the committed rows');
  });

  t.same(
    await seen(),
    {
      unitList: 'ORDER_NOT_FOUND',
      countyFile: 'ORDER_NOT_FOUND',
      allList: ['a.pdf', 'b.pdf'],
      calls: 'ORDER_NOT_FOUND',
      suggestion: 'ORDER_NOT_FOUND',
      kb: false,
      kbOrder: { channel: 'web', agentId: 3 },
    },
    'committed: moved to the city’s unit, the county and the unit no longer find it; both files listed for the city',
  );
});
