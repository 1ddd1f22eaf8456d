/**
 * AmiGateway against a real Asterisk 22 (tools/asterisk-sandbox.ts) with the project's
 * queues.conf: login, queue control on queue 12345 with list collection, Asterisk's own error
 * messages, and both AMI and ARI reconnecting by themselves across an Asterisk restart.
 */
import t from 'tap';
import { once } from 'node:events';
import { pino } from 'pino';
import { startAsterisk } from '../../tools/asterisk-sandbox.js';
import { AmiGateway, type AmiGatewayEvents } from '../../src/telephony/ami/index.js';
import { AriClient, type AriClientEvents } from '../../src/telephony/ari/index.js';
import { TelephonyError } from '../../src/telephony/errors.js';

type Emitter = AmiGateway | AriClient;
function next<K extends keyof AmiGatewayEvents>(em: AmiGateway, name: K, ms?: number): Promise<AmiGatewayEvents[K]>;
function next<K extends keyof AriClientEvents>(em: AriClient, name: K, ms?: number): Promise<AriClientEvents[K]>;
function next(em: Emitter, name: string, ms = 20_000): Promise<unknown[]> {
  return once(em, name, { signal: AbortSignal.timeout(ms) });
}

const ast = await startAsterisk();
t.teardown(() => ast.stop());
const logger = pino({ level: 'silent' });
const backoff = { initialMs: 100, maxMs: 1000 };
const ami = new AmiGateway({ ...ast.ami, logger, backoff, keepAliveMs: 2000 });
t.teardown(() => ami.close());
const connected = next(ami, 'connected');
ami.start();
await connected;

const AGENT = 'Local/agent-7@agents';

t.test('logged in; Ping answers', async (t) => {
  t.match(ami.health(), { ok: true, state: 'open' });
  t.equal((await ami.action('Ping')).response.ping, 'Pong');
});

t.test('QueueAdd / QueuePause / QueuePenalty / QueueStatus / QueueSummary / QueueRemove on queue 12345', async (t) => {
  const added = next(ami, 'QueueMemberAdded');
  await ami.queues.add({ queue: '12345', interface: AGENT, memberName: 'agent 7', stateInterface: 'Stasis:agent-7', penalty: 1, paused: false });
  const [a] = await added;
  t.match(a, { queue: '12345', interface: AGENT, membername: 'agent 7', stateinterface: 'Stasis:agent-7', membership: 'dynamic', penalty: '1' });

  const dup = (await ami.queues.add({ queue: '12345', interface: AGENT }).catch((e: unknown) => e)) as TelephonyError;
  t.equal(dup.code, 'AMI_ACTION_FAILED');
  t.match(dup.detail, /Already there/, "Asterisk's message kept");

  const paused = next(ami, 'QueueMemberPause');
  await ami.queues.pause({ interface: AGENT, paused: true, queue: '12345', reason: 'lunch' });
  t.match((await paused)[0], { interface: AGENT, paused: '1', pausedreason: 'lunch' });
  await ami.queues.penalty(AGENT, 3, '12345');

  const st = await ami.queues.status('12345');
  t.equal(st.queues.length, 1);
  t.match(st.queues[0], { queue: '12345', strategy: 'leastrecent' });
  t.equal(st.members.length, 1, 'list collected until QueueStatusComplete');
  t.match(st.members[0], { location: AGENT, name: 'agent 7', stateinterface: 'Stasis:agent-7', paused: '1', pausedreason: 'lunch', penalty: '3' });
  t.same(st.entries, []);

  const sum = await ami.queues.summary('12345');
  t.match(sum, [{ event: 'QueueSummary', queue: '12345', loggedin: '1', available: '0', callers: '0' }]);

  t.same(await ami.list('CoreShowChannels'), [], 'generic list action, empty list still completes');

  const removed = next(ami, 'QueueMemberRemoved');
  await ami.queues.remove('12345', AGENT);
  t.equal((await removed)[0].interface, AGENT);
  t.same((await ami.queues.status('12345')).members, []);
  const gone = (await ami.queues.remove('12345', AGENT).catch((e: unknown) => e)) as TelephonyError;
  t.equal(gone.code, 'AMI_ACTION_FAILED');
  t.match(gone.detail, /Not there/);
});

t.test('unknown queue and unknown action fail with AMI_ACTION_FAILED', async (t) => {
  const e1 = (await ami.queues.add({ queue: 'no-such-queue', interface: AGENT }).catch((e: unknown) => e)) as TelephonyError;
  t.equal(e1.code, 'AMI_ACTION_FAILED');
  t.match(e1.detail, /No such queue/);
  const e2 = (await ami.action('NoSuchAction').catch((e: unknown) => e)) as TelephonyError;
  t.equal(e2.code, 'AMI_ACTION_FAILED');
  t.match(e2.detail, /Invalid\/unknown command/);
});

t.test('Asterisk restart under both clients: both reconnect by themselves and re-sync', async (t) => {
  const ari = new AriClient({ ...ast.ari, logger, backoff });
  t.teardown(() => ari.close());
  const ariFirst = next(ari, 'resynced');
  ari.start();
  await ariFirst;
  await ami.queues.add({ queue: '12345', interface: AGENT, stateInterface: 'Stasis:agent-7' });

  const amiDown = next(ami, 'disconnected', 30_000);
  const amiUp = next(ami, 'connected', 60_000);
  const ariDown = next(ari, 'disconnected', 30_000);
  const ariResynced = next(ari, 'resynced', 60_000);
  const pending = ami.action('Ping', {}, { timeoutMs: 30_000 }).then(
    () => 'resolved',
    (e: unknown) => (e as TelephonyError).code,
  );
  await ast.restart();
  await Promise.all([amiDown, ariDown]);
  await Promise.all([amiUp, ariResynced]);
  t.ok(['resolved', 'ASTERISK_UNAVAILABLE'].includes(await pending), 'an action in flight either completed or failed fast');
  t.match(ami.health(), { ok: true, state: 'open' });
  t.match(ari.health(), { ok: true, state: 'open' });
  // persistentmembers = no: the restarted Asterisk forgot the member; re-adding is the
  // caller's job on 'connected', and it works on the new connection.
  t.same((await ami.queues.status('12345')).members, []);
  await ami.queues.add({ queue: '12345', interface: AGENT, stateInterface: 'Stasis:agent-7' });
  t.equal((await ami.queues.status('12345')).members.length, 1);
  await ami.queues.remove('12345', AGENT);
});
