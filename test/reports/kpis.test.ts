/**
 * Each KPI of docs/kpis.md on the hand-built day of test/helpers/report-fixture.ts, with the
 * expected numbers worked out here from the fixture's comments.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import t from 'tap';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { REPORT_NOW, bj, buildReportFixture } from '../helpers/report-fixture.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { callCounts } from '../../src/reports/call-kpis.js';
import { orderCounts } from '../../src/reports/order-kpis.js';
import { callFigures, orderFigures } from '../../src/reports/kpi-figures.js';
import { ReportsService } from '../../src/reports/reports-service.js';
import { periodOf, isPeriod } from '../../src/reports/period.js';

const DAY = { start: bj('2026-10-09T00:00'), end: bj('2026-10-10T00:00') };
const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));

t.test('call figures of 9 October: the midnight call counts on the day it entered', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const total = callCounts(h.db, DAY.start, DAY.end, 'none').get('')!;
  t.same(total, {
    callsIn: 6, // c1 c2 c3 c4 c6 c7 (c5 entered on 8 Oct)
    requested: 4, // answered c1 c2 c6 + abandoned in the queue c3
    answered: 3,
    answeredWithin15s: 2, // c1 (10 s), c6 (12 s); c2 waited 20 s
    abandonedInQueue: 1,
    abandonedAtFrontDoor: 1,
    waitSumMs: 42_000,
    talked: 3,
    talkSumMs: 460_000, // 300 + 100 + 60 s
    wrapUpSumMs: 0, // no agent state history in this fixture (AHT with wrap-up: aht-wrap-up.test.ts)
    repeatCalls: 2, // c3 (caller 1 at 08:00), c6 (caller 2 at 08:10)
  });
  t.same(callFigures(total), {
    connectionRate: 0.75,
    answerRate15s: 2 / 3,
    abandonRateQueue: 0.25,
    abandonRateGreeting: 1 / 6,
    asaMs: 14_000,
    ahtMs: 153_333,
    repeatRate: 2 / 6,
  });
  const prev = callCounts(h.db, DAY.start - 86_400_000, DAY.start, 'none').get('')!;
  t.match(prev, { callsIn: 1, answered: 1, answeredWithin15s: 1, waitSumMs: 10_000, talkSumMs: 300_000 }, 'c5 on 8 Oct, answered after midnight');

  const byHotline = callCounts(h.db, DAY.start, DAY.end, 'hotline');
  t.match(byHotline.get('12345'), { callsIn: 4, answered: 1, requested: 2 });
  t.match(byHotline.get('12315'), { callsIn: 2, answered: 2, requested: 2 });
  const byAgent = callCounts(h.db, DAY.start, DAY.end, 'agent');
  t.match(byAgent.get('101'), { answered: 2, talkSumMs: 400_000 });
  t.match(byAgent.get('105'), { answered: 1, talkSumMs: 60_000 });
  t.match(byAgent.get(null), { callsIn: 3, answered: 0 });
});

t.test('outbound calls (callbacks, 回访) are no calls in: the call figures leave them out', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const before = callCounts(h.db, DAY.start, DAY.end, 'none').get('')!;
  // An agent calls caller 1 back at 09:00 (answered, 2 min): a `calls` row with direction 'out'.
  h.sqlite
    .prepare(
      `insert into calls (id, caller_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome, direction)
       values ('out1', 101, '13800000001', '13800000001', '12345', 'ended', 101, ?, ?, ?, 'answered', 'out')`,
    )
    .run(bj('2026-10-09T09:00'), bj('2026-10-09T09:00:10'), bj('2026-10-09T09:02:10'));
  t.same(callCounts(h.db, DAY.start, DAY.end, 'none').get('')!, before, 'the same figures as without it (repeat calls too)');
  t.match(callCounts(h.db, DAY.start, DAY.end, 'agent').get('101'), { answered: 2, talkSumMs: 400_000 }, 'nor in the agent’s AHT');
});

t.test('order figures of 9 October: a reopened order, a holiday deadline, overdue orders', async (t) => {
  const h = openTmpDb(t);
  const fx = await buildReportFixture(h);
  t.equal(fx.holidayDeadline, bj('2026-10-10T17:30'), '3 working days after 30 Sep skip National Day: 8, 9 and the make-up Saturday 10 Oct');
  const total = orderCounts(h.db, DAY.start, DAY.end, 'none', REPORT_NOW).get('')!;
  t.same(total, {
    accepted: 5, // O1 O2 O4 O5 and O6 (its callback found a demand)
    answeredOnSpot: 1,
    dispatched: 4, // O2, O4, O5 and O5's re-dispatch
    returned: 1,
    signed: 2, // O2 on time, O4 late
    signedLate: 1,
    signOverdueOpen: 1, // O5 re-dispatched, its 12:00 sign-for deadline passed
    replied: 3, // O2 twice (reopened by supervision) and O3 (holiday deadline) — all on time
    repliedLate: 0,
    replyOverdueOpen: 1, // O4 still in progress after its 15:00 deadline
    extended: 1,
    supervised: 1,
    closed: 2,
    closedWithCallback: 1,
    surveyEvaluated: 1,
    surveySatisfied: 1,
    callbackEvaluated: 2, // O2: unsatisfied, then satisfied after the second handling
    callbackSatisfied: 1,
    thirdPartyEvaluated: 0,
    thirdPartySatisfied: 0,
    secondEvaluated: 1,
    secondSatisfied: 1,
    missed: 2,
    calledBack: 1,
    callbackWaitSumMs: 3_600_000,
  });
  t.same(orderFigures(total), {
    onSpotRate: 0.2,
    signOnTimeRate: 1 / 3,
    handleOnTimeRate: 0.75,
    extensionRate: 0.25,
    returnRate: 0.25,
    supervisionRate: 0.25,
    satisfactionSurvey: 1,
    satisfactionCallback: 0.5,
    satisfactionThirdParty: null,
    satisfaction: 2 / 3,
    satisfactionSecond: 1,
    callbackEvalRate: 0.5,
    missedCallbackRate: 0.5,
    callbackWaitMs: 3_600_000,
  });

  const byUnit = orderCounts(h.db, DAY.start, DAY.end, 'unit', REPORT_NOW);
  t.match(byUnit.get('city-hrss'), { accepted: 2, dispatched: 2, signed: 1, signedLate: 0, signOverdueOpen: 1, replied: 3, extended: 1, returned: 0 });
  t.match(byUnit.get('dq-amr'), { accepted: 1, dispatched: 2, returned: 1, signed: 1, signedLate: 1, replyOverdueOpen: 1, replied: 0 });
  t.match(byUnit.get(null), { accepted: 2, answeredOnSpot: 1, missed: 2 });

  const before = orderCounts(h.db, DAY.start, DAY.end, 'none', bj('2026-10-09T14:00')).get('')!;
  t.equal(before.replyOverdueOpen, 0, 'seen at 14:00, O4 is not yet past its 15:00 deadline');
});

t.test('the report: previous period, breakdowns by area and category, a county sees its subtree only', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const reports = new ReportsService({
    db: h.db,
    org: () => org,
    hotlineName: (n) => (n === '12315' ? { zh: '消费维权', en: 'Consumer rights' } : null),
    now: () => REPORT_NOW,
  });
  const day = periodOf('day', '2026-10-09');
  if (!isPeriod(day)) throw new Error('period');
  const lead = { role: 'shift_lead', unitId: null };

  const r = await reports.kpis(lead, day, 'none');
  t.equal(r.previous.from, '2026-10-08');
  t.equal(r.total.current.calls?.callsIn, 6);
  t.equal(r.total.previous.calls?.callsIn, 1);
  t.equal(r.total.previous.orders?.signed, 1, 'O3 signed on 8 Oct');
  t.equal(r.total.previous.orders?.accepted, 0);

  const area = await reports.kpis(lead, day, 'area');
  const areaRow = (k: string | null) => area.rows.find((x) => x.key === k)?.current.orders;
  t.match(areaRow('hz-deqing'), { dispatched: 2, returned: 1 }, 'dq-amr rolls up to 德清县');
  t.match(areaRow('hz'), { dispatched: 2, replied: 3 }, 'city departments stay at 市本级');
  t.equal(area.rows.find((x) => x.key === 'hz-deqing')?.label?.zh, '德清县');
  t.equal(area.rows[0]!.current.calls, null, 'no call figures by area');

  const cat = await reports.kpis(lead, day, 'category');
  t.match(
    cat.rows.find((x) => x.key === 'complaint'),
    { label: { zh: '投诉' }, current: { orders: { accepted: 3, dispatched: 4 } } },
  );

  const chan = await reports.kpis(lead, day, 'channel');
  t.match(
    chan.rows.find((x) => x.key === '12315'),
    { label: { zh: '消费维权' }, current: { calls: { callsIn: 2 }, orders: { accepted: 1 } } },
  );

  const county = await reports.kpis({ role: 'dispatcher', unitId: 'dq-12345' }, day, 'unit');
  t.same(
    county.rows.map((x) => x.key),
    ['dq-amr'],
    'a county dispatcher sees the units of its subtree only',
  );
  t.equal(county.total.current.calls, null, 'and no call figures');
  t.match(county.total.current.orders, { dispatched: 2, returned: 1, accepted: 1, answeredOnSpot: 0, missed: 0 });

  t.throws(() => reports.kpis({ role: 'unit_handler', unitId: 'dq-amr' }, day, 'none'), { code: 'FORBIDDEN_REPORT' });
  t.throws(() => reports.kpis({ role: 'agent', unitId: null }, day, 'none'), { code: 'FORBIDDEN_REPORT' });
});
