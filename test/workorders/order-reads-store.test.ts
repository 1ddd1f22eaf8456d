/**
 * The work orders' reads on the async port (decision 0017 step 2), run on both databases: the
 * same fixture orders in a temp SQLite file and a real PostgreSQL (test/helpers/async-dialects.ts),
 * read through readOrderPage / readOrderDetail as the API does, and held to one expectation
 * computed here from the fixture (which orders a scope sees, the filters, the search's terms,
 * the sorts, the pages and the capped count) — so both dialects give the same answers.
 */
import t from 'tap';
import * as pgSchema from '../../src/db/schema-pg.js';
import * as schema from '../../src/db/schema.js';
import type { OrderFilter } from '../../src/workorders/order-filter.js';
import { sql } from 'drizzle-orm';
import { pageWhere, pgOrderReadsStore } from '../../src/workorders/order-reads-store-pg.js';
import { sqliteOrderReadsStore } from '../../src/workorders/order-reads-store-sqlite.js';
import type { OrderReadsStore } from '../../src/workorders/order-reads-store.js';
import { orderInScope, readOrderDetail, readOrderPage, readPublicOrder, SEARCH_TOTAL_CAP, TOTAL_CAP } from '../../src/workorders/queries.js';
import type { OrderScope } from '../../src/workorders/scope.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const NOW = Date.parse('2026-10-14T10:00:00+08:00');
const DAY = 86_400_000;
const ALL: OrderScope = { kind: 'all', hideReporter: false };
const unitScope = (...unitIds: string[]): OrderScope => ({ kind: 'units', unitIds, hideReporter: true });
const NONE: OrderScope = { kind: 'none', hideReporter: true };

type OrderRow = typeof schema.workOrders.$inferInsert & { id: number };
type EventRow = typeof schema.workOrderEvents.$inferInsert;

const SUBJECTS = ['超市售卖过期牛奶', '小区噪音扰民', '路灯不亮', '公积金提取咨询', 'WiFi信号差', '道路积水', '餐馆油烟污染', '违章停车'];
const CONTENTS = [
  '昨晚在超市买到过期牛奶，要求处理',
  '楼下夜间施工噪音很大',
  '爱山街道路灯坏了三天',
  '询问公积金提取流程',
  '公共WiFi连不上',
  '暴雨后道路积水严重',
];
const PLACES = ['吴兴区爱山街道', '南浔区南浔镇', '德清县武康街道', null];
const NAMES = ['张三', '李秘密', 'Wang Fang', null];
const STATUSES = ['accepted', 'dispatched', 'signed', 'in_progress', 'returned', 'replied', 'closed', 'draft', 'supervised'] as const;
const UNITS = ['u-a', 'u-b', 'u-c', null];

/**
 * 60 orders: ids not in created-at order (every third one was created earlier than its
 * neighbours), statuses, units (lead and co), deadlines past, future and none, categories,
 * channels, Chinese and ASCII text, a confidential reporter 李秘密 with phone 13800000001 (also
 * the phone of a non-confidential order).
 */
function fixture(): { orders: OrderRow[]; events: EventRow[] } {
  const orders: OrderRow[] = [];
  for (let i = 1; i <= 60; i++) {
    const name = NAMES[i % NAMES.length]!;
    const lead = UNITS[i % UNITS.length]!;
    const co = i % 5 === 0 ? ['u-c'] : i % 7 === 0 ? ['u-a', 'u-b'] : [];
    orders.push({
      id: i,
      number: `N-${String(i).padStart(3, '0')}`,
      channel: i % 3 === 0 ? 'web' : 'phone',
      status: STATUSES[i % STATUSES.length]!,
      category: i % 4 === 0 ? 'complaint' : i % 4 === 1 ? 'consultation' : null,
      subject: SUBJECTS[i % SUBJECTS.length]!,
      content: i % 11 === 0 ? null : CONTENTS[i % CONTENTS.length]!,
      location: PLACES[i % PLACES.length] ?? null,
      callerName: name,
      confidential: name === '李秘密',
      callerPhone: name === '李秘密' || i === 2 ? '13800000001' : `1390000${String(i).padStart(4, '0')}`,
      leadUnitId: lead,
      coUnitIds: lead === null ? [] : co.filter((u) => u !== lead),
      deadlineAt: i % 6 === 0 ? null : NOW + ((i % 9) - 4) * DAY,
      createdAt: NOW - 100 * DAY + i * DAY - (i % 3 === 0 ? 5 * DAY : 0),
      updatedAt: NOW,
      lookupCode: 'ABC234',
    });
  }
  const events: EventRow[] = [];
  for (const o of orders.filter((x) => x.id <= 5)) {
    // The same time twice: then by id. The third event is older than the second: by time first.
    events.push({ orderId: o.id, at: o.createdAt!, action: 'create', toStatus: 'draft', actorRole: 'agent' });
    events.push({
      orderId: o.id,
      at: o.createdAt! + 2000,
      action: 'update_fields',
      fromStatus: 'draft',
      toStatus: 'draft',
      data: { callerName: o.callerName, nested: { callerPhone: o.callerPhone } },
    });
    events.push({ orderId: o.id, at: o.createdAt! + 1000, action: 'accept', fromStatus: 'draft', toStatus: 'accepted', comment: '受理' });
    events.push({ orderId: o.id, at: o.createdAt!, action: 'note', comment: 'same time, later id' });
  }
  return { orders, events };
}

async function seed(d: DialectDb, orders: OrderRow[], events: EventRow[]): Promise<void> {
  if (d.dialect === 'sqlite') {
    const db = d.handle.db;
    db.transaction((tx) => {
      for (let i = 0; i < orders.length; i += 500)
        tx.insert(schema.workOrders)
          .values(orders.slice(i, i + 500))
          .run();
      if (events.length > 0) tx.insert(schema.workOrderEvents).values(events).run();
    });
    return;
  }
  await d.db.transaction(async (tx) => {
    for (let i = 0; i < orders.length; i += 500) await tx.insert(pgSchema.workOrders).values(orders.slice(i, i + 500));
    if (events.length > 0) await tx.insert(pgSchema.workOrderEvents).values(events);
  });
}

type AttachmentInsert = typeof schema.workOrderAttachments.$inferInsert;

/** Files of orders 2 and 3, inserted not in order-id order. */
const ATTACHMENTS: AttachmentInsert[] = [
  {
    orderId: 2,
    fileName: '回复.pdf',
    storedName: 'a'.repeat(32),
    kind: 'pdf',
    mediaType: 'application/pdf',
    size: 5_000_000_000,
    sha256: 'h1',
    uploadedBy: null,
    unitId: 'u-c',
    createdAt: NOW,
  },
  {
    orderId: 3,
    fileName: 'photo.jpg',
    storedName: 'b'.repeat(32),
    kind: 'jpg',
    mediaType: 'image/jpeg',
    size: 10,
    sha256: 'h2',
    uploadedBy: null,
    unitId: null,
    createdAt: NOW + 1,
  },
  {
    orderId: 2,
    fileName: '现场.png',
    storedName: 'c'.repeat(32),
    kind: 'png',
    mediaType: 'image/png',
    size: 20,
    sha256: 'h3',
    uploadedBy: null,
    unitId: 'u-c',
    createdAt: NOW - DAY,
  },
];

async function seedAttachments(d: DialectDb, rows: AttachmentInsert[]): Promise<void> {
  if (d.dialect === 'sqlite') {
    for (const r of rows) d.handle.db.insert(schema.workOrderAttachments).values(r).run();
    return;
  }
  for (const r of rows) await d.db.transaction((tx) => tx.insert(pgSchema.workOrderAttachments).values(r));
}

const storeOf = (d: DialectDb): OrderReadsStore => (d.dialect === 'sqlite' ? sqliteOrderReadsStore(d.db) : pgOrderReadsStore(d.db));

// ---- The expectation, computed from the fixture (an independent statement of the rules) ----

const AWAITING = ['dispatched', 'signed', 'in_progress', 'returned', 'supervised'];

function sees(scope: OrderScope, o: OrderRow): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  return [o.leadUnitId, ...(o.coUnitIds ?? [])].some((u) => u !== null && u !== undefined && scope.unitIds.includes(u));
}

function passes(scope: OrderScope, f: OrderFilter, o: OrderRow): boolean {
  const hide = scope.hideReporter;
  if (f.status?.length && !f.status.includes(o.status as never)) return false;
  if (f.overdue && !(AWAITING.includes(o.status) && o.deadlineAt !== null && o.deadlineAt! < NOW)) return false;
  if (f.category && o.category !== f.category) return false;
  if (f.channel && o.channel !== f.channel) return false;
  if (f.leadUnitId && o.leadUnitId !== f.leadUnitId) return false;
  if (f.callerPhone && (o.callerPhone !== f.callerPhone || (hide && o.confidential))) return false;
  if (f.createdFrom !== undefined && o.createdAt! < f.createdFrom) return false;
  if (f.createdTo !== undefined && o.createdAt! > f.createdTo) return false;
  const terms = (f.q ?? '').split(/\s+/).filter(Boolean);
  const has = (text: string | null | undefined, term: string) => (text ?? '').toLowerCase().includes(term.toLowerCase());
  for (const term of terms) {
    if ([...term].length < 3) {
      if (!has(o.subject, term)) return false;
      continue;
    }
    const name = o.confidential && hide ? null : o.callerName;
    if (![o.subject, o.content, o.location, name].some((text) => has(text, term))) return false;
  }
  return true;
}

function expected(all: OrderRow[], scope: OrderScope, f: OrderFilter): number[] {
  const rows = all.filter((o) => sees(scope, o) && passes(scope, f, o));
  const longTerms = (f.q ?? '').split(/\s+/).some((x) => [...x].length >= 3);
  const by =
    f.sort === 'deadlineAt'
      ? (a: OrderRow, b: OrderRow) =>
          (a.deadlineAt === null ? 1 : 0) - (b.deadlineAt === null ? 1 : 0) || (a.deadlineAt ?? 0) - (b.deadlineAt ?? 0) || a.id - b.id
      : longTerms
        ? (a: OrderRow, b: OrderRow) => b.id - a.id
        : (a: OrderRow, b: OrderRow) => b.createdAt! - a.createdAt! || b.id - a.id;
  return rows.sort(by).map((o) => o.id);
}

const FILTERS: Array<[string, OrderFilter]> = [
  ['everything, newest first', {}],
  ['by deadline', { sort: 'deadlineAt' }],
  ['one status', { status: ['dispatched'] }],
  ['several statuses', { status: ['dispatched', 'signed', 'returned'] }],
  ['several statuses by deadline', { status: ['signed', 'closed'], sort: 'deadlineAt' }],
  ['overdue', { overdue: true }],
  ['overdue of a status that cannot be', { overdue: true, status: ['closed'] }],
  ['category and channel', { category: 'complaint', channel: 'phone' }],
  ['lead unit', { leadUnitId: 'u-b' }],
  ['created between', { createdFrom: NOW - 70 * DAY, createdTo: NOW - 50 * DAY }],
  ['phone of a confidential reporter', { callerPhone: '13800000001' }],
  ['search 过期牛奶', { q: '过期牛奶' }],
  ['search two terms', { q: '爱山街道 路灯' }],
  ['search a place, by deadline', { q: '武康街道', sort: 'deadlineAt' }],
  ['search ASCII, any case', { q: 'wifi' }],
  ['search a reporter name', { q: 'wang fang' }],
  ['search the confidential reporter', { q: '李秘密' }],
  ['search in a reporter name across one line only', { q: '街道张三' }],
  ['search with a status', { q: '公积金', status: ['accepted', 'closed'] }],
  ['search with filters', { q: '噪音扰民', overdue: true }],
  ['short term on the subject', { q: '路灯' }],
  ['short term not in the subject', { q: '楼下' }],
  ['LIKE characters are literal', { q: '%%%' }],
  ['LIKE characters are literal, short', { q: '_' }],
  ['nothing matches', { q: '不存在的内容' }],
];

const SCOPES: Array<[string, OrderScope]> = [
  ['platform', ALL],
  ['unit u-a', unitScope('u-a')],
  ['units u-b and u-c', unitScope('u-b', 'u-c')],
];

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'order-reads');

    t.test('lists and searches: the same pages, counts and order as the rules say, in every scope', async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      const store = storeOf(d);
      let checked = 0;
      for (const [scopeName, scope] of SCOPES) {
        for (const [name, filter] of FILTERS) {
          const want = expected(orders, scope, filter);
          const pageSize = 4;
          for (let page = 1; page <= Math.max(1, Math.ceil(want.length / pageSize)) + 1; page++) {
            const got = await readOrderPage(store, scope, { ...filter, page, pageSize }, NOW);
            const ids = got.items.map((o) => o.id);
            const slice = want.slice((page - 1) * pageSize, page * pageSize);
            if (!t.same(ids, slice, `${scopeName}, ${name}, page ${page}`)) continue;
            t.equal(got.total, want.length, `${scopeName}, ${name}, page ${page}: total`);
            checked++;
          }
        }
      }
      t.ok(checked > 150, `${checked} pages checked`);
      const searched = (q: string, scope: OrderScope) => expected(orders, scope, { q }).length;
      t.ok(searched('过期牛奶', ALL) > 0 && searched('wifi', ALL) > 0 && searched('路灯', unitScope('u-a')) > 0, 'the searches have hits');
      t.ok(searched('李秘密', ALL) > 0 && searched('李秘密', unitScope('u-a', 'u-b', 'u-c')) === 0, 'a unit never finds the confidential reporter');
    });

    t.test('a unit sees what it leads or co-handles, with the reporter of a confidential order hidden', async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      const store = storeOf(d);
      const secret = orders.find((o) => o.confidential && o.leadUnitId !== null)!;
      const page = await readOrderPage(store, unitScope(secret.leadUnitId!), { pageSize: 100 }, NOW);
      const shown = page.items.find((o) => o.id === secret.id)!;
      t.match(shown, { reporterHidden: true, callerName: null, callerPhone: null, callerId: null, lookupCode: null, subject: secret.subject });
      const staff = await readOrderPage(store, ALL, { pageSize: 100, q: '李秘密' }, NOW);
      t.ok(
        staff.items.some((o) => o.id === secret.id && o.callerName === '李秘密' && !o.reporterHidden),
        'platform staff find and see the reporter',
      );
      t.same(await readOrderPage(store, NONE, {}, NOW), { items: [], total: 0, totalCapped: false, page: 1, pageSize: 20 }, 'a scope that sees nothing');
    });

    t.test('one order with its history: oldest first, masked for a unit, not found outside the scope', async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      const store = storeOf(d);
      const o = orders.find((x) => x.id === 2)!;
      const detail = await readOrderDetail(store, ALL, 2);
      t.match(detail, { id: 2, number: 'N-002', subject: o.subject, callerPhone: '13800000001', coUnitIds: o.coUnitIds, confidential: false, version: 1 });
      t.same(
        detail.history.map((e) => [e.action, e.at - o.createdAt!]),
        [
          ['create', 0],
          ['note', 0],
          ['accept', 1000],
          ['update_fields', 2000],
        ],
        'by time, then by id',
      );
      t.same(detail.history[3], {
        id: detail.history[3]!.id,
        orderId: 2,
        at: o.createdAt! + 2000,
        action: 'update_fields',
        fromStatus: 'draft',
        toStatus: 'draft',
        actorId: null,
        actorRole: null,
        comment: null,
        data: { callerName: o.callerName, nested: { callerPhone: '13800000001' } },
      });
      t.equal(typeof detail.history[0]!.id, 'number');
      t.same((await readOrderDetail(store, ALL, 6)).history, [], 'an order without events');

      const secret = orders.find((x) => x.confidential && x.id <= 5)!;
      const unit = unitScope(secret.leadUnitId!);
      const masked = await readOrderDetail(store, unit, secret.id);
      t.match(masked, { reporterHidden: true, callerName: null, callerPhone: null });
      t.same(masked.history[3]!.data, { callerName: null, nested: { callerPhone: null } }, 'the history hides the reporter too');
      const other = orders.find((x) => x.id <= 5 && !sees(unit, x))!;
      await t.rejects(readOrderDetail(store, unit, other.id), { code: 'ORDER_NOT_FOUND', statusCode: 404 }, 'outside the scope');
      await t.rejects(readOrderDetail(store, ALL, 9999), { code: 'ORDER_NOT_FOUND' }, 'no such order');
      await t.rejects(readOrderDetail(store, NONE, 2), { code: 'ORDER_NOT_FOUND' }, 'a scope that sees nothing');
    });

    t.test("the citizen's lookup by number, phone and code: its public steps, nothing for a wrong phone, code, number or a draft", async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      const store = storeOf(d);
      const o = orders.find((x) => x.id === 2)!;
      // Events of order 2: create (draft), note, accept (→ accepted at +1000), update_fields (draft → draft).
      t.same(await readPublicOrder(store, 'N-002', '13800000001', 'abc-234'), {
        number: 'N-002',
        status: o.status,
        category: o.category ?? null,
        createdAt: o.createdAt,
        deadlineAt: o.deadlineAt ?? null,
        progress: [{ status: 'accepted', at: o.createdAt! + 1000 }],
      });
      t.same((await readPublicOrder(store, 'N-006', orders[5]!.callerPhone!, 'ABC234')).progress, [], 'an order without events');
      const draft = orders.find((x) => x.status === 'draft')!;
      for (const [why, number, phone, code] of [
        ['a wrong phone', 'N-002', '13900000002', 'ABC234'],
        ['a wrong code', 'N-002', '13800000001', 'ABC235'],
        ['an unknown number', 'N-999', '13800000001', 'ABC234'],
        ['a draft', draft.number, draft.callerPhone!, 'ABC234'],
      ] as const) {
        await t.rejects(readPublicOrder(store, number, phone, code), { code: 'ORDER_NOT_FOUND', statusCode: 404 }, why);
      }
    });

    t.test('orders by ids: those that exist, every column as the other reads give it', async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      const store = storeOf(d);
      const rows = await store.read((q) => q.ordersByIds([7, 3, 9999, 12]));
      t.same(
        rows.map((r) => r.id).sort((a, b) => a - b),
        [3, 7, 12],
        'the unknown id left out',
      );
      const three = rows.find((r) => r.id === 3)!;
      t.same(three, (await store.read((q) => q.orderWithHistory(3)))!.order, 'the same row as the one-order read');
      t.match(three, { number: 'N-003', coUnitIds: orders[2]!.coUnitIds, confidential: orders[2]!.confidential });
      t.same(await store.read((q) => q.ordersByIds([])), []);
    });

    t.test('an order’s attachments: oldest first by id, one by id on its own order only, every stored name', async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      await seedAttachments(d, ATTACHMENTS);
      const store = storeOf(d);
      const two = await store.read((q) => q.attachments(2));
      t.same(
        two.map((a) => [a.fileName, a.orderId, a.size, a.unitId, a.eventId, a.createdAt]),
        [
          ['回复.pdf', 2, 5_000_000_000, 'u-c', null, NOW],
          ['现场.png', 2, 20, 'u-c', null, NOW - DAY],
        ],
        'by id (insert order), not by time; a size beyond 32 bits as a number',
      );
      t.ok(two[0]!.id < two[1]!.id && typeof two[0]!.id === 'number');
      const photo = (await store.read((q) => q.attachments(3)))[0]!;
      t.same(await store.read((q) => q.attachment(3, photo.id)), photo, 'one by id: the same row');
      t.equal(await store.read((q) => q.attachment(2, photo.id)), undefined, 'another order’s attachment is not found on this one');
      t.equal(await store.read((q) => q.attachment(3, 9999)), undefined, 'no such attachment');
      t.same(await store.read((q) => q.attachments(4)), [], 'an order without files');
      t.same((await store.read((q) => q.attachmentStoredNames())).sort(), ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)]);
    });

    t.test('the scope check of one order (orderInScope): the stored order, or not found when missing or outside alike', async (t) => {
      const d = await open(t);
      const { orders, events } = fixture();
      await seed(d, orders, events);
      const store = storeOf(d);
      const o = orders.find((x) => x.id === 5)!;
      const seen = await store.read((q) => orderInScope(q, ALL, 5));
      t.match(seen, { id: 5, number: 'N-005', leadUnitId: o.leadUnitId, coUnitIds: o.coUnitIds, fields: { subject: o.subject, confidential: o.confidential } });
      t.match(await store.read((q) => orderInScope(q, unitScope('u-c'), 5)), { id: 5 }, 'a co-handling unit sees it');
      const outside = orders.find((x) => !sees(unitScope('u-a'), x))!;
      await t.rejects(
        store.read((q) => orderInScope(q, unitScope('u-a'), outside.id)),
        { code: 'ORDER_NOT_FOUND', statusCode: 404 },
        'outside the scope',
      );
      await t.rejects(
        store.read((q) => orderInScope(q, ALL, 9999)),
        { code: 'ORDER_NOT_FOUND', statusCode: 404 },
        'no such order',
      );
      await t.rejects(
        store.read((q) => orderInScope(q, NONE, 5)),
        { code: 'ORDER_NOT_FOUND' },
        'a scope that sees nothing',
      );
    });

    t.test('a text search is case-insensitive for Latin letters, and finds Chinese, digits and mixed terms', async (t) => {
      const d = await open(t);
      const at = (id: number, subject: string): OrderRow => ({
        id,
        number: `C-${id}`,
        channel: 'phone',
        status: 'accepted',
        subject,
        leadUnitId: 'u-a',
        coUnitIds: [],
        deadlineAt: NOW + id,
        createdAt: NOW - id,
        updatedAt: NOW,
      });
      await seed(d, [at(1, 'LED路灯不亮'), at(2, 'led路灯闪烁'), at(3, '路灯123号'), at(4, '噪音扰民'), at(5, 'Straße路面')], []);
      const store = storeOf(d);
      const found = async (q: string) => (await readOrderPage(store, ALL, { q }, NOW)).items.map((o) => o.id);
      t.same(await found('led路灯'), [2, 1], 'lower case finds both');
      t.same(await found('LED路灯'), [2, 1], 'upper case finds both');
      t.same(await found('灯不亮'), [1], 'Chinese alone');
      t.same(await found('路灯123'), [3], 'Chinese and digits');
      t.same(await found('123号'), [3]);
      t.same(await found('扰民'), [4], 'a short Chinese term (the subject)');
      t.same(await found('Le'), [1, 2], 'a short Latin term, either case (newest created first: no 3+ character term)');
      t.same(await found('路灯 led'), [2, 1], 'every term must occur');
      t.same(await found('%灯'), [], 'LIKE characters are literal');
    });

    t.test('counts stop at the cap', async (t) => {
      const d = await open(t);
      const many: OrderRow[] = [];
      for (let i = 1; i <= TOTAL_CAP + 30; i++) {
        many.push({
          id: i,
          number: `M-${i}`,
          channel: 'phone',
          status: i % 2 === 0 ? 'dispatched' : 'accepted',
          subject: i % 3 === 0 ? '路灯不亮' : '道路积水',
          leadUnitId: 'u-a',
          coUnitIds: [],
          deadlineAt: NOW + i,
          createdAt: NOW - i,
          updatedAt: NOW,
        });
      }
      await seed(d, many, []);
      const store = storeOf(d);
      const capped = await readOrderPage(store, ALL, { pageSize: 3 }, NOW);
      t.same(
        capped.items.map((o) => o.id),
        [1, 2, 3],
      );
      t.match(capped, { total: TOTAL_CAP, totalCapped: true });
      t.match(await readOrderPage(store, unitScope('u-a'), { pageSize: 3, sort: 'deadlineAt' }, NOW), { total: TOTAL_CAP, totalCapped: true });
      t.match(
        await readOrderPage(store, ALL, { pageSize: 3, q: '路灯不亮' }, NOW),
        { total: SEARCH_TOTAL_CAP, totalCapped: true },
        'a text search counts up to its own cap',
      );
      t.match(await readOrderPage(store, ALL, { pageSize: 3, q: '路灯' }, NOW), { total: SEARCH_TOTAL_CAP, totalCapped: true }, 'a short term too');
      t.match(
        await readOrderPage(store, ALL, { pageSize: 3, q: '路灯不亮', createdFrom: NOW - 2400 }, NOW),
        { total: 800, totalCapped: false },
        'below it, every match is counted',
      );
      t.match(await readOrderPage(store, ALL, { pageSize: 3, status: ['dispatched', 'accepted'] }, NOW), { total: TOTAL_CAP, totalCapped: true });
      const last = await readOrderPage(store, ALL, { pageSize: 100, page: 51, status: ['accepted'] }, NOW);
      t.match(last, { total: (TOTAL_CAP + 30) / 2, totalCapped: false });
      t.equal(last.items.length, (TOTAL_CAP + 30) / 2 - 5000, 'the last page');
    });

    if (dialect === 'postgres')
      t.test('PostgreSQL: a search goes through the trigram indexes (decision 0011), the confidential name’s too', async (t) => {
        const d = await open(t);
        if (d.dialect !== 'postgres') return;
        const { orders, events } = fixture();
        await seed(d, orders, events);
        const plan = (scope: OrderScope, filter: OrderFilter) =>
          d.db.transaction(async (tx) => {
            await tx.execute(sql`set local enable_seqscan = off`);
            const where = pageWhere({ scope: scope as Exclude<OrderScope, { kind: 'none' }>, filter, now: NOW, limit: 20, offset: 0 });
            const rows = (await tx.execute<{ 'QUERY PLAN': string }>(sql`explain select * from ${pgSchema.workOrders} where ${where}`)).rows;
            return rows.map((r) => r['QUERY PLAN']).join('\n');
          });
        // A unit's plan may start from its own orders (work_order_units); it never reads the confidential names.
        t.notMatch(await plan(unitScope('u-a'), { q: '过期牛奶' }), /confidential_name_trgm_idx/, 'a unit’s search');
        const staff = await plan(ALL, { q: '李秘密' });
        t.match(staff, /work_orders_search_trgm_idx/, 'staff: the search text');
        t.match(staff, /work_orders_confidential_name_trgm_idx/, 'and the confidential name, through its partial index');
        t.notMatch(staff, /Seq Scan/, 'no scan of the table');
      });

    if (dialect === 'sqlite')
      t.test('SQLite: a read while a transaction is open answers from the read connection, with its own statements and count memo', async (t) => {
        const d = await open(t);
        if (d.dialect !== 'sqlite') return;
        const { orders, events } = fixture();
        await seed(d, orders, events);
        const store = storeOf(d);
        const want = expected(orders, ALL, { status: ['dispatched'] }).length;
        t.equal((await readOrderPage(store, ALL, { status: ['dispatched'], pageSize: 1 }, NOW)).total, want, 'on the writer');
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let inside!: () => void;
        const begun = new Promise<void>((r) => (inside = r));
        const tx = d.db.transaction(async (tx) => {
          await tx.run((db) =>
            db
              .insert(schema.workOrders)
              .values({ number: 'TX-1', channel: 'phone', status: 'dispatched', subject: '过期牛奶', createdAt: NOW, updatedAt: NOW })
              .run(),
          );
          inside();
          await gate;
        });
        await begun;
        t.ok(d.db.lock.locked, 'a transaction is open');
        const during = await readOrderPage(store, ALL, { status: ['dispatched'], pageSize: 1 }, NOW);
        t.equal(during.total, want, 'the uncommitted order is not counted (read connection)');
        t.equal((await readOrderPage(store, ALL, { q: '过期牛奶', pageSize: 100 }, NOW)).items.filter((o) => o.number === 'TX-1').length, 0, 'nor found');
        t.equal((await readOrderDetail(store, ALL, 2)).history.length, 4, 'one order with its history, from the read connection');
        release();
        await tx;
        t.equal((await readOrderPage(store, ALL, { status: ['dispatched'], pageSize: 1 }, NOW)).total, want + 1, 'the writer counts it once committed');
        // The read connection's memo holds the count taken before the commit: another transaction open, read there again.
        let release2!: () => void;
        const gate2 = new Promise<void>((r) => (release2 = r));
        let inside2!: () => void;
        const begun2 = new Promise<void>((r) => (inside2 = r));
        const tx2 = d.db.transaction(async () => {
          inside2();
          await gate2;
        });
        await begun2;
        t.equal(
          (await readOrderPage(store, ALL, { status: ['dispatched'], pageSize: 1 }, NOW)).total,
          want + 1,
          'the read connection’s memo saw the commit (data_version)',
        );
        const found = await readOrderPage(store, ALL, { q: '过期牛奶', pageSize: 100 }, NOW);
        t.ok(
          found.items.some((o) => o.number === 'TX-1'),
          'and the search finds it there',
        );
        release2();
        await tx2;
      });
  });
}
