/**
 * A hand-built day of a small centre for the KPI tests (docs/kpis.md): calls written as rows,
 * orders driven through the real lifecycle (WorkOrdersService) at chosen Beijing times, so that
 * the history's data (late flags, channels, second handling) is what production writes.
 * The expected figures are written out in test/reports/kpis.test.ts.
 */
import type { Sunline } from '../../src/app.js';
import type { DbHandle } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn, type OrdersStore } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import { addWorkingDays } from '../../src/workorders/deadlines/index.js';
import { calendar, shippedSla } from './wait-clock-fixture.js';
import { appQuery } from './app-database.js';

/** Beijing wall-clock time (minutes or seconds) → epoch ms. */
export const bj = (s: string) => Date.parse(s.length === 16 ? `${s}:00+08:00` : `${s}+08:00`);
/** User ids above the app's own accounts (the system user), so the fixture also fits a built app's database. */
export const agent: Actor = { id: 101, role: 'agent', unitId: null };
export const hrss: Actor = { id: 102, role: 'unit_handler', unitId: 'city-hrss' };
export const dqAmr: Actor = { id: 103, role: 'unit_handler', unitId: 'dq-amr' };

/** "Now" for the report: the day after the reported day, at noon. */
export const REPORT_NOW = bj('2026-10-10T12:00');

interface CallRow {
  id: string;
  caller: number;
  hotline: string;
  entered: string;
  queued?: string;
  answered?: string;
  ended: string;
  agent?: number;
  outcome: 'answered' | 'abandoned' | 'closed';
  where?: 'queue' | 'front_door';
}

const bjs = bj;

/** Calls of 8 and 9 October 2026 (see kpis.test.ts for what each one tests). */
const CALLS: CallRow[] = [
  // 9 Oct: waited 10 s, talked 300 s.
  {
    id: 'c1',
    caller: 1,
    hotline: '12345',
    entered: '2026-10-09T08:00:00',
    queued: '2026-10-09T08:00:05',
    answered: '2026-10-09T08:00:15',
    ended: '2026-10-09T08:05:15',
    agent: 101,
    outcome: 'answered',
  },
  // waited 20 s (not within 15 s), talked 100 s.
  {
    id: 'c2',
    caller: 2,
    hotline: '12315',
    entered: '2026-10-09T08:10:00',
    queued: '2026-10-09T08:10:05',
    answered: '2026-10-09T08:10:25',
    ended: '2026-10-09T08:12:05',
    agent: 101,
    outcome: 'answered',
  },
  // caller 1 again within 24 h: a repeat call; hung up in the queue.
  {
    id: 'c3',
    caller: 1,
    hotline: '12345',
    entered: '2026-10-09T08:20:00',
    queued: '2026-10-09T08:20:05',
    ended: '2026-10-09T08:20:35',
    outcome: 'abandoned',
    where: 'queue',
  },
  // hung up during the greeting.
  { id: 'c4', caller: 3, hotline: '12345', entered: '2026-10-09T08:30:00', ended: '2026-10-09T08:30:10', outcome: 'abandoned', where: 'front_door' },
  // outside office hours: the closed prompt, not a request for a person.
  { id: 'c7', caller: 4, hotline: '12345', entered: '2026-10-09T03:00:00', ended: '2026-10-09T03:00:20', outcome: 'closed' },
  // spans midnight: entered 9 Oct 23:59:58, answered after 12 s (no queue join recorded), talked 60 s; counts on 9 Oct. Caller 2 again: a repeat.
  {
    id: 'c6',
    caller: 2,
    hotline: '12315',
    entered: '2026-10-09T23:59:58',
    answered: '2026-10-10T00:00:10',
    ended: '2026-10-10T00:01:10',
    agent: 105,
    outcome: 'answered',
  },
  // 8 Oct (the previous day), answered on 9 Oct after 10 s of queue: counts on 8 Oct.
  {
    id: 'c5',
    caller: 5,
    hotline: '12345',
    entered: '2026-10-08T23:59:50',
    queued: '2026-10-08T23:59:55',
    answered: '2026-10-09T00:00:05',
    ended: '2026-10-09T00:05:05',
    agent: 101,
    outcome: 'answered',
  },
];

export interface ReportFixture {
  readonly svc: WorkOrdersService;
  readonly orders: Record<string, number>;
  /** Order O3's deadline: 3 working days after 30 Sep across the National Day holiday. */
  readonly holidayDeadline: number;
}

/** Runs one statement with `?` parameters. */
type Write = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Where the fixture writes: a migrated SQLite database, or a built app on its database — SQLite,
 * or PostgreSQL (SUNLINE_TEST_DATABASE=postgres, test/helpers/app-database.ts): the rows by
 * appQuery, the orders through the app's orders store.
 */
function fixtureTarget(target: DbHandle | Sunline): { write: Write; orders: OrdersStore } {
  if ('http' in target) return { write: (sql, params) => appQuery(target, sql, params), orders: target.database.stores.orders };
  return { write: async (sql, params = []) => target.sqlite.prepare(sql).run(...params), orders: sqliteOrdersStoreOn(target.db) };
}

/** Writes the users, calls and orders of the fixture into a migrated database (or a built app's). */
export async function buildReportFixture(target: DbHandle | Sunline): Promise<ReportFixture> {
  const { write, orders } = fixtureTarget(target);
  return writeFixture(write, orders);
}

async function writeFixture(write: Write, orders: OrdersStore): Promise<ReportFixture> {
  await write(`insert into users (id, username, display_name, role, password_hash) values (101, 'rf-a1', '坐席一', 'agent', 'x')`);
  await write(`insert into users (id, username, display_name, role, unit_id, password_hash) values (102, 'rf-hrss', 'HRSS', 'unit_handler', 'city-hrss', 'x')`);
  await write(`insert into users (id, username, display_name, role, unit_id, password_hash) values (103, 'rf-dqamr', 'DQ AMR', 'unit_handler', 'dq-amr', 'x')`);
  await write(`insert into users (id, username, display_name, role, password_hash) values (105, 'rf-a5', '坐席五', 'agent', 'x')`);
  for (let i = 1; i <= 5; i++) await write('insert into callers (id, phone) values (?, ?)', [100 + i, `1380000000${i}`]);
  const insertCall = `insert into calls (id, caller_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, queued_at, answered_at, ended_at, outcome)
     values (?, ?, ?, ?, ?, 'ended', ?, ?, ?, ?, ?, ?)`;
  const insertEvent = `insert into call_events (call_id, type, at, data) values (?, 'abandoned', ?, ?)`;
  for (const c of CALLS) {
    const ms = (s?: string) => (s === undefined ? null : bjs(s));
    await write(insertCall, [
      c.id,
      100 + c.caller,
      `1380000000${c.caller}`,
      c.hotline,
      c.hotline,
      c.agent ?? null,
      ms(c.entered),
      ms(c.queued),
      ms(c.answered),
      ms(c.ended),
      c.outcome,
    ]);
    if (c.where) await write(insertEvent, [c.id, ms(c.ended), JSON.stringify({ where: c.where })]);
  }

  const clock = { now: 0 };
  const svc = new WorkOrdersService(orders, () => clock.now);
  const at = (s: string) => (clock.now = bj(s));
  const act = async (id: number, when: string, action: OrderAction, actor: Actor = agent) => {
    at(when);
    await svc.apply(id, action, actor);
  };
  const draft = async (when: string, channel = '12345') => {
    at(when);
    return (await svc.createDraft({ channel })).id;
  };
  const accept = (category: 'consultation' | 'complaint') => ({ type: 'accept', fields: { category, content: '诉求内容' } }) as const;

  // O1: answered on the spot, satisfied in the post-call survey, closed.
  const o1 = await draft('2026-10-09T09:00');
  await act(o1, '2026-10-09T09:01', accept('consultation'));
  await act(o1, '2026-10-09T09:02', { type: 'answer_on_spot', answer: '已答复' });
  await act(o1, '2026-10-09T09:03', { type: 'evaluate', result: 'satisfied', channel: 'survey' });
  await act(o1, '2026-10-09T09:04', { type: 'close' });

  // O2: to city-hrss; signed on time, extended, replied on time, unsatisfied at the callback,
  // supervised (reopened), replied again on time, satisfied at the second callback, closed.
  const o2 = await draft('2026-10-09T09:10', '12315');
  await act(o2, '2026-10-09T09:11', accept('complaint'));
  await act(o2, '2026-10-09T09:12', { type: 'dispatch', leadUnitId: 'city-hrss', signDeadlineAt: bj('2026-10-09T12:00'), deadlineAt: bj('2026-10-16T17:30') });
  await act(o2, '2026-10-09T11:00', { type: 'sign' }, hrss);
  await act(o2, '2026-10-09T11:05', { type: 'start' }, hrss);
  await act(o2, '2026-10-09T11:10', { type: 'request_extension', days: 2, reason: '需现场核实' }, hrss);
  await act(o2, '2026-10-09T11:20', { type: 'grant_extension', deadlineAt: bj('2026-10-20T17:30') });
  await act(o2, '2026-10-09T16:00', { type: 'reply', text: '已处理' }, hrss);
  await act(o2, '2026-10-09T16:10', { type: 'review_accept' });
  await act(o2, '2026-10-09T17:00', { type: 'evaluate', result: 'unsatisfied', channel: 'callback' });
  await act(o2, '2026-10-09T17:05', { type: 'supervise', level: 1, reason: '群众不满意' });
  await act(o2, '2026-10-09T17:10', { type: 'start' }, hrss);
  await act(o2, '2026-10-09T17:20', { type: 'reply', text: '再次处理' }, hrss);
  await act(o2, '2026-10-09T17:30', { type: 'review_accept' });
  await act(o2, '2026-10-09T17:40', { type: 'evaluate', result: 'satisfied', channel: 'callback' });
  await act(o2, '2026-10-09T17:50', { type: 'close' });

  // O3: dispatched on 30 Sep with 3 working days: the National Day holiday (1–7 Oct) moves the
  // deadline to 10 Oct (a make-up working Saturday); replied on 9 Oct, on time.
  const holidayDeadline = addWorkingDays(bj('2026-09-30T10:05'), 3, calendar, shippedSla.workHours);
  const o3 = await draft('2026-09-30T10:00');
  await act(o3, '2026-09-30T10:01', accept('complaint'));
  await act(o3, '2026-09-30T10:05', { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt: holidayDeadline });
  await act(o3, '2026-10-08T09:00', { type: 'sign' }, hrss);
  await act(o3, '2026-10-08T09:05', { type: 'start' }, hrss);
  await act(o3, '2026-10-09T10:00', { type: 'reply', text: '已处理' }, hrss);

  // O4: to the county's dq-amr; signed late, still in progress past its deadline (15:00).
  const o4 = await draft('2026-10-09T09:20');
  await act(o4, '2026-10-09T09:21', accept('complaint'));
  await act(o4, '2026-10-09T09:22', { type: 'dispatch', leadUnitId: 'dq-amr', signDeadlineAt: bj('2026-10-09T10:00'), deadlineAt: bj('2026-10-09T15:00') });
  await act(o4, '2026-10-09T10:30', { type: 'sign' }, dqAmr);
  await act(o4, '2026-10-09T10:35', { type: 'start' }, dqAmr);

  // O5: to dq-amr, returned, re-dispatched to city-hrss, never signed (sign-for deadline 12:00 passed).
  const o5 = await draft('2026-10-09T09:30');
  await act(o5, '2026-10-09T09:31', accept('complaint'));
  await act(o5, '2026-10-09T09:32', { type: 'dispatch', leadUnitId: 'dq-amr', signDeadlineAt: bj('2026-10-09T11:00'), deadlineAt: bj('2026-10-13T17:30') });
  await act(o5, '2026-10-09T10:00', { type: 'return', reason: '非本单位职责' }, dqAmr);
  await act(o5, '2026-10-09T10:30', {
    type: 'redispatch',
    leadUnitId: 'city-hrss',
    signDeadlineAt: bj('2026-10-09T12:00'),
    deadlineAt: bj('2026-10-14T17:30'),
  });

  // O6: a missed call called back after an hour, with a demand (accepted). O7: never called back.
  const o6 = await draft('2026-10-09T08:20');
  await act(o6, '2026-10-09T08:20:35', { type: 'abandon' });
  await act(o6, '2026-10-09T09:20:35', { type: 'callback_done', result: 'demand' });
  const o7 = await draft('2026-10-09T08:30');
  await act(o7, '2026-10-09T08:30:10', { type: 'abandon' });

  return { svc, orders: { o1, o2, o3, o4, o5, o6, o7 }, holidayDeadline };
}
