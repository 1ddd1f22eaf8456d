/**
 * AMI's QueueCallerJoin and ARI's agent-leg StasisStart come on different connections, and with
 * the call id in the leg's Stasis arguments the offer often wins: the call's event log still says
 * queued before offered, once per join, and a caller withdrawn for a chosen agent records its new
 * join when it goes back to the queue.
 */
import t from 'tap';
import { fakeCallCenter } from '../helpers/fake-call-center.js';

const events = (sql: { prepare(s: string): { all(...a: unknown[]): unknown[] } }, callId: string) =>
  (sql.prepare('select type from call_events where call_id = ? order by id').all(callId) as { type: string }[]).map((e) => e.type);

async function waitingCaller(t: Parameters<typeof fakeCallCenter>[0]) {
  const r = await fakeCallCenter(t);
  const agent = await r.users.create({ username: 'agent7', displayName: 'agent 7', role: 'agent', password: 'pw-123456' });
  await r.center.ctx.agents.login(agent.id, 'agent 7', 0);
  r.center.inbound({ channelId: 'caller', callerNumber: '13900001111', callerName: '', dialled: '12345' });
  const call = r.center.live.byCallerChannel('caller')!;
  // The front door greets and sends the caller on (fake switchboard: at once).
  for (let i = 0; i < 50 && !r.asterisk.ops.some((o) => o.startsWith('queue caller')); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return { ...r, call, agentId: agent.id };
}

t.test('the offer before the join: queued is recorded first, and the late join adds nothing', async (t) => {
  const r = await waitingCaller(t);
  r.center.agentLeg({ channelId: 'leg-1', agentId: r.agentId, callId: r.call.callId, callerChannelId: 'caller', at: Date.now() });
  await new Promise((resolve) => setTimeout(resolve, 20));
  r.center.queueJoined('caller');
  t.same(events(r.sql, r.call.callId), ['entered', 'greeted', 'queued', 'offered']);
  t.equal(r.call.state, 'offered');
});

t.test('the join before the offer: one queued event', async (t) => {
  const r = await waitingCaller(t);
  r.center.queueJoined('caller');
  r.center.agentLeg({ channelId: 'leg-1', agentId: r.agentId, callId: r.call.callId, callerChannelId: 'caller', at: Date.now() });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(events(r.sql, r.call.callId), ['entered', 'greeted', 'queued', 'offered']);
});

t.test('a caller being withdrawn for a chosen agent: app_queue ringing that agent is declined (no pop); the direct leg is offered', async (t) => {
  const r = await waitingCaller(t);
  r.center.queueJoined('caller');
  r.center.live.directTo(r.call, r.agentId); // the lead sent the caller to this agent; the withdrawal is under way
  r.center.agentLeg({ channelId: 'queue-leg', agentId: r.agentId, callId: r.call.callId, callerChannelId: 'caller', at: Date.now() });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(r.asterisk.ops.includes('hangup queue-leg busy'), "app_queue's leg declined");
  t.equal(r.call.offeredTo, null, 'not offered');
  t.notOk(events(r.sql, r.call.callId).includes('offered'));
  // The caller is back in Stasis: the next leg for the chosen agent is ours.
  r.center.live.ringingDirectly(r.call, 'direct-1');
  r.center.agentLeg({ channelId: 'direct-leg', agentId: r.agentId, callId: r.call.callId, callerChannelId: 'caller', at: Date.now() });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(r.call.offeredTo, r.agentId, 'the direct leg is offered');
  t.notOk(r.asterisk.ops.includes('hangup direct-leg busy'));
});
