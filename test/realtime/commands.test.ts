import Database from 'better-sqlite3';
import t from 'tap';
import { CallError } from '../../src/calls/errors.js';
import { TelephonyError } from '../../src/telephony/errors.js';
import { rig } from './fixtures.js';

t.test('agents act for themselves through one command per event, acked with its result', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent', 'zhang');
  const s = await r.connect(agent.token);
  const login = await s.ask('agent:login', { penalty: 2 });
  t.match(login, { ok: true, data: { agentId: agent.id, state: 'available' } });
  t.match(await s.ask('agent:login'), { ok: true }, 'the login payload is optional');
  t.match(await s.ask('agent:pause', { reason: ' lunch ' }), { ok: true, data: { state: 'paused', pauseReason: 'lunch' } });
  t.same(await s.ask('agent:unpause'), { ok: true, data: await r.commands.agentUnpause(agent.id) });
  t.same(await s.ask('call:answer', { callId: 'c1' }), { ok: true });
  t.same(await s.ask('call:reject', { callId: 'c2' }), { ok: true });
  t.match(await s.ask('agent:wrapup_done'), { ok: true });
  t.match(await s.ask('agent:logout'), { ok: true, data: { state: 'logged_out' } });
  t.same(r.commands.calls, [
    ['agentLogin', agent.id, 'zhang', { penalty: 2 }],
    ['agentLogin', agent.id, 'zhang', {}],
    ['agentPause', agent.id, 'lunch'],
    ['agentUnpause', agent.id],
    ['agentUnpause', agent.id],
    ['answer', agent.id, 'c1'],
    ['reject', agent.id, 'c2'],
    ['wrapUpDone', agent.id],
    ['agentLogout', agent.id],
  ]);
});

t.test('leads act on any agent and call', async (t) => {
  const r = await rig(t);
  const lead = await r.user('shift_lead');
  const s = await r.connect(lead.token);
  t.match(await s.ask('lead:pause_agent', { agentId: 7, reason: 'meeting' }), { ok: true, data: { agentId: 7, state: 'paused' } });
  t.match(await s.ask('lead:unpause_agent', { agentId: 7 }), { ok: true, data: { agentId: 7 } });
  t.match(await s.ask('lead:logout_agent', { agentId: 7 }), { ok: true, data: { state: 'logged_out' } });
  t.same(await s.ask('lead:set_priority', { callId: 'c1', priority: 10 }), { ok: true });
  t.same(await s.ask('lead:withdraw', { callId: 'c1', agentId: 7 }), { ok: true });
  t.same(r.commands.calls, [
    ['agentPause', 7, 'meeting'],
    ['agentUnpause', 7],
    ['agentLogout', 7],
    ['setPriority', 'c1', 10],
    ['withdraw', 'c1', 7],
  ]);
});

t.test('roles: agents may not use lead:*, leads and admins may not take calls', async (t) => {
  const r = await rig(t);
  const agent = await r.connect((await r.user('agent')).token);
  const lead = await r.connect((await r.user('shift_lead')).token);
  const admin = await r.connect((await r.user('admin')).token);
  const forbidden = { ok: false, error: { code: 'FORBIDDEN', message: 'not allowed for your role' } };
  t.same(await agent.ask('lead:pause_agent', { agentId: 1, reason: 'x' }), forbidden);
  t.same(await agent.ask('lead:withdraw', { callId: 'c', agentId: 1 }), forbidden);
  t.same(await lead.ask('call:answer', { callId: 'c1' }), forbidden);
  t.same(await lead.ask('agent:login', {}), forbidden);
  t.same(await admin.ask('agent:pause', { reason: 'x' }), forbidden);
  t.same(r.commands.calls, [], 'no command ran');
});

t.test('invalid payloads are refused with VALIDATION_FAILED before any command runs', async (t) => {
  const r = await rig(t);
  const agent = await r.connect((await r.user('agent')).token);
  const lead = await r.connect((await r.user('shift_lead')).token);
  for (const [s, event, payload] of [
    [agent, 'call:answer', { callId: '' }],
    [agent, 'call:answer', 'c1'],
    [agent, 'agent:pause', { reason: '   ' }],
    [agent, 'agent:login', { penalty: 99 }],
    [lead, 'lead:set_priority', { callId: 'c1', priority: 'high' }],
    [lead, 'lead:withdraw', { callId: 'c1' }],
    [lead, 'lead:unpause_agent', { agentId: -1 }],
  ] as const) {
    const res = await s.ask(event, payload);
    t.match(res, { ok: false, error: { code: 'VALIDATION_FAILED', message: /invalid/ } }, `${event} ${JSON.stringify(payload)}`);
  }
  t.match(await agent.ask('call:answer'), { ok: false, error: { code: 'VALIDATION_FAILED' } }, 'missing payload');
  t.same(r.commands.calls, []);
});

t.test('command errors: fixed codes pass through, anything else is INTERNAL', async (t) => {
  const r = await rig(t);
  const s = await r.connect((await r.user('agent')).token);
  r.commands.failures['answer'] = new CallError('CALL_NOT_FOUND', 'no such call');
  t.same(await s.ask('call:answer', { callId: 'gone' }), { ok: false, error: { code: 'CALL_NOT_FOUND', message: 'no such call' } });
  r.commands.failures['reject'] = new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'internal words the client never sees' });
  t.same(await s.ask('call:reject', { callId: 'c' }), { ok: false, error: { code: 'ASTERISK_UNAVAILABLE', message: 'the telephony server is unavailable' } });
  r.commands.failures['agentLogout'] = new TypeError('cannot read properties of undefined (secret internals)');
  t.same(await s.ask('agent:logout'), { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  r.commands.failures['wrapUpDone'] = 'a thrown string';
  t.same(await s.ask('agent:wrapup_done'), { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
});

t.test('events without an ack callback do not crash the server', async (t) => {
  const r = await rig(t);
  const s = await r.connect((await r.user('agent')).token);
  r.commands.failures['reject'] = new CallError('CALL_NOT_FOUND', 'no such call');
  const loose = s.client as unknown as { emit(e: string, ...a: unknown[]): void };
  loose.emit('call:answer', { callId: 'c1' });
  loose.emit('call:reject', { callId: 'c2' });
  loose.emit('call:answer', { callId: '' });
  loose.emit('lead:withdraw', { callId: 'c', agentId: 1 });
  loose.emit('sync');
  loose.emit('no:such_event', 1);
  t.same(await s.ask('sync'), { ok: true }, 'still serving');
  t.same(
    r.commands.calls.map((c) => c[0]),
    ['answer', 'reject'],
  );
  t.ok(s.client.connected);
});

t.test('a socket whose session ended (logout) is disconnected at once', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const s = await r.connect(agent.token);
  const gone = new Promise<string>((resolve) => s.client.once('disconnect', resolve));
  await r.app.users.logout(agent.token);
  t.equal(await gone, 'io server disconnect');
  t.same(r.commands.calls, []);
});

t.test('a socket whose session ended elsewhere (another process) is refused at its next command, before the timer', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const s = await r.connect(agent.token);
  const gone = new Promise<string>((resolve) => s.client.once('disconnect', resolve));
  const other = new Database(r.app.env.dbFile);
  other.prepare('delete from sessions').run();
  other.close();
  t.match(await s.ask('call:answer', { callId: 'c1' }), { ok: false, error: { code: 'UNAUTHENTICATED' } });
  t.equal(await gone, 'io server disconnect');
  t.same(r.commands.calls, []);
});
