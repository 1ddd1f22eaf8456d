/**
 * In-call controls against a real Asterisk + sipp: hold (the caller's side in a holding bridge
 * with music on hold, and back), mute, DTMF towards the caller (Asterisk sends the keys), the
 * refusals, a three-way call with a unit (a sipp UAS on the trunk joins the agent's bridge;
 * DTMF then goes to the unit; dropping it leaves the agent and caller), the agent's hang-up (the
 * caller goes on to the survey), a blind transfer to the unit (the unit's phone answers the
 * caller, the agent goes to wrap-up, the call and its order note it), and the teardown of a
 * three-way call when the caller hangs up.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { unitPhone } from '../../tools/unit-phone.js';
import { ari, command, consoleFor, next, sandbox, server, until, type Console } from '../helpers/call-path.js';
import type { AgentView, CallControlsView, ScreenPop } from '../../src/contract/index.js';
import type { AmiEvent } from '../../src/telephony/ami/index.js';

interface AriBridge {
  id: string;
  bridge_type: string;
  name: string;
  channels: string[];
}
interface AriChannel {
  id: string;
  name: string;
}

const failsWith = async (p: Promise<unknown>, code: string) => {
  try {
    await p;
    return `resolved, expected ${code}`;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

t.test('in-call controls through a real Asterisk', async (t) => {
  const asterisk = await sandbox(t);
  const unit = await unitPhone(asterisk, 3);
  t.teardown(() => unit.kill());
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-ctl', 'agent');
  const other = await consoleFor(t, app, 'agent-other', 'agent');
  const lead = await consoleFor(t, app, 'lead-ctl', 'shift_lead');
  t.equal((await command<AgentView>(agent.socket, 'agent:login', {})).state, 'available');
  const sql = app.db.sqlite;
  const ami = app.calls.ami!;
  const dtmfSent: { channel: string; uniqueid: string; digit: string }[] = [];
  const onAmi = (e: AmiEvent) => {
    if (e.event === 'DTMFEnd' && e['direction'] === 'Sent')
      dtmfSent.push({ channel: String(e['channel']), uniqueid: String(e['uniqueid']), digit: String(e['digit']) });
  };
  ami.on('event', onAmi);
  t.teardown(() => void ami.off('event', onAmi));
  const types = (callId: string) =>
    (sql.prepare('select type from call_events where call_id = ? order by id').all(callId) as { type: string }[]).map((r) => r.type);
  const unitCfg = app.config.current().org.units.find((u) => u.id === 'city-amr')!;
  t.ok(unitCfg.phone, 'the shipped org.yaml gives city-amr a phone');

  async function answered(socket: Console, callerId: string): Promise<{ pop: ScreenPop; channelId: string; call: ReturnType<typeof placeCall> }> {
    const offered = next(socket, 'call:offered');
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId, holdMs: 90_000 });
    t.teardown(() => call.kill());
    const pop = (await offered) as ScreenPop;
    const up = next(socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'answered');
    await command(socket, 'call:answer', { callId: pop.callId });
    await up;
    const row = sql.prepare('select channel_id from calls where id = ?').get(pop.callId) as { channel_id: string };
    // app_queue has bridged the caller with the member before we drive the controls.
    await until('caller bridged by app_queue', async () => / 2 +basic /.test(await asterisk.cli('bridge show all')));
    return { pop, channelId: row.channel_id, call };
  }
  const agentBridge = async (callId: string) => {
    const leg = app.calls.center!.live.get(callId)!.agentLeg!;
    const bridges = await ari<AriBridge[]>(asterisk, 'GET', '/bridges');
    return { leg, bridges, mine: bridges.find((b) => b.name === `agent-leg-${leg}`)! };
  };

  await t.test('hold, mute, DTMF, refusals, three-way, agent hang-up → survey', async (t) => {
    const { pop, channelId, call } = await answered(agent.socket, '13911110001');
    const callId = pop.callId;

    // Refusals with fixed codes, nothing changed.
    t.equal(await failsWith(command(other.socket, 'call:hold', { callId, held: true }), 'NOT_YOUR_CALL'), 'NOT_YOUR_CALL', 'another agent');
    t.equal(await failsWith(command(lead.socket, 'call:hold', { callId, held: true }), 'FORBIDDEN'), 'FORBIDDEN', 'a shift lead');
    t.equal(await failsWith(command(agent.socket, 'call:hold', { callId: 'no-such-call', held: true }), 'CALL_NOT_FOUND'), 'CALL_NOT_FOUND');
    t.equal(await failsWith(command(agent.socket, 'call:dtmf', { callId, digits: '12a' }), 'VALIDATION_FAILED'), 'VALIDATION_FAILED', 'bad digits');
    t.equal(await failsWith(command(agent.socket, 'call:conference', { callId, unitId: 'no-such-unit' }), 'UNIT_NOT_FOUND'), 'UNIT_NOT_FOUND');
    t.equal(await failsWith(command(agent.socket, 'call:transfer', { callId, unitId: 'city-12345' }), 'UNIT_HAS_NO_PHONE'), 'UNIT_HAS_NO_PHONE');
    t.equal(await failsWith(command(agent.socket, 'call:conference_drop', { callId }), 'NO_CONFERENCE'), 'NO_CONFERENCE');
    t.equal((await agentBridge(callId)).mine.channels.length, 1, 'refusals changed nothing');

    // Hold: the agent leg (the caller's side) moves to a holding bridge playing MOH.
    const leadSees = next(lead.socket, 'call:controls', (v) => v.callId === callId && v.held);
    const held = await command<CallControlsView>(agent.socket, 'call:hold', { callId, held: true });
    t.match(held, { callId, held: true, muted: false, conference: null });
    await leadSees;
    const h = await agentBridge(callId);
    t.equal(h.mine.channels.length, 0, 'the agent bridge no longer has the caller side');
    const holding = h.bridges.find((b) => b.bridge_type === 'holding' && b.channels.includes(h.leg));
    t.ok(holding, 'the caller side is in a holding bridge');
    await until('music on hold playing', async () => /Announcer\//.test(await asterisk.cli('core show channels')) || undefined, 10_000);
    t.pass('the holding bridge plays music on hold (announcer channel)');
    const resumed = await command<CallControlsView>(agent.socket, 'call:hold', { callId, held: false });
    t.equal(resumed.held, false);
    const r = await agentBridge(callId);
    t.same(r.mine.channels, [r.leg], 'back in the agent bridge');
    t.notOk(
      r.bridges.some((b) => b.id === holding!.id),
      'the holding bridge is gone',
    );

    // Mute (in Asterisk on the agent leg): state kept and shown.
    t.equal((await command<CallControlsView>(agent.socket, 'call:mute', { callId, muted: true })).muted, true);
    const sync = next(agent.socket, 'call:controls', (v) => v.callId === callId);
    await command(agent.socket, 'sync');
    t.match(await sync, { muted: true, held: false }, 're-sync carries the controls');
    t.equal((await command<CallControlsView>(agent.socket, 'call:mute', { callId, muted: false })).muted, false);

    // DTMF towards the caller: Asterisk sends the keys on the caller's SIP channel.
    await command(agent.socket, 'call:dtmf', { callId, digits: '12#' });
    await until('keys sent to the caller', () => (dtmfSent.filter((d) => d.uniqueid === channelId).length >= 3 ? true : undefined), 10_000);
    t.same(
      dtmfSent.filter((d) => d.uniqueid === channelId).map((d) => d.digit),
      ['1', '2', '#'],
      'Asterisk sent 1 2 # to the caller',
    );

    // Three-way call: the unit answers and joins the agent's bridge.
    const joined = next(agent.socket, 'call:controls', (v) => v.callId === callId && v.conference?.state === 'up', 20_000);
    const dialling = await command<CallControlsView>(agent.socket, 'call:conference', { callId, unitId: 'city-amr' });
    t.match(dialling.conference, { unitId: 'city-amr', state: 'dialing' });
    await joined;
    t.ok(unit.dialled().includes(unitCfg.phone!), 'the unit phone was dialled with its number');
    const c = await agentBridge(callId);
    t.equal(c.mine.channels.length, 2, 'agent side and unit in the agent bridge (the caller through the agent leg)');
    const unitChannel = c.mine.channels.find((id) => id !== c.leg)!;
    const chans = await ari<AriChannel[]>(asterisk, 'GET', '/channels');
    t.match(chans.find((ch) => ch.id === unitChannel)?.name, /^PJSIP\/trunk-/, 'the unit leg is a trunk channel');
    t.equal(await failsWith(command(agent.socket, 'call:conference', { callId, unitId: 'city-amr' }), 'CONFERENCE_ACTIVE'), 'CONFERENCE_ACTIVE');
    // A re-sync with Asterisk (e.g. after an AMI reconnect) leaves the unit leg alone.
    await app.calls.center!.reconcile();
    t.ok((await agentBridge(callId)).mine.channels.includes(unitChannel), 'reconcile does not adopt the unit leg as a caller');
    t.notOk(app.calls.center!.live.byCallerChannel(unitChannel), 'no call registered for it');
    // ARI DTMF on a SIP channel goes straight to its RTP (no AMI DTMFEnd): read Asterisk's RTP debug.
    await asterisk.cli('rtp set debug on');
    await command(agent.socket, 'call:dtmf', { callId, digits: '5' });
    const toUnit = `Sent RTP DTMF packet to ${asterisk.sip.host}:${unit.port + 2}`;
    await until(
      'key sent to the unit',
      () => (fs.readFileSync(path.join(asterisk.instDir, 'log', 'messages.log'), 'utf8').includes(toUnit) ? true : undefined),
      10_000,
    );
    await asterisk.cli('rtp set debug off');
    t.pass('during the three-way call DTMF goes to the unit (RTP telephone-event to its media port)');
    const dropped = await command<CallControlsView>(agent.socket, 'call:conference_drop', { callId });
    t.equal(dropped.conference, null);
    await until('unit leg hung up', async () =>
      (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).some((ch) => ch.id === unitChannel) ? undefined : true,
    );
    const d = await agentBridge(callId);
    t.same(d.mine.channels, [d.leg], 'agent and caller remain');

    // The agent hangs up: wrap-up; the caller goes to the survey (dialplan [survey] → Stasis).
    const wrap = next(agent.socket, 'agent:state', (a) => a.state === 'wrap_up');
    const ended = next(agent.socket, 'call:update', (u) => u.callId === callId && u.state === 'ended');
    await command(agent.socket, 'call:hangup', { callId });
    t.equal((await ended).reason, 'agent_hangup');
    await wrap;
    t.same(
      types(callId).filter((x) => x !== 'greeted' && x !== 'queued'),
      ['entered', 'offered', 'answered', 'held', 'resumed', 'muted', 'unmuted', 'conference_started', 'conference_ended', 'hung_up'],
    );
    const survey = await until('caller in the survey', async () =>
      (await ari<{ id: string; dialplan: { context: string } }[]>(asterisk, 'GET', '/channels')).find(
        (ch) => ch.id === channelId && ch.dialplan.context === 'survey',
      )
        ? true
        : undefined,
    );
    t.ok(survey, 'the caller went on to the survey');
    t.equal(await failsWith(command(agent.socket, 'call:hangup', { callId }), 'CALL_NOT_FOUND'), 'CALL_NOT_FOUND', 'the call is over');
    call.kill();
    await command(agent.socket, 'agent:wrapup_done');
  });

  await t.test('blind transfer to a unit: the unit answers the caller, the agent wraps up', async (t) => {
    const { pop, channelId } = await answered(agent.socket, '13911110002');
    const callId = pop.callId;
    const before = unit.dialled().length;
    const wrap = next(agent.socket, 'agent:state', (a) => a.state === 'wrap_up');
    const ended = next(agent.socket, 'call:update', (u) => u.callId === callId && u.state === 'ended');
    const v = await command<CallControlsView>(agent.socket, 'call:transfer', { callId, unitId: 'city-amr' });
    t.match(v.transferredTo, { unitId: 'city-amr' });
    t.equal((await ended).reason, 'transferred');
    await wrap;
    await until('the unit phone got the caller', () => (unit.dialled().length > before ? true : undefined), 15_000);
    t.equal(unit.dialled().at(-1), unitCfg.phone);
    const caller = await ari<{ dialplan: { context: string } }>(asterisk, 'GET', `/channels/${channelId}`);
    t.equal(caller.dialplan.context, 'sunline-transfer', 'the caller is in the transfer context, talking to the unit');
    const ev = sql.prepare("select agent_id, data from call_events where call_id = ? and type = 'transferred'").get(callId) as {
      agent_id: number;
      data: string;
    };
    t.same([ev.agent_id, JSON.parse(ev.data)], [agent.id, { unitId: 'city-amr', phone: unitCfg.phone }], 'the transfer is logged on the call');
    const order = sql.prepare('select content from work_orders where call_id = ?').get(callId) as { content: string };
    t.match(order.content, unitCfg.name, 'the order notes the transfer');
    t.equal((sql.prepare('select state from calls where id = ?').get(callId) as { state: string }).state, 'ended');
  });
  await command(agent.socket, 'agent:wrapup_done');

  await t.test('the caller hangs up during a three-way call: the unit leg and the call are torn down', async (t) => {
    const { pop, channelId } = await answered(agent.socket, '13911110003');
    const callId = pop.callId;
    const up = next(agent.socket, 'call:controls', (v) => v.callId === callId && v.conference?.state === 'up', 20_000);
    await command(agent.socket, 'call:conference', { callId, unitId: 'city-amr' });
    await up;
    const unitChannel = (await agentBridge(callId)).mine.channels.find((id) => id !== app.calls.center!.live.get(callId)!.agentLeg)!;
    t.ok(unitChannel, 'the unit is in the call');
    const ended = next(agent.socket, 'call:update', (u) => u.callId === callId && u.state === 'ended');
    await ari(asterisk, 'DELETE', `/channels/${channelId}`);
    await ended;
    await until('unit leg hung up', async () =>
      (await ari<AriChannel[]>(asterisk, 'GET', '/channels')).some((ch) => ch.id === unitChannel) ? undefined : true,
    );
    t.equal(app.calls.center!.controls.current(agent.id), null, 'no controls left');
    t.notOk(
      (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).some((b) => b.channels.includes(unitChannel)),
      'no bridge holds the unit',
    );
  });
});
