/**
 * Outbound calls (外呼) through a real Asterisk, with sipp as the citizen's phone on the carrier
 * trunk (tools/citizen-phone.ts): the agent dials from the console (`call:dial`), the citizen's
 * phone sees caller ID 12345, `call:outbound` reports each step. Answered: the citizen's channel
 * sits in its outbound bridge, the agent is paused in the queue as 外呼 and is not offered a
 * citizen calling in meanwhile, nor during the wrap-up; the agent hangs up; after the wrap-up
 * the waiting caller is offered to that agent, and answering it ends that caller's
 * callback duty (its earlier missed call merges into the new call's order). The answered call takes a unit into a
 * three-way call (its leg joins the outbound bridge; a blind transfer: outbound-transfer.real.test.ts) and is recorded like an inbound one: a
 * `recordings` row linked to the order and a 2-channel WAV of the call's length (decision 0012).
 * Busy and no answer (our ring limit) end with
 * their result and free the agent at once. Each call is a `calls` row with direction out,
 * linked to the order, with its events. The citizen hanging up first ends an answered call as
 * citizen_hangup.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { AgentView, CallControlsView, OutboundCallView, ScreenPop } from '../../src/contract/index.js';
import { parseWavHeader, WAV_HEADER_BYTES } from '../../src/recordings/wav.js';
import { ari, command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

interface AriBridge {
  id: string;
  name: string;
  channels: string[];
}

t.test('outbound calls through a real Asterisk', async (t) => {
  const asterisk = await sandbox(t);
  const toneDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-out-tone-'));
  t.teardown(() => fs.rmSync(toneDir, { recursive: true, force: true }));
  // The citizen talks (a tone) so that the recording has audio from the answer to the end.
  const citizen = await citizenPhone(asterisk, 10, { audioFile: toneFile(toneDir, 440, 2) });
  t.teardown(() => citizen.kill());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-out-data-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const app = await server(t, asterisk, { SUNLINE_OUTBOUND_RING_SECONDS: '5', SUNLINE_MEDIA: 'false', SUNLINE_DATA_DIR: dataDir });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const agent = await consoleFor(t, app, 'agent-out', 'agent');
  t.equal((await command<AgentView>(agent.socket, 'agent:login', {})).state, 'available');
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(app.db.db));
  const order = await orders.createMissedCall({ channel: '12345', callerPhone: '13800138000' });
  // The citizen who will call in during the outbound call missed a call earlier.
  const earlier = await orders.createMissedCall({ channel: '12345', callerPhone: '13900005555' });
  const sql = app.db.sqlite;
  const row = (callId: string) => sql.prepare('select direction, order_id, agent_id, state, outcome from calls where id = ?').get(callId);
  const types = (callId: string) =>
    (sql.prepare('select type from call_events where call_id = ? order by id').all(callId) as { type: string }[]).map((r) => r.type);
  const recordingOf = (callId: string) =>
    sql.prepare('select state, order_id, storage_key from recordings where call_id = ?').all(callId) as {
      state: string;
      order_id: number;
      storage_key: string;
    }[];
  const seen: OutboundCallView[] = [];
  agent.socket.on('call:outbound', (v) => seen.push(v));
  const offers: ScreenPop[] = [];
  agent.socket.on('call:offered', (p) => offers.push(p));
  const memberLine = async () => (await asterisk.cli('queue show 12345')).split('\n').find((l) => l.includes(`agent-${agent.id}`)) ?? '';

  await t.test('answered: bridged, paused as 外呼, no inbound offer until the wrap-up ends', async (t) => {
    const answered = next(agent.socket, 'call:outbound', (v) => v.state === 'answered', 20_000);
    const v = await command<OutboundCallView>(agent.socket, 'call:dial', { orderId: order.id, number: '13800138000' });
    t.match(v, { state: 'dialling', orderId: order.id, orderNumber: order.number, number: '13800138000' });
    t.match(await answered, { callId: v.callId, result: 'answered' });
    const answeredAt = Date.now();
    t.match(
      seen.filter((x) => x.callId === v.callId).map((x) => x.state),
      ['dialling', 'ringing', 'answered'],
    );
    t.match(citizen.invites().at(-1), { number: '13800138000', from: '12345' }, 'the citizen sees the hotline number');
    const bridges = await ari<AriBridge[]>(asterisk, 'GET', '/bridges');
    const mine = bridges.find((b) => b.name === `outbound-out-${v.callId}`);
    t.ok(mine?.channels.includes(`out-${v.callId}`), "the citizen's channel is in its outbound bridge");
    t.match(await memberLine(), /paused:外呼/, 'paused in the queue with the reason 外呼');
    t.match(row(v.callId), { direction: 'out', order_id: order.id, agent_id: agent.id, state: 'answered' });

    // A citizen calls in meanwhile: it waits, the outbound agent is not offered it.
    const caller = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900005555', holdMs: 60_000 });
    t.teardown(() => caller.kill());
    await until('the caller waits in the queue', () => app.calls.center!.live.waiting().find((c) => c.callerNumber === '13900005555'));
    await new Promise((r) => setTimeout(r, 3000));
    t.same(offers, [], 'no offer while on the outbound call');

    // DTMF and hold act on the outbound call like on an inbound one.
    await command(agent.socket, 'call:dtmf', { callId: v.callId, digits: '1' });
    t.match(await command(agent.socket, 'call:hold', { callId: v.callId, held: true }), { held: true });
    t.match(await command(agent.socket, 'call:hold', { callId: v.callId, held: false }), { held: false });

    // Three-way call with a unit: its leg (the trunk, here the same sipp) joins the outbound bridge.
    const up = next(agent.socket, 'call:controls', (c) => c.callId === v.callId && c.conference?.state === 'up', 20_000);
    t.match(await command<CallControlsView>(agent.socket, 'call:conference', { callId: v.callId, unitId: 'city-amr' }), {
      conference: { unitId: 'city-amr', state: 'dialing' },
    });
    await up;
    t.match(citizen.invites().at(-1), { number: '05722399003', from: '12345' }, "the unit's phone was dialled from the hotline number");
    const three = (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).find((b) => b.name === `outbound-out-${v.callId}`);
    t.equal(three?.channels.length, 2, 'citizen and unit in the outbound bridge');
    t.match(await command<CallControlsView>(agent.socket, 'call:conference_drop', { callId: v.callId }), { conference: null });
    await until(
      'the unit leg gone',
      async () => (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).find((b) => b.name === `outbound-out-${v.callId}`)?.channels.length === 1 || undefined,
    );

    const ended = next(agent.socket, 'call:outbound', (x) => x.callId === v.callId && x.state === 'ended');
    await command(agent.socket, 'call:hangup', { callId: v.callId });
    t.match(await ended, { result: 'answered', reason: 'agent_hangup' });
    const talkMs = Date.now() - answeredAt;
    await until('agent in wrap-up', () => app.calls.center!.ctx.agents.view(agent.id).state === 'wrap_up');
    t.match(row(v.callId), { state: 'ended', outcome: 'answered' });
    t.same(types(v.callId), ['dialled', 'ringing', 'answered', 'held', 'resumed', 'conference_started', 'conference_ended', 'hung_up']);
    t.equal((await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).filter((b) => b.name.startsWith('outbound-')).length, 0, 'the bridge is gone');
    await new Promise((r) => setTimeout(r, 2000));
    t.same(offers, [], 'no offer during the wrap-up either');

    // Recorded like an inbound call: one row linked to the order, a stereo WAV of the call's length.
    const rec = await until('the recording stored', () => recordingOf(v.callId).find((r) => r.state === 'stored'), 30_000);
    t.equal(recordingOf(v.callId).length, 1, 'one recording for the call');
    t.equal(rec.order_id, order.id, 'linked to the order called for');
    const wav = fs.readFileSync(path.join(dataDir, 'recordings', rec.storage_key));
    t.match(parseWavHeader(wav), { channels: 2, sampleRate: 8000, bitsPerSample: 16 }, 'citizen and agent sides');
    const recordedMs = ((wav.length - WAV_HEADER_BYTES) / 4 / 8000) * 1000;
    t.ok(Math.abs(recordedMs - talkMs) < 1500, `about the call's length (${Math.round(recordedMs)} ms recorded, ${talkMs} ms talked)`);
    const pcm = wav.subarray(WAV_HEADER_BYTES);
    let sum = 0;
    for (let i = 0; i < 8000; i++) sum += pcm.readInt16LE(i * 4) ** 2; // the first second, left channel
    t.ok(Math.sqrt(sum / 8000) > 1000, "the citizen's tone on the left channel");

    const offered = next(agent.socket, 'call:offered', (p) => p.callerNumber === '13900005555', 20_000);
    await command(agent.socket, 'agent:wrapup_done');
    t.ok(await offered, 'after the wrap-up the waiting caller is offered to the agent');
    t.notMatch(await memberLine(), /paused/, 'unpaused');
    // That caller had missed a call before: answering it ends the callback duty (merged into this call's order).
    const pop = await offered;
    await command(agent.socket, 'call:answer', { callId: pop.callId });
    await until('the missed call merged', async () => (await orders.get(earlier.id)).status === 'merged');
    t.match(await orders.get(earlier.id), { mergedIntoId: pop.draftOrder.id, callbackDue: false });
    await command(agent.socket, 'call:hangup', { callId: pop.callId });
    caller.kill();
    await until('agent in wrap-up', () => app.calls.center!.ctx.agents.view(agent.id).state === 'wrap_up');
    await command(agent.socket, 'agent:wrapup_done');
    await until('agent available', () => app.calls.center!.ctx.agents.view(agent.id).state === 'available');
  });

  await t.test('the citizen hangs up first: answered, reason citizen_hangup, the agent to wrap-up', async (t) => {
    const ended = next(agent.socket, 'call:outbound', (x) => x.state === 'ended', 20_000);
    const v = await command<OutboundCallView>(agent.socket, 'call:dial', { orderId: order.id, number: '13800138777' });
    t.match(await ended, { callId: v.callId, result: 'answered', reason: 'citizen_hangup' });
    t.match(row(v.callId), { state: 'ended', outcome: 'answered' });
    t.equal(app.calls.center!.live.get(v.callId), undefined, 'no live call left');
    await until('agent in wrap-up', () => app.calls.center!.ctx.agents.view(agent.id).state === 'wrap_up');
    await command(agent.socket, 'agent:wrapup_done');
    await until('agent available', () => app.calls.center!.ctx.agents.view(agent.id).state === 'available');
  });

  await t.test('busy: result busy, the agent free and unpaused at once', async (t) => {
    const ended = next(agent.socket, 'call:outbound', (x) => x.state === 'ended', 20_000);
    const v = await command<OutboundCallView>(agent.socket, 'call:dial', { orderId: order.id, number: '13800138486' });
    t.match(await ended, { callId: v.callId, result: 'busy' });
    t.match(row(v.callId), { direction: 'out', state: 'ended', outcome: 'busy' });
    await until('agent available', () => app.calls.center!.ctx.agents.view(agent.id).state === 'available');
    t.notMatch(await memberLine(), /paused/);
  });

  await t.test('no answer: our ring limit ends it as no_answer', async (t) => {
    const ringing = next(agent.socket, 'call:outbound', (x) => x.state === 'ringing', 20_000);
    const ended = next(agent.socket, 'call:outbound', (x) => x.state === 'ended', 30_000);
    const started = Date.now();
    const v = await command<OutboundCallView>(agent.socket, 'call:dial', { orderId: order.id, number: '13800138480' });
    await ringing;
    t.match(await ended, { callId: v.callId, result: 'no_answer' });
    t.ok(Date.now() - started >= 4500, 'after SUNLINE_OUTBOUND_RING_SECONDS');
    t.same(types(v.callId), ['dialled', 'ringing', 'hung_up']);
    t.match(row(v.callId), { outcome: 'no_answer' });
    await until('agent available', () => app.calls.center!.ctx.agents.view(agent.id).state === 'available');
  });

  await t.test(
    'the shipped [to-citizens] context (Local/{number}@to-citizens/n): through the trunk with 12345, busy passed back, other shapes refused',
    async (t) => {
      await app.close(); // one server per ARI application
      const local = await server(t, asterisk, { SUNLINE_OUTBOUND_ENDPOINT: 'Local/{number}@to-citizens/n', SUNLINE_MEDIA: 'false' });
      await until('telephony up', () => local.calls.center?.telephonyUp());
      const dialler = await consoleFor(t, local, 'agent-out-local', 'agent');
      await command(dialler.socket, 'agent:login', {});
      const missed = await new WorkOrdersService(sqliteOrdersStoreOn(local.db.db)).createMissedCall({ channel: '12345', callerPhone: '13800138002' });
      const dial = async (number: string, until: OutboundCallView['state']) => {
        const reached = next(dialler.socket, 'call:outbound', (x) => x.state === until, 20_000);
        const v = await command<OutboundCallView>(dialler.socket, 'call:dial', { orderId: missed.id, number });
        const got = await reached;
        t.equal(got.callId, v.callId);
        return got;
      };
      const before = citizen.invites().length;
      const talking = await dial('13800138002', 'answered');
      t.match(citizen.invites().at(-1), { number: '13800138002', from: '12345' }, 'out through the trunk, the citizen sees 12345');
      const bridge = (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).find((b) => b.name === `outbound-out-${talking.callId}`);
      t.ok(bridge?.channels.includes(`out-${talking.callId}`), 'the Local channel answered into its outbound bridge');
      const over = next(dialler.socket, 'call:outbound', (x) => x.state === 'ended', 10_000);
      await command(dialler.socket, 'call:hangup', { callId: talking.callId });
      t.match(await over, { result: 'answered', reason: 'agent_hangup' });
      // 'ended' is published before the agent is settled into wrap-up (the console offers 完成 then).
      await until('agent in wrap-up', () => local.calls.center!.ctx.agents.view(dialler.id).state === 'wrap_up');
      await command(dialler.socket, 'agent:wrapup_done');
      await until('agent available', () => local.calls.center!.ctx.agents.view(dialler.id).state === 'available');

      t.match(await dial('13800138486', 'ended'), { result: 'busy' }, "the citizen's busy crosses the Local channel");
      await until('agent available', () => local.calls.center!.ctx.agents.view(dialler.id).state === 'available');
      const refused = await dial('1234567', 'ended');
      t.match(refused, { result: 'failed' }, 'a shape the context does not dial');
      const hungUp = local.db.sqlite.prepare("select data from call_events where call_id = ? and type = 'hung_up'").get(refused.callId) as { data: string };
      t.match(JSON.parse(hungUp.data), { cause: 1 }, 'hung up as unallocated: the worklist counts a wrong number');
      t.equal(citizen.invites().length, before + 2, 'the refused number never reached the trunk');
    },
  );
});
