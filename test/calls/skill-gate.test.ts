/**
 * The offer path's reading of skill routing (skill-gate.ts): the wait counts from the queue join
 * (a ring before AMI's join counts as 0), the hotline's own overflow wins over the file's, and a
 * failure to read skills (or a read slower than the deadline) offers the call rather than hold it.
 */
import t from 'tap';
import { pino } from 'pino';
import { offerSkills, skillVerdict } from '../../src/calls/skill-gate.js';
import type { AgentView } from '../../src/contract/index.js';
import type { CallContext } from '../../src/calls/call-context.js';
import type { Hotline } from '../../src/config/files/index.js';

const view = (agentId: number, state: AgentView['state']): AgentView => ({
  agentId,
  displayName: `a${agentId}`,
  state,
  since: 0,
  pauseReason: null,
  callId: null,
  penalty: 0,
});
const views = [view(1, 'available'), view(2, 'on_call')];
const hrss = { skill: 'hrss' } as Hotline;
const ctx = (now: number, overflowSeconds = 10) =>
  ({
    config: { current: () => ({ numbers: { overflowSeconds } }) },
    agents: { loggedIn: () => views, view: (id: number) => views.find((v) => v.agentId === id)! },
    log: pino({ level: 'silent' }),
    now: () => now,
  }) as unknown as Pick<CallContext, 'config' | 'agents' | 'log' | 'now'>;
const byAgent = new Map([[2, [{ skill: 'hrss', level: 1 }]]]);

t.test('the general agent 1 waits for the busy hrss agent 2 until the overflow', async (t) => {
  t.match(skillVerdict(ctx(5_000), byAgent, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1), { offer: false, overflowInMs: 5_000 });
  t.match(skillVerdict(ctx(10_000), byAgent, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1), { offer: true, why: 'overflow' });
  t.match(skillVerdict(ctx(50_000), byAgent, { callId: 'c', hotline: hrss, queuedAt: null }, 1), { offer: false }, 'not yet joined: it joined just now');
  t.match(
    skillVerdict(ctx(3_000), byAgent, { callId: 'c', hotline: { ...hrss, overflowSeconds: 2 }, queuedAt: 0 }, 1),
    { offer: true },
    "the hotline's own overflow",
  );
  t.match(skillVerdict(ctx(0, 0), byAgent, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1), { offer: true }, 'overflowSeconds 0: skills off');
  t.match(skillVerdict(ctx(1_000), null, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1), { offer: true }, 'skills not read: offered');
});

t.test('the skills are read for the rung agent and every logged-in one; not at all past the overflow', async (t) => {
  const asked: number[][] = [];
  const source = {
    forAgents: async (ids: readonly number[]) => {
      asked.push([...ids]);
      return byAgent;
    },
  };
  t.equal(await offerSkills(ctx(1_000), source, { callId: 'c', hotline: hrss, queuedAt: 0 }, 3), byAgent);
  t.same(asked, [[3, 1, 2]]);
  t.equal(await offerSkills(ctx(10_000), source, { callId: 'c', hotline: hrss, queuedAt: 0 }, 3), null, 'past the overflow: nothing to read');
  t.equal(asked.length, 1);
});

t.test('skills that cannot be read, or not in time: the call is offered', async (t) => {
  const broken = { forAgents: () => Promise.reject(new Error('database is locked')) };
  const read = await offerSkills(ctx(1_000), broken, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1);
  t.equal(read, null);
  t.match(skillVerdict(ctx(1_000), read, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1), { offer: true });
  const stuck = { forAgents: () => new Promise<Map<number, never[]>>(() => undefined) };
  const started = Date.now();
  t.equal(await offerSkills(ctx(1_000), stuck, { callId: 'c', hotline: hrss, queuedAt: 0 }, 1, 30), null, 'a read that does not answer');
  t.ok(Date.now() - started >= 25, 'given up at the deadline');
});
