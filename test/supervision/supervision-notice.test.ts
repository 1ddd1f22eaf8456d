/**
 * The agent's "a shift lead is listening" notice (config/recording.yaml supervision.notifyAgent)
 * follows the agent's console across reconnects: a socket that connects (or syncs) while a lead
 * supervises the agent's call is told at once, and one that connects after the supervision ended
 * while it was away is told the call is no longer monitored (its page may still show the notice).
 * Real socket.io server and clients, the supervisor with fakes for Asterisk and the lead's audio.
 */
import t, { type Test } from 'tap';
import { pop, rig as realtimeRig, view } from '../realtime/fixtures.js';
import { rig as supervisionRig } from './fakes.js';

type Notice = { callId: string; monitored: boolean };

async function setup(t: Test, notifyAgent: boolean) {
  const sv = supervisionRig({ notifyAgent });
  const r = await realtimeRig(t, { realtime: { supervision: sv.s } });
  const agent = await r.user('agent');
  // The fake supervised calls belong to agent 7; make the real agent the one on call-1.
  sv.calls.set('call-1', { agentId: agent.id, channelId: 'em-agent-1' });
  r.commands.views.set(agent.id, { ...view(agent.id, 'on_call'), callId: 'call-1' });
  r.commands.talking.set(agent.id, pop('call-1'));
  return { sv, r, agent };
}

t.test('a console that connects mid-supervision is told it is being listened to; sync tells it again', async (t) => {
  const { sv, r, agent } = await setup(t, true);
  const first = await r.connect(agent.token);
  t.same(await first.nth<Notice>('supervision:monitored'), { callId: 'call-1', monitored: false }, 'on connect: nobody listens yet');
  await sv.s.start({ userId: 3, socketId: 'lead-tab' }, { callId: 'call-1', mode: 'listen' });
  t.same(await first.nth<Notice>('supervision:monitored', 2), { callId: 'call-1', monitored: true }, 'the open console is told when it starts');

  // The console reconnects (a new socket: network change, reload) while the lead still listens.
  first.client.disconnect();
  const again = await r.connect(agent.token);
  t.same(await again.nth<Notice>('supervision:monitored'), { callId: 'call-1', monitored: true }, 'the reconnected console is told at once');
  t.same(await again.ask('sync'), { ok: true });
  t.same(await again.nth<Notice>('supervision:monitored', 2), { callId: 'call-1', monitored: true }, 'and again on sync');
});

t.test('a console that was away when the supervision ended is told the call is no longer monitored', async (t) => {
  const { sv, r, agent } = await setup(t, true);
  const first = await r.connect(agent.token);
  await sv.s.start({ userId: 3, socketId: 'lead-tab' }, { callId: 'call-1', mode: 'listen' });
  await first.nth('supervision:monitored', 2);
  first.client.disconnect();
  await sv.s.stop('lead-tab');
  const again = await r.connect(agent.token);
  t.same(await again.nth<Notice>('supervision:monitored'), { callId: 'call-1', monitored: false });
});

t.test('notifyAgent false: a connecting console is never told it is listened to', async (t) => {
  const { sv, r, agent } = await setup(t, false);
  await sv.s.start({ userId: 3, socketId: 'lead-tab' }, { callId: 'call-1', mode: 'barge' });
  const s = await r.connect(agent.token);
  t.same(await s.ask('sync'), { ok: true });
  t.notOk(
    s.received.some((e) => e.event === 'supervision:monitored' && (e.payload as Notice).monitored),
    'no monitored: true',
  );
  t.same(sv.agentSignals, []);
});

t.test('an agent without a call in progress and a shift lead get no notice', async (t) => {
  const { sv, r, agent } = await setup(t, true);
  r.commands.talking.delete(agent.id);
  const lead = await r.user('shift_lead');
  const l = await r.connect(lead.token);
  const a = await r.connect(agent.token);
  t.same(await a.ask('sync'), { ok: true });
  t.same(await l.ask('sync'), { ok: true });
  t.equal(a.count('supervision:monitored') + l.count('supervision:monitored'), 0);
  t.same(sv.agentSignals, []);
});
