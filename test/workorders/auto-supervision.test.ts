/**
 * Automatic supervision of overdue orders (sla.yaml `autoSupervision`): off by default; when on,
 * an order at a unit overdue by the configured working hours is raised to the configured level
 * by the system account with one history event — also by the first scan after a restart with
 * the rule's time long past, and never twice (a second scan, a restart, a second process).
 */
import t from 'tap';
import { SlaConfigSchema } from '../../src/workorders/deadlines/index.js';
import { bj, calendar, clockFixture, handling, historyOf, lead, shippedSla, SYSTEM_ID, type ClockFixture } from '../helpers/wait-clock-fixture.js';
import { openDb } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { AutoSupervision } from '../../src/workorders/auto-supervision.js';
import { createLogger } from '../../src/logging/logger.js';

const enable = (f: ClockFixture, rule: Record<string, unknown> = {}) => {
  f.cfg.sla = SlaConfigSchema.parse({ ...shippedSla, autoSupervision: { enabled: true, afterOverdueWorkingHours: 4, ...rule } });
};
const supervisions = async (f: ClockFixture, id: number) => (await historyOf(f, id)).filter((e) => e.startsWith('supervise'));

t.test('off by default: an order long overdue is warned about but not supervised', async (t) => {
  t.same(SlaConfigSchema.parse({}).autoSupervision, { enabled: false, afterOverdueWorkingHours: 8, level: 1 });
  t.equal(shippedSla.autoSupervision.enabled, false, 'the shipped sla.yaml leaves it off');
  const f = clockFixture(t);
  const id = await handling(f, '2026-03-02 10:00', 'consultation'); // due Tue 03-03 17:30
  const s = f.scheduler();
  f.clock.now = bj('2026-03-20 10:00');
  t.match(await s.scanOnce(), { escalated: [] });
  t.equal((await f.svc.get(id)).supervisionLevel, 0);
  t.same(await supervisions(f, id), []);
});

t.test('on: supervised once the overdue time has run, at the level set, by the system account, once', async (t) => {
  const f = clockFixture(t);
  enable(f);
  const a = await handling(f, '2026-03-02 10:00', 'consultation'); // due Tue 03-03 17:30
  const b = await handling(f, '2026-03-02 10:00', 'consultation');
  await f.svc.apply(b, { type: 'reply', text: '已答复' }, lead); // replied: no longer at the unit
  const c = await handling(f, '2026-03-02 10:00', 'complaint'); // due Mon 03-09 17:30
  const s = f.scheduler();
  f.clock.now = bj('2026-03-04 12:00');
  t.match(await s.scanOnce(), { escalated: [] }, 'Wed 12:00: overdue by 3.5 working hours, the rule says 4');
  f.clock.now = bj('2026-03-04 13:59');
  t.match(await s.scanOnce(), { escalated: [] }, 'Wed 13:59: the lunch break does not count');
  f.clock.now = bj('2026-03-04 14:00');
  t.match(await s.scanOnce(), { escalated: [a] }, 'Wed 14:00: four working hours overdue');
  const o = await f.svc.get(a);
  t.same([o.status, o.supervisionLevel], ['in_progress', 1], 'urged in place: the unit keeps handling');
  t.same(await supervisions(f, a), [`supervise in_progress→in_progress by ${SYSTEM_ID}/admin`]);
  t.match((await f.svc.history(a)).at(-1), { comment: /overdue by more than 4 working hours/, data: { level: 1, previousLevel: 0 } });
  f.clock.now = bj('2026-03-05 10:00');
  t.match(await s.scanOnce(), { escalated: [] }, 'a later scan does nothing again');
  t.same(await supervisions(f, b), [], 'a replied order is not at the unit any more');
  t.equal((await f.svc.get(c)).supervisionLevel, 0, 'not yet overdue');
  t.same((await supervisions(f, a)).length, 1);
});

t.test('the level comes from sla.yaml; an order already supervised at that level is left alone', async (t) => {
  const f = clockFixture(t);
  enable(f, { level: 2, afterOverdueWorkingHours: 0 });
  const a = await handling(f, '2026-03-02 10:00', 'consultation');
  const b = await handling(f, '2026-03-02 10:00', 'consultation');
  await f.svc.apply(b, { type: 'supervise', level: 2, reason: '值班长督办' }, { id: 4, role: 'shift_lead', unitId: null });
  f.clock.now = bj('2026-03-03 17:30');
  t.match(await f.scheduler().scanOnce(), { escalated: [] }, 'not overdue at the deadline itself');
  f.clock.now = bj('2026-03-03 17:31');
  t.match(await f.scheduler().scanOnce(), { escalated: [a] }, '0 hours: as soon as it is overdue, even after the close');
  t.equal((await f.svc.get(a)).supervisionLevel, 2);
  t.same(await supervisions(f, b), ['supervise in_progress→in_progress by 4/shift_lead']);
});

t.test('after a restart with the rule long due: the first scan supervises, a second restart does not again', async (t) => {
  const f = clockFixture(t);
  const a = await handling(f, '2026-03-02 10:00', 'consultation'); // due Tue 03-03 17:30
  const b = await handling(f, '2026-03-02 10:00', 'request_for_help'); // due Thu 03-05 17:30
  const d = await handling(f, '2026-03-02 10:00', 'complaint'); // due Mon 03-09 17:30
  t.same(await f.scanAt(f.scheduler(), '2026-03-03 09:00'), ['due_soon 1'], 'while the server runs and the rule is off');

  // Down until Friday 16:00; meanwhile the administrator turned the rule on.
  f.reopen();
  enable(f);
  f.clock.now = bj('2026-03-06 16:00');
  const second = f.scheduler();
  second.start();
  await second.idle();
  await second.stop();
  t.same(
    await Promise.all([a, b, d].map(async (id) => (await f.svc.get(id)).supervisionLevel)),
    [1, 1, 0],
    'start() scans at once: a (overdue since Tue) and b (6 working hours since Thu 17:30) are supervised; d is not yet due',
  );
  t.same(
    f.warned.map((w) => `${w.kind} ${w.number.slice(-1)}`),
    ['due_soon 1', 'overdue 1', 'overdue 2'],
    'and the warnings that fell due while down, each once',
  );

  f.reopen();
  f.clock.now = bj('2026-03-06 17:00');
  const third = f.scheduler();
  third.start();
  await third.idle();
  await third.stop();
  t.same(await Promise.all([a, b].map(async (id) => (await supervisions(f, id)).length)), [1, 1], 'a second restart supervises nobody twice');
  t.equal(f.warned.length, 3, 'nor warns twice');
});

t.test('two processes sharing the database supervise an order once', async (t) => {
  const f = clockFixture(t);
  enable(f, { afterOverdueWorkingHours: 0 });
  const a = await handling(f, '2026-03-02 10:00', 'consultation');
  const other = openDb({ file: f.file });
  t.teardown(() => other.close());
  const log = createLogger({ level: 'silent' });
  const system = () => ({ id: SYSTEM_ID, role: 'admin' as const, unitId: null });
  const mine = new AutoSupervision({ orders: f.svc, systemActor: system, log });
  const theirs = new AutoSupervision({
    orders: new WorkOrdersService(sqliteOrdersStoreOn(other.db), () => f.clock.now),
    systemActor: system,
    log,
  });
  const cfg = { sla: f.cfg.sla, calendar };
  const now = bj('2026-03-04 10:00');
  t.same((await mine.run(now, cfg, 10)).escalated, [a]);
  t.same((await theirs.run(now, cfg, 10)).escalated, [], 'the other process finds it done');
  t.same((await supervisions(f, a)).length, 1);
});
