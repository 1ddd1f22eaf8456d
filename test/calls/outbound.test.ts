/**
 * Outbound calls' logic with a fake switchboard over a real database (the real Asterisk path:
 * test/telephony/outbound.real.test.ts): the agent's state and queue pause, the calls row
 * (direction out, linked to the order) and its events, the result of each ending (answered,
 * busy, no answer by our ring timer, cancelled, failed), the in-call controls on an answered
 * outbound call, and the refusals that change nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { deviceStateFor, nextAgentState } from '../../src/agents/agent-state.js';
import { AgentsService } from '../../src/agents/agents-service.js';
import { CallCenter } from '../../src/calls/call-center.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { consoleCommands } from '../../src/calls/console-commands.js';
import { OutboundRecords } from '../../src/calls/outbound-records.js';
import { CallWrites } from '../../src/calls/call-writes.js';
import { outboundResult } from '../../src/calls/outbound-result.js';
import { ConfigStore } from '../../src/config/files/index.js';
import { openDb } from '../../src/db/connection.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import type { OutboundCallView } from '../../src/contract/index.js';
import type { OriginateOutbound } from '../../src/telephony/switchboard-outbound.js';
import { usersOn } from '../helpers/users.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { fakeSwitchboard, type Asterisk } from '../helpers/fake-call-center.js';

const log = pino({ level: process.env['SUNLINE_TEST_LOG'] ?? 'silent' });
const tick = () => new Promise((r) => setImmediate(r));

async function rig(t: { teardown(fn: () => unknown): void }, opts: { ringMs?: number; failOriginate?: boolean; survey?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-outbound-'));
  const handle = openDb({ file: path.join(dir, 'db.sqlite'), synchronous: 'normal' });
  const config = await ConfigStore.open({ dir: 'config', watch: false, log });
  const a: Asterisk = { stasis: [], queue: [], channels: new Set(), outage: new Map(), failSend: new Set(), ops: [], digits: [] };
  const sw = fakeSwitchboard(a);
  const originated: OriginateOutbound[] = [];
  const attached: string[] = [];
  Object.assign(sw, {
    pauseAgent: async (id: number, paused: boolean, reason?: string) => void a.ops.push(`pause ${id} ${paused}${reason ? ` ${reason}` : ''}`),
    hangup: async (id: string) => void a.ops.push(`hangup ${id}`),
    outbound: {
      listen: () => undefined,
      originate: async (o: OriginateOutbound) => {
        if (opts.failOriginate) throw Object.assign(new Error('no route'), { code: 'ASTERISK_UNAVAILABLE', statusCode: 503 });
        originated.push(o);
      },
      bridge: async (channelId: string) => (a.ops.push(`bridge ${channelId}`), `bridge-${channelId}`),
      sweep: async () => void a.ops.push('sweep'),
      adopt: (channelId: string) => void a.ops.push(`adopt ${channelId}`),
    },
    controls: {
      hold: async (leg: string, bridge: string) => (a.ops.push(`hold ${leg} ${bridge}`), 'hold-1'),
      unhold: async (leg: string, bridge: string, holding: string) => void a.ops.push(`unhold ${leg} ${bridge} ${holding}`),
      destroy: async () => undefined,
    },
  });
  const events = new DomainEvents();
  const agents = new AgentsService({ switchboard: sw, events, log, wrapUpMs: 60_000 });
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(handle.db));
  const users = usersOn(t, handle, 3600_000);
  const system = await users.systemUser();
  // One write queue for inbound and outbound, as calls/index.ts wires it (the order of the events across both).
  const writes = new CallWrites({ log });
  const media = {
    attach: async (c: { callId: string; bridgeId: string }) => void attached.push(`${c.callId} ${c.bridgeId}`),
    detach: async (callId: string) => void attached.push(`detach ${callId}`),
    setMuted: async () => undefined,
  };
  const center = new CallCenter({
    switchboard: sw,
    agents,
    events,
    log,
    config,
    media,
    repo: new CallsRepository(orders, writes),
    systemActor: { id: system.id, role: 'admin', unitId: null },
    outbound: {
      records: new OutboundRecords(orders, writes),
      settings: { endpoint: 'PJSIP/{number}@trunk', callerId: '12345', ringMs: opts.ringMs ?? 30_000, ...(opts.survey ? { survey: true } : {}) },
    },
  });
  t.teardown(() => {
    center.presence.close();
    center.frontDoorWatchdog.close();
    center.reconciler.close();
    center.outbound?.close();
    agents.close();
    config.close();
    handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const views: OutboundCallView[] = [];
  events.on('call.outbound', (v) => views.push(v));
  const agent = await users.upsert({ username: 'li', displayName: 'li', role: 'agent', password: 'li-password' });
  await agents.login(agent.id, 'li');
  const order = await orders.createMissedCall({ channel: '12345', callerPhone: '13800138000' });
  const out = center.outbound!;
  const sql = handle.sqlite;
  const row = (callId: string) => sql.prepare('select direction, order_id, agent_id, state, outcome, caller_phone from calls where id = ?').get(callId);
  const types = (callId: string) =>
    (sql.prepare('select type from call_events where call_id = ? order by id').all(callId) as { type: string }[]).map((r) => r.type);
  const records = new OutboundRecords(orders, writes);
  return { a, agents, agent, order, out, center, originated, attached, views, row, types, sql, records };
}

t.test('answered: the agent is outbound and paused in the queue, the citizen bridged with the agent audio, wrap-up after', async (t) => {
  const r = await rig(t);
  const v = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' });
  t.match(v, { agentId: r.agent.id, orderId: r.order.id, orderNumber: r.order.number, number: '13800138000', state: 'dialling', result: null });
  t.match(r.agents.view(r.agent.id), { state: 'outbound', callId: v.callId });
  t.ok(r.a.ops.includes(`pause ${r.agent.id} true 外呼`), 'paused in the queue with the reason 外呼');
  t.match(r.originated, [{ endpoint: 'PJSIP/13800138000@trunk', callerId: '12345', callId: v.callId, channelId: `out-${v.callId}` }]);
  t.same(r.row(v.callId), { direction: 'out', order_id: r.order.id, agent_id: r.agent.id, state: 'entered', outcome: null, caller_phone: '13800138000' });
  const ch = `out-${v.callId}`;
  r.out.ringing(ch);
  r.out.answered(ch);
  await tick();
  t.same(
    r.views.map((x) => [x.state, x.result]),
    [
      ['dialling', null],
      ['ringing', null],
      ['answered', 'answered'],
    ],
  );
  t.same(r.attached, [`${v.callId} bridge-${ch}`], "the agent's browser audio joins the citizen's bridge");
  t.match(r.out.current(r.agent.id), { callId: v.callId, state: 'answered' }, 'a reconnecting console gets it back');
  // The in-call controls act on the outbound call: hold moves the citizen's channel.
  t.match(await r.center.controls.hold(r.agent.id, v.callId, true), { held: true });
  t.ok(r.a.ops.includes(`hold ${ch} bridge-${ch}`));
  t.match(r.center.controls.current(r.agent.id), { callId: v.callId, held: true });
  // The citizen hangs up.
  r.center.channelGone(ch, 'stasis_end'); // StasisEnd: ignored, ChannelDestroyed settles
  t.equal(r.agents.view(r.agent.id).state, 'outbound');
  r.out.ended(ch, { cause: 16, causeText: 'Normal Clearing', dialstatus: 'ANSWER' });
  await tick();
  await tick();
  t.match(r.views.at(-1), { state: 'ended', result: 'answered', reason: 'citizen_hangup' });
  t.match(r.row(v.callId), { state: 'ended', outcome: 'answered' });
  t.same(r.types(v.callId), ['dialled', 'ringing', 'answered', 'held', 'hung_up']);
  t.equal(r.center.live.get(v.callId), undefined);
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up', callId: v.callId });
  t.equal(r.a.ops.filter((o) => o === `pause ${r.agent.id} false`).length, 1, 'still paused during the wrap-up (the one unpause was the login)');
  await r.agents.wrapUpDone(r.agent.id);
  t.equal(r.agents.view(r.agent.id).state, 'available');
  t.equal(r.a.ops.filter((o) => o === `pause ${r.agent.id} false`).length, 2, 'unpaused after the wrap-up (the first was the login)');
});

t.test('the answer is announced once its write is committed: a node taking over after a crash finds the call answered', async (t) => {
  const r = await rig(t);
  const v = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' });
  const seen: unknown[] = [];
  r.center.ctx.events.on('call.outbound', (x) => {
    if (x.callId === v.callId && x.state === 'answered') seen.push(r.row(v.callId));
  });
  const ch = `out-${v.callId}`;
  r.out.ringing(ch);
  r.out.answered(ch);
  for (let i = 0; i < 20 && seen.length === 0; i++) await tick();
  t.match(seen, [{ state: 'answered' }], 'the row as the announcement goes out');
});

t.test('busy, no answer (our ring timer), cancelled: each result recorded, the agent free and unpaused at once', async (t) => {
  const r = await rig(t, { ringMs: 50 });
  const unpaused = () => r.a.ops.filter((o) => o === `pause ${r.agent.id} false`).length;

  const busy = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' });
  r.out.ended(`out-${busy.callId}`, { cause: 17, causeText: 'User busy', dialstatus: 'BUSY' });
  await tick();
  await tick();
  t.match(r.row(busy.callId), { state: 'ended', outcome: 'busy' });
  t.match(r.agents.view(r.agent.id), { state: 'available', callId: null });
  t.equal(unpaused(), 2);

  const quiet = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138001' });
  r.out.ringing(`out-${quiet.callId}`);
  await new Promise((res) => setTimeout(res, 120));
  t.ok(r.a.ops.includes(`hangup out-${quiet.callId}`), 'the ring timer hangs the channel up');
  r.out.ended(`out-${quiet.callId}`, { cause: 16, causeText: 'Normal Clearing', dialstatus: 'CANCEL' });
  await tick();
  await tick();
  t.match(r.row(quiet.callId), { outcome: 'no_answer' });
  t.same(r.types(quiet.callId), ['dialled', 'ringing', 'hung_up']);
  t.equal(r.agents.view(r.agent.id).state, 'available');

  const cancelled = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138002' });
  await r.out.hangup(r.agent.id, cancelled.callId);
  r.out.ended(`out-${cancelled.callId}`, { cause: 16, causeText: 'Normal Clearing', dialstatus: 'CANCEL' });
  await tick();
  await tick();
  t.match(r.row(cancelled.callId), { outcome: 'cancelled' });
  t.match(r.views.at(-1), { callId: cancelled.callId, state: 'ended', result: 'cancelled' });
  t.equal(r.agents.view(r.agent.id).state, 'available');
  t.equal(unpaused(), 4);
});

t.test('refusals change nothing: unknown order, agent not available, someone else hangs up, originate fails', async (t) => {
  const r = await rig(t);
  const count = () => (r.sql.prepare("select count(*) n from calls where direction = 'out'").get() as { n: number }).n;
  await t.rejects(r.out.dial(r.agent.id, { orderId: 99999, number: '13800138000' }), { code: 'ORDER_NOT_FOUND' });
  await r.agents.pause(r.agent.id, '小休');
  await t.rejects(r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' }), { code: 'AGENT_STATE_CONFLICT' });
  t.equal(r.agents.view(r.agent.id).state, 'paused');
  await r.agents.unpause(r.agent.id);
  t.equal(count(), 0);
  t.same(r.originated, []);
  const v = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' });
  await t.rejects(r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' }), { code: 'AGENT_STATE_CONFLICT' }, 'one outbound call at a time');
  await t.rejects(r.out.hangup(r.agent.id + 1, v.callId), { code: 'NOT_YOUR_CALL' });
  await t.rejects(r.out.hangup(r.agent.id, 'nope'), { code: 'CALL_NOT_FOUND' });
  await t.rejects(r.center.controls.hold(r.agent.id, v.callId, true), { code: 'CALL_NOT_FOUND' }, 'no hold before the answer');
  t.equal(count(), 1);
});

t.test('an originate Asterisk refuses is a failed call and frees the agent', async (t) => {
  const r = await rig(t, { failOriginate: true });
  await t.rejects(r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' }), { code: 'ASTERISK_UNAVAILABLE' });
  const rows = r.sql.prepare("select state, outcome from calls where direction = 'out'").all();
  t.same(rows, [{ state: 'ended', outcome: 'failed' }]);
  t.match(r.agents.view(r.agent.id), { state: 'available', callId: null });
});

t.test('the result of an end: ours first, then the dial status, then the Q.850 cause', async (t) => {
  t.equal(outboundResult({ answered: true, ours: 'cancelled', dialstatus: 'BUSY', cause: 17 }), 'answered');
  t.equal(outboundResult({ answered: false, ours: 'no_answer', dialstatus: 'CANCEL', cause: 16 }), 'no_answer');
  t.equal(outboundResult({ answered: false, ours: 'cancelled', dialstatus: null, cause: 16 }), 'cancelled');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: 'BUSY', cause: 16 }), 'busy');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: 'NOANSWER', cause: 16 }), 'no_answer');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: null, cause: 17 }), 'busy');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: null, cause: 19 }), 'no_answer');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: 'CHANUNAVAIL', cause: 1 }), 'failed');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: 'CONGESTION', cause: 34 }), 'failed');
  // A Local channel (Local/{number}@to-citizens) reports NOANSWER for any early end but busy; its cause says a wrong number.
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: 'NOANSWER', cause: 1 }), 'failed');
  t.equal(outboundResult({ answered: false, ours: null, dialstatus: 'NOANSWER', cause: 28 }), 'failed');
});

t.test('the agent state machine: dial only when available; outbound takes no offer, ends in wrap-up; device INUSE', async (t) => {
  const base = { agentId: 1, displayName: 'a', since: 0, pauseReason: null, callId: null, penalty: 0 };
  const out = nextAgentState({ ...base, state: 'available' }, { type: 'dial', callId: 'c1' }, 5);
  t.match(out, { ok: true, next: { state: 'outbound', callId: 'c1', since: 5 } });
  for (const state of ['paused', 'ringing', 'on_call', 'wrap_up', 'outbound', 'logged_out'] as const) {
    t.match(nextAgentState({ ...base, state }, { type: 'dial', callId: 'c2' }, 5), { ok: false, code: 'AGENT_STATE_CONFLICT' }, `no dial while ${state}`);
  }
  const talking = { ...base, state: 'outbound' as const, callId: 'c1' };
  t.match(nextAgentState(talking, { type: 'offer', callId: 'c9' }, 6), { ok: false }, 'no inbound offer while outbound');
  t.match(nextAgentState(talking, { type: 'logout' }, 6), { ok: false }, 'no log-out mid-call');
  t.match(nextAgentState(talking, { type: 'call_ended' }, 6), { ok: true, next: { state: 'wrap_up', callId: 'c1' } });
  t.equal(deviceStateFor('outbound'), 'INUSE');
});

type Rig = Awaited<ReturnType<typeof rig>>;

/** An outbound call our previous process dialled for the rig's agent and order (its row and `dialled` event). */
const dialledBefore = async (r: Rig, callId: string, number = '13800138000') => {
  r.records.dialled({ callId, channelId: `out-${callId}`, agentId: r.agent.id, orderId: r.order.id, callerId: null, number, hotline: '12345', at: 1 });
  await r.records.flushed();
};

/** An answered outbound call of the previous process: its rows, the agent on it (agent_sessions), the citizen still in our Stasis app. */
async function answeredBefore(r: Rig, callId: string): Promise<void> {
  await dialledBefore(r, callId);
  r.records.answered(callId, r.agent.id, 2);
  await r.records.flushed();
  await r.agents.dial(r.agent.id, callId);
  r.a.stasis = [citizenChannel(callId)];
  r.a.channels.add(`out-${callId}`);
}

/** The citizen's channel of an outbound call as the snapshot lists it (Stasis `outbound,<call id>`). */
const citizenChannel = (callId: string) => ({
  channelId: `out-${callId}`,
  channelName: `PJSIP/trunk-${callId}`,
  callerNumber: '13800138000',
  callerName: '',
  kind: 'outbound',
  arg: callId,
  args: [callId],
});

t.test('after our restart, outbound calls of the previous process are ended and their agents settled', async (t) => {
  const r = await rig(t);
  // What the previous process left: a ringing attempt and an answered call its agent was talking on.
  await dialledBefore(r, 'old-1');
  await dialledBefore(r, 'old-2', '13800138001');
  r.records.answered('old-2', r.agent.id, 3);
  await r.records.flushed();
  await r.agents.dial(r.agent.id, 'old-2'); // the agent was talking on old-2 when the process stopped
  await r.center.reconcile();
  t.ok(r.a.ops.includes('hangup out-old-1') && r.a.ops.includes('hangup out-old-2'), "the citizens' channels are hung up");
  t.ok(r.a.ops.includes('sweep'), 'leftover outbound bridges are swept');
  t.match(r.row('old-1'), { state: 'ended', outcome: 'failed' });
  t.match(r.row('old-2'), { state: 'ended', outcome: 'answered' });
  t.match(r.sql.prepare("select data from call_events where call_id = 'old-2' and type = 'hung_up'").get(), { data: /server_restart/ });
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up', callId: 'old-2' });
  // Announced like any end: the agent's console and the recorder (which stops and stores the recording) hear of it.
  t.match(
    r.views
      .filter((v) => v.state === 'ended')
      .map((v) => [v.callId, v.result, v.reason, v.orderId, v.number])
      .sort(),
    [
      ['old-1', 'failed', 'server_restart', r.order.id, '13800138000'],
      ['old-2', 'answered', 'server_restart', r.order.id, '13800138001'],
    ],
  );
  await r.center.reconcile();
  t.equal((r.sql.prepare("select count(*) n from call_events where type = 'hung_up'").get() as { n: number }).n, 2, 'once, however often it runs');
});

t.test('blind transfer of an answered outbound call: the citizen goes to the unit, the call ends as answered/transferred, the agent wraps up', async (t) => {
  const r = await rig(t);
  const transfers: string[] = [];
  const ctl = r.center.ctx.switchboard.controls as unknown as Record<string, unknown>;
  ctl['transfer'] = async (channelId: string, phone: string, inStasis: boolean) => void transfers.push(`${channelId} ${phone} ${inStasis}`);
  ctl['dialUnit'] = async () => 'unit-leg';
  const commands = consoleCommands(r.center);
  const v = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' });
  const ch = `out-${v.callId}`;
  // Refused while it rings: nothing changes.
  r.out.ringing(ch);
  await t.rejects(commands.transfer(r.agent.id, v.callId, 'city-amr'), { code: 'CALL_NOT_ANSWERED' });
  r.out.answered(ch);
  await tick();
  await t.rejects(commands.transfer(r.agent.id + 1, v.callId, 'city-amr'), { code: 'NOT_YOUR_CALL' });
  await t.rejects(commands.transfer(r.agent.id, v.callId, 'nowhere'), { code: 'UNIT_NOT_FOUND' });
  // Refused during a three-way call, as on an inbound call.
  await commands.conference(r.agent.id, v.callId, 'city-amr');
  await t.rejects(commands.transfer(r.agent.id, v.callId, 'city-amr'), { code: 'CONFERENCE_ACTIVE' });
  await commands.dropConference(r.agent.id, v.callId);
  t.same(transfers, [], 'no refusal reached Asterisk');
  t.match(r.agents.view(r.agent.id), { state: 'outbound', callId: v.callId });
  const hangups = r.a.ops.filter((o) => o.startsWith('hangup ')).length;

  const view = await commands.transfer(r.agent.id, v.callId, 'city-amr');
  t.match(view, { callId: v.callId, transferredTo: { unitId: 'city-amr' } });
  t.same(transfers, [`${ch} 05722399003 true`], "the citizen's channel continues from Stasis into the transfer context");
  t.equal(r.a.ops.filter((o) => o.startsWith('hangup ')).length, hangups, 'the citizen is not hung up');
  t.match(r.views.at(-1), { callId: v.callId, state: 'ended', result: 'answered', reason: 'transferred' });
  await r.records.flushed(); // the call path's writes (one queue with the rig's records)
  t.match(r.row(v.callId), { state: 'ended', outcome: 'answered' });
  t.same(r.types(v.callId).slice(-2), ['transferred', 'hung_up']);
  const hungUp = r.sql.prepare("select data from call_events where call_id = ? and type = 'hung_up'").get(v.callId) as { data: string };
  t.match(JSON.parse(hungUp.data), { result: 'answered', reason: 'transferred' });
  t.equal(r.center.live.get(v.callId), undefined);
  t.ok(r.attached.includes(`detach ${v.callId}`), "the agent's audio leaves");
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up', callId: v.callId });
  t.equal(r.out.owns(v.callId), false);
  // The channel left Stasis without being destroyed; its later end (the citizen and the unit hang up) changes nothing.
  r.center.channelGone(ch, 'Normal Clearing');
  r.out.ended(ch, { cause: 16, causeText: 'Normal Clearing', dialstatus: 'ANSWER' });
  await tick();
  t.equal(r.types(v.callId).filter((x) => x === 'hung_up').length, 1);
  // Restart rules: the transferred citizen is no longer ours; recovery leaves the channel alone.
  await r.center.reconcile();
  t.equal(r.a.ops.filter((o) => o.startsWith('hangup ')).length, hangups);
  await r.agents.wrapUpDone(r.agent.id);
  t.equal(r.agents.view(r.agent.id).state, 'available');
});

t.test('the citizen hanging up while the transfer is made ends the call as transferred', async (t) => {
  const r = await rig(t);
  const ch = (v: OutboundCallView) => `out-${v.callId}`;
  const v = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138000' });
  r.out.answered(ch(v));
  await tick();
  const ctl = r.center.ctx.switchboard.controls as unknown as Record<string, unknown>;
  ctl['transfer'] = async () => r.out.ended(ch(v), { cause: 16, causeText: 'Normal Clearing', dialstatus: 'ANSWER' });
  await r.out.transfer(r.agent.id, v.callId, 'city-amr');
  await tick();
  t.same(
    r.views.filter((x) => x.state === 'ended').map((x) => x.reason),
    ['transferred'],
  );
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up' });
  // A transfer Asterisk refuses leaves the call as it was.
  const w = await (async () => {
    await r.agents.wrapUpDone(r.agent.id);
    const w = await r.out.dial(r.agent.id, { orderId: r.order.id, number: '13800138001' });
    r.out.answered(ch(w));
    await tick();
    return w;
  })();
  ctl['transfer'] = async () => {
    throw Object.assign(new Error('gone'), { code: 'ASTERISK_UNAVAILABLE', statusCode: 503 });
  };
  await t.rejects(r.out.transfer(r.agent.id, w.callId, 'city-amr'), { code: 'ASTERISK_UNAVAILABLE' });
  t.match(r.center.controls.current(r.agent.id), { callId: w.callId, transferredTo: null });
  t.match(r.agents.view(r.agent.id), { state: 'outbound', callId: w.callId });
  r.out.ended(ch(w), { cause: 16, causeText: 'Normal Clearing', dialstatus: 'ANSWER' });
  await tick();
  await tick();
  t.match(r.views.at(-1), { callId: w.callId, state: 'ended', reason: 'citizen_hangup' });
});

t.test('after our restart, a citizen the previous process had sent to the survey gets it again; others of ours are not left in silence', async (t) => {
  const r = await rig(t, { survey: true });
  r.sql.prepare("update work_orders set status = 'reviewed' where id = ?").run(r.order.id);
  const previous = async (callId: string, reason: string) => {
    await dialledBefore(r, callId);
    r.records.answered(callId, r.agent.id, 2);
    await r.records.flushed();
    r.records.ended(callId, 3, { result: 'answered', reason, cause: null });
    await r.records.flushed();
  };
  await previous('old-s', 'agent_hangup'); // in the survey when the process stopped
  await previous('old-c', 'citizen_hangup'); // ended; its channel somehow still in our app
  r.a.stasis = [citizenChannel('old-s'), citizenChannel('old-c'), { ...citizenChannel('x'), arg: '', args: [] }];
  for (const c of r.a.stasis) r.a.channels.add(c.channelId);
  r.a.digits.push('1');
  await r.center.reconcile();
  const survey = await (async () => {
    for (let i = 0; i < 100; i++) {
      const row = r.sql.prepare("select data from call_events where call_id = 'old-s' and type = 'survey'").get() as { data: string } | undefined;
      if (row) return row;
      await new Promise((res) => setTimeout(res, 10));
    }
    return undefined;
  })();
  t.same(survey && JSON.parse(survey.data), { result: 'satisfied' }, 'the key of the survey asked again is recorded on the outbound call');
  const evaluated = r.sql.prepare("select data from work_order_events where order_id = ? and action = 'evaluate'").get(r.order.id) as
    { data: string } | undefined;
  t.match(evaluated && JSON.parse(evaluated.data), { channel: 'callback', result: 'satisfied' }, "as the order's evaluation by callback");
  t.ok(r.a.ops.includes('hangup out-old-c'), 'a citizen of an ended call is hung up, not left in our app');
  t.ok(r.a.ops.includes('hangup out-x'), 'so is one without a call id');
  await tick();
  t.ok(r.a.ops.includes('hangup out-old-s'), 'the surveyed citizen is hung up when the survey is over');
  t.equal((r.sql.prepare("select count(*) n from call_events where type = 'hung_up'").get() as { n: number }).n, 2, 'no second end written for either call');
});

t.test('after our restart, an answered outbound call Asterisk still holds goes on', async (t) => {
  const r = await rig(t);
  await answeredBefore(r, 'old-a'); // agent_sessions: the agent was talking on it
  r.a.bridges = [
    {
      bridgeId: 'b-old-a',
      name: 'outbound-out-old-a',
      channels: [
        { id: 'out-old-a', helper: false },
        { id: 'em-old', helper: true },
      ],
    },
  ];
  await r.center.reconcile();
  t.match(r.row('old-a'), { state: 'answered', outcome: null }, 'not ended');
  t.ok(r.a.ops.includes('adopt out-old-a'), 'its end is watched again');
  t.ok(r.a.ops.includes('hangup em-old'), "the previous process's browser-audio channel is hung up");
  t.notOk(r.a.ops.includes('hangup out-old-a'), 'the citizen is not');
  t.ok(r.attached.includes('old-a b-old-a'), "the agent's audio is attached to the citizen's bridge again");
  t.match(r.agents.view(r.agent.id), { state: 'outbound', callId: 'old-a' });
  t.match(r.out.current(r.agent.id), { callId: 'old-a', state: 'answered', orderId: r.order.id }, "the agent's console gets it on connect");
  t.match(r.views.at(-1), { callId: 'old-a', state: 'answered' }, 'announced as answered (the recorder keeps its row)');
  t.equal(r.center.ctx.live.get('old-a')?.state, 'answered', 'live again: controls and the lead view');

  // The citizen hangs up later: ended as any answered call.
  r.center.outbound!.ended('out-old-a', { cause: 16, causeText: 'Normal Clearing', dialstatus: 'ANSWER' });
  await tick();
  t.match(r.row('old-a'), { state: 'ended', outcome: 'answered' });
  t.match(r.sql.prepare("select data from call_events where call_id = 'old-a' and type = 'hung_up'").get(), { data: /citizen_hangup/ });
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up', callId: 'old-a' });
});

t.test('after our restart, an answered outbound call on hold goes on, still on hold', async (t) => {
  const r = await rig(t);
  await answeredBefore(r, 'old-h');
  // The citizen in its holding bridge (call-controls hold); the call's bridge keeps the old browser audio.
  r.a.bridges = [
    { bridgeId: 'b-hold', name: 'hold-out-old-h', channels: [{ id: 'out-old-h', helper: false }] },
    { bridgeId: 'b-old-h', name: 'outbound-out-old-h', channels: [{ id: 'em-old-h', helper: true }] },
  ];
  await r.center.reconcile();
  t.match(r.row('old-h'), { state: 'answered', outcome: null }, 'not ended');
  t.notOk(r.a.ops.includes('hangup out-old-h'), 'the citizen is not hung up');
  t.ok(r.a.ops.includes('hangup em-old-h'), "the previous process's browser-audio channel is");
  t.ok(r.attached.includes('old-h b-old-h'), "the agent's audio is attached to the call's bridge");
  t.match(r.center.controls.view(r.center.ctx.live.get('old-h')!), { held: true }, 'the controls show it on hold');
  // The agent takes the citizen back: out of the holding bridge into the call's bridge.
  t.match(await r.center.controls.hold(r.agent.id, 'old-h', false), { held: false });
  t.ok(r.a.ops.includes('unhold out-old-h b-old-h b-hold'));
});

for (const named of [true, false])
  t.test(
    `after our restart, an answered outbound call in a three-way call goes on ${named ? 'with its unit' : 'without a unit org.yaml no longer names'}`,
    async (t) => {
      const r = await rig(t);
      await answeredBefore(r, 'old-u');
      const unitId = named ? 'city-amr' : 'gone-unit';
      // Asterisk lists the unit's leg before the citizen: the plan must not hang it up before the takeover.
      r.a.stasis = [
        { channelId: 'u-old', channelName: 'PJSIP/trunk-u', callerNumber: '', callerName: '', kind: 'unit', arg: 'old-u', args: ['old-u', unitId] },
        ...r.a.stasis,
      ];
      r.a.bridges = [
        {
          bridgeId: 'b-old-u',
          name: 'outbound-out-old-u',
          channels: [
            { id: 'out-old-u', helper: false },
            { id: 'u-old', helper: false },
            { id: 'em-old-u', helper: true },
          ],
        },
      ];
      await r.center.reconcile();
      t.match(r.row('old-u'), { state: 'answered', outcome: null }, 'not ended');
      const controls = r.center.controls.view(r.center.ctx.live.get('old-u')!);
      if (named) {
        t.notOk(
          r.a.ops.some((o) => o.startsWith('hangup u-old')),
          "the unit's leg is not hung up",
        );
        t.match(controls.conference, { unitId: 'city-amr', state: 'up' }, 'the controls show the three-way call');
        t.ok(r.center.controls.isUnitLeg('u-old'), 'its leg is tracked again: its end ends the three-way call');
        // The agent drops the unit from the console.
        t.match(await r.center.controls.dropConference(r.agent.id, 'old-u'), { conference: null });
        t.ok(
          r.a.ops.some((o) => o.startsWith('hangup u-old')),
          'the unit is dropped',
        );
      } else {
        t.ok(
          r.a.ops.some((o) => o.startsWith('hangup u-old')),
          'a unit it cannot name is hung up',
        );
        t.equal(controls.conference, null);
      }
      t.notOk(
        r.a.ops.some((o) => o.startsWith('hangup out-old-u')),
        'the citizen is not hung up',
      );
    },
  );

t.test('after our restart, an answered outbound call whose bridge is gone is not taken over', async (t) => {
  const r = await rig(t);
  await answeredBefore(r, 'old-h');
  r.a.bridges = [{ bridgeId: 'b-hold', name: 'hold-out-old-h', channels: [{ id: 'out-old-h', helper: false }] }];
  await r.center.reconcile();
  t.match(r.row('old-h'), { state: 'ended', outcome: 'answered' });
  t.match(r.sql.prepare("select data from call_events where call_id = 'old-h' and type = 'hung_up'").get(), { data: /server_restart/ });
  t.ok(r.a.ops.includes('hangup out-old-h'), 'the citizen is hung up');
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up', callId: 'old-h' });
});
