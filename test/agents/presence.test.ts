/**
 * Presence with fake agents: an agent left without a console is paused as 未连接 after the grace
 * period (ringing and wrap-up too; on a call: later); a second console or a quick return keeps
 * it; the first console back unpauses only that pause; restored agents get the same grace.
 */
import t from 'tap';
import pino from 'pino';
import { AgentPresence, AWAY_REASON } from '../../src/agents/presence.js';
import type { AgentView } from '../../src/contract/index.js';

const AWAY = 40;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig(states: Record<number, Partial<AgentView>>, o: { awayMs?: number; failPauses?: number } = {}) {
  const views = new Map<number, AgentView>();
  for (const [id, v] of Object.entries(states)) {
    views.set(Number(id), { agentId: Number(id), displayName: `a${id}`, state: 'available', since: 0, pauseReason: null, callId: null, penalty: 0, ...v });
  }
  const actions: Array<[string, number, string?]> = [];
  let failures = o.failPauses ?? 0;
  const presence = new AgentPresence({
    awayMs: o.awayMs ?? AWAY,
    view: (id) => views.get(id) ?? { agentId: id, displayName: '', state: 'logged_out', since: 0, pauseReason: null, callId: null, penalty: 0 },
    loggedIn: () => [...views.values()].filter((v) => v.state !== 'logged_out'),
    pause: async (id, reason) => {
      if (failures-- > 0) throw new Error('asterisk down');
      actions.push(['pause', id, reason]);
      views.set(id, { ...views.get(id)!, state: 'paused', pauseReason: reason });
    },
    unpause: async (id) => {
      actions.push(['unpause', id]);
      views.set(id, { ...views.get(id)!, state: 'available', pauseReason: null });
    },
    log: pino({ level: 'silent' }),
  });
  t.teardown(() => presence.close());
  return { presence, actions, views };
}

t.test('the last console closing: paused as 未连接 after the grace period; the first one back unpauses', async (t) => {
  const { presence, actions, views } = rig({ 1: {} });
  presence.connected(1);
  presence.connected(1); // a second tab
  presence.disconnected(1);
  await wait(AWAY * 2);
  t.same(actions, [], 'one console left: nothing');
  presence.disconnected(1);
  await wait(AWAY / 4);
  t.same(actions, [], 'not before the grace period');
  await wait(AWAY * 2);
  t.same(actions, [['pause', 1, AWAY_REASON]]);
  presence.connected(1);
  await wait(5);
  t.same(actions.at(-1), ['unpause', 1], 'back: unpaused');
  t.equal(views.get(1)!.state, 'available');
});

t.test('back within the grace period: nothing happens', async (t) => {
  const { presence, actions } = rig({ 1: {} });
  presence.connected(1);
  presence.disconnected(1);
  await wait(AWAY / 2);
  presence.connected(1);
  await wait(AWAY * 2);
  t.same(actions, []);
});

t.test("an agent's own pause is kept on reconnect; logged-out and paused agents are not paused again", async (t) => {
  const { presence, actions } = rig({ 1: { state: 'paused', pauseReason: '小休' }, 2: { state: 'logged_out' } });
  for (const id of [1, 2]) {
    presence.connected(id);
    presence.disconnected(id);
  }
  await wait(AWAY * 2);
  presence.connected(1);
  await wait(5);
  t.same(actions, []);
});

t.test('ringing and wrap-up are paused; on a call, looked at again until the call is over', async (t) => {
  const { presence, actions, views } = rig({
    1: { state: 'ringing', callId: 'c1' },
    2: { state: 'wrap_up', callId: 'c2' },
    3: { state: 'on_call', callId: 'c3' },
  });
  for (const id of [1, 2, 3]) {
    presence.connected(id);
    presence.disconnected(id);
  }
  await wait(AWAY * 2);
  t.same(actions.map((a) => a[1]).sort(), [1, 2], 'ringing and wrap-up paused');
  views.set(3, { ...views.get(3)!, state: 'wrap_up' });
  await wait(AWAY * 2);
  t.same(actions.at(-1), ['pause', 3, AWAY_REASON], 'after the call');
});

t.test('agents restored logged in after a restart get the grace period to reconnect', async (t) => {
  const { presence, actions } = rig({ 1: {}, 2: {} });
  presence.start();
  presence.connected(2);
  await wait(AWAY * 2);
  t.same(actions, [['pause', 1, AWAY_REASON]], 'only the one who did not come back');
});

t.test('a failed pause (Asterisk down) is tried again; awayMs 0 turns presence off', async (t) => {
  const a = rig({ 1: {} }, { failPauses: 1 });
  a.presence.connected(1);
  a.presence.disconnected(1);
  await wait(AWAY * 3.5);
  t.same(a.actions, [['pause', 1, AWAY_REASON]], 'second try');
  const b = rig({ 1: {} }, { awayMs: 0 });
  b.presence.start();
  b.presence.connected(1);
  b.presence.disconnected(1);
  await wait(AWAY * 2);
  t.same(b.actions, []);
});
