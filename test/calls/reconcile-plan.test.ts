/**
 * planReconcile, case by case: what reconciliation does with each channel of one Asterisk
 * snapshot, given what we track — without Asterisk and without I/O.
 */
import t from 'tap';
import { planReconcile, type ReconcileView } from '../../src/calls/reconcile-plan.js';
import type { AsteriskSnapshot, StasisChannel } from '../../src/telephony/switchboard.js';

const ch = (channelId: string, kind: string, ...args: string[]): StasisChannel => ({
  channelId,
  channelName: `PJSIP/${channelId}`,
  callerNumber: '139',
  callerName: '',
  kind,
  arg: args[0] ?? '',
  args,
});
const snap = (over: Partial<AsteriskSnapshot>): AsteriskSnapshot => ({
  channels: new Set(),
  stasis: [],
  agentLegs: [],
  unitLegs: [],
  bridges: [],
  queue: [],
  ...over,
});
const entry = (channelId: string) => ({ channelId, channelName: `PJSIP/${channelId}`, callerNumber: '139', waitSecs: 5, priority: 0 });

function view(
  over: Partial<{
    calls: Record<string, { callId: string; state: 'front_door' | 'queued' | 'offered' | 'answered'; directTo: number | null; priority: number }>;
    records: Record<string, string>;
    sendOn: Record<string, string>;
    legs: string[];
    unitLegs: string[];
    surveys: string[];
  }> = {},
): ReconcileView {
  const calls = over.calls ?? {};
  return {
    call: (id) => calls[id],
    record: (id) => (over.records?.[id] ? { id: over.records[id]!, state: 'ended' } : calls[id] ? { id: calls[id]!.callId, state: 'queued' } : undefined),
    toSendOn: (id) => (over.sendOn?.[id] ? { callId: over.sendOn[id]!, priority: 3 } : undefined),
    isAgentLeg: (id) => over.legs?.includes(id) ?? false,
    isUnitLeg: (id) => over.unitLegs?.includes(id) ?? false,
    surveying: (id) => over.surveys?.includes(id) ?? false,
    liveChannels: () => Object.keys(calls),
  };
}

t.test('inbound callers in Stasis', async (t) => {
  const s = snap({
    stasis: [
      ch('resumed', 'inbound', '12315'),
      ch('ours', 'inbound', '12328'),
      ch('ended', 'inbound', '12333'),
      ch('new', 'inbound', '12356'),
      ch('nodial', 'inbound'),
    ],
  });
  const plan = planReconcile(
    s,
    view({ sendOn: { resumed: 'c-r' }, calls: { ours: { callId: 'c-o', state: 'front_door', directTo: null, priority: 0 } }, records: { ended: 'c-e' } }),
    '12345',
  );
  t.same(
    plan.filter((a) => a.do !== 'finish_lost'),
    [
      { do: 'send_on', channelId: 'resumed', callId: 'c-r', priority: 3 },
      { do: 'send_on', channelId: 'ended', callId: 'c-e', priority: 0 },
      { do: 'adopt_in_stasis', channel: s.stasis[3], dialled: '12356' },
      { do: 'adopt_in_stasis', channel: s.stasis[4], dialled: '12345' },
    ],
    'a resumed caller is sent on, one at our front door left alone, a recorded one never adopted twice, a new one adopted',
  );
});

t.test('survey legs are asked again unless a survey runs; never adopted', async (t) => {
  const s = snap({ stasis: [ch('s1', 'survey', 'call-1'), ch('s2', 'survey', 'call-2'), ch('s3', 'survey')] });
  t.same(planReconcile(s, view({ surveys: ['s2'] }), '12345'), [
    { do: 'survey', channelId: 's1', callId: 'call-1' },
    { do: 'survey', channelId: 's3', callId: null },
  ]);
});

t.test('withdrawn callers: left to a direct offer under way, else back to the queue under their call', async (t) => {
  const s = snap({
    stasis: [ch('w1', 'withdrawn', 'agent-3'), ch('w2', 'withdrawn', 'agent-3'), ch('w3', 'withdrawn', 'agent-3'), ch('w4', 'withdrawn', 'agent-3')],
    channels: new Set(['w1', 'w2']),
  });
  const plan = planReconcile(
    s,
    view({
      calls: { w1: { callId: 'c1', state: 'queued', directTo: 3, priority: 1 }, w2: { callId: 'c2', state: 'queued', directTo: null, priority: 7 } },
      records: { w3: 'c3' },
    }),
    '12345',
  );
  t.same(plan, [
    { do: 'send_on', channelId: 'w2', callId: 'c2', priority: 7 },
    { do: 'send_on', channelId: 'w3', callId: 'c3', priority: 0 },
    { do: 'adopt_in_stasis', channel: s.stasis[3], dialled: '12345' },
  ]);
});

t.test('agent legs we do not know are hung up, unit legs after every other action; ours, helpers and unknown kinds are left', async (t) => {
  const s = snap({
    stasis: [
      ch('l1', 'agent', '2'),
      ch('l2', 'agent', '2'),
      ch('u1', 'unit', 'c'),
      ch('u2', 'unit', 'c'),
      ch('d', 'direct'),
      ch('m', 'media'),
      ch('x', 'mystery'),
    ],
  });
  t.same(planReconcile(s, view({ legs: ['l2'], unitLegs: ['u2'] }), '12345'), [
    { do: 'hang_up', channelId: 'l1', reason: 'busy', why: 'an agent leg we do not know' },
    { do: 'leave', channelId: 'x', why: 'a channel in our app with an unknown purpose (mystery)' },
    { do: 'unit_left', channelId: 'u1' },
  ]);
});

t.test('a unit leg is planned after the outbound citizen whose takeover may take it, also when Asterisk lists it first', async (t) => {
  const s = snap({ stasis: [ch('u1', 'unit', 'call-1'), ch('o1', 'outbound', 'call-1'), ch('q', 'inbound', '12345')] });
  const plan = planReconcile(s, view({}), '12345');
  t.same(
    plan.map((a) => a.do),
    ['outbound_left', 'adopt_in_stasis', 'unit_left'],
  );
});

t.test('citizens of outbound calls: handed to outbound.ts unless their survey runs here (never left in silence)', async (t) => {
  const s = snap({ stasis: [ch('o1', 'outbound', 'call-1'), ch('o2', 'outbound', 'call-2'), ch('o3', 'outbound')] });
  t.same(planReconcile(s, view({ surveys: ['o2'] }), '12345'), [
    { do: 'outbound_left', channelId: 'o1', callId: 'call-1' },
    { do: 'outbound_left', channelId: 'o3', callId: null },
  ]);
});

t.test('queued callers: a resumed one joined, ours left, recorded ones not adopted twice, unknown ones adopted; lost calls finished', async (t) => {
  const s = snap({ queue: [entry('q1'), entry('q2'), entry('q3'), entry('q4')], channels: new Set(['q1', 'q2', 'q3', 'q4']) });
  const plan = planReconcile(
    s,
    view({
      sendOn: { q1: 'c1' },
      calls: { q2: { callId: 'c2', state: 'queued', directTo: null, priority: 0 }, gone: { callId: 'cg', state: 'queued', directTo: null, priority: 0 } },
      records: { q3: 'c3' },
    }),
    '12345',
  );
  t.same(plan, [
    { do: 'finish_lost', channelId: 'gone' },
    { do: 'joined', channelId: 'q1' },
    { do: 'leave', channelId: 'q3', why: 'a queued caller with a call record we do not track is not adopted again' },
    { do: 'adopt_queued', entry: s.queue[3] },
  ]);
});
