/**
 * An offer rings the agent without waiting for Asterisk: ring() answers once the state is
 * committed and published, the RINGING device state follows in the agent's serial chain, and a
 * later change's device push is not sent before it (bench:calls showed the pop waiting ~60 ms
 * on average, up to 0.9 s under load, for that round trip).
 */
import t from 'tap';
import pino from 'pino';
import { AgentsService } from '../../src/agents/agents-service.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { agentsSwitchboard } from '../helpers/agents-switchboard.js';

function rig() {
  const pushes: string[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const switchboard = agentsSwitchboard({
    setAgentDevice: (_id, state) =>
      new Promise<void>((resolve) => {
        const done = () => {
          pushes.push(state);
          resolve();
        };
        if (hold) pending.push(done);
        else done();
      }),
  });
  const events = new DomainEvents();
  const published: string[] = [];
  events.on('agent.state_changed', (v) => published.push(v.state));
  const agents = new AgentsService({ switchboard, events, log: pino({ level: 'silent' }), wrapUpMs: 60_000 });
  return {
    agents,
    pushes,
    published,
    hold: (on: boolean) => {
      hold = on;
    },
    release: () => pending.splice(0).forEach((f) => f()),
  };
}

t.test('ring answers before the device push; pushes keep their order', async (t) => {
  const r = rig();
  await r.agents.login(7, 'Agent 7', 0);
  t.same(r.pushes, ['NOT_INUSE']);
  r.hold(true);
  const view = await r.agents.ring(7, 'call-1');
  t.equal(view.state, 'ringing', 'answered with the committed state');
  t.equal(r.agents.view(7).state, 'ringing', 'a second leg offered meanwhile sees the agent ringing');
  t.same(r.published, ['available', 'ringing'], 'published before Asterisk answered');
  t.same(r.pushes, ['NOT_INUSE'], 'RINGING not yet acknowledged');
  const answered = r.agents.apply(7, { type: 'answer' });
  await new Promise((res) => setImmediate(res));
  r.release(); // RINGING lands; only then is INUSE sent
  await new Promise((res) => setImmediate(res));
  r.release();
  await answered;
  t.same(r.pushes, ['NOT_INUSE', 'RINGING', 'INUSE'], 'device states reach Asterisk in order');
});

t.test('ring refuses an agent who cannot be offered a call, and changes nothing', async (t) => {
  const r = rig();
  await t.rejects(r.agents.ring(8, 'call-2'), { code: 'AGENT_STATE_CONFLICT' });
  await r.agents.login(8, 'Agent 8', 0);
  await r.agents.ring(8, 'call-2');
  await t.rejects(r.agents.ring(8, 'call-3'), { code: 'AGENT_STATE_CONFLICT' }, 'already ringing');
  t.equal(r.agents.view(8).callId, 'call-2');
  t.same(r.pushes, ['NOT_INUSE', 'RINGING']);
});
