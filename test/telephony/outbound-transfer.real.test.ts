/**
 * Blind transfer (转接) of an answered outbound call (外呼) through a real Asterisk, with sipp as
 * the citizen's phone on the carrier trunk (tools/citizen-phone.ts; the unit's number goes out
 * through the same trunk, so the same sipp answers as the unit's phone): refused while it rings
 * (CALL_NOT_ANSWERED) and during a three-way call (CONFERENCE_ACTIVE); once transferred, the
 * citizen's channel has left our Stasis app for [sunline-transfer] and is bridged with the unit's
 * trunk channel, the outbound bridge is gone, the agent is in wrap-up, the call row is ended with
 * outcome answered, the `transferred` event is logged on the call and the order notes it.
 */
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { AgentView, CallControlsView, OutboundCallView } from '../../src/contract/index.js';
import { ari, command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

interface AriBridge {
  id: string;
  name: string;
  channels: string[];
}
interface AriChannel {
  id: string;
  name: string;
  state: string;
  dialplan: { context: string; exten: string };
}

t.test('blind transfer of an outbound call through a real Asterisk', async (t) => {
  const asterisk = await sandbox(t);
  const citizen = await citizenPhone(asterisk, 6);
  t.teardown(() => citizen.kill());
  const app = await server(t, asterisk, { SUNLINE_OUTBOUND_RING_SECONDS: '10', SUNLINE_MEDIA: 'false' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-out-xfer', 'agent');
  t.equal((await command<AgentView>(agent.socket, 'agent:login', {})).state, 'available');
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db));
  // An order the agent is still writing, so that the transfer is noted in its content.
  const order = await orders.createDraft({ channel: '12345', callerPhone: '13800138000' });
  const unitCfg = app.config.current().org.units.find((u) => u.id === 'city-amr')!;
  const sql = app.db.sqlite;
  const failsWith = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e as { code?: string }).code ?? String(e),
    );

  const ringing = next(agent.socket, 'call:outbound', (v) => v.state === 'ringing', 20_000);
  const answered = next(agent.socket, 'call:outbound', (v) => v.state === 'answered', 20_000);
  const v = await command<OutboundCallView>(agent.socket, 'call:dial', { orderId: order.id, number: '13800138000' });
  const ch = `out-${v.callId}`;
  const refusedRinging = await ringing.then(() => failsWith(command(agent.socket, 'call:transfer', { callId: v.callId, unitId: 'city-amr' })));
  await answered;
  // sipp answers at once: the refusal is CALL_NOT_ANSWERED unless the answer won the race.
  t.ok(refusedRinging === 'CALL_NOT_ANSWERED' || refusedRinging === 'ok', `not transferred while ringing (${refusedRinging})`);
  if (refusedRinging === 'ok') return t.fail('the transfer went through before the answer');

  // Refused during a three-way call, as on an inbound call.
  const up = next(agent.socket, 'call:controls', (c) => c.callId === v.callId && c.conference?.state === 'up', 20_000);
  await command(agent.socket, 'call:conference', { callId: v.callId, unitId: 'city-amr' });
  await up;
  t.equal(await failsWith(command(agent.socket, 'call:transfer', { callId: v.callId, unitId: 'city-amr' })), 'CONFERENCE_ACTIVE');
  await command(agent.socket, 'call:conference_drop', { callId: v.callId });
  await until(
    'the unit leg gone',
    async () => (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).find((b) => b.name === `outbound-${ch}`)?.channels.length === 1 || undefined,
  );

  const invitesBefore = citizen.invites().length;
  const ended = next(agent.socket, 'call:outbound', (x) => x.callId === v.callId && x.state === 'ended', 20_000);
  const wrap = next(agent.socket, 'agent:state', (a) => a.state === 'wrap_up', 20_000);
  const view = await command<CallControlsView>(agent.socket, 'call:transfer', { callId: v.callId, unitId: 'city-amr' });
  t.match(view.transferredTo, { unitId: 'city-amr' });
  t.match(await ended, { result: 'answered', reason: 'transferred' });
  t.match(await wrap, { state: 'wrap_up', callId: v.callId });

  // The citizen talks to the unit's phone: in the transfer context, bridged with the unit's trunk channel.
  await until('the unit phone dialled', () => (citizen.invites().length > invitesBefore ? true : undefined), 15_000);
  t.match(citizen.invites().at(-1), { number: unitCfg.phone }, "the unit's number was dialled");
  const talking = await until(
    'the citizen bridged with the unit',
    async () => {
      const bridges = await ari<AriBridge[]>(asterisk, 'GET', '/bridges');
      const b = bridges.find((x) => x.channels.includes(ch) && x.channels.length === 2);
      return b ?? (await asterisk.cli(`core show channel ${ch}`)).match(/BridgeID:\s+(\S+)/)?.[1];
    },
    15_000,
  );
  t.ok(talking, 'the citizen is in a bridge with the unit');
  const citizenCh = await ari<AriChannel>(asterisk, 'GET', `/channels/${ch}`);
  t.match(citizenCh, { state: 'Up', dialplan: { context: 'sunline-transfer', exten: unitCfg.phone } }, 'the citizen left Stasis for the transfer context');
  t.equal((await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).filter((b) => b.name.startsWith('outbound-')).length, 0, 'the outbound bridge is gone');

  t.match(sql.prepare('select direction, state, outcome from calls where id = ?').get(v.callId), { direction: 'out', state: 'ended', outcome: 'answered' });
  const ev = sql.prepare("select agent_id, data from call_events where call_id = ? and type = 'transferred'").get(v.callId) as {
    agent_id: number;
    data: string;
  };
  t.same([ev.agent_id, JSON.parse(ev.data)], [agent.id, { unitId: 'city-amr', phone: unitCfg.phone }], 'the transfer is logged on the call');
  const hungUp = sql.prepare("select data from call_events where call_id = ? and type = 'hung_up'").all(v.callId) as { data: string }[];
  t.same(
    hungUp.map((r) => JSON.parse(r.data)),
    [{ result: 'answered', reason: 'transferred', cause: null }],
  );
  t.match((await orders.get(order.id)).fields.content, unitCfg.name, 'the order notes the transfer');
  t.equal(app.calls.center!.outbound!.owns(v.callId), false);

  // The citizen's channel is no longer ours: a re-sync (as after our restart) leaves it with the unit.
  await app.calls.center!.reconcile();
  t.match(await ari<AriChannel>(asterisk, 'GET', `/channels/${ch}`), { dialplan: { context: 'sunline-transfer' } }, 'still with the unit after a reconcile');
  await ari(asterisk, 'DELETE', `/channels/${ch}`);
  await new Promise((r) => setTimeout(r, 500));
  t.equal(
    hungUp.length,
    (sql.prepare("select count(*) n from call_events where call_id = ? and type = 'hung_up'").get(v.callId) as { n: number }).n,
    'its end is not recorded again',
  );
  t.match(app.calls.center!.ctx.agents.view(agent.id), { state: 'wrap_up' });
  await command(agent.socket, 'agent:wrapup_done');
  t.equal(app.calls.center!.ctx.agents.view(agent.id).state, 'available');
});
