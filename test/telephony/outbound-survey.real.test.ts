/**
 * The survey after a 回访 call (issue 12 item 3, SUNLINE_OUTBOUND_SURVEY=true) against a real
 * Asterisk, with sipp as the citizen's phone on the trunk pressing 3 (不满意) every second once
 * answered (tools/citizen-phone.ts `dtmf`). The agent hangs up a call for an order waiting for its
 * evaluation (reviewed, 待回访): the agent goes to wrap-up, the citizen stays on the line, hears
 * the survey (ivr.yaml) and the key is the order's evaluation by callback — 不满意 on an order a
 * unit handled opens supervision — and then the citizen is hung up. A call for a missed call
 * (nothing to evaluate) is hung up at once, without a survey, as with the setting off.
 */
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { AgentView, OutboundCallView } from '../../src/contract/index.js';
import { ari, command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

t.test('SUNLINE_OUTBOUND_SURVEY: the citizen of a 回访 call answers the survey after the agent leaves', async (t) => {
  const asterisk = await sandbox(t);
  const citizen = await citizenPhone(asterisk, 5, { dtmf: '3' });
  t.teardown(() => citizen.kill());
  const app = await server(t, asterisk, { SUNLINE_OUTBOUND_SURVEY: 'true', SUNLINE_MEDIA: 'false' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-osv', 'agent');
  t.equal((await command<AgentView>(agent.socket, 'agent:login', {})).state, 'available');
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db));
  const sql = app.db.sqlite;
  const types = (callId: string) =>
    (sql.prepare('select type from call_events where call_id = ? order by id').all(callId) as { type: string }[]).map((r) => r.type);
  const channelUp = async (channelId: string) => (await ari<{ id: string }[]>(asterisk, 'GET', '/channels')).some((c) => c.id === channelId);

  const talkThenHangUp = async (orderId: number, number: string) => {
    const answered = next(agent.socket, 'call:outbound', (v) => v.state === 'answered', 20_000);
    const v = await command<OutboundCallView>(agent.socket, 'call:dial', { orderId, number });
    await answered;
    const ended = next(agent.socket, 'call:outbound', (x) => x.callId === v.callId && x.state === 'ended', 20_000);
    await command(agent.socket, 'call:hangup', { callId: v.callId });
    t.match(await ended, { result: 'answered', reason: 'agent_hangup' });
    await until('agent in wrap-up', () => app.calls.center!.ctx.agents.view(agent.id).state === 'wrap_up');
    return v.callId;
  };

  await t.test('a missed call: hung up at once, no survey', async (t) => {
    const missed = await orders.createMissedCall({ channel: '12345', callerPhone: '13800138011' });
    const callId = await talkThenHangUp(missed.id, '13800138011');
    await until('the citizen hung up', async () => !(await channelUp(`out-${callId}`)) || undefined, 10_000);
    t.notOk(types(callId).includes('survey'), 'no survey');
    await command(agent.socket, 'agent:wrapup_done');
    await until('agent available', () => app.calls.center!.ctx.agents.view(agent.id).state === 'available');
  });

  await t.test('an order waiting for evaluation: the survey, 不满意 recorded by callback, supervision opened', async (t) => {
    const order = await orders.createMissedCall({ channel: '12345', callerPhone: '13800138012' });
    sql.prepare("update work_orders set status = 'reviewed', lead_unit_id = 'city-amr' where id = ?").run(order.id);
    const callId = await talkThenHangUp(order.id, '13800138012');
    t.ok(await channelUp(`out-${callId}`), 'the citizen is still on the line after the agent left');
    const survey = await until(
      'the survey recorded',
      () => sql.prepare("select data from call_events where call_id = ? and type = 'survey'").get(callId) as { data: string } | undefined,
      30_000,
    );
    t.same(JSON.parse(survey.data), { result: 'unsatisfied' });
    t.match(await orders.get(order.id), { status: 'supervised', satisfaction: 'unsatisfied' }, '不满意 opens supervision');
    const evaluated = sql.prepare("select data from work_order_events where order_id = ? and action = 'evaluate'").get(order.id) as { data: string };
    t.match(JSON.parse(evaluated.data), { channel: 'callback', result: 'unsatisfied' }, 'a callback evaluation (回访率)');
    await until('the citizen hung up after the survey', async () => !(await channelUp(`out-${callId}`)) || undefined, 20_000);
    t.equal(app.calls.center!.ctx.agents.view(agent.id).state, 'wrap_up', 'the agent stayed in wrap-up meanwhile');
  });
});
