/**
 * A callback (回访) rating 不满意 puts the evaluated order's answered call on the QA worklist, like
 * an unsatisfied post-call survey (issue 13 item 4); qa.yaml's `sampling.unsatisfied` switches both.
 * The evaluations go through the real order lifecycle (WorkOrdersService.apply).
 */
import t from 'tap';
import { QaConfigSchema } from '../../src/qa/qa-config.js';
import { sqliteQaStore, startQa } from '../../src/qa/index.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import type { Actor } from '../../src/workorders/lifecycle/types.js';
import { WorkOrdersService } from '../../src/workorders/workorders-service.js';
import { sqliteOrdersStoreOn } from '../../src/workorders/orders-store-sqlite.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

const bj = (s: string) => Date.parse(`${s}+08:00`);

function setup(t: Parameters<typeof openTmpDb>[0], unsatisfied: boolean) {
  const h = openTmpDb(t);
  h.sqlite.exec(
    `insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x'), (2, 'cb', 'Callback', 'agent', 'x')`,
  );
  const now = bj('2026-12-05T10:00:00');
  // perAgentPerDay 0: no random draw, only the unsatisfied calls.
  const config = QaConfigSchema.parse({ sampling: { perAgentPerDay: 0, unsatisfied, lookbackDays: 7 } });
  const asyncDb = sqliteAsync(h);
  t.teardown(() => asyncDb.close());
  const qa = startQa({ store: sqliteQaStore(asyncDb), config: () => config, now: () => now });
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => now);
  const actor: Actor = { id: 2, role: 'agent', unitId: null };
  let n = 0;
  /** An ended call (answered by agent 1 unless `answered` is false) with its order answered on the spot. */
  const order = (at: number, answered = true) => {
    n++;
    const callId = `call-${n}`;
    h.sqlite
      .prepare(
        `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
         values (?, ?, '13800138000', '12345', '12345', 'ended', ?, ?, ?, ?, ?)`,
      )
      .run(callId, `ch-${n}`, answered ? 1 : null, at, answered ? at + 5000 : null, at + 60_000, answered ? 'answered' : 'abandoned');
    const row = h.sqlite
      .prepare(
        `insert into work_orders (number, channel, call_id, status, subject, content, co_unit_ids, created_at, updated_at)
         values (?, '12345', ?, 'answered_on_spot', '噪音投诉', '夜间施工噪音', '[]', ?, ?) returning id`,
      )
      .get(`HZ-QA-${n}`, callId, at, at) as { id: number };
    return { callId, orderId: row.id };
  };
  const evaluate = async (orderId: number, result: 'satisfied' | 'unsatisfied', channel: 'callback' | 'survey' | 'third_party') => {
    await orders.apply(orderId, { type: 'evaluate', result, channel }, actor);
  };
  return { h, qa, order, evaluate };
}

t.test('a callback rated 不满意 lists the order’s call; satisfied or other channels do not', async (t) => {
  const { qa, order, evaluate } = setup(t, true);
  const unhappy = order(bj('2026-11-20T09:00:00'));
  const happy = order(bj('2026-12-02T09:00:00'));
  const thirdParty = order(bj('2026-12-02T10:00:00'));
  const abandoned = order(bj('2026-12-02T11:00:00'), false);
  await evaluate(unhappy.orderId, 'unsatisfied', 'callback');
  await evaluate(happy.orderId, 'satisfied', 'callback');
  await evaluate(thirdParty.orderId, 'unsatisfied', 'third_party');
  await evaluate(abandoned.orderId, 'unsatisfied', 'callback');

  const list = await qa.worklist();
  t.same(
    list.map((r) => ({ callId: r.callId, agentId: r.agentId, reason: r.reason, day: r.day })),
    [{ callId: unhappy.callId, agentId: 1, reason: 'unsatisfied', day: '2026-11-20' }],
    'the call the order was taken on, on its own day, although that day is older than lookbackDays (the rating is recent)',
  );
  t.equal(await qa.drawDue(), 0, 'listed once');
  t.equal(await qa.mayHear(unhappy.callId), true, 'a QA inspector reaches it');
});

t.test('sampling.unsatisfied: false lists no callback rating either', async (t) => {
  const { qa, order, evaluate } = setup(t, false);
  const unhappy = order(bj('2026-12-03T09:00:00'));
  await evaluate(unhappy.orderId, 'unsatisfied', 'callback');
  t.same(await qa.worklist(), []);
});
