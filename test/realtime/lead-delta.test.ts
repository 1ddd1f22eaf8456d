/** The lead page's queue state: snapshots and deltas applied in app_queue order (pure function). */
import t from 'tap';
import type { AgentView, WaitingCaller } from '../../src/contract/index.js';
import { applyDelta } from '../../src/web/lead/useLeadSocket.js';

const caller = (callId: string, priority: number, enteredAt: number): WaitingCaller => ({
  callId,
  callerNumber: `1380000${callId}`,
  hotline: { number: '12345', name: { zh: '市政府阳光热线', en: 'Hotline' }, skill: 'general' },
  enteredAt,
  priority,
  offeredTo: null,
  stage: 'queue',
});
const agent = (agentId: number, displayName: string, state: AgentView['state'] = 'available'): AgentView => ({
  agentId,
  displayName,
  state,
  since: 1,
  pauseReason: null,
  callId: null,
  penalty: 0,
});

t.test('callers in app_queue order: higher priority first, then who came first', async (t) => {
  let s = applyDelta({ waiting: [], agents: [] }, { at: 1, upsertWaiting: [caller('a', 0, 100), caller('b', 0, 50), caller('c', 10, 200)] });
  t.same(
    s.waiting.map((w) => w.callId),
    ['c', 'b', 'a'],
  );
  s = applyDelta(s, { at: 2, upsertWaiting: [{ ...caller('a', 50, 100), offeredTo: 7 }] });
  t.same(
    s.waiting.map((w) => w.callId),
    ['a', 'c', 'b'],
    'a raised priority moves up',
  );
  t.equal(s.waiting[0]!.offeredTo, 7, 'the upsert replaces the old view');
  s = applyDelta(s, { at: 3, removeWaiting: ['c', 'unknown'] });
  t.same(
    s.waiting.map((w) => w.callId),
    ['a', 'b'],
  );
});

t.test('agents upserted by id and sorted by name; a logged-out agent leaves the list', async (t) => {
  let s = applyDelta({ waiting: [], agents: [] }, { at: 1, agents: [agent(2, 'Bob'), agent(1, 'Alice'), agent(3, 'Alice')] });
  t.same(
    s.agents.map((a) => a.agentId),
    [1, 3, 2],
    'by name, then id',
  );
  s = applyDelta(s, { at: 2, agents: [agent(1, 'Alice', 'paused')] });
  t.equal(s.agents.find((a) => a.agentId === 1)?.state, 'paused');
  t.equal(s.agents.length, 3, 'no duplicate');
  s = applyDelta(s, { at: 3, agents: [agent(2, 'Bob', 'logged_out')] });
  t.same(
    s.agents.map((a) => a.agentId),
    [1, 3],
  );
  t.same(s.waiting, [], 'callers untouched');
});
