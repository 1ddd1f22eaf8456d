/**
 * The deadline warnings' port (warnings-store.ts) on both databases (decision 0017 step 4): the
 * same fixture orders in a temp SQLite file and a real PostgreSQL (test/helpers/async-dialects.ts),
 * the same answers — which orders still need a warning, a warning recorded once, today's list —
 * and, with the scheduler itself over the port, two scans at once (two nodes) announce each
 * warning once.
 */
import t from 'tap';
import * as schema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import { DomainEvents, type DeadlineWarning } from '../../src/events/domain-events.js';
import { createLogger } from '../../src/logging/logger.js';
import { DeadlineScheduler } from '../../src/workorders/deadlines/scheduler.js';
import { pgWarningsStore } from '../../src/workorders/deadlines/warnings-store-pg.js';
import { sqliteWarningsStore } from '../../src/workorders/deadlines/warnings-store-sqlite.js';
import type { WarningsStore } from '../../src/workorders/deadlines/warnings-store.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';
import { calendar, shippedSla } from '../helpers/wait-clock-fixture.js';

const log = createLogger({ level: 'silent' });
const T0 = Date.parse('2026-03-04T10:00:00+08:00'); // a Wednesday, working hours
const H = 3_600_000;

type OrderRow = typeof schema.workOrders.$inferInsert & { id: number };

/**
 * Orders 1-12: handling deadlines in the past and future, some dispatched, some signed, some
 * replied (clock stopped), two with the same deadline (then by id), one sign-for deadline, one
 * waiting clock (review), one without a deadline.
 */
function fixture(): OrderRow[] {
  const o = (id: number, status: string, extra: Partial<OrderRow> = {}): OrderRow => ({
    id,
    number: `D-${String(id).padStart(2, '0')}`,
    channel: 'phone',
    status,
    createdAt: T0 - 100 * H,
    updatedAt: T0 - 100 * H,
    leadUnitId: `u-${id % 3}`,
    ...extra,
  });
  return [
    o(1, 'dispatched', { deadlineAt: T0 - 5 * H }),
    o(2, 'signed', { deadlineAt: T0 - 9 * H }),
    o(3, 'in_progress', { deadlineAt: T0 - 5 * H }), // same deadline as 1: by id
    o(4, 'replied', { deadlineAt: T0 - 20 * H }), // clock stopped
    o(5, 'dispatched', { deadlineAt: T0 + 2 * H, signDeadlineAt: T0 - 1 * H }),
    o(6, 'signed', { deadlineAt: T0 + 30 * H }),
    o(7, 'in_progress', { deadlineAt: null }),
    o(8, 'supervised', { deadlineAt: T0 - 1 }),
    o(9, 'replied', { waitClock: 'review', waitDeadlineAt: T0 - 2 * H, leadUnitId: null }),
    o(10, 'dispatched', { deadlineAt: T0 }), // exactly now: not overdue (max is now - 1)
    o(11, 'closed', { deadlineAt: T0 - 50 * H }),
    o(12, 'in_progress', { deadlineAt: T0 + 1 * H }),
  ];
}

async function seed(d: DialectDb, orders: OrderRow[]): Promise<void> {
  if (d.dialect === 'sqlite') {
    d.handle.db.insert(schema.workOrders).values(orders).run();
    return;
  }
  await d.db.transaction(async (tx) => {
    await tx.insert(pgSchema.workOrders).values(orders);
  });
}

const storeOf = (d: DialectDb): WarningsStore => (d.dialect === 'sqlite' ? sqliteWarningsStore(d.db) : pgWarningsStore(d.db));
const HANDLING = ['dispatched', 'signed', 'in_progress', 'supervised'] as const;

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'deadline-warnings');

    t.test('the orders that still need a warning: running clock, bounds inclusive, earliest first then by id, at most the limit', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      const ids = async (q: Parameters<Awaited<Parameters<Parameters<WarningsStore['read']>[0]>[0]>['findUnwarned']>[0]) =>
        (await store.read((r) => r.findUnwarned(q))).map((c) => c.orderId);
      const overdue = { clock: 'handling', kind: 'overdue', statuses: HANDLING, max: T0 - 1, limit: 50 } as const;
      t.same(await ids(overdue), [2, 1, 3, 8], 'overdue handling: earliest first, 1 before 3 (same deadline), not replied/closed/no deadline/now');
      t.same(await ids({ ...overdue, limit: 2 }), [2, 1], 'the limit');
      t.same(await ids({ ...overdue, min: T0 - 5 * H }), [1, 3, 8], 'min is inclusive');
      t.same(await ids({ ...overdue, max: T0 }), [2, 1, 3, 8, 10], 'max is inclusive');
      t.same(await ids({ ...overdue, statuses: ['dispatched'] }), [1], 'only the statuses given');
      t.same(await ids({ clock: 'sign', kind: 'sign_overdue', statuses: ['dispatched'], max: T0 - 1, limit: 50 }), [5], 'the sign-for deadline');
      t.same(
        await ids({ clock: 'review', kind: 'review_overdue', statuses: ['replied'], max: T0 - 1, limit: 50 }),
        [9],
        'a waiting clock runs while wait_clock names it',
      );
      const [first] = await store.read((r) => r.findUnwarned(overdue));
      t.same(first, { orderId: 2, number: 'D-02', leadUnitId: 'u-2', deadlineAt: T0 - 9 * H }, 'what a candidate carries');

      // A warning for that very deadline takes the order out; for another kind or deadline it does not.
      t.equal(
        await store.transaction((tx) => tx.insertWarning({ orderId: 2, kind: 'overdue', deadlineAt: T0 - 9 * H, leadUnitId: 'u-2', warnedAt: T0 })),
        true,
      );
      t.equal(
        await store.transaction((tx) => tx.insertWarning({ orderId: 1, kind: 'due_soon', deadlineAt: T0 - 5 * H, leadUnitId: 'u-1', warnedAt: T0 })),
        true,
      );
      t.equal(
        await store.transaction((tx) => tx.insertWarning({ orderId: 3, kind: 'overdue', deadlineAt: T0 - 6 * H, leadUnitId: 'u-0', warnedAt: T0 })),
        true,
      );
      t.same(await ids(overdue), [1, 3, 8], 'order 2 warned; 1 has only a due-soon warning; 3 was warned for an older deadline');
    });

    t.test("a warning is recorded once; today's list is newest first with the order numbers", async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      const w = { orderId: 1, kind: 'overdue', deadlineAt: T0 - 5 * H, leadUnitId: 'u-1', warnedAt: T0 } as const;
      t.equal(await store.transaction((tx) => tx.insertWarning(w)), true, 'the first time');
      t.equal(await store.transaction((tx) => tx.insertWarning({ ...w, warnedAt: T0 + 1 })), false, 'again: nothing, and told so');
      t.equal(await store.transaction((tx) => tx.insertWarning({ ...w, deadlineAt: T0 + H })), true, 'a new deadline warns again');
      await store.transaction(async (tx) => {
        await tx.insertWarning({ orderId: 2, kind: 'due_soon', deadlineAt: T0, leadUnitId: null, warnedAt: T0 - 2 * H });
        await tx.insertWarning({ orderId: 3, kind: 'overdue', deadlineAt: T0, leadUnitId: 'u-0', warnedAt: T0 });
      });
      const since = await store.read((r) => r.warningsSince(T0 - H, 10));
      t.same(
        since.map((x) => [x.number, x.kind, x.at]),
        [
          ['D-03', 'overdue', T0],
          ['D-01', 'overdue', T0],
          ['D-01', 'overdue', T0],
        ],
        'since an hour ago: newest first, then the later row first; the older one left out',
      );
      t.same(since[0], { orderId: 3, number: 'D-03', kind: 'overdue', deadlineAt: T0, leadUnitId: 'u-0', at: T0 });
      t.equal((await store.read((r) => r.warningsSince(0, 2))).length, 2, 'the limit');
    });

    t.test('two scans at once (two nodes) announce each warning once', async (t) => {
      const d = await open(t);
      await seed(d, fixture());
      const store = storeOf(d);
      const heard: DeadlineWarning[] = [];
      const scheduler = () => {
        const events = new DomainEvents();
        events.on('workorder.deadline', (w) => heard.push(w));
        return new DeadlineScheduler({ store, config: () => ({ calendar, sla: shippedSla }), events, log, now: () => T0 });
      };
      const [a, b] = await Promise.all([scheduler().scanOnce(), scheduler().scanOnce()]);
      const key = (w: DeadlineWarning) => `${w.kind} ${w.number}`;
      t.same(heard.map(key).sort(), [...new Set(heard.map(key))].sort(), 'no warning heard twice');
      t.equal(a.warnings.length + b.warnings.length, heard.length, 'each scan announced only what it recorded');
      t.ok(
        ['overdue D-01', 'overdue D-02', 'overdue D-03', 'overdue D-08', 'sign_overdue D-05', 'review_overdue D-09'].every((k) =>
          heard.some((w) => key(w) === k),
        ),
        `every overdue clock warned: ${heard.map(key).join(', ')}`,
      );
      const again = await scheduler().scanOnce();
      t.same(again.warnings, [], 'a third scan finds nothing');
    });
  });
}
