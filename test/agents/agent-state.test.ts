import t from 'tap';
import { deviceStateFor, loggedOutView, nextAgentState, type AgentEvent } from '../../src/agents/agent-state.js';
import type { AgentView } from '../../src/contract/index.js';

const T0 = 1_800_000_000_000;
const run = (v: AgentView, ev: AgentEvent, now = T0 + 1000) => {
  const r = nextAgentState(v, ev, now);
  if (!r.ok) throw new Error(r.message);
  return r.next;
};

t.test('a shift: login, offer, answer, call end, wrap-up, pause, logout', async (t) => {
  let a = loggedOutView(7, '坐席七', T0);
  a = run(a, { type: 'login', penalty: 2 });
  t.match(a, { state: 'available', penalty: 2, since: T0 + 1000 });
  a = run(a, { type: 'offer', callId: 'c1' }, T0 + 2000);
  t.match(a, { state: 'ringing', callId: 'c1', since: T0 + 2000 });
  a = run(a, { type: 'answer' }, T0 + 3000);
  t.match(a, { state: 'on_call', callId: 'c1' });
  a = run(a, { type: 'call_ended' }, T0 + 4000);
  t.match(a, { state: 'wrap_up', callId: 'c1' }, 'wrap-up keeps the call for the order form');
  a = run(a, { type: 'wrapup_done' }, T0 + 5000);
  t.match(a, { state: 'available', callId: null });
  a = run(a, { type: 'pause', reason: '午餐' }, T0 + 6000);
  t.match(a, { state: 'paused', pauseReason: '午餐' });
  a = run(a, { type: 'unpause' }, T0 + 7000);
  t.match(a, { state: 'available', pauseReason: null });
  a = run(a, { type: 'logout' }, T0 + 8000);
  t.match(a, { state: 'logged_out', since: T0 + 8000 });
});

t.test('illegal moves are refused with AGENT_STATE_CONFLICT', async (t) => {
  const out = loggedOutView(1, 'a', T0);
  const onCall: AgentView = { ...out, state: 'on_call', callId: 'c' };
  const cases: [AgentView, AgentEvent][] = [
    [out, { type: 'offer', callId: 'c' }],
    [out, { type: 'pause', reason: 'x' }],
    [onCall, { type: 'logout' }],
    [onCall, { type: 'pause', reason: 'x' }],
    [
      { ...out, state: 'paused' },
      { type: 'offer', callId: 'c' },
    ],
    [
      { ...out, state: 'available' },
      { type: 'login', penalty: 0 },
    ],
  ];
  for (const [v, ev] of cases) {
    const r = nextAgentState(v, ev, T0);
    t.equal(r.ok ? 'ok' : r.code, 'AGENT_STATE_CONFLICT', `${ev.type} while ${v.state}`);
  }
});

t.test('device states keep app_queue from ringing busy or absent agents', async (t) => {
  t.same((['logged_out', 'available', 'paused', 'ringing', 'on_call', 'wrap_up'] as const).map(deviceStateFor), [
    'UNAVAILABLE',
    'NOT_INUSE',
    'NOT_INUSE',
    'RINGING',
    'INUSE',
    'BUSY',
  ]);
});
