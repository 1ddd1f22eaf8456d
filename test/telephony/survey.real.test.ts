/**
 * The post-call satisfaction survey against a real Asterisk + sipp: the agent hangs up, the
 * caller is handed back to the server (dialplan [survey] → Stasis survey), hears the question,
 * presses a key (RFC 4733 from sipp) and the result lands on the call and its work order.
 */
import t from 'tap';
import { placeCall, type CallHandle } from '../../tools/sipp.js';
import type { AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import { command, consoleFor, next, sandbox, server, until, type Console } from '../helpers/call-path.js';
import type { AgentView, ScreenPop } from '../../src/contract/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';
import { surveyResultOf } from '../../src/calls/survey.js';

async function ari<T = unknown>(a: AsteriskSandbox, method: string, path: string): Promise<T> {
  const res = await fetch(`${a.ari.url}/ari${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${a.ari.username}:${a.ari.password}`).toString('base64')}` },
  });
  if (res.status >= 400) throw new Error(`ARI ${method} ${path}: ${res.status}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

interface AriChannel {
  id: string;
  name: string;
  dialplan: { app_name: string };
}

t.test('post-call survey: DTMF after the agent hangs up is written to the call and its order', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const center = app.calls.center!;
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db));
  const agent = await consoleFor(t, app, 'agent-s', 'agent');
  t.equal((await command<AgentView>(agent.socket, 'agent:login', {})).state, 'available');
  const agentActor: Actor = { id: agent.id, role: 'agent', unitId: null };
  const sql = app.db.sqlite;
  const surveyEvent = (callId: string) =>
    sql.prepare("select data from call_events where call_id = ? and type = 'survey'").get(callId) as { data: string } | undefined;

  /** Dials 12315 with a caller that presses `digit` from 14 s after the answer (the greeting, talk and prompt come first). */
  async function answeredCall(callerId: string, digit: string): Promise<{ pop: ScreenPop; call: CallHandle }> {
    const offered = next(agent.socket, 'call:offered');
    const call = placeCall({ sip: asterisk.sip, number: '12315', callerId, holdMs: 60_000, dtmf: { digit, afterMs: 14_000, everyMs: 2000 } });
    t.teardown(() => call.kill());
    const pop = (await offered) as ScreenPop;
    t.equal(pop.hotline.number, '12315');
    const answered = next(agent.socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'answered');
    await command(agent.socket, 'call:answer', { callId: pop.callId });
    await answered;
    return { pop, call };
  }

  /** The AGENT side hangs up: its leg is the Local/agent-… channel in our Stasis app. */
  async function agentHangsUp(socket: Console, callId: string): Promise<void> {
    const channels = await ari<AriChannel[]>(asterisk, 'GET', '/channels');
    const leg = channels.find((c) => c.name.startsWith('Local/agent-') && c.dialplan.app_name === 'Stasis');
    if (!leg) throw new Error(`no agent leg in Stasis: ${channels.map((c) => c.name).join(', ')}`);
    const ended = next(socket, 'call:update', (u) => u.callId === callId && u.state === 'ended');
    await ari(asterisk, 'DELETE', `/channels/${leg.id}`);
    t.equal((await ended).reason, 'agent_hangup');
  }

  /**
   * The server thanks and hangs up the caller: the caller's sipp (which would stay 60 s) ends
   * within seconds. Its outcome word is not used: sipp may call Asterisk's BYE "unexpected"
   * when it lands between two DTMF repeats, although the call ended normally.
   */
  async function releasedByServer(t: { ok(cond: unknown, msg: string): unknown }, call: CallHandle): Promise<void> {
    const started = Date.now();
    const result = await call.done;
    t.ok(Date.now() - started < 20_000 && result.outcome !== 'answered', `released by the server, not by the caller (${result.outcome})`);
  }

  await t.test('digit 3 on an order still being handled: recorded, status unchanged', async (t) => {
    const { pop, call } = await answeredCall('13900001111', '3');
    await agentHangsUp(agent.socket, pop.callId);
    const ev = await until('survey result', () => surveyEvent(pop.callId), 40_000);
    t.same(JSON.parse(ev.data), { result: 'unsatisfied' });
    const types = (sql.prepare('select type from call_events where call_id = ? order by id').all(pop.callId) as { type: string }[]).map((r) => r.type);
    t.same(types.slice(-3), ['answered', 'hung_up', 'survey'], 'the survey follows the end of the talk');
    const order = await orders.get(pop.draftOrder.id);
    t.equal(order.status, 'draft', 'a survey does not move an order that is not waiting for evaluation');
    t.equal(order.satisfaction, 'unsatisfied');
    const last = (await orders.history(order.id)).at(-1);
    t.match(last, {
      action: 'record_survey',
      fromStatus: 'draft',
      toStatus: 'draft',
      actorId: center.ctx.systemActor.id,
      data: { result: 'unsatisfied', channel: 'survey' },
    });
    await releasedByServer(t, call);
  });

  await command<AgentView>(agent.socket, 'agent:wrapup_done');

  await t.test('digit 1 on an order answered on the spot: evaluated, satisfied', async (t) => {
    const { pop, call } = await answeredCall('13900002222', '1');
    await orders.apply(pop.draftOrder.id, { type: 'accept', fields: { category: 'consultation', content: '咨询消费维权流程' } }, agentActor);
    await orders.apply(pop.draftOrder.id, { type: 'answer_on_spot', answer: '已告知投诉渠道' }, agentActor);
    await agentHangsUp(agent.socket, pop.callId);
    const ev = await until('survey result', () => surveyEvent(pop.callId), 40_000);
    t.same(JSON.parse(ev.data), { result: 'satisfied' });
    const order = await orders.get(pop.draftOrder.id);
    t.equal(order.status, 'evaluated');
    t.equal(order.satisfaction, 'satisfied');
    t.match((await orders.history(order.id)).at(-1), {
      action: 'evaluate',
      fromStatus: 'answered_on_spot',
      toStatus: 'evaluated',
      actorId: center.ctx.systemActor.id,
      data: { result: 'satisfied', channel: 'survey' },
    });
    await releasedByServer(t, call);
  });

  await t.test('recording rules: no answer, unsatisfied on an evaluated dispatched order, closed order', async (t) => {
    const repo = center.ctx.repo;
    const actor = center.ctx.systemActor;
    const digits = app.config.current().ivr.survey.digits;
    t.same(
      ['1', '2', '3', '9', null].map((d) => surveyResultOf(digits, d)),
      ['satisfied', 'basically_satisfied', 'unsatisfied', 'no_answer', 'no_answer'],
    );
    const mk = async (phone: string) => {
      const callId = `survey-${phone}`;
      const c = await repo.createInbound({
        callId,
        channelId: `ch-${phone}`,
        callerPhone: phone,
        callerName: null,
        dialled: '12345',
        hotline: '12345',
        at: Date.now(),
        state: 'entered',
      });
      return { callId, orderId: c.orderId };
    };

    const silent = await mk('13900003333');
    t.same(await repo.survey(silent.callId, 'no_answer', Date.now(), actor), { orderId: null, actions: [] });
    t.equal((await orders.get(silent.orderId)).satisfaction, null, 'no answer: call event only');
    t.same(JSON.parse(surveyEvent(silent.callId)!.data), { result: 'no_answer' });

    const handled = await mk('13900004444');
    const unit: Actor = { id: agent.id, role: 'unit_handler', unitId: 'hz-market' };
    const day = 86_400_000;
    await orders.apply(handled.orderId, { type: 'accept', fields: { category: 'complaint', content: '商家拒绝退款' } }, agentActor);
    await orders.apply(handled.orderId, { type: 'dispatch', leadUnitId: 'hz-market', deadlineAt: Date.now() + 5 * day }, agentActor);
    await orders.apply(handled.orderId, { type: 'sign' }, unit);
    await orders.apply(handled.orderId, { type: 'start' }, unit);
    await orders.apply(handled.orderId, { type: 'reply', text: '已协调退款' }, unit);
    await orders.apply(handled.orderId, { type: 'review_accept' }, agentActor);
    await orders.apply(handled.orderId, { type: 'evaluate', result: 'satisfied', channel: 'callback' }, agentActor);
    t.same(await repo.survey(handled.callId, 'unsatisfied', Date.now(), actor), { orderId: handled.orderId, actions: ['record_survey', 'supervise'] });
    const supervised = await orders.get(handled.orderId);
    t.same([supervised.status, supervised.satisfaction, supervised.supervisionLevel], ['supervised', 'unsatisfied', 1], 'unsatisfied → supervision');

    const onSpot = await mk('13900005555');
    await orders.apply(onSpot.orderId, { type: 'accept', fields: { category: 'consultation', content: '咨询' } }, agentActor);
    await orders.apply(onSpot.orderId, { type: 'answer_on_spot', answer: '已答复' }, agentActor);
    t.same(
      await repo.survey(onSpot.callId, 'unsatisfied', Date.now(), actor),
      { orderId: onSpot.orderId, actions: ['evaluate'] },
      'no unit to supervise: just evaluated',
    );
    await orders.apply(onSpot.orderId, { type: 'close', reason: '市民仅需答复' }, { id: agent.id, role: 'shift_lead', unitId: null });
    t.same(await repo.survey(onSpot.callId, 'satisfied', Date.now(), actor), { orderId: null, actions: [] }, 'a closed order only gets the call event');
  });
});
