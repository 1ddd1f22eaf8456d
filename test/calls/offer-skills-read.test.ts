/**
 * The offer path reads the agents' skills asynchronously (decision 0017; on PostgreSQL a round
 * trip): app_queue's leg waits for the read, and what happened meanwhile is honoured — a leg that
 * hung up gets no offer (nothing else knew it yet), a caller who hung up or an agent who paused
 * gets the leg declined, and the verdict uses the skills as read. A real CallCenter and SQLite
 * database over the fake switchboard; the skills source answers when the test says.
 */
import t, { type Test } from 'tap';
import type { AgentSkill } from '../../src/contract/index.js';
import { fakeCallCenter } from '../helpers/fake-call-center.js';

interface HeldRead {
  readonly ids: number[];
  answer(skills: Map<number, AgentSkill[]>): void;
  fail(err: Error): void;
}

async function hrssCaller(t: Test) {
  const reads: HeldRead[] = [];
  const source = {
    forAgents: (ids: readonly number[]) => new Promise<Map<number, AgentSkill[]>>((answer, fail) => reads.push({ ids: [...ids], answer, fail })),
  };
  const r = await fakeCallCenter(t, {}, undefined, { skills: source });
  const make = (username: string) => r.users.create({ username, displayName: username, role: 'agent', password: 'pw-123456' });
  const general = (await make('general-1')).id;
  const hrss = (await make('hrss-1')).id;
  await r.center.ctx.agents.login(general, 'general-1', 0);
  await r.center.ctx.agents.login(hrss, 'hrss-1', 5);
  const skills = new Map([[hrss, [{ skill: 'hrss', level: 1 }]]]);
  r.center.inbound({ channelId: 'caller', callerNumber: '13900001111', callerName: '', dialled: '12333' });
  const call = r.center.live.byCallerChannel('caller')!;
  t.equal(call.hotline.skill, 'hrss');
  // The front door greets and sends the caller on (fake switchboard: at once).
  for (let i = 0; i < 50 && !r.asterisk.ops.some((o) => o.startsWith('queue caller')); i++) await settle();
  r.center.queueJoined('caller');
  const pops: number[] = [];
  r.center.ctx.events.on('call.offered', (agentId) => pops.push(agentId));
  const ring = (channelId: string, agentId: number) =>
    r.center.agentLeg({ channelId, agentId, callId: call.callId, callerChannelId: 'caller', at: Date.now() });
  const offered = () => (r.sql.prepare("select count(*) n from call_events where call_id = ? and type = 'offered'").get(call.callId) as { n: number }).n;
  return { ...r, reads, skills, call, general, hrss, ring, pops, offered };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

t.test('the leg waits for the skills: the general agent is declined while the hrss agent is in, the hrss agent is offered', async (t) => {
  const r = await hrssCaller(t);
  r.ring('leg-g', r.general);
  await settle();
  t.equal(r.reads.length, 1, 'the skills are read at the offer');
  t.same([...r.reads[0]!.ids].sort(), [r.general, r.hrss].sort(), 'of the rung agent and every logged-in one');
  t.notOk(r.asterisk.ops.includes('hangup leg-g busy'), 'nothing decided before they come');
  t.equal(r.call.offeredTo, null);
  r.reads[0]!.answer(r.skills);
  await settle();
  t.ok(r.asterisk.ops.includes('hangup leg-g busy'), 'the general agent declined: app_queue rings the next member');
  t.equal(r.call.offeredTo, null);

  r.ring('leg-h', r.hrss);
  await settle();
  r.reads[1]!.answer(r.skills);
  await settle();
  t.equal(r.call.offeredTo, r.hrss, 'the hrss agent is offered the call');
  t.equal(r.center.ctx.agents.view(r.hrss).state, 'ringing');
  t.same(r.pops, [r.hrss], 'one screen-pop, to the hrss agent');
  t.equal(r.offered(), 1);
});

t.test('the leg hangs up while its skills are read: no offer, no pop, the agent stays free', async (t) => {
  const r = await hrssCaller(t);
  r.ring('leg-h', r.hrss);
  await settle();
  r.center.channelGone('leg-h', 'stasis_end');
  r.reads[0]!.answer(r.skills);
  await settle();
  t.equal(r.call.offeredTo, null, 'not offered on a leg that is gone');
  t.equal(r.call.agentLeg, null);
  t.equal(r.center.ctx.agents.view(r.hrss).state, 'available', 'the agent is not left ringing');
  t.same(r.pops, []);
  t.equal(r.offered(), 0);
  // The caller still waits; the next leg is offered as usual.
  r.ring('leg-h2', r.hrss);
  await settle();
  r.reads[1]!.answer(r.skills);
  await settle();
  t.equal(r.call.offeredTo, r.hrss);
  t.equal(r.call.agentLeg, 'leg-h2');
});

t.test('the caller hangs up while the skills are read: the leg is declined, nobody is offered a gone call', async (t) => {
  const r = await hrssCaller(t);
  r.ring('leg-h', r.hrss);
  await settle();
  r.center.channelGone('caller', 'hangup');
  await settle();
  t.equal(r.center.live.get(r.call.callId), undefined, 'the call ended');
  r.reads[0]!.answer(r.skills);
  await settle();
  t.ok(r.asterisk.ops.includes('hangup leg-h busy'), 'the leg declined');
  t.equal(r.center.ctx.agents.view(r.hrss).state, 'available');
  t.same(r.pops, []);
  t.equal(r.offered(), 0);
});

t.test('the agent pauses while the skills are read: the leg is declined', async (t) => {
  const r = await hrssCaller(t);
  r.ring('leg-h', r.hrss);
  await settle();
  await r.center.ctx.agents.pause(r.hrss, '小休');
  r.reads[0]!.answer(r.skills);
  await settle();
  t.ok(r.asterisk.ops.includes('hangup leg-h busy'));
  t.equal(r.call.offeredTo, null);
  t.equal(r.center.ctx.agents.view(r.hrss).state, 'paused');
  t.same(r.pops, []);
});

t.test('a lead sends the caller to the rung agent while the skills are read: a direct ring is never declined for skill', async (t) => {
  const r = await hrssCaller(t);
  r.ring('direct-leg', r.general);
  await settle();
  r.center.live.directTo(r.call, r.general);
  r.center.live.ringingDirectly(r.call, 'direct-1');
  r.reads[0]!.answer(r.skills);
  await settle();
  t.notOk(r.asterisk.ops.includes('hangup direct-leg busy'), 'not declined although the hrss agent is in');
  t.equal(r.call.offeredTo, r.general);
  t.same(r.pops, [r.general]);
});

t.test('a read that fails offers the call: skills order offers, never lose one', async (t) => {
  const r = await hrssCaller(t);
  r.ring('leg-g', r.general);
  await settle();
  r.reads[0]!.fail(new Error('connection terminated'));
  await settle();
  t.equal(r.call.offeredTo, r.general, 'offered to the general agent');
  t.same(r.pops, [r.general]);
});
