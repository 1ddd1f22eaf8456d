/**
 * The wallboard's figures (src/reports/wallboard-figures.ts) on the hand-built day of
 * test/helpers/report-fixture.ts: orders created today and overdue (the order desk's 超期 rule),
 * today's inbound calls per hour, the summary's live parts, and when the database is read again.
 */
import t from 'tap';
import type { AgentView, QueueSnapshot, QueueStats, WaitingCaller } from '../../src/contract/index.js';
import {
  WallboardFigures,
  buildWallboardSummary,
  wallboardHours,
  wallboardHoursRead,
  wallboardOrders,
  wallboardOrdersRead,
} from '../../src/reports/wallboard-figures.js';
import { copyToPostgres } from '../../src/db/copy-to-postgres.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { dbReportReader } from '../../src/reports/report-read.js';
import { pgReportReader } from '../../src/reports/report-read-pg.js';
import { startPostgres } from '../helpers/postgres.js';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';

const agentIn = (agentId: number, state: AgentView['state']): AgentView => ({
  agentId,
  displayName: `a${agentId}`,
  state,
  since: 0,
  pauseReason: null,
  callId: null,
  penalty: 0,
});
const waiting = (callId: string, enteredAt: number): WaitingCaller => ({
  callId,
  callerNumber: '138****0000',
  hotline: { number: '12345', name: { zh: '热线', en: 'Hotline' }, skill: 'general' },
  enteredAt,
  priority: 0,
  offeredTo: null,
  stage: 'queue',
});
const stats = (dayStart: number, callsIn: number): QueueStats => ({
  at: dayStart,
  dayStart,
  callsIn,
  answered: 3,
  answeredWithin15s: 2,
  abandonedInQueue: 1,
  abandonedAtFrontDoor: 0,
  answerRate15s: 2 / 3,
  abandonRate: 0.25,
  avgAnswerWaitMs: 9000,
  maxAnswerWaitMs: 20000,
  byHotline: [],
});

t.test('orders today and overdue; calls per hour, inbound only', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  // An outbound callback at 08:40 is no call in.
  h.sqlite
    .prepare(
      `insert into calls (id, caller_phone, dialled_number, hotline, state, entered_at, answered_at, ended_at, outcome, direction) values ('out1', '13800000001', '13800000001', '12345', 'ended', ?, ?, ?, 'answered', 'out')`,
    )
    .run(bj('2026-10-09T08:40'), bj('2026-10-09T08:40:10'), bj('2026-10-09T08:41'));

  // 9 Oct 20:00: O1, O2, O4, O5, O6, O7 were created that day (O3 on 30 Sep); only O4 (in progress, due 15:00) is overdue.
  t.same(wallboardOrders(h.db, bj('2026-10-09T20:00')), { today: 6, overdue: 1 });
  // 9 Oct 09:25: O6, O7, O1, O2, O4 created; O4's deadline not passed yet.
  t.same(wallboardOrders(h.db, bj('2026-10-09T09:25')), { today: 5, overdue: 0 });
  // 10 Oct: nothing created yet; O4 still overdue.
  t.same(wallboardOrders(h.db, bj('2026-10-10T08:00')), { today: 0, overdue: 1 });

  const hours = wallboardHours(h.db, bj('2026-10-09T20:30'));
  t.equal(hours.length, 21, 'hours 0…20 at 20:30');
  t.same(hours[3], { hour: 3, callsIn: 1, answered: 0, abandoned: 0 }, 'c7 at 03:00, outside office hours');
  t.same(hours[8], { hour: 8, callsIn: 4, answered: 2, abandoned: 2 }, 'c1–c4 at 08:xx; the outbound call is not counted');
  t.equal(
    hours.reduce((n, x) => n + x.callsIn, 0),
    5,
    'nothing else before 20:30',
  );
  const late = wallboardHours(h.db, bj('2026-10-09T23:59:59'));
  t.same(late[23], { hour: 23, callsIn: 1, answered: 1, abandoned: 0 }, 'c6 entered at 23:59:58 and was answered after midnight: counts in hour 23');
  t.same(wallboardHours(h.db, bj('2026-10-10T00:30')), [{ hour: 0, callsIn: 0, answered: 0, abandoned: 0 }], 'a new day starts from zero');
});

t.test('the summary: waiting, the longest wait, agents by state (not logged out), today', async (t) => {
  const queue: QueueSnapshot = {
    at: 5000,
    waiting: [waiting('w1', 3000), waiting('w2', 1000), waiting('w3', 2000)],
    agents: [agentIn(1, 'available'), agentIn(2, 'on_call'), agentIn(3, 'on_call'), agentIn(4, 'logged_out'), agentIn(5, 'paused')],
  };
  const s = buildWallboardSummary(5000, queue, stats(0, 4), { today: 6, overdue: 1 }, []);
  t.same(s, {
    at: 5000,
    waiting: 3,
    longestWaitSince: 1000,
    agents: { available: 1, on_call: 2, paused: 1 },
    today: { callsIn: 4, answered: 3, answerRate15s: 2 / 3, abandonRate: 0.25, avgAnswerWaitMs: 9000 },
    orders: { today: 6, overdue: 1 },
    hourly: [],
  });
  t.equal(buildWallboardSummary(1, { at: 1, waiting: [], agents: [] }, stats(0, 0), { today: 0, overdue: 0 }, []).longestWaitSince, null, 'nobody waits');
});

t.test('the database is read again after a change, when older than maxAgeMs, and on a new day — in the background', async (t) => {
  const h = openTmpDb(t);
  const fx = await buildReportFixture(h);
  let now = bj('2026-10-09T20:00');
  let statsAsked = 0;
  const day = bj('2026-10-09T00:00');
  const figures = new WallboardFigures({
    reads: dbReportReader(h.db),
    queue: () => ({ at: now, waiting: [], agents: [] }),
    stats: () => (statsAsked++, stats(day, 11)),
    now: () => now,
    maxAgeMs: 10_000,
  });
  let refreshed = 0;
  const unsubscribe = figures.onRefreshed(() => refreshed++);
  t.same(figures.summary().orders, { today: 0, overdue: 0 }, 'before the first read: no orders shown');
  await figures.refresh();
  t.equal(refreshed, 1, 'the listener hears the read come back');
  t.same(figures.summary().orders, { today: 6, overdue: 1 }, 'the first read');
  t.equal(figures.summary().today.callsIn, 11, 'no stats event yet: the latest computed');
  figures.callsChanged(stats(day, 12));
  t.equal(figures.summary().today.callsIn, 12, 'the statistics of the event');
  t.equal(statsAsked, 1);
  await figures.refresh();

  // An order changes behind the cache's back: not seen until told or 10 s old.
  const setDeadline = (at: string) => h.sqlite.prepare('update work_orders set deadline_at = ? where id = ?').run(bj(at), fx.orders.o5!);
  setDeadline('2026-10-09T19:00');
  now += 1000;
  t.equal(figures.summary().orders.overdue, 1, 'cached: O4 only');
  const before = refreshed;
  await figures.refresh();
  t.equal(refreshed, before, 'nothing stale: no read');
  figures.ordersChanged();
  t.equal(figures.summary().orders.overdue, 1, 'told: the summary shows the parts last read while the read runs');
  await figures.refresh();
  t.equal(figures.summary().orders.overdue, 2, 'read again: O5, waiting to be signed for, is past its deadline too');
  t.equal(refreshed, before + 1);
  setDeadline('2026-10-14T17:30');
  now += 9000;
  t.equal(figures.summary().orders.overdue, 2, 'cached for 10 s');
  now += 1000;
  t.equal(figures.summary().orders.overdue, 2, 'older than 10 s: the read starts');
  await figures.refresh();
  t.equal(figures.summary().orders.overdue, 1, 'and brings the new count');

  // A change told while a read is under way: read again after it.
  const reads = dbReportReader(h.db);
  let release!: () => void;
  const slow = new WallboardFigures({
    reads: { dialect: 'sqlite', read: (make) => new Promise((r) => (release = () => r(reads.read(make)))) },
    queue: () => ({ at: now, waiting: [], agents: [] }),
    stats: () => stats(day, 11),
    now: () => now,
  });
  const first = slow.refresh();
  setDeadline('2026-10-09T19:00');
  slow.ordersChanged();
  release();
  await first;
  await new Promise((r) => setImmediate(r));
  release();
  await slow.refresh();
  t.equal(slow.summary().orders.overdue, 2, 'the change told during the read was read after it');

  now = bj('2026-10-10T00:00:01');
  t.equal(figures.summary().today.callsIn, 11, 'a new day: yesterday’s statistics are not shown');
  t.equal(statsAsked, 2);
  t.equal(figures.summary().orders.today, 0, 'nor yesterday’s orders, even before the read comes back');
  t.same(figures.summary().hourly, [], 'nor yesterday’s hours');
  await figures.refresh();
  t.same(figures.summary().orders, { today: 0, overdue: 2 }, "the new day's read");
  unsubscribe();
  const quiet = refreshed;
  figures.ordersChanged();
  await figures.refresh();
  t.equal(refreshed, quiet, 'unsubscribed');
});

t.test('PostgreSQL: the same orders and hours as SQLite (rows copied by copy-to-postgres)', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const server = await startPostgres(t);
  const url = await server.createDatabase('wallboard_figures');
  await copyToPostgres({ sqliteFile: h.file, url });
  const pgh = await openPostgres({ url, max: 2 });
  t.teardown(() => pgh.close());
  const pg = pgReportReader(postgresAsync(pgh));
  for (const at of ['2026-10-09T09:25', '2026-10-09T20:00', '2026-10-09T23:59:59', '2026-10-10T08:00']) {
    t.same(await pg.read(() => wallboardOrdersRead(bj(at))), wallboardOrders(h.db, bj(at)), `orders at ${at}`);
    t.same(await pg.read(() => wallboardHoursRead(bj(at))), wallboardHours(h.db, bj(at)), `hours at ${at}`);
  }
});
