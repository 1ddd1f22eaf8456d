/**
 * No order without a clock (issue 10): each step the platform owes — dispatch, re-dispatch,
 * review, the extension decision, the missed-call callback, an unsatisfied order's decision —
 * runs a clock in working hours from sla.yaml, across the Spring Festival holiday and its
 * make-up Saturday, warns once when due soon and once when overdue, and stops when the order
 * leaves the state. An order evaluated unsatisfied that a unit handled enters supervision at once.
 */
import t from 'tap';
import { formatShanghai, handlingDeadline, SlaConfigSchema, type WaitClock } from '../../src/workorders/deadlines/index.js';
import type { WorkOrder } from '../../src/workorders/index.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import {
  accepted,
  agent,
  bj,
  calendar,
  clockFixture,
  dispatched,
  handling,
  historyOf,
  lead,
  shiftLead,
  shippedSla,
  SYSTEM_ID,
  type ClockFixture,
} from '../helpers/wait-clock-fixture.js';

/** Sat 2026-02-14 is the Spring Festival's make-up working day; 15–23 Feb are off. */
const ENTER = '2026-02-14 16:30';
const BEFORE = '2026-02-13 10:00';

interface Case {
  readonly clock: WaitClock;
  /** Puts an order into the clock's state at ENTER; returns its id. */
  enter(f: ClockFixture): Promise<number>;
  /** Takes it out of that state again. */
  leave(f: ClockFixture, id: number): Promise<unknown>;
}

const CASES: readonly Case[] = [
  {
    clock: 'dispatch',
    enter: (f) => accepted(f, ENTER),
    leave: (f, id) => f.svc.apply(id, { type: 'dispatch', leadUnitId: 'hz-hrss', deadlineAt: bj('2026-03-31 17:30') }, agent),
  },
  {
    clock: 'redispatch',
    async enter(f) {
      const id = await dispatched(f, BEFORE);
      f.clock.now = bj(ENTER);
      await f.svc.apply(id, { type: 'return', reason: '不属于本单位职责' }, lead);
      return id;
    },
    leave: (f, id) => f.svc.apply(id, { type: 'redispatch', leadUnitId: 'hz-amr', deadlineAt: bj('2026-03-31 17:30') }, agent),
  },
  {
    clock: 'review',
    async enter(f) {
      const id = await handling(f, BEFORE);
      f.clock.now = bj(ENTER);
      await f.svc.apply(id, { type: 'reply', text: '已协调施工方调整作业时间' }, lead);
      return id;
    },
    leave: (f, id) => f.svc.apply(id, { type: 'review_accept' }, agent),
  },
  {
    clock: 'extension',
    async enter(f) {
      const id = await handling(f, BEFORE);
      f.clock.now = bj(ENTER);
      await f.svc.apply(id, { type: 'request_extension', days: 3, reason: '需协调多个部门' }, lead);
      return id;
    },
    leave: (f, id) => f.svc.apply(id, { type: 'refuse_extension', reason: '请按期办结' }, agent),
  },
  {
    clock: 'callback',
    async enter(f) {
      f.clock.now = bj(ENTER);
      return (await f.svc.createMissedCall({ channel: '12345', callerPhone: '13800138000' })).id;
    },
    leave: (f, id) => f.svc.apply(id, { type: 'callback_done', result: 'no_demand' }, agent),
  },
  {
    clock: 'unsatisfied',
    async enter(f) {
      const id = await accepted(f, BEFORE, 'consultation');
      await f.svc.apply(id, { type: 'answer_on_spot', answer: '已告知办理流程' }, agent);
      f.clock.now = bj(ENTER);
      await f.svc.apply(id, { type: 'evaluate', result: 'unsatisfied', channel: 'callback' }, agent);
      return id;
    },
    leave: (f, id) => f.svc.apply(id, { type: 'close', reason: '已向市民解释政策' }, shiftLead),
  },
];

const ofClock = (clock: WaitClock, kinds: string[]) => kinds.filter((k) => k.startsWith(`${clock}_`));

for (const c of CASES) {
  t.test(`${c.clock}: across the Spring Festival, due soon then overdue, each once, also after a restart`, async (t) => {
    const f = clockFixture(t);
    const id = await c.enter(f);
    const hours = shippedSla.waitLimits[c.clock];
    t.ok(hours === 2 || hours === 4, `the shipped limit: ${hours} working hours`);
    // 1 h left on the make-up Saturday, then the holiday, then Tue 24 Feb from 08:30.
    const due = hours === 2 ? '2026-02-24 09:30' : '2026-02-24 11:30';
    t.same((await f.svc.get(id)).wait, { clock: c.clock, deadlineAt: bj(due) }, `${hours} h from Sat 16:30 end on Tue 24 Feb at ${due.slice(11)}`);
    const s = f.scheduler();
    const scan = async (at: string) => ofClock(c.clock, await f.scanAt(s, at));
    t.same(await scan('2026-02-14 17:00'), [], 'Sat 17:00: 0.5 h today and the rest after the holiday — more than half the limit');
    // Due soon in the second half of the limit: after Saturday's close for 2 h, on Tuesday morning for 4 h.
    if (hours === 2) {
      t.same(
        await scan('2026-02-14 17:31'),
        [`${c.clock}_due_soon ${(await f.svc.get(id)).number.slice(-1)}`],
        'after the close: one working hour left over the holiday',
      );
      t.same(await scan('2026-02-20 10:00'), [], 'during the holiday: nothing new');
      t.same(await scan('2026-02-24 09:30'), [], 'not overdue at the deadline itself');
      t.same(await scan('2026-02-24 09:31'), [`${c.clock}_overdue ${(await f.svc.get(id)).number.slice(-1)}`]);
    } else {
      t.same(await scan('2026-02-20 10:00'), [], 'during the holiday: three working hours are still left');
      t.same(await scan('2026-02-24 09:30'), [`${c.clock}_due_soon ${(await f.svc.get(id)).number.slice(-1)}`], 'two of four working hours left');
      t.same(await scan('2026-02-24 11:30'), [], 'not overdue at the deadline itself');
      t.same(await scan('2026-02-24 11:31'), [`${c.clock}_overdue ${(await f.svc.get(id)).number.slice(-1)}`]);
    }
    t.same(await scan('2026-02-25 10:00'), [], 'a later scan raises nothing again');
    const mine = f.warned.filter((w) => w.orderId === id && w.kind.startsWith(`${c.clock}_`));
    t.same(
      mine.map((w) => [w.kind, formatShanghai(w.deadlineAt), w.leadUnitId]),
      [
        [`${c.clock}_due_soon`, due, null],
        [`${c.clock}_overdue`, due, null],
      ],
      'the platform must act: no unit is named, so the warning goes to the shift leads only',
    );
    f.reopen();
    f.clock.now = bj('2026-02-26 10:00');
    const again = f.scheduler();
    again.start();
    await again.idle();
    await again.stop();
    t.equal(f.warned.filter((w) => w.kind.startsWith(`${c.clock}_`)).length, 2, 'a restart raises neither warning again');
  });

  t.test(`${c.clock}: the clock stops when the order leaves the state`, async (t) => {
    const f = clockFixture(t);
    const id = await c.enter(f);
    t.equal((await f.svc.get(id)).wait?.clock, c.clock);
    f.clock.now = bj('2026-02-24 08:45');
    await c.leave(f, id);
    t.equal((await f.svc.get(id)).wait?.clock === c.clock, false, 'its clock no longer runs');
    const s = f.scheduler();
    t.same(ofClock(c.clock, await f.scanAt(s, '2026-02-24 09:00')), []);
    t.same(ofClock(c.clock, await f.scanAt(s, '2026-02-25 12:00')), [], 'nothing past its deadline either');
    t.equal(f.h.sqlite.prepare(`select count(*) n from deadline_warnings where kind like '${c.clock}%'`).pluck().get(), 0);
  });
}

t.test('a clock runs on through changes that keep the order waiting, and restarts when it waits again', async (t) => {
  const f = clockFixture(t);
  const id = await accepted(f, '2026-03-02 10:00');
  const first = (await f.svc.get(id)).wait;
  t.same(first, { clock: 'dispatch', deadlineAt: bj('2026-03-02 12:00') });
  f.clock.now = bj('2026-03-02 11:00');
  await f.svc.apply(id, { type: 'update_fields', fields: { location: '湖州市吴兴区' } }, agent);
  t.same((await f.svc.get(id)).wait, first, 'an edit does not restart the dispatch clock');

  const h = await handling(f, '2026-03-02 10:00');
  f.clock.now = bj('2026-03-02 14:00');
  const d2 = await dispatched(f, '2026-03-02 14:00');
  await f.svc.apply(d2, { type: 'sign' }, lead);
  await f.svc.apply(d2, { type: 'request_extension', days: 2, reason: '需现场勘查' }, lead);
  const ext = (await f.svc.get(d2)).wait;
  t.same(ext, { clock: 'extension', deadlineAt: bj('2026-03-03 09:00') }, '4 h from 14:00: 3.5 h today, 0.5 h tomorrow');
  f.clock.now = bj('2026-03-02 15:00');
  await f.svc.apply(d2, { type: 'start' }, lead);
  t.same((await f.svc.get(d2)).wait, ext, 'the unit starting to handle does not restart the decision clock');
  await f.svc.apply(d2, { type: 'grant_extension', deadlineAt: bj('2026-03-11 17:30') }, agent);
  t.equal((await f.svc.get(d2)).wait, null, 'granted: no clock');
  f.clock.now = bj('2026-03-03 10:00');
  await f.svc.apply(d2, { type: 'request_extension', days: 1, reason: '仍需协调' }, lead);
  t.same((await f.svc.get(d2)).wait, { clock: 'extension', deadlineAt: bj('2026-03-03 15:30') }, 'a new request starts a new clock');
  t.equal((await f.svc.get(h)).wait, null, 'an order being handled without a request waits for no platform step');
});

t.test('an order evaluated unsatisfied that a unit handled is supervised at once by the system account', async (t) => {
  const f = clockFixture(t);
  const id = await handling(f, '2026-03-02 10:00');
  await f.svc.apply(id, { type: 'reply', text: '已处理' }, lead);
  await f.svc.apply(id, { type: 'review_accept' }, agent);
  f.clock.now = bj('2026-03-06 10:00');
  const r = await f.svc.apply(id, { type: 'evaluate', result: 'unsatisfied', channel: 'callback' }, agent);
  t.equal(r.event.action, 'evaluate', 'the caller gets its own event');
  const o: WorkOrder = await f.svc.get(id);
  t.same([o.status, o.satisfaction, o.supervisionLevel, r.order.status], ['supervised', 'unsatisfied', 1, 'supervised']);
  t.equal(o.wait, null, 'supervised: the unit owes the second handling, no platform clock runs');
  t.equal(formatShanghai(o.deadlineAt ?? 0), formatShanghai(handlingDeadline('complaint', bj('2026-03-06 10:00'), shippedSla, calendar)));
  t.equal(formatShanghai(o.deadlineAt ?? 0), '2026-03-13 17:30', 'the second handling gets the complaint limit (5 working days) again');
  t.same((await historyOf(f, id)).slice(-2), ['evaluate reviewed→evaluated by 1/agent', `supervise evaluated→supervised by ${SYSTEM_ID}/admin`]);
  t.match((await f.svc.history(id)).at(-1), { comment: /automatically/, data: { level: 1, previousLevel: 0 } });
  const s = f.scheduler();
  t.same(await f.scanAt(s, '2026-03-20 10:00'), ['overdue 1'], 'the new handling deadline warns like any other');
  t.same(
    f.warned.filter((w) => w.kind.startsWith('unsatisfied_')),
    [],
    'the unsatisfied clock never ran',
  );
});

t.test('an edited limit applies to the clocks that start after the edit', async (t) => {
  const f = clockFixture(t);
  const before = await accepted(f, '2026-03-02 09:00');
  f.cfg.sla = SlaConfigSchema.parse({ ...shippedSla, waitLimits: { ...shippedSla.waitLimits, dispatch: 0.5 } });
  const after = await accepted(f, '2026-03-02 09:00');
  t.equal(formatShanghai((await f.svc.get(before)).wait?.deadlineAt ?? 0), '2026-03-02 11:00');
  t.equal(formatShanghai((await f.svc.get(after)).wait?.deadlineAt ?? 0), '2026-03-02 09:30');
});

t.test('orders waiting without a clock (written before the clocks) get one from their history at start-up', async (t) => {
  const f = clockFixture(t);
  const a = await accepted(f, '2026-03-02 09:00');
  const r = await handling(f, '2026-03-02 09:00');
  f.clock.now = bj('2026-03-02 10:00');
  await f.svc.apply(r, { type: 'reply', text: '已处理' }, lead);
  const version = (await f.svc.get(a)).version;
  f.h.sqlite.exec('update work_orders set wait_clock = null, wait_deadline_at = null');
  f.clock.now = bj('2026-03-05 10:00');
  f.reopen();
  t.equal(await f.svc.startMissingClocks(), 2);
  t.same((await f.svc.get(a)).wait, { clock: 'dispatch', deadlineAt: bj('2026-03-02 11:00') }, 'from the acceptance, not from now');
  t.same((await f.svc.get(r)).wait, { clock: 'review', deadlineAt: bj('2026-03-02 15:30') }, 'from the reply');
  t.equal((await f.svc.get(a)).version, version, 'the version stays: nothing a client holds went stale');
  t.equal(await f.svc.startMissingClocks(), 0, 'once');
  t.same((await f.scanAt(f.scheduler(), '2026-03-05 10:00')).sort(), ['dispatch_overdue 1', 'review_overdue 2']);
});

t.test('a post-call survey answer "unsatisfied" supervises the evaluated order once, and says so', async (t) => {
  const f = clockFixture(t);
  const repo = new CallsRepository(f.svc);
  f.clock.now = bj('2026-03-02 10:00');
  const call = await repo.createInbound({
    callId: 'c-survey',
    channelId: 'ch-1',
    callerPhone: '13900004444',
    callerName: null,
    dialled: '12345',
    hotline: '12345',
    at: f.clock.now,
    state: 'entered',
  });
  const id = call.orderId;
  await f.svc.apply(id, { type: 'accept', fields: { category: 'complaint', content: '商家拒绝退款' } }, agent);
  await f.svc.apply(id, { type: 'dispatch', leadUnitId: 'hz-hrss', deadlineAt: bj('2026-03-09 17:30') }, agent);
  for (const a of [{ type: 'sign' }, { type: 'start' }, { type: 'reply', text: '已协调退款' }] as const) await f.svc.apply(id, a, lead);
  await f.svc.apply(id, { type: 'review_accept' }, agent);
  await f.svc.apply(id, { type: 'evaluate', result: 'satisfied', channel: 'callback' }, agent);
  const system = { id: SYSTEM_ID, role: 'admin' as const, unitId: null };
  t.same(await repo.survey('c-survey', 'unsatisfied', f.clock.now, system), { orderId: id, actions: ['record_survey', 'supervise'] });
  t.same([(await f.svc.get(id)).status, (await f.svc.get(id)).supervisionLevel], ['supervised', 1]);
  t.equal((await historyOf(f, id)).filter((e) => e.startsWith('supervise')).length, 1, 'supervised once');
});
