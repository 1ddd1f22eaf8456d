import t from 'tap';
import type { AgentView, CallOrderUpdate, LeadUpdate, QueueSnapshot, ScreenPop } from '../../src/contract/index.js';
import { pop, rig, view } from './fixtures.js';

t.test('connections without a valid session or with a non-console role are refused', async (t) => {
  const r = await rig(t);
  t.equal(await r.refused(null), 'UNAUTHENTICATED', 'no cookie');
  t.equal(await r.refused('not-a-real-token'), 'UNAUTHENTICATED', 'unknown token');
  const citizen = await r.user('citizen');
  t.equal(await r.refused(citizen.token), 'FORBIDDEN', 'citizen');
  const handler = await r.user('unit_handler');
  t.equal(await r.refused(handler.token), 'FORBIDDEN', 'unit handler without a unit');
  const admin = await r.user('admin');
  const ok = await r.connect(admin.token);
  t.ok(ok.client.connected, 'admin may connect');
});

t.test('a browser handshake from a foreign origin is refused (cross-site websocket hijacking)', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  t.ok(await r.refused(agent.token, { origin: 'https://evil.example' }), 'foreign origin refused');
  const same = await r.connect(agent.token, { headers: { origin: r.url } });
  t.ok(same.client.connected, 'same origin accepted');
});

t.test('an agent gets status, its state and the ringing call on connect; sync re-sends them', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  r.commands.views.set(agent.id, view(agent.id, 'ringing'));
  r.commands.offers.set(agent.id, pop('call-1'));
  r.commands.up = false;
  const s = await r.connect(agent.token);
  t.match(await s.nth('system:status'), { telephony: 'down', at: Number });
  t.equal((await s.nth<AgentView>('agent:state')).state, 'ringing');
  t.equal((await s.nth<ScreenPop>('call:offered')).callId, 'call-1');
  t.same(await s.ask('sync'), { ok: true });
  t.equal((await s.nth<AgentView>('agent:state', 2)).agentId, agent.id);
  t.equal((await s.nth<ScreenPop>('call:offered', 2)).callId, 'call-1');
  t.equal(s.count('queue:snapshot'), 0, 'agents get no queue snapshot');
});

t.test('an agent connecting mid-call (a reloaded page) gets the call back: its pop, then that it is answered', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  r.commands.views.set(agent.id, view(agent.id, 'on_call'));
  r.commands.talking.set(agent.id, pop('call-2'));
  const s = await r.connect(agent.token);
  t.equal((await s.nth<ScreenPop>('call:offered')).callId, 'call-2');
  t.match(await s.nth<{ callId: string; state: string }>('call:update'), { callId: 'call-2', state: 'answered', agentId: agent.id });
});

t.test("an agent's consoles opening and closing are reported (presence); a lead's are not", async (t) => {
  const r = await rig(t);
  const [agent, lead] = [await r.user('agent'), await r.user('shift_lead')];
  const a = await r.connect(agent.token);
  const l = await r.connect(lead.token);
  t.same(r.commands.presence, [['connected', agent.id]]);
  a.client.disconnect();
  l.client.disconnect();
  const deadline = Date.now() + 5000;
  while (r.commands.presence.length < 2 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  t.same(r.commands.presence, [
    ['connected', agent.id],
    ['closed', agent.id],
  ]);
});

t.test('domain events reach only the right agent; leads get deltas, agents do not', async (t) => {
  const r = await rig(t);
  const [a1, a2, lead] = [await r.user('agent'), await r.user('agent'), await r.user('shift_lead')];
  const s1 = await r.connect(a1.token);
  const s2 = await r.connect(a2.token);
  const sl = await r.connect(lead.token);
  t.same(await sl.nth<QueueSnapshot>('queue:snapshot'), { ...r.commands.snapshot, seq: 0 }, 'lead gets the snapshot on connect, numbered before any update');
  t.equal(sl.count('agent:state'), 0, 'a lead has no agent state');

  r.events.emit('call.offered', a1.id, pop('call-7'));
  r.events.emit('agent.state_changed', view(a1.id, 'ringing'));
  const late: CallOrderUpdate = {
    callId: 'call-7',
    orderId: 42,
    orderNumber: 'HZ-20261207-000042',
    written: true,
    caller: null,
    recentCalls: [],
    openOrders: [],
  };
  r.events.emit('call.order', a1.id, late);
  r.events.emit('call.updated', { callId: 'call-7', state: 'answered', agentId: a1.id, at: 5 });
  r.events.emit('call.updated', { callId: 'call-8', state: 'ended', agentId: null, at: 6, reason: 'abandoned' });
  r.events.emit('queue.changed', { at: 7, removeWaiting: ['call-8'] });

  t.equal((await s1.nth<ScreenPop>('call:offered')).callId, 'call-7');
  t.equal((await s1.nth<AgentView>('agent:state', 2)).state, 'ringing');
  t.equal((await s1.nth<{ callId: string }>('call:update')).callId, 'call-7');
  t.same(await s1.nth<CallOrderUpdate>('call:order'), late, "the pop's late order");
  t.same(
    await sl.nth<LeadUpdate>('queue:delta'),
    { seq: 1, at: (await sl.nth<LeadUpdate>('queue:delta')).at, agents: [view(a1.id, 'ringing')] },
    'lead sees the agent change',
  );
  // Leads get no call:update: an ended call (here one nobody answered) comes in the update, for its controls.
  t.same(await sl.nth<LeadUpdate>('queue:delta', 2), { seq: 2, at: 6, endedCalls: ['call-8'] });
  t.same(await sl.nth<LeadUpdate>('queue:delta', 3), { seq: 3, at: 7, removeWaiting: ['call-8'] });

  // Barriers: an acked round trip on each socket comes after anything already sent to it.
  await s1.ask('sync');
  await s2.ask('sync');
  await sl.ask('sync');
  t.equal(sl.count('call:update'), 0, 'leads get no call:update (SUNLINE_LEAD_UPDATE_MS 0: one update per change)');
  t.equal(sl.count('queue:delta'), 3);
  t.equal(s1.count('call:update'), 1, 'the agent does not get calls of nobody');
  t.equal(s1.count('queue:delta'), 0, 'agents get no queue deltas');
  t.equal(s2.count('call:offered'), 0, 'the other agent does not get the screen-pop');
  t.equal(s2.count('call:update'), 0);
  t.equal(s2.count('call:order'), 0, "the other agent does not get the pop's order");
  t.equal(sl.count('call:order'), 0, "leads do not get the pop's order");
  t.equal(s1.count('call:order'), 1);
  t.equal(s2.count('agent:state'), 2, 'the other agent only got its own state (connect + sync)');
});

t.test('telephony coming back sends status to all and fresh snapshots to leads and agents', async (t) => {
  const r = await rig(t);
  const [agent, lead] = [await r.user('agent'), await r.user('admin')];
  const sa = await r.connect(agent.token);
  const twin = await r.connect(agent.token); // the same agent in a second tab
  const sl = await r.connect(lead.token);
  await sl.nth('queue:snapshot');

  r.events.emit('telephony.status', { telephony: 'down', at: 10 });
  t.same(await sa.nth('system:status', 2), { telephony: 'down', at: 10 });
  t.same(await sl.nth('system:status', 2), { telephony: 'down', at: 10 });
  await sl.ask('sync');
  t.equal(sl.count('queue:snapshot'), 2, 'down: only the sync snapshot, no resync');

  r.commands.snapshot = { at: 99, waiting: [], agents: [view(agent.id, 'available')] };
  r.commands.views.set(agent.id, view(agent.id, 'paused'));
  r.events.emit('telephony.status', { telephony: 'up', at: 11 });
  t.same(await sl.nth('system:status', 4), { telephony: 'up', at: 11 }, 'after connect, down and sync');
  t.equal((await sl.nth<QueueSnapshot>('queue:snapshot', 3)).at, 99, 'fresh snapshot to leads');
  t.equal((await sa.nth<AgentView>('agent:state', 2)).state, 'paused', 'fresh state to the agent');
  t.equal((await twin.nth<AgentView>('agent:state', 2)).state, 'paused', 'and to its second tab');
  await sa.ask('sync');
  t.equal(sa.count('queue:snapshot'), 0, 'agents still get no queue snapshot');
});

t.test('after a reconnect the console gets a fresh snapshot', async (t) => {
  const r = await rig(t);
  const lead = await r.user('shift_lead');
  const s = await r.connect(lead.token, { reconnection: true });
  t.equal((await s.nth<QueueSnapshot>('queue:snapshot')).at, 1);
  r.commands.snapshot = { at: 2, waiting: [], agents: [] };
  const reconnected = new Promise<void>((resolve) => s.client.io.once('reconnect', () => resolve()));
  s.client.io.engine.close(); // the network drops: socket.io-client reconnects by itself
  await reconnected;
  t.equal((await s.nth<QueueSnapshot>('queue:snapshot', 2)).at, 2);
  t.equal(s.count('system:status'), 2);
});

t.test('close disconnects every console but leaves the HTTP server to Fastify', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const s = await r.connect(agent.token);
  const gone = new Promise<string>((resolve) => s.client.once('disconnect', resolve));
  await Promise.all([r.rt.close(), r.rt.close()]);
  t.equal(await gone, 'io server disconnect');
  t.ok(r.app.http.server.listening, 'HTTP server still listening');
  const health = await fetch(`${r.url}/health/live`);
  t.equal(health.status, 200);
  r.events.emit('agent.state_changed', view(agent.id)); // no listener left: nothing to throw
  t.equal(r.events.listenerCount('agent.state_changed'), 0);
});

t.test('a failing snapshot is logged, never thrown into the connection or the publishing service', async (t) => {
  const r = await rig(t);
  const lead = await r.user('shift_lead');
  r.commands.queueSnapshot = () => {
    throw new Error('queue not loaded');
  };
  const s = await r.connect(lead.token);
  t.ok(s.client.connected, 'the connection survives');
  t.doesNotThrow(() => r.events.emit('telephony.status', { telephony: 'up', at: 3 }), 'the publisher is not hit');
  t.same(await s.nth('system:status', 2), { telephony: 'up', at: 3 });
  t.same(await s.ask('sync'), { ok: true });
  t.equal(s.count('queue:snapshot'), 0);
});

t.test('a lead who connects mid-call gets the held / muted state of calls in progress', async (t) => {
  const r = await rig(t);
  const [agent, lead] = [await r.user('agent'), await r.user('shift_lead')];
  r.commands.snapshot = { at: 1, waiting: [], agents: [{ ...view(agent.id, 'on_call'), callId: 'call-9' }, view(agent.id + 100, 'available')] };
  r.commands.controls.set(agent.id, {
    callId: 'call-9',
    agentId: agent.id,
    callerNumber: '13900000009',
    held: true,
    muted: false,
    conference: null,
    transferredTo: null,
    at: 2,
    version: 1,
  });
  const s = await r.connect(lead.token);
  t.equal((await s.nth<QueueSnapshot>('queue:snapshot')).agents.length, 2);
  t.match(await s.nth('call:controls'), { callId: 'call-9', agentId: agent.id, held: true }, 'the held call is sent on connect');
  t.same(await s.ask('sync'), { ok: true });
  t.match(await s.nth('call:controls', 2), { callId: 'call-9', held: true }, 'and again on sync');
  t.equal(s.count('call:controls'), 2, 'only for agents on a call');
});
