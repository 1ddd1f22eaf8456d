/**
 * The supervision state logic with fakes (the real crossing: test/browser/supervision.test.ts):
 * which snoop each mode makes, when the lead's microphone is sent, switching without dropping
 * the lead's audio, every way a supervision ends, the audit rows and the agent's notice.
 */
import t from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { rig } from './fakes.js';

const lead = { userId: 3, socketId: 'tab-a' };
const tick = () => new Promise((r) => setImmediate(r));

t.test('listen: a snoop that spies both ways and whispers nothing, the lead muted; audited and the lead told', async (t) => {
  const r = rig();
  const view = await r.s.start(lead, { callId: 'call-1', mode: 'listen' });
  t.same(view, { callId: 'call-1', agentId: 7, mode: 'listen', since: 1000 });
  t.same(r.ops, [
    'bridge supervision-call-1',
    'lead audio tab-a into bridge-1 for call-1',
    'talking false',
    'snoop snoop-2 on em-agent-1 whisper=none into bridge-1',
  ]);
  t.match(r.audit, [{ leadId: 3, action: 'start', callId: 'call-1', agentId: 7, mode: 'listen', reason: null }]);
  t.same(r.leadSignals, [['tab-a', { active: view }]]);
  t.same(r.agentSignals, [], 'the agent is not told when config says not to');
});

t.test('switching modes adds the new snoop before hanging up the old one; the microphone follows the mode', async (t) => {
  const r = rig();
  await r.s.start(lead, { callId: 'call-1', mode: 'listen' });
  r.ops.length = 0;
  t.equal((await r.s.setMode('tab-a', 'whisper')).mode, 'whisper');
  t.same(r.ops, ['snoop snoop-3 on em-agent-1 whisper=out into bridge-1', 'talking true', 'hangup snoop-2'], 'whisper: only the agent hears the lead');
  r.ops.length = 0;
  await r.s.setMode('tab-a', 'barge');
  t.same(r.ops, ['snoop snoop-4 on em-agent-1 whisper=both into bridge-1', 'talking true', 'hangup snoop-3'], 'barge: both hear the lead');
  r.ops.length = 0;
  await r.s.setMode('tab-a', 'listen');
  t.same(r.ops, ['talking false', 'snoop snoop-5 on em-agent-1 whisper=none into bridge-1', 'hangup snoop-4'], 'back to listen: muted first');
  r.ops.length = 0;
  await r.s.setMode('tab-a', 'listen');
  t.same(r.ops, [], 'the same mode again changes nothing');
  // start() on the same call is a mode switch too.
  await r.s.start(lead, { callId: 'call-1', mode: 'barge' });
  t.same(r.legs.length, 1, "the lead's audio was never reopened");
  t.same(
    r.audit.map((a) => `${a.action}:${a.mode}`),
    ['start:listen', 'mode:whisper', 'mode:barge', 'mode:listen', 'mode:barge'],
  );
  r.channelGone('snoop-3');
  await tick();
  t.equal(r.s.active().length, 1, 'the old snoop hanging up does not end it');
});

t.test('ends: lead stop, call end, snoop gone (agent), lead media gone, lead channel gone; each torn down and audited once', async (t) => {
  const cases: Array<[string, (r: ReturnType<typeof rig>) => Promise<void> | void, string]> = [
    ['stop', (r) => r.s.stop('tab-a'), 'lead_stopped'],
    ['call ended', (r) => r.s.callEnded('call-1'), 'call_ended'],
    ['snoop gone, the call still there', (r) => r.channelGone('snoop-2'), 'agent_gone'],
    [
      'snoop gone, the agent tab reconnecting',
      (r) => {
        r.calls.delete('call-1');
        r.waiting.add('call-1');
        r.channelGone('snoop-2');
      },
      'agent_gone',
    ],
    [
      'snoop gone with the call',
      (r) => {
        r.calls.delete('call-1');
        r.channelGone('snoop-2');
      },
      'call_ended',
    ],
    ['lead media gone', (r) => r.legs[0]!.gone(), 'lead_gone'],
    ['lead channel gone', (r) => r.channelGone('em-lead-1'), 'failed'],
  ];
  for (const [name, act, reason] of cases) {
    const r = rig();
    await r.s.start(lead, { callId: 'call-1', mode: 'whisper' });
    r.ops.length = 0;
    await act(r);
    await tick();
    t.same(r.s.active(), [], `${name}: no supervision left`);
    t.ok(r.legs[0]!.closed, `${name}: the lead's audio closed`);
    t.ok(r.ops.includes('hangup snoop-2') && r.ops.includes('destroy bridge-1'), `${name}: snoop hung up, bridge destroyed`);
    t.match(r.audit.at(-1), { action: 'stop', reason, mode: 'whisper' }, `${name}: audited as ${reason}`);
    t.same(r.leadSignals.at(-1), ['tab-a', { active: null, reason }], `${name}: the lead's tab told`);
    await r.s.stop('tab-a');
    r.s.callEnded('call-1');
    t.equal(r.audit.filter((a) => a.action === 'stop').length, 1, `${name}: ended once`);
  }
});

t.test('refusals change nothing: unknown call, no supervision, the agent channel gone while snooping', async (t) => {
  const r = rig();
  await t.rejects(r.s.start(lead, { callId: 'nope', mode: 'listen' }), { code: 'SUPERVISION_CALL_NOT_FOUND' });
  t.same(r.ops, [], 'nothing created for an unknown call');
  await t.rejects(r.s.setMode('tab-a', 'barge'), { code: 'SUPERVISION_NOT_ACTIVE' });
  await r.s.stop('tab-a'); // no-op

  r.failSnoop(Object.assign(new Error('gone'), { code: 'CHANNEL_GONE' }));
  await t.rejects(r.s.start(lead, { callId: 'call-1', mode: 'listen' }), { code: 'SUPERVISION_CALL_NOT_FOUND' });
  t.ok(r.legs[0]!.closed, "the lead's audio opened for it is closed again");
  t.ok(r.ops.includes('destroy bridge-1'), 'and the bridge destroyed');
  t.same(r.audit, [], 'nothing audited: it never started');
  t.same(r.s.active(), []);

  r.failSnoop(null);
  await r.s.start(lead, { callId: 'call-1', mode: 'listen' });
  r.failSnoop(Object.assign(new Error('gone'), { code: 'CHANNEL_GONE' }));
  await t.rejects(r.s.setMode('tab-a', 'barge'), { code: 'SUPERVISION_CALL_NOT_FOUND' });
  t.match(r.audit.at(-1), { action: 'stop', reason: 'agent_gone' }, 'a switch that finds the agent gone ends it');
});

t.test('another call: the current one ends first; the agent is told only when config says so, once per call', async (t) => {
  const r = rig({ notifyAgent: true });
  await r.s.start(lead, { callId: 'call-1', mode: 'listen' });
  await r.s.start({ userId: 4, socketId: 'tab-b' }, { callId: 'call-1', mode: 'listen' });
  t.same(r.agentSignals, [[7, { callId: 'call-1', monitored: true }]], 'told once for two leads');
  await r.s.start(lead, { callId: 'call-2', mode: 'barge' });
  t.match(
    r.audit.map((a) => [a.leadId, a.action, a.callId, a.reason]),
    [
      [3, 'start', 'call-1', null],
      [4, 'start', 'call-1', null],
      [3, 'stop', 'call-1', 'lead_stopped'],
      [3, 'start', 'call-2', null],
    ],
  );
  t.same(r.agentSignals.length, 2, 'agent 7 still monitored by the other lead; agent 8 told');
  r.s.callEnded('call-1');
  await tick();
  t.same(r.agentSignals.slice(1), [
    [8, { callId: 'call-2', monitored: true }],
    [7, { callId: 'call-1', monitored: false }],
  ]);
  t.same(
    r.s.active().map((a) => [a.socketId, a.callId, a.mode]),
    [['tab-a', 'call-2', 'barge']],
  );
});

t.test('the calls a lead can supervise: those with browser audio, every lead told when the set changes, not after close', async (t) => {
  const r = rig();
  t.same(r.s.supervisable(), ['call-1', 'call-2']);
  r.calls.delete('call-2'); // its agent's tab lost its audio
  r.audioChanged();
  t.same(r.supervisableSignals, [['call-1']]);
  r.calls.set('call-3', { agentId: 9, channelId: 'em-agent-3' });
  r.audioChanged();
  t.same(r.supervisableSignals, [['call-1'], ['call-1', 'call-3']]);
  await r.s.close();
  r.audioChanged();
  t.equal(r.supervisableSignals.length, 2, 'a closed service tells nobody');
});

t.test('an audit write that fails later (the database) is logged; the supervision goes on and the lead is told', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'error' }, { write: (l: string) => void lines.push(l) });
  const r = rig({ auditWrite: () => Promise.reject(new Error('disk full')), log });
  const view = await r.s.start(lead, { callId: 'call-1', mode: 'listen' });
  t.same(r.leadSignals, [['tab-a', { active: view }]], 'started and told without waiting for the write');
  await r.s.stop(lead.socketId);
  await tick();
  const failed = lines
    .map((l) => JSON.parse(l) as { msg: string; action: string; err: { message: string } })
    .filter((l) => l.msg === 'supervision audit write failed');
  t.same(
    failed.map((l) => [l.action, l.err.message]),
    [
      ['start', 'disk full'],
      ['stop', 'disk full'],
    ],
    'each failed write logged once, none left as an unhandled rejection',
  );
});
