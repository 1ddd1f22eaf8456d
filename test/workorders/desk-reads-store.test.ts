/**
 * The order desk's own reads on the async port (decision 0017 step 2), run on both databases:
 * the same fixture in a temp SQLite file and a real PostgreSQL (test/helpers/async-dialects.ts),
 * read through the desk's rules (queues.ts readQueueCounts / readQueuePage, text-window.ts
 * readTextWindow, similar.ts, order-context.ts, unit-returns.ts, consultation.ts) and held to
 * expectations computed here from the fixture — which orders each queue holds and their colours
 * (dueState), the pages in key order, the text window's hits, the repeats, the names, the calls
 * with their masking, the returns and the consultation list. The text window's pages (sizes,
 * `partial`, counts) must also be the same on PostgreSQL as on SQLite (the SQLite run records them).
 */
import t from 'tap';
import * as pgSchema from '../../src/db/schema-pg.js';
import * as schema from '../../src/db/schema.js';
import { buildWorkCalendar, dueState } from '../../src/workorders/deadlines/index.js';
import { SlaConfigSchema } from '../../src/workorders/deadlines/sla-config.js';
import { deskClockConfig, type ClockKind } from '../../src/workorders/desk/clocks.js';
import { consultationList, dayBounds } from '../../src/workorders/desk/consultation.js';
import { pgDeskReadsStore } from '../../src/workorders/desk/desk-reads-store-pg.js';
import { sqliteDeskReadsStore } from '../../src/workorders/desk/desk-reads-store-sqlite.js';
import type { DeskReadsStore } from '../../src/workorders/desk/desk-reads-store.js';
import { readOrderCalls, readOrderContext } from '../../src/workorders/desk/order-context.js';
import { DESK_QUEUES, decodeCursor, encodeCursor, readQueueCounts, readQueuePage, type DeskQueue, type DeskViewer } from '../../src/workorders/desk/queues.js';
import type { DeskReader } from '../../src/workorders/desk/search.js';
import { similarOrders } from '../../src/workorders/desk/similar.js';
import { readTextWindow } from '../../src/workorders/desk/text-window.js';
import { unitReturns } from '../../src/workorders/desk/unit-returns.js';
import type { OrderFilter } from '../../src/workorders/order-filter.js';
import type { OrderScope } from '../../src/workorders/scope.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const NOW = Date.parse('2026-10-14T10:00:00+08:00'); // a Wednesday
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ALL: OrderScope = { kind: 'all', hideReporter: false };
const COUNTY: OrderScope = { kind: 'units', unitIds: ['dq', 'dq-x'], hideReporter: true };
const UNIT_A: OrderScope = { kind: 'units', unitIds: ['u-a'], hideReporter: true };
const CITY_VIEW: DeskViewer = { scope: ALL, subPlatformUnitId: null };
const COUNTY_VIEW: DeskViewer = { scope: COUNTY, subPlatformUnitId: 'dq' };

type OrderRow = typeof schema.workOrders.$inferInsert & { id: number };
type EventRow = typeof schema.workOrderEvents.$inferInsert;
type UserRow = typeof schema.users.$inferInsert;
type CallRow = typeof schema.calls.$inferInsert;

const built = buildWorkCalendar({ timezone: 'Asia/Shanghai', years: {} } as never);
if (!built.ok) throw new Error('calendar');
const CFG = deskClockConfig(built.calendar, SlaConfigSchema.parse({}));

const QUEUE_STATUSES = ['accepted', 'dispatched', 'signed', 'in_progress', 'supervised', 'returned', 'replied', 'reviewed', 'evaluated', 'closed'] as const;
const WAIT_CLOCK: Partial<Record<string, string>> = {
  accepted: 'dispatch',
  returned: 'redispatch',
  replied: 'review',
  reviewed: 'callback',
  evaluated: 'unsatisfied',
};
const LEADS = [null, 'u-a', 'dq', 'dq-x', 'u-b'];
/** Overdue (also at the end of the consultation day before), due soon (20 minutes of working time left), on time, none. */
const DEADLINES = [NOW - 2 * DAY - 5 * HOUR, NOW + 20 * 60_000, NOW + 40 * DAY, null];
const HANDLING = ['dispatched', 'signed', 'in_progress', 'supervised'];

function fixture(): { users: UserRow[]; orders: OrderRow[]; events: EventRow[]; calls: CallRow[] } {
  const users: UserRow[] = [
    { id: 1, username: 'a1', displayName: '坐席甲', role: 'agent', passwordHash: 'x' },
    { id: 2, username: 'd1', displayName: '派单员', role: 'dispatcher', passwordHash: 'x' },
    { id: 3, username: 'h1', displayName: '单位甲', role: 'unit_handler', unitId: 'u-a', passwordHash: 'x' },
    { id: 4, username: 'h2', displayName: '县单位', role: 'unit_handler', unitId: 'dq-x', passwordHash: 'x' },
  ];
  const orders: OrderRow[] = [];
  // 1..80: the queues and the text search. Created out of id order; every kind of deadline on every clock.
  for (let i = 1; i <= 80; i++) {
    const status = QUEUE_STATUSES[i % QUEUE_STATUSES.length]!;
    const lead = LEADS[(i + Math.floor(i / 10)) % LEADS.length]!;
    const wait = WAIT_CLOCK[status] ?? (HANDLING.includes(status) && i % 3 === 0 ? 'extension' : null);
    const confidential = i % 7 === 0;
    orders.push({
      id: i,
      number: `Q-${String(i).padStart(3, '0')}`,
      channel: 'phone',
      status,
      subject: i % 3 === 0 ? '爱山街道路灯不亮' : i % 3 === 1 ? '道路积水严重' : '路灯杆倾斜',
      content: i % 4 === 0 ? '晚上路灯不亮很危险' : '请尽快处理',
      callerName: confidential ? '王秘密' : '赵先生',
      confidential,
      callerPhone: `1390000${String(i).padStart(4, '0')}`,
      leadUnitId: lead,
      coUnitIds: i % 6 === 0 && lead !== 'dq-x' ? ['dq-x'] : [],
      deadlineAt: DEADLINES[i % 4]!,
      signDeadlineAt: status === 'dispatched' ? DEADLINES[(i + 1) % 4]! : null,
      waitClock: wait,
      waitDeadlineAt: wait ? (DEADLINES[(i + 2) % 3] ?? null) : null,
      pendingExtension: wait === 'extension' ? { days: 3, reason: '需要协调', requestedAt: NOW - DAY, requestedBy: 3 } : null,
      satisfaction: status === 'evaluated' ? (i % 2 === 0 ? 'unsatisfied' : 'satisfied') : null,
      createdAt: NOW - 50 * DAY + ((i * 37) % 80) * 6 * HOUR,
      updatedAt: NOW,
    });
  }
  // 101..: likely repeats of 101 (created NOW - 10 days) and the order page's context (201..).
  const base = NOW - 10 * DAY;
  const other = (id: number, o: Partial<OrderRow>): OrderRow => ({
    id,
    number: `S-${id}`,
    channel: 'phone',
    status: 'accepted',
    subject: '无关事项',
    content: null,
    callerPhone: `1370000${String(id).padStart(4, '0')}`,
    leadUnitId: null,
    coUnitIds: [],
    createdAt: base,
    updatedAt: NOW,
    ...o,
  });
  orders.push(
    other(101, { subject: '小区夜间施工噪音扰民', location: '吴兴区潮音桥社区', callerPhone: '13811112222', status: 'dispatched', leadUnitId: 'dq-x' }),
    other(102, { callerPhone: '13811112222', createdAt: base - 3 * DAY }), // same phone
    other(103, { location: '吴兴区潮音桥社区', createdAt: base - 2 * DAY, leadUnitId: 'dq-x', status: 'dispatched' }), // same place
    other(104, { subject: '夜间施工噪音太大', createdAt: base + DAY }), // similar text
    other(105, { subject: '又是小区夜间施工', location: '吴兴区潮音桥社区', callerPhone: '13811112222', createdAt: base + 2 * DAY }), // all three
    other(106, { callerPhone: '13811112222', createdAt: base - 40 * DAY }), // too old
    other(107, { subject: '小区夜间施工噪音扰民', status: 'merged', createdAt: base + 3 * DAY }), // merged
    other(108, { callerPhone: '13811112222', confidential: true, callerName: '某女士', createdAt: base - DAY, leadUnitId: 'dq-x', status: 'dispatched' }),
    other(109, { content: '工地夜间施工噪音', createdAt: base + 4 * DAY, leadUnitId: 'dq', status: 'dispatched' }), // similar text in the content
  );
  orders.push(
    other(201, { callId: 'c-1', leadUnitId: 'u-a', status: 'dispatched', linkedOrderIds: [202, 203, 999], mergedIntoId: null }),
    other(202, { leadUnitId: 'u-a', status: 'signed' }),
    other(203, { leadUnitId: 'u-b', status: 'replied' }),
    other(204, { callId: 'c-2', leadUnitId: 'u-b', status: 'merged', mergedIntoId: 201 }),
    other(205, { callId: 'c-3', leadUnitId: 'u-a', status: 'merged', mergedIntoId: 201, confidential: true, callerName: '匿名' }),
    other(206, { leadUnitId: 'u-a', status: 'merged', mergedIntoId: 202, linkedOrderIds: [] }),
  );
  const call = (id: string, o: Partial<CallRow>): CallRow => ({
    id,
    callerPhone: '13912345678',
    dialledNumber: '12345',
    hotline: '12345',
    state: 'ended',
    enteredAt: NOW - 9 * DAY,
    ...o,
  });
  const calls: CallRow[] = [
    call('c-1', { agentId: 1, answeredAt: NOW - 9 * DAY + 5000, endedAt: NOW - 9 * DAY + 60_000, outcome: 'order' }),
    call('c-2', { enteredAt: NOW - 8 * DAY, agentId: 5 }),
    call('c-3', { enteredAt: NOW - 7 * DAY, callerPhone: '13700000009' }),
    call('c-4', { enteredAt: NOW - 6 * DAY, direction: 'out', orderId: 201, agentId: 2 }),
    call('c-5', { enteredAt: NOW - 5 * DAY }),
  ];
  const events: EventRow[] = [
    // The order page's history: actors with names, the system.
    { orderId: 201, at: base, action: 'create', toStatus: 'draft', actorId: 1, actorRole: 'agent' },
    { orderId: 201, at: base + 1, action: 'dispatch', fromStatus: 'accepted', toStatus: 'dispatched', actorId: 2, data: { leadUnitId: 'u-a' } },
    { orderId: 201, at: base + 2, action: 'note' },
    // Last returns of returned orders (no actor: not in the returns per unit); the same time twice: the later id.
    ...orders
      .filter((o) => o.status === 'returned')
      .flatMap((o): EventRow[] => [
        { orderId: o.id, at: NOW - 20 * DAY, action: 'return', comment: `old ${o.id}` },
        { orderId: o.id, at: NOW - 19 * DAY, action: 'return', comment: `first ${o.id}` },
        { orderId: o.id, at: NOW - 19 * DAY, action: 'return', comment: `latest ${o.id}` },
      ]),
    // Returns per unit (the last 30 days) and dispatches by lead unit.
    { orderId: 202, at: NOW - 2 * DAY, action: 'return', actorId: 3, comment: '不属于本单位' },
    { orderId: 203, at: NOW - 3 * DAY, action: 'return', actorId: 4, comment: '非本县' },
    { orderId: 202, at: NOW - 40 * DAY, action: 'return', actorId: 3 },
    { orderId: 202, at: NOW - 5 * DAY, action: 'dispatch', data: { leadUnitId: 'u-a' } },
    { orderId: 203, at: NOW - 5 * DAY, action: 'dispatch', data: { leadUnitId: 'u-a' } },
    { orderId: 202, at: NOW - 4 * DAY, action: 'redispatch', data: { leadUnitId: 'u-a' } },
    { orderId: 203, at: NOW - 4 * DAY, action: 'redispatch', data: { leadUnitId: 'dq-x' } },
  ];
  // The consultation list of 2026-10-13 (Beijing): a return that day, an order unsatisfied a second time, one the first time.
  const day = dayBounds('2026-10-13')!;
  events.push(
    { orderId: 203, at: day.from + 3 * HOUR, action: 'return', actorId: 4, comment: '应由市级处理' },
    { orderId: 202, at: day.from - 5 * DAY, action: 'evaluate', data: { result: 'unsatisfied' } },
    { orderId: 202, at: day.from + 5 * HOUR, action: 'record_survey', comment: '还是没解决', data: { result: 'unsatisfied' } },
    { orderId: 203, at: day.from + 6 * HOUR, action: 'evaluate', data: { result: 'unsatisfied' } },
    { orderId: 201, at: day.from + 7 * HOUR, action: 'evaluate', data: { result: 'satisfied' } },
  );
  return { users, orders, events, calls };
}

async function seed(d: DialectDb, f: ReturnType<typeof fixture>): Promise<void> {
  const users = [...f.users, { id: 5, username: 'a2', displayName: '坐席乙', role: 'agent' as const, passwordHash: 'x' }];
  if (d.dialect === 'sqlite') {
    d.handle.db.transaction((tx) => {
      tx.insert(schema.users).values(users).run();
      tx.insert(schema.calls).values(f.calls).run();
      tx.insert(schema.workOrders).values(f.orders).run();
      tx.insert(schema.workOrderEvents).values(f.events).run();
    });
    return;
  }
  await d.db.transaction(async (tx) => {
    await tx.insert(pgSchema.users).values(users);
    await tx.insert(pgSchema.calls).values(f.calls as never);
    await tx.insert(pgSchema.workOrders).values(f.orders as never);
    await tx.insert(pgSchema.workOrderEvents).values(f.events as never);
  });
}

const storeOf = (d: DialectDb): DeskReadsStore => (d.dialect === 'sqlite' ? sqliteDeskReadsStore(d.db) : pgDeskReadsStore(d.db));

// ---- The expectations, from the fixture ----

function sees(scope: OrderScope, o: OrderRow): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  return [o.leadUnitId, ...(o.coUnitIds ?? [])].some((u) => u !== null && u !== undefined && scope.unitIds.includes(u));
}

const colourOf = (deadline: number | null | undefined, clock: ClockKind) =>
  deadline === null || deadline === undefined ? null : dueState(deadline, NOW, CFG.dueSoonDays(clock), CFG.calendar, CFG.sla.workHours);

/** The queue's orders in the viewer's scope with the clock each is shown with, in queue order. */
function members(orders: OrderRow[], queue: DeskQueue, viewer: DeskViewer): Array<{ o: OrderRow; clock: ClockKind | null; deadline: number | null }> {
  const handling = (o: OrderRow) => ({ o, clock: 'handling' as const, deadline: o.deadlineAt ?? null });
  const wait = (clock: ClockKind) => (o: OrderRow) => ({ o, clock, deadline: o.waitDeadlineAt ?? null });
  const pick = (): Array<{ o: OrderRow; clock: ClockKind | null; deadline: number | null }> => {
    switch (queue) {
      case 'to_dispatch':
        return viewer.subPlatformUnitId === null
          ? orders.filter((o) => o.status === 'accepted').map(wait('dispatch'))
          : orders
              .filter((o) => o.status === 'dispatched' && o.leadUnitId === viewer.subPlatformUnitId)
              .map((o) => ({ o, clock: 'sign' as const, deadline: o.signDeadlineAt ?? null }));
      case 'returned':
        return orders.filter((o) => o.status === 'returned').map(wait('redispatch'));
      case 'to_review':
        return orders.filter((o) => o.status === 'replied').map(wait('review'));
      case 'extension_requested':
        return orders.filter((o) => o.pendingExtension).map(wait('extension'));
      case 'to_callback':
        return orders.filter((o) => o.status === 'reviewed').map((o) => ({ o, clock: null, deadline: null }));
      case 'unsatisfied':
        return [
          ...orders.filter((o) => o.status === 'evaluated' && o.satisfaction === 'unsatisfied').map(wait('unsatisfied')),
          ...orders.filter((o) => o.status === 'supervised').map(handling),
        ];
      case 'due_soon':
        return orders.filter((o) => HANDLING.includes(o.status) && colourOf(o.deadlineAt, 'handling') === 'due_soon').map(handling);
      case 'overdue':
        return orders.filter((o) => HANDLING.includes(o.status) && colourOf(o.deadlineAt, 'handling') === 'overdue').map(handling);
    }
  };
  const key = (m: { o: OrderRow }) => (queue === 'due_soon' || queue === 'overdue' ? m.o.deadlineAt! : m.o.createdAt!);
  return pick()
    .filter((m) => sees(viewer.scope, m.o))
    .sort((a, b) => key(a) - key(b) || a.o.id - b.o.id);
}

/**
 * The counts as the desk states them: the queue's orders, those overdue and those due soon, each
 * number on its own up to the cap (past it: the cap, and "there are more"). Not a sum of arms: a
 * colour of a later arm counts also when an earlier arm has filled the total (待满意's supervised
 * orders past their deadline after more unsatisfied evaluations than the cap).
 */
function expectedCount(orders: OrderRow[], queue: DeskQueue, viewer: DeskViewer, cap: number) {
  const all = members(orders, queue, viewer);
  const total = all.length;
  const overdue = all.filter((x) => x.clock && colourOf(x.deadline, x.clock) === 'overdue').length;
  const dueSoon = all.filter((x) => x.clock && colourOf(x.deadline, x.clock) === 'due_soon').length;
  const capped = { total: total > cap, overdue: overdue > cap, dueSoon: dueSoon > cap };
  return {
    queue,
    total: Math.min(total, cap),
    totalCapped: capped.total,
    overdue: Math.min(overdue, cap),
    overdueCapped: capped.overdue,
    dueSoon: Math.min(dueSoon, cap),
    dueSoonCapped: capped.dueSoon,
    onTime: capped.total || capped.overdue || capped.dueSoon ? null : total - overdue - dueSoon,
  };
}

/**
 * The text search's hits in a scope (3+ character terms in the text, a confidential reporter's
 * name only for staff), newest id first. A creation date bound is also an id bound (ids grow with
 * creation time: the id of the first order created since then), as the window assumes.
 */
function textHits(orders: OrderRow[], scope: OrderScope, f: OrderFilter): number[] {
  const term = f.q!;
  const since = f.createdFrom;
  const lo =
    since === undefined ? 0 : (orders.filter((o) => o.createdAt! >= since).sort((a, b) => a.createdAt! - b.createdAt! || a.id - b.id)[0]?.id ?? Infinity);
  return orders
    .filter((o) => o.id >= lo)
    .filter((o) => sees(scope, o))
    .filter((o) => [o.subject, o.content, o.location, o.confidential && scope.hideReporter ? null : o.callerName].some((s) => (s ?? '').includes(term)))
    .filter((o) => !f.status || f.status.includes(o.status as never))
    .filter((o) => f.createdFrom === undefined || o.createdAt! >= f.createdFrom)
    .map((o) => o.id)
    .sort((a, b) => b - a);
}

/** What the SQLite run saw, for the PostgreSQL run to match (where the rule is the window's walk, not a set). */
const seenOnSqlite = new Map<string, unknown>();

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'desk-reads');

    t.test('queue counts: each queue’s orders and colours in the scope, up to the cap', async (t) => {
      const d = await open(t);
      const f = fixture();
      await seed(d, f);
      const store = storeOf(d);
      for (const [who, viewer] of [
        ['city', CITY_VIEW],
        ['county', COUNTY_VIEW],
      ] as const) {
        for (const cap of [1000, 7, 2]) {
          const got = await readQueueCounts(store, viewer, NOW, CFG, cap);
          t.same(
            got,
            DESK_QUEUES.map((q) => expectedCount(f.orders, q, viewer, cap)),
            `${who}, cap ${cap}`,
          );
        }
      }
      // 待满意 past a cap its unsatisfied evaluations fill: the supervised orders' colours still count.
      const unsatisfied = members(f.orders, 'unsatisfied', CITY_VIEW);
      const evaluated = unsatisfied.filter((m) => m.o.status === 'evaluated');
      const overdueOf = (ms: typeof unsatisfied) => ms.filter((m) => colourOf(m.deadline, m.clock!) === 'overdue').length;
      t.ok(
        evaluated.length === 8 && overdueOf(evaluated) === 2 && overdueOf(unsatisfied) === 6,
        'the fixture: 8 unsatisfied evaluations (2 overdue), 4 supervised orders overdue',
      );
      const at = async (cap: number) => (await readQueueCounts(store, CITY_VIEW, NOW, CFG, cap)).find((c) => c.queue === 'unsatisfied')!;
      t.match(await at(7), { total: 7, totalCapped: true, overdue: 6, overdueCapped: false, onTime: null }, 'cap 7: the total is capped, the 6 overdue exact');
      t.match(await at(2), { total: 2, totalCapped: true, overdue: 2, overdueCapped: true }, 'cap 2: the overdue figure is capped too');
      const city = await readQueueCounts(store, CITY_VIEW, NOW, CFG);
      t.ok(
        city.every((c) => c.total > 0),
        'every queue holds orders',
      );
      t.ok(
        city.some((c) => c.overdue > 0) && city.some((c) => c.dueSoon > 0) && city.some((c) => (c.onTime ?? 0) > 0) && city.some((c) => c.total > 2),
        'with every colour, and past the small cap',
      );
    });

    t.test('queue pages: in key order, page after page, with clocks and the latest return', async (t) => {
      const d = await open(t);
      const f = fixture();
      await seed(d, f);
      const store = storeOf(d);
      for (const [who, viewer] of [
        ['city', CITY_VIEW],
        ['county', COUNTY_VIEW],
      ] as const) {
        for (const queue of DESK_QUEUES) {
          const want = members(f.orders, queue, viewer);
          const ids: number[] = [];
          let after: { key: number; id: number } | null = null;
          for (let i = 0; i < 50; i++) {
            const page = await readQueuePage(store, viewer, queue, after, 3, NOW, CFG);
            for (const item of page.items) {
              ids.push(item.row.id);
              const m = want.find((x) => x.o.id === item.row.id);
              const clock = m?.clock && m.deadline !== null ? { kind: m.clock, deadlineAt: m.deadline, state: colourOf(m.deadline, m.clock) } : null;
              if (!t.same(item.clock, clock, `${who} ${queue} ${item.row.id}: clock`)) break;
              if (queue === 'returned')
                t.same(item.lastReturn, { reason: `latest ${item.row.id}`, at: NOW - 19 * DAY, actorId: null }, `${queue} ${item.row.id}: the latest return`);
              else t.equal(item.lastReturn, undefined);
            }
            if (!page.nextCursor) break;
            after = decodeCursor(page.nextCursor);
          }
          t.same(
            ids,
            want.map((m) => m.o.id),
            `${who} ${queue}: ${want.length} orders in order`,
          );
        }
      }
      const past = (await readQueuePage(store, CITY_VIEW, 'to_dispatch', { key: Number.MAX_SAFE_INTEGER, id: 0 }, 3, NOW, CFG)).items;
      t.same(past, [], 'a cursor past the end: nothing');
      t.type(encodeCursor(1, 2), 'string');
    });

    t.test('text window: every hit once, newest first, page after page, the same pages as SQLite', async (t) => {
      const d = await open(t);
      const f = fixture();
      await seed(d, f);
      const store = storeOf(d);
      const cases: Array<[string, OrderScope, OrderFilter, number]> = [
        ['city, one term, a small window', ALL, { q: '路灯不亮' }, 4],
        ['city, with statuses', ALL, { q: '路灯不亮', status: ['accepted', 'returned', 'dispatched'] }, 4],
        ['county', COUNTY, { q: '路灯不亮' }, 3],
        ['created since', ALL, { q: '路灯不亮', createdFrom: NOW - 40 * DAY }, 5],
        ['a confidential reporter, for staff', ALL, { q: '王秘密' }, 2],
        ['a confidential reporter, for a county', COUNTY, { q: '王秘密' }, 2],
        ['a large window', ALL, { q: '路灯不亮' }, 5000],
        ['nothing', ALL, { q: '不存在的事' }, 5],
      ];
      for (const [name, scope, filter, window] of cases) {
        const pages: Array<{ ids: number[]; n: number; bounded: boolean; partial: boolean; next: number | null }> = [];
        let before: number | null = null;
        for (let i = 0; i < 100; i++) {
          const p = await readTextWindow(store, { scope, filter, now: NOW, pageSize: 2, before, window, countCap: 3 });
          pages.push({ ids: p.rows.map((r) => r.id), n: p.n, bounded: p.bounded, partial: p.partial, next: p.next });
          if (p.next === null) break;
          before = p.next;
        }
        const want = textHits(f.orders, scope, filter);
        t.same(
          pages.flatMap((p) => p.ids),
          want,
          `${name}: ${want.length} hits`,
        );
        if (dialect === 'sqlite') seenOnSqlite.set(name, pages);
        else if (seenOnSqlite.has(name)) t.same(pages, seenOnSqlite.get(name), `${name}: the same pages as on SQLite`);
      }
      t.ok(textHits(f.orders, ALL, { q: '王秘密' }).length > 0 && textHits(f.orders, COUNTY, { q: '王秘密' }).length === 0, 'the county never finds the name');
      const first = await readTextWindow(store, { scope: ALL, filter: { q: '路灯不亮' }, now: NOW, pageSize: 2, before: null, window: 5000, countCap: 3 });
      t.same([first.n, first.partial, first.bounded], [4, false, false], 'a full page counts on, up to the cap + 1');
      const small = await readTextWindow(store, {
        scope: ALL,
        filter: { q: '路灯不亮', status: ['closed'] },
        now: NOW,
        pageSize: 5,
        before: null,
        window: 2,
        countCap: 3,
      });
      t.ok(small.partial && small.bounded && small.next !== null, 'a short page cut by the window is partial and goes on below it');
    });

    t.test('the lookup by number and one order', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      t.equal((await store.read((q) => q.orderByNumber('Q-007')))?.id, 7);
      t.equal(await store.read((q) => q.orderByNumber('Q-999')), undefined);
      t.equal((await store.read((q) => q.order(101)))?.number, 'S-101');
      t.equal(await store.read((q) => q.order(99_999_999_999)), undefined, 'an id past PostgreSQL’s integer: none');
    });

    t.test('likely repeats: the reasons, the window, the scope and a hidden reporter', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      const city: DeskReader = { scope: ALL, readsPhones: true };
      const county: DeskReader = { scope: COUNTY, readsPhones: false };
      t.same(
        (await similarOrders(store, city, 101)).map((s) => [s.order.id, s.reasons]),
        [
          [105, ['same_phone', 'same_place', 'similar_text']],
          [108, ['same_phone']],
          [102, ['same_phone']],
          [103, ['same_place']],
          [109, ['similar_text']],
          [104, ['similar_text']],
        ],
        'city: strongest first, then newest; not too old, not merged',
      );
      t.same(
        (await similarOrders(store, county, 101)).map((s) => [s.order.id, s.reasons, s.order.callerPhone]),
        [
          [103, ['same_place'], '137****0103'],
          [109, ['similar_text'], '137****0109'],
        ],
        'county: its own orders only, no confidential order by phone, phones masked',
      );
      await t.rejects(similarOrders(store, county, 102), { code: 'ORDER_NOT_FOUND' }, 'an order outside the scope');
      await t.rejects(similarOrders(store, city, 12_345), { code: 'ORDER_NOT_FOUND' }, 'no such order');
    });

    t.test('the order page’s context: names, related orders as the scope may name them, and the calls', async (t) => {
      const d = await open(t);
      const f = fixture();
      await seed(d, f);
      const store = storeOf(d);
      const order = f.orders.find((o) => o.id === 201)!;
      // And an actor with no account (removed since): no name.
      const history = [...f.events.filter((e) => e.orderId === 201), { actorId: 99 }].map((e, i) => ({ ...e, id: i + 1, actorId: e.actorId ?? null }) as never);
      const ctx = await readOrderContext(store, UNIT_A, { history, linkedOrderIds: [202, 203, 999], mergedIntoId: 202 });
      t.same(
        [...ctx.names].sort(),
        [
          [1, '坐席甲'],
          [2, '派单员'],
        ],
        'the names of the actors that exist',
      );
      t.same(ctx.linkedOrders, [
        { id: 202, number: 'S-202', status: 'signed' },
        { id: 203, number: null, status: null },
        { id: 999, number: null, status: null },
      ]);
      t.same(ctx.mergedInto, { id: 202, number: 'S-202', status: 'signed' });
      t.same((await readOrderContext(store, ALL, { history: [], linkedOrderIds: [], mergedIntoId: null })).mergedInto, null);

      const own = { id: 201, number: 'S-201', callId: order.callId ?? null, confidential: false };
      const city = await readOrderCalls(store, { scope: ALL, readsPhones: true }, own);
      t.same(
        city.map((c) => [c.id, c.orderId, c.callerPhone, c.phoneMasked, c.agentName]),
        [
          ['c-1', 201, '13912345678', false, '坐席甲'],
          ['c-2', 204, '13912345678', false, '坐席乙'],
          ['c-3', 205, '13700000009', false, null],
          ['c-4', 201, '13912345678', false, '派单员'],
        ],
        'city: its call, the merged orders’ calls and the callback, oldest first',
      );
      t.same(
        city[0],
        {
          id: 'c-1',
          orderId: 201,
          orderNumber: 'S-201',
          hotline: '12345',
          dialledNumber: '12345',
          direction: 'in',
          callerPhone: '13912345678',
          phoneMasked: false,
          state: 'ended',
          outcome: 'order',
          enteredAt: NOW - 9 * DAY,
          answeredAt: NOW - 9 * DAY + 5000,
          endedAt: NOW - 9 * DAY + 60_000,
          agentId: 1,
          agentName: '坐席甲',
        },
        'every field',
      );
      t.same(
        (await readOrderCalls(store, { scope: UNIT_A, readsPhones: false }, own)).map((c) => [c.id, c.callerPhone, c.phoneMasked]),
        [
          ['c-1', '139****5678', true],
          ['c-3', null, true],
          ['c-4', '139****5678', true],
        ],
        'a unit: not another unit’s merged order, a confidential reporter’s phone not at all, the rest masked',
      );
      t.same(
        (await readOrderCalls(store, { scope: ALL, readsPhones: true }, { id: 202, number: 'S-202', callId: null, confidential: false })).length,
        0,
        'an order without calls',
      );
    });

    t.test('returns per unit and the consultation list', async (t) => {
      const d = await open(t);
      const f = fixture();
      await seed(d, f);
      const store = storeOf(d);
      t.same(await unitReturns(store, ALL, NOW - 30 * DAY), [
        { unitId: 'dq-x', dispatched: 1, returned: 2, rate: 2 },
        { unitId: 'u-a', dispatched: 4, returned: 1, rate: 0.25 },
      ]);
      t.same(
        (await unitReturns(store, COUNTY, NOW - 30 * DAY)).map((u) => u.unitId),
        ['dq-x'],
      );
      t.same((await unitReturns(store, ALL, NOW - 60 * DAY)).find((u) => u.unitId === 'u-a')?.returned, 2, 'a longer period counts the older return');

      const day = dayBounds('2026-10-13')!;
      const list = await consultationList(store, ALL, '2026-10-13', day);
      const overdue = f.orders
        .filter((o) => HANDLING.includes(o.status) && o.deadlineAt !== null && o.deadlineAt! < day.to)
        .sort((a, b) => a.deadlineAt! - b.deadlineAt! || a.id - b.id);
      t.same(list.totals, { disputed_return: 1, overdue: overdue.length, unsatisfied_again: 1 });
      const items = list.units.flatMap((u) => u.items.map((i) => ({ unit: u.unitId, ...i })));
      t.same(
        items.filter((i) => i.kind !== 'overdue').sort((a, b) => a.kind.localeCompare(b.kind)),
        [
          {
            unit: 'dq-x',
            kind: 'disputed_return',
            orderId: 203,
            number: 'S-203',
            subject: '无关事项',
            category: null,
            status: 'replied',
            at: day.from + 3 * HOUR,
            note: '应由市级处理',
            count: 1,
          },
          {
            unit: 'u-a',
            kind: 'unsatisfied_again',
            orderId: 202,
            number: 'S-202',
            subject: '无关事项',
            category: null,
            status: 'signed',
            at: day.from + 5 * HOUR,
            note: '还是没解决',
            count: 2,
          },
        ],
      );
      t.same(
        items
          .filter((i) => i.kind === 'overdue')
          .map((i) => [i.orderId, i.count])
          .sort((a, b) => a[0]! - b[0]!),
        overdue.map((o) => [o.id, Math.trunc((day.to - o.deadlineAt!) / HOUR)]).sort((a, b) => a[0]! - b[0]!),
        'the overdue orders with their hours past the deadline',
      );
      t.ok(overdue.length > 0);
      const county = await consultationList(store, COUNTY, '2026-10-13', day);
      t.ok(
        county.units.every((u) => u.unitId === 'dq' || u.unitId === 'dq-x'),
        'a county: its units only',
      );
      t.equal(county.totals.disputed_return, 1);
    });
  });
}
