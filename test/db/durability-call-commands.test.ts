/**
 * A console command's own writes are committed when the command resolves (decisions 0006 and
 * 0017): the socket dispatcher (realtime/handlers.ts) acks a writing command after
 * `await route.run()` and then `durable()`, an fsync that started after the call; so what the
 * command wrote is on disk when the agent is told it is done only if it was committed before the
 * command resolved. The call path queues its writes (calls/call-writes.ts) so that its event
 * handlers never wait on the database; a command must still answer after its own write, as it
 * did when the write was synchronous (and as agents-service.ts does for agent sessions).
 * A real CallCenter over a fake switchboard (test/helpers/fake-call-center.ts), real SQLite.
 */
import t from 'tap';
import { consoleCommands } from '../../src/calls/console-commands.js';
import type { Switchboard } from '../../src/telephony/switchboard.js';
import { fakeCallCenter, fakeSwitchboard } from '../helpers/fake-call-center.js';

const until = async (what: string, fn: () => boolean) => {
  for (let i = 0; i < 300 && !fn(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!fn()) throw new Error(`timed out waiting for ${what}`);
};

t.test('answer, hold and transfer: each resolves once what it wrote is committed', async (t) => {
  const r = await fakeCallCenter(t, {}, (a) =>
    Object.assign(fakeSwitchboard(a), {
      connectAgentLeg: async () => 'agent-bridge',
      bridgeCaller: async () => 'caller-bridge',
      controls: {
        hold: async () => 'hold-bridge',
        unhold: async () => undefined,
        mute: async () => undefined,
        transfer: async (ch: string, phone: string) => void a.ops.push(`transfer ${ch} ${phone}`),
      },
    } as unknown as Partial<Switchboard>),
  );
  const agent = await r.users.create({ username: 'agent7', displayName: 'agent 7', role: 'agent', password: 'pw-123456' });
  await r.center.ctx.agents.login(agent.id, 'agent 7', 0);
  r.center.inbound({ channelId: 'caller', callerNumber: '13900001111', callerName: '', dialled: '12345' });
  const call = r.center.live.byCallerChannel('caller')!;
  await until('the caller sent to the queue', () => r.asterisk.ops.some((o) => o.startsWith('queue caller')));
  r.center.queueJoined('caller');
  r.center.agentLeg({ channelId: 'leg-1', agentId: agent.id, callId: call.callId, callerChannelId: 'caller', at: Date.now() });
  await until('the offer', () => call.offeredTo === agent.id);
  await r.repo.flushed(); // what the call's events wrote so far: only the commands' own writes are looked at below
  const commands = consoleCommands(r.center);
  const events = () => (r.sql.prepare('select type from call_events where call_id = ? order by id').all(call.callId) as { type: string }[]).map((e) => e.type);
  const order = () => r.sql.prepare('select status, content from work_orders where id = ?').get(call.orderId) as { status: string; content: string | null };

  await commands.answer(agent.id, call.callId);
  t.match(r.sql.prepare('select state, agent_id from calls where id = ?').get(call.callId), { state: 'answered', agent_id: agent.id }, 'answer: the call row');
  t.equal(events().at(-1), 'answered', 'answer: its event');

  await commands.hold(agent.id, call.callId, true);
  t.equal(events().at(-1), 'held', 'hold: its event');

  t.equal(order().status, 'draft');
  await commands.transfer(agent.id, call.callId, 'city-hrss');
  t.ok(r.asterisk.ops.includes('transfer leg-1 05722399001') || r.asterisk.ops.some((o) => o.startsWith('transfer ')), 'transferred in Asterisk');
  t.equal(events().at(-1), 'transferred', 'transfer: its event');
  t.match(order().content, /转接 transferred → 市人力社保局 05722399001/, "transfer: the note on the call's order");
});
