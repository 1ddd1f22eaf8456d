/**
 * Skill routing's decisions (issue 11 item 2, decision 0015): who takes a call of a skill while it
 * is young, and that from the overflow on anyone does.
 */
import t from 'tap';
import { offerTier, offerVerdict, type RoutingAgent } from '../../src/calls/skill-routing.js';

const hrss: RoutingAgent = { agentId: 1, state: 'available', skills: [{ skill: 'hrss', level: 1 }] };
const hrss2: RoutingAgent = {
  agentId: 2,
  state: 'available',
  skills: [
    { skill: 'hrss', level: 2 },
    { skill: 'dialect-wu', level: 1 },
  ],
};
const general: RoutingAgent = { agentId: 3, state: 'available', skills: [] };
const ask = (agent: RoutingAgent, agents: RoutingAgent[], waitedMs = 0, skill = 'hrss') => offerVerdict({ skill, waitedMs, overflowMs: 10_000, agent, agents });

t.test('a general agent is declined while a skilled agent is free or busy, until the overflow', async (t) => {
  t.match(ask(general, [general, hrss]), { offer: false, why: 'reserved_for_skill', overflowInMs: 10_000 });
  t.match(ask(hrss, [general, hrss]), { offer: true, why: 'skilled' });
  const busy = { ...hrss, state: 'on_call' as const };
  t.match(ask(general, [general, busy], 9_999), { offer: false, overflowInMs: 1 }, 'not before the overflow');
  t.match(ask(general, [general, busy], 10_000), { offer: true, why: 'overflow' });
  t.match(ask(general, [general, { ...hrss, state: 'wrap_up' }], 3_000), { offer: false }, 'wrap-up counts as coming back');
});

t.test('nobody to wait for: a paused or logged-out skilled agent, or a skill nobody has', async (t) => {
  t.match(ask(general, [general, { ...hrss, state: 'paused' }]), { offer: true, why: 'no_skilled_agent' });
  t.match(ask(general, [general, { ...hrss, state: 'logged_out' }]), { offer: true, why: 'no_skilled_agent' });
  t.match(ask(general, [general, hrss], 0, 'general'), { offer: true, why: 'no_skilled_agent' }, '12345 general: no agent carries it');
  t.match(ask(general, [general]), { offer: true }, 'only the rung agent');
});

t.test('levels: a worse level waits for a free better one, not for a busy one', async (t) => {
  t.match(ask(hrss2, [hrss, hrss2, general]), { offer: false, why: 'skilled_agent_free' });
  t.match(ask(hrss2, [{ ...hrss, state: 'ringing' }, hrss2]), { offer: true, why: 'skilled' });
  t.match(ask(hrss, [hrss, hrss2]), { offer: true });
  t.match(ask(hrss2, [hrss, hrss2], 0, 'dialect-wu'), { offer: true, why: 'skilled' }, 'each skill its own level');
  t.match(ask(hrss, [hrss, hrss2], 0, 'dialect-wu'), { offer: false, why: 'reserved_for_skill' });
});

t.test('tiers for the route simulator', async (t) => {
  t.same(offerTier('hrss', hrss2, [hrss, hrss2, general]), { tier: 'first', level: 2 });
  t.same(offerTier('hrss', general, [hrss, general]), { tier: 'after_overflow', level: null });
  t.same(offerTier('hrss', general, [{ ...hrss, state: 'paused' }, general]), { tier: 'first', level: null });
  t.same(offerTier('general', general, [hrss, general]), { tier: 'first', level: null });
});
