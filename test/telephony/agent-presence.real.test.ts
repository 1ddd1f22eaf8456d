/**
 * Presence against a real Asterisk: an agent whose console closes is paused as 未连接 after
 * SUNLINE_AGENT_AWAY_SECONDS — app_queue has the member paused, so a caller waits instead of
 * ringing an empty desk — and the console coming back unpauses the agent; the shift lead sees
 * both changes live.
 */
import t from 'tap';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import type { AgentView } from '../../src/contract/index.js';
import type { QueueDelta } from '../../src/contract/index.js';

t.test('an agent without a console is paused as 未连接 and unpaused when it is back', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk, { SUNLINE_AGENT_AWAY_SECONDS: '1' });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const lead = await consoleFor(t, app, 'lead-p', 'shift_lead');
  const agent = await consoleFor(t, app, 'agent-p', 'agent');
  await command(agent.socket, 'agent:login', {});
  const member = async () => (await asterisk.cli('queue show 12345')).split('\n').find((l) => l.includes('agent-p')) ?? '';
  await until('a member', async () => ((await member()) ? true : undefined));
  t.notMatch(await member(), /paused/i, 'in the queue, not paused');

  const paused = next(lead.socket, 'queue:delta', (d: QueueDelta) => d.agents?.some((a) => a.agentId === agent.id && a.state === 'paused') ?? false, 10_000);
  agent.socket.disconnect();
  const seen = (await paused).agents!.find((a) => a.agentId === agent.id)!;
  t.equal(seen.pauseReason, '未连接', 'the lead sees the agent paused as 未连接');
  await until('paused in app_queue', async () => (/paused/i.test(await member()) ? true : undefined));
  t.match(await member(), /paused/i, 'app_queue will not ring the empty desk');

  const back = next(lead.socket, 'queue:delta', (d: QueueDelta) => d.agents?.some((a) => a.agentId === agent.id && a.state === 'available') ?? false, 10_000);
  const again = await consoleFor(t, app, 'agent-p', 'agent');
  await back;
  const state = next(again.socket, 'agent:state', (a: AgentView) => a.state === 'available');
  await command(again.socket, 'sync');
  t.equal((await state).pauseReason, null, 'the console back: available again');
  await until('unpaused in app_queue', async () => (/paused/i.test(await member()) ? undefined : true));
});
