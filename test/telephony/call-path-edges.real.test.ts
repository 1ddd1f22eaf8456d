/**
 * The call path's edges against a real Asterisk + sipp: abandoned callers leave missed-call
 * orders; paused and logged-out agents are never offered a call; a rejected offer goes to the
 * next agent.
 */
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import type { ScreenPop } from '../../src/contract/index.js';

t.test('a caller who hangs up while waiting leaves an abandoned call and a missed-call order', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const lead = await consoleFor(t, app, 'lead-b', 'shift_lead');
  const gone = next(lead.socket, 'queue:delta', (d) => (d.removeWaiting?.length ?? 0) > 0);
  // Nobody is logged in: the caller hears the greeting (~3.4 s), waits, then gives up.
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13700001111', holdMs: 6000 });
  const result = await call.done;
  t.equal(result.outcome, 'answered', 'the front door answered (greeting + queue), then the caller hung up');
  await gone;
  const row = await until(
    'call ended',
    () => app.db.sqlite.prepare("select * from calls where caller_phone = '13700001111' and state = 'ended'").get() as Record<string, unknown> | undefined,
  );
  t.equal(row['outcome'], 'abandoned');
  const types = (app.db.sqlite.prepare('select type from call_events where call_id = ? order by id').all(row['id']) as { type: string }[]).map((r) => r.type);
  t.same(types, ['entered', 'greeted', 'queued', 'abandoned']);
  const order = app.db.sqlite.prepare('select * from work_orders where call_id = ?').get(row['id']) as Record<string, unknown>;
  t.equal(order['status'], 'missed_call');
  t.equal(order['callback_due'], 1, 'the missed call carries a callback duty');
  const history = app.db.sqlite
    .prepare('select action, from_status, to_status from work_order_events where order_id = ? order by id')
    .all(order['id']) as Record<string, unknown>[];
  t.same(history, [
    { action: 'create', from_status: null, to_status: 'draft' },
    { action: 'abandon', from_status: 'draft', to_status: 'missed_call' },
  ]);

  // The same citizen calls again: the screen-pop shows the earlier call and the open missed-call order.
  const agent = await consoleFor(t, app, 'agent-b', 'agent');
  await command(agent.socket, 'agent:login', {});
  const offered = next(agent.socket, 'call:offered');
  const again = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13700001111', holdMs: 20_000 });
  t.teardown(() => again.kill());
  const pop = (await offered) as ScreenPop;
  t.equal(pop.caller?.callCount, 2);
  t.equal(pop.recentCalls[0]?.outcome, 'abandoned');
  t.equal(pop.openOrders[0]?.status, 'missed_call');
  await command(agent.socket, 'call:reject', { callId: pop.callId });
});

t.test('paused and logged-out agents are never offered; a rejected offer goes on to the next agent', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const paused = await consoleFor(t, app, 'agent-paused', 'agent');
  const absent = await consoleFor(t, app, 'agent-absent', 'agent');
  const ready = await consoleFor(t, app, 'agent-ready', 'agent');
  await command(paused.socket, 'agent:login', {});
  await command(paused.socket, 'agent:pause', { reason: '培训' });
  await command(absent.socket, 'agent:login', {});
  await command(absent.socket, 'agent:logout');
  const members = await asterisk.cli('queue show 12345');
  t.match(members, /agent-paused.*paused/i, 'app_queue knows the pause');

  const wrongOffers: string[] = [];
  paused.socket.on('call:offered', (p) => wrongOffers.push(`paused:${p.callId}`));
  absent.socket.on('call:offered', (p) => wrongOffers.push(`absent:${p.callId}`));

  // Only the paused and the absent agent are members or former members: the caller waits.
  const call = placeCall({ sip: asterisk.sip, number: '12328', callerId: '13600002222', holdMs: 30_000 });
  t.teardown(() => call.kill());
  await until('caller queued', () => app.db.sqlite.prepare("select 1 x from calls where caller_phone = '13600002222' and state = 'queued'").get());
  await new Promise((r) => setTimeout(r, 3000)); // several app_queue ring cycles (retry = 2 s)
  t.same(wrongOffers, [], 'nobody paused or logged out was offered the call');

  // The shift lead raises the waiting caller's priority.
  const lead = await consoleFor(t, app, 'lead-p', 'shift_lead');
  const snap = await command<{ waiting: { callId: string; priority: number }[] }>(lead.socket, 'sync').then(() => app.calls.commands.queueSnapshot());
  const waiting = snap.waiting[0]!;
  await command(lead.socket, 'lead:set_priority', { callId: waiting.callId, priority: 7 });
  t.match(await asterisk.cli('queue show 12345'), /prio: 7/, 'app_queue has the new priority');
  t.equal(app.calls.commands.queueSnapshot().waiting[0]?.priority, 7);

  // The ready agent logs in and gets it; rejects; the paused agent comes back and gets it.
  const first = next(ready.socket, 'call:offered');
  await command(ready.socket, 'agent:login', {});
  const pop = (await first) as ScreenPop;
  t.equal(pop.hotline.number, '12328');
  const secondOffer = next(paused.socket, 'call:offered');
  await command(ready.socket, 'agent:pause', { reason: '小休' }); // a paused agent's offer is declined too
  await command(paused.socket, 'agent:unpause');
  wrongOffers.length = 0;
  const pop2 = (await secondOffer) as ScreenPop;
  t.equal(pop2.callId, pop.callId, 'the same caller is offered to the agent who came back');
  const events = (app.db.sqlite.prepare('select type from call_events where call_id = ? order by id').all(pop.callId) as { type: string }[]).map((r) => r.type);
  t.same(events.filter((e) => e === 'offered').length, 2);
});

t.test('a shift lead sends a waiting caller to a chosen agent', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const first = await consoleFor(t, app, 'agent-first', 'agent');
  const chosen = await consoleFor(t, app, 'agent-chosen', 'agent');
  const lead = await consoleFor(t, app, 'lead-w', 'shift_lead');
  await command(first.socket, 'agent:login', { penalty: 0 });
  await command(chosen.socket, 'agent:login', { penalty: 1 }); // app_queue tries the first agent first

  const toFirst = next(first.socket, 'call:offered');
  const call = placeCall({ sip: asterisk.sip, number: '12330', callerId: '13200006666', holdMs: 30_000 });
  t.teardown(() => call.kill());
  const pop = (await toFirst) as ScreenPop;

  const firstFreed = next(first.socket, 'agent:state', (a) => a.state === 'available');
  const toChosen = next(chosen.socket, 'call:offered');
  const refused = await command(lead.socket, 'lead:withdraw', { callId: pop.callId, agentId: first.id + 1000 }).catch((e: { code: string }) => e.code);
  t.equal(refused, 'AGENT_NOT_AVAILABLE', 'an unknown (logged-out) agent cannot be chosen');
  await command(lead.socket, 'lead:withdraw', { callId: pop.callId, agentId: chosen.id });
  await firstFreed;
  const pop2 = (await toChosen) as ScreenPop;
  t.equal(pop2.callId, pop.callId, 'the chosen agent is offered the same call');
  t.equal(pop2.hotline.number, '12330');

  await command(chosen.socket, 'call:answer', { callId: pop.callId });
  const row = app.db.sqlite.prepare('select agent_id, state from calls where id = ?').get(pop.callId) as Record<string, unknown>;
  t.same(row, { agent_id: chosen.id, state: 'answered' });
  const callerChannel = (app.db.sqlite.prepare('select channel_id from calls where id = ?').get(pop.callId) as { channel_id: string }).channel_id;
  await until('caller bridged with the direct leg', async () => {
    const auth = `Basic ${Buffer.from(`${asterisk.ari.username}:${asterisk.ari.password}`).toString('base64')}`;
    const bridges = (await (await fetch(`${asterisk.ari.url}/ari/bridges`, { headers: { authorization: auth } })).json()) as { channels: string[] }[];
    return bridges.some((b) => b.channels.length === 2 && b.channels.includes(callerChannel));
  });
  const types = (app.db.sqlite.prepare('select type from call_events where call_id = ? order by id').all(pop.callId) as { type: string }[]).map((r) => r.type);
  t.same(types, ['entered', 'greeted', 'queued', 'offered', 'withdrawn', 'offered', 'answered']);

  const wrap = next(chosen.socket, 'agent:state', (a) => a.state === 'wrap_up');
  call.kill();
  await asterisk.cli('channel request hangup all');
  await wrap;
});
