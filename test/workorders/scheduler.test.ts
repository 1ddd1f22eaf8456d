import fs from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { openDb } from '../../src/db/connection.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { CalendarConfigSchema, SlaConfigSchema, extendDeadline, formatShanghai } from '../../src/workorders/deadlines/index.js';
import { deadlineConfigFrom } from '../../src/workorders/deadlines/scheduler.js';
import { LEAD, agent, bj, calendar, clockFixture, dispatched, handling, lead, shippedSla, type ClockFixture } from '../helpers/wait-clock-fixture.js';

const calendarConfig = CalendarConfigSchema.parse(parse(fs.readFileSync(new URL('../../config/calendar.yaml', import.meta.url), 'utf8')));

/** The unit's clocks only: a service without the waiting clocks (test/workorders/wait-clocks.test.ts has those). */
const setup = (t: { teardown(fn: () => unknown): void }): ClockFixture => clockFixture(t, { clocks: false });
type Fixture = ClockFixture;

const warningRows = (f: Fixture) => f.h.sqlite.prepare('select order_id, kind, deadline_at from deadline_warnings order by id').all();

t.test('due soon then overdue, each once; due soon counts working time across the weekend', async (t) => {
  const f = setup(t);
  const id = await handling(f, '2026-03-02 10:00');
  t.equal(formatShanghai((await f.svc.get(id)).deadlineAt ?? 0), '2026-03-09 17:30', 'complaint: 5 working days');
  const s = f.scheduler();
  t.same(await f.scanAt(s, '2026-03-06 17:00'), [], 'Fri 17:00: 0.5 h + Mon 7.5 h left, more than one working day');
  t.same(await f.scanAt(s, '2026-03-06 17:45'), ['due_soon 1'], 'Fri after the close: one working day left though 72 h remain');
  t.match(f.warned[0], { orderId: id, kind: 'due_soon', deadlineAt: bj('2026-03-09 17:30'), leadUnitId: LEAD, at: bj('2026-03-06 17:45') });
  t.match(f.warned[0]?.number, /^HZ-20260302-\d{6}$/);
  t.same(await f.scanAt(s, '2026-03-07 10:00'), [], 'a second scan raises nothing');
  t.same(await f.scanAt(s, '2026-03-09 17:30'), [], 'not overdue at the deadline itself');
  t.same(await f.scanAt(s, '2026-03-09 17:31'), ['overdue 1']);
  t.same(await f.scanAt(s, '2026-03-10 09:00'), []);
  t.equal(f.warned.length, 2);
  t.equal(warningRows(f).length, 2);
});

t.test('an order due right after the Spring Festival is due soon before the holiday', async (t) => {
  const f = setup(t);
  await handling(f, '2026-02-12 10:00', 'request_for_help');
  // Fri 13, Sat 14 (make-up working day), then 15–23 Feb off: day 3 is Tue 24.
  const s = f.scheduler();
  t.same(await f.scanAt(s, '2026-02-14 12:00'), [], 'make-up Saturday noon: 4 h + 7.5 h of working time left');
  t.same(await f.scanAt(s, '2026-02-14 17:31'), ['due_soon 1'], 'ten calendar days, one working day');
  t.equal(f.warned[0]?.deadlineAt, bj('2026-02-24 17:30'));
});

t.test('an edited due-soon threshold applies at the next scan (hot reload)', async (t) => {
  const f = setup(t);
  await handling(f, '2026-03-02 10:00');
  const s = f.scheduler();
  t.same(await f.scanAt(s, '2026-03-05 10:00'), [], 'Thu 10:00: 2.5 working days left');
  f.cfg.sla = SlaConfigSchema.parse({ ...shippedSla, dueSoon: { workingDays: 3 } });
  t.same(await f.scanAt(s, '2026-03-05 10:00'), ['due_soon 1']);
});

t.test('the sign-for deadline warns in its second half and when it has passed', async (t) => {
  const f = setup(t);
  const a = await dispatched(f, '2026-03-02 10:00'); // sign for by 12:00
  const b = await dispatched(f, '2026-03-02 16:30'); // 1 h today, 1 h tomorrow: by Tue 09:30
  t.equal(formatShanghai((await f.svc.get(b)).signDeadlineAt ?? 0), '2026-03-03 09:30');
  const s = f.scheduler();
  t.same(await f.scanAt(s, '2026-03-02 10:30'), [], '1.5 of 2 working hours left');
  t.same(await f.scanAt(s, '2026-03-02 11:00'), ['sign_due_soon 1']);
  t.same(await f.scanAt(s, '2026-03-02 12:01'), ['sign_overdue 1']);
  await f.svc.apply(a, { type: 'sign' }, lead);
  t.same(await f.scanAt(s, '2026-03-02 17:31'), ['sign_due_soon 2'], 'after the close, one working hour left overnight');
  await f.svc.apply(b, { type: 'sign' }, lead);
  t.same(await f.scanAt(s, '2026-03-03 10:00'), [], 'signed orders raise no sign-for warning');
});

t.test('a restart raises nothing twice but raises what fell due while the server was down', async (t) => {
  const f = setup(t);
  await handling(f, '2026-03-02 10:00', 'consultation'); // due Tue 03-03 17:30
  await handling(f, '2026-03-02 10:00', 'complaint'); // due Mon 03-09 17:30
  t.same(await f.scanAt(f.scheduler(), '2026-03-03 09:00'), ['due_soon 1']);

  f.reopen();
  f.clock.now = bj('2026-03-03 11:00');
  const second = f.scheduler();
  second.start();
  await second.stop();
  t.equal(f.warned.length, 1, 'start() scans at once; the warned order is not warned again');

  f.reopen();
  f.clock.now = bj('2026-03-09 10:00');
  const third = f.scheduler();
  third.start();
  await third.stop(); // waits for the scan start() began
  t.same(
    f.warned.slice(1).map((w) => `${w.kind} ${w.number.slice(-1)}`),
    ['overdue 1', 'due_soon 2'],
    'the first scan raises what fell due while down, overdue first',
  );
});

t.test('an extension is a new deadline and can warn again', async (t) => {
  const f = setup(t);
  const id = await handling(f, '2026-03-02 10:00');
  const s = f.scheduler();
  t.same(await f.scanAt(s, '2026-03-09 09:00'), ['due_soon 1']);
  await f.svc.apply(id, { type: 'request_extension', days: 3, reason: '需协调多个部门' }, lead);
  const newDeadline = extendDeadline(bj('2026-03-09 17:30'), 3, calendar, shippedSla.workHours);
  t.equal(formatShanghai(newDeadline), '2026-03-12 17:30');
  await f.svc.apply(id, { type: 'grant_extension', deadlineAt: newDeadline }, agent);
  t.same(await f.scanAt(s, '2026-03-09 17:31'), [], 'the old deadline no longer counts');
  t.same(await f.scanAt(s, '2026-03-12 09:00'), ['due_soon 1']);
  t.same(await f.scanAt(s, '2026-03-12 17:31'), ['overdue 1']);
  t.same(
    f.warned.map((w) => [w.kind, formatShanghai(w.deadlineAt)]),
    [
      ['due_soon', '2026-03-09 17:30'],
      ['due_soon', '2026-03-12 17:30'],
      ['overdue', '2026-03-12 17:30'],
    ],
  );
});

t.test('orders whose clock has stopped never warn: replied, returned, closed, no deadline', async (t) => {
  const f = setup(t);
  const replied = await handling(f, '2026-03-02 10:00');
  await f.svc.apply(replied, { type: 'reply', text: '已协调施工方调整作业时间' }, lead);
  const closed = await handling(f, '2026-03-02 10:00');
  await f.svc.apply(closed, { type: 'reply', text: '已处理' }, lead);
  await f.svc.apply(closed, { type: 'review_accept' }, agent);
  await f.svc.apply(closed, { type: 'evaluate', result: 'satisfied', channel: 'callback' }, agent);
  await f.svc.apply(closed, { type: 'close' }, agent);
  t.equal((await f.svc.get(closed)).status, 'closed');
  const returned = await dispatched(f, '2026-03-02 10:00');
  await f.svc.apply(returned, { type: 'return', reason: '不属于本单位职责' }, lead);
  const accepted = await f.svc.createDraft({ channel: 'web' });
  await f.svc.apply(accepted.id, { type: 'accept', fields: { category: 'consultation', subject: '社保', content: '社保卡补办' } }, agent);
  t.same(await f.scanAt(f.scheduler(), '2026-04-01 10:00'), []);
  t.same(warningRows(f), []);
});

t.test('a bounded batch per scan; start() drains a backlog batch by batch', async (t) => {
  const f = setup(t);
  for (let i = 0; i < 5; i++) await handling(f, '2026-03-02 10:00', 'consultation');
  const s = f.scheduler({ batchSize: 2 });
  f.clock.now = bj('2026-03-04 10:00');
  t.match(await s.scanOnce(), { warnings: { length: 2 }, more: true });
  t.match(await s.scanOnce(), { warnings: { length: 2 }, more: true });
  t.match(await s.scanOnce(), { warnings: { length: 1 }, more: false });
  t.match(await s.scanOnce(), { warnings: [], more: false });

  const g = setup(t);
  for (let i = 0; i < 5; i++) await handling(g, '2026-03-02 10:00', 'consultation');
  g.clock.now = bj('2026-03-04 10:00');
  const drained = g.scheduler({ batchSize: 2 });
  drained.start();
  // The interval is 60 s: both happen long before it.
  const until = async (n: number) => {
    for (let i = 0; i < 100 && g.warned.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  await until(2);
  t.equal(g.warned.length >= 2, true, 'the first batch at once');
  await until(5);
  t.equal(g.warned.length, 5, 'the rest follow without waiting for the interval');
  await drained.stop();
});

t.test('events follow the commit; a failing listener does not silence the others', async (t) => {
  const f = setup(t);
  await handling(f, '2026-03-02 10:00', 'consultation');
  await handling(f, '2026-03-02 10:00', 'consultation');
  const other = openDb({ file: f.file }); // another connection sees committed rows only
  t.teardown(() => other.close());
  const seen: number[] = [];
  const events = new DomainEvents();
  events.on('workorder.deadline', (w) => {
    seen.push((other.sqlite.prepare('select count(*) n from deadline_warnings where order_id = ?').get(w.orderId) as { n: number }).n);
    throw new Error('listener bug');
  });
  const s = f.scheduler({ events });
  t.equal((await f.scanAt(s, '2026-03-04 10:00')).length, 2);
  t.same(seen, [1, 1], 'each warning row was committed before its event');
});

t.test('deadlineConfigFrom builds the calendar once per calendar.yaml version', async (t) => {
  let current = { sla: shippedSla, calendar: calendarConfig };
  const get = deadlineConfigFrom(() => current);
  const a = get();
  t.equal(get().calendar, a.calendar, 'same source, same calendar');
  current = { sla: shippedSla, calendar: CalendarConfigSchema.parse({ ...calendarConfig }) };
  t.not(get().calendar, a.calendar, 'a reloaded calendar.yaml builds a new one');
  t.ok(get().calendar.isWorkingDate('2026-02-14'), 'make-up Saturday');
});
