/**
 * Per-socket event budgets and payload size limits (issue 9): a socket that floods is refused with
 * RATE_LIMITED and then disconnected, HTTP stays responsive meanwhile, an oversized payload closes
 * the connection, and a console used normally is never limited. Real socket.io client, real server.
 */
import { spawn } from 'node:child_process';
import t from 'tap';
import { EVENT_BUDGETS, MAX_SOCKET_PAYLOAD_BYTES } from '../../src/realtime/event-limits.js';
import { rig, view, pop, type Session } from './fixtures.js';

type AckResult = Awaited<ReturnType<Session['ask']>>;

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Resolves when the client is disconnected (or after `ms`, with null). */
const disconnected = (s: Session, ms: number) =>
  new Promise<string | null>((resolve) => {
    if (!s.client.connected) return resolve('already');
    const timer = setTimeout(() => resolve(null), ms);
    s.client.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

/**
 * The flooder runs in a process of its own, as an attacker's would: a client in this process would
 * block the event loop the server shares while it encodes its 20,000 events.
 */
const FLOODER = `
import { io } from 'socket.io-client';
const [url, token, n] = process.argv.slice(1);
const socket = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: 'sunline_session=' + encodeURIComponent(token) } });
const acks = [];
let states = 0;
socket.on('agent:state', () => states++);
socket.on('connect', () => {
  process.stdout.write('connected\\n');
  for (let i = 0; i < Number(n); i++) socket.emit('sync', (res) => acks.push(res));
});
const done = (reason) => {
  const codes = [...new Set(acks.filter((a) => !a.ok).map((a) => a.error.code))];
  process.stdout.write(JSON.stringify({ reason, acks: acks.length, refused: acks.filter((a) => !a.ok).length, codes, states }) + '\\n', () => process.exit(0));
};
socket.on('disconnect', done);
setTimeout(() => done(null), 20000);
`;

t.test('a socket flooding `sync` is refused beyond its budget, then disconnected; HTTP answers meanwhile', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const child = spawn(process.execPath, ['--input-type=module', '-e', FLOODER, r.url, agent.token, '20000'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => child.kill());
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  while (!out.includes('connected') && child.exitCode === null) await sleep(10);
  const started = Date.now();

  // Requests while the server reads the flood.
  const latencies: number[] = [];
  const statuses = new Set<number>();
  let running = true;
  void exited.then(() => (running = false));
  while (running && Date.now() - started < 20_000) {
    const before = Date.now();
    statuses.add((await fetch(`${r.url}/health/live`)).status);
    latencies.push(Date.now() - before);
    await sleep(5);
  }
  await exited;
  t.same([...statuses], [200]);
  const worst = Math.max(...latencies);
  t.ok(worst < 2000, `HTTP answered during the flood, ${latencies.length} requests, the slowest in ${worst} ms`);

  const result = JSON.parse(out.slice(out.indexOf('{'))) as { reason: string | null; acks: number; refused: number; codes: string[]; states: number };
  t.equal(result.reason, 'io server disconnect', 'the flooding socket is disconnected by the server');
  const elapsedS = (Date.now() - started) / 1000;
  // Each sync served re-sends the agent's state (one was sent on connect). socket.io runs listeners a tick after its
  // middleware, so events accepted in the same read as the refusal that disconnects are dropped with the connection.
  const served = result.states - 1;
  const budget = EVENT_BUDGETS.sync.burst + Math.ceil(EVENT_BUDGETS.sync.perSecond * elapsedS);
  t.ok(served <= budget, `served ${served} sync events, budget ${budget}`);
  t.ok(result.refused > 0, `the rest were refused (${result.refused})`);
  t.same(result.codes, ['RATE_LIMITED'], 'every refusal is RATE_LIMITED');
  t.ok(result.acks < 1000, `the server stopped reading after ${result.acks} acks`);

  // The server is fine: the same user connects again and is served.
  const again = await r.connect(agent.token);
  t.same(await again.ask('sync'), { ok: true });
});

t.test('a socket that goes over its budget once is refused with retry details, stays connected, and is served again later', async (t) => {
  const r = await rig(t);
  const lead = await r.user('shift_lead');
  const s = await r.connect(lead.token);
  const n = EVENT_BUDGETS.sync.burst + 3;
  const acks = await Promise.all(Array.from({ length: n }, () => s.ask('sync')));
  const refused = acks.filter((a) => !a.ok);
  t.ok(refused.length >= 1 && refused.length <= 3, `${refused.length} refused`);
  t.match(refused[0], { ok: false, error: { code: 'RATE_LIMITED', message: String, details: { event: 'sync', retryAfterMs: Number } } });
  t.ok(s.client.connected, 'still connected');
  // Another class has its own budget.
  t.same(await s.ask('lead:set_priority', { callId: 'c1', priority: 3 }), { ok: true }, 'commands are not limited by the sync budget');
  await sleep(Math.ceil(1000 / EVENT_BUDGETS.sync.perSecond) + 100);
  t.same(await s.ask('sync'), { ok: true }, 'served again once the bucket refilled');
});

t.test('unknown events count against the budget too', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const s = await r.connect(agent.token);
  const gone = disconnected(s, 10_000);
  const emit = s.client.emit.bind(s.client) as unknown as (ev: string, p: unknown) => void;
  for (let i = 0; i < 5000; i++) emit('no:such_event', { i });
  t.equal(await gone, 'io server disconnect');
});

t.test('an oversized payload closes the connection; the server goes on', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const s = await r.connect(agent.token);
  const gone = disconnected(s, 5000);
  const emit = s.client.emit.bind(s.client) as unknown as (ev: string, p: unknown) => void;
  emit('agent:pause', { reason: 'x'.repeat(MAX_SOCKET_PAYLOAD_BYTES + 1) });
  t.ok(await gone, 'disconnected');
  t.equal(r.commands.calls.length, 0, 'nothing ran');
  const again = await r.connect(agent.token);
  t.match(await again.ask('agent:pause', { reason: 'lunch' }), { ok: true });
});

t.test("a console used as the web app uses it is never limited: an agent's connect and a busy call, a lead's page", async (t) => {
  const r = await rig(t);
  const [agent, lead] = [await r.user('agent'), await r.user('shift_lead')];
  r.commands.views.set(agent.id, view(agent.id, 'ringing'));
  r.commands.offers.set(agent.id, pop('call-1'));
  const a = await r.connect(agent.token);
  const l = await r.connect(lead.token);
  const codes: string[] = [];
  const record = (res: AckResult) => void codes.push(res.ok ? 'ok' : (res.error?.code ?? '?'));

  // Agent: reconnect sync, queue login, the softphone's setup (media refused here: no media server), a call with every control.
  const agentSteps: Array<[string, ...unknown[]]> = [
    ['sync'],
    ['agent:login', {}],
    ['media:open'],
    ['media:connect', { transportId: 's', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } }],
    ['media:connect', { transportId: 'r', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } }],
    ['media:produce', { transportId: 's', kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000 }] } }],
    ['media:warmup'],
    ['call:answer', { callId: 'call-1' }],
    ['media:resume', { consumerId: 'c' }],
    ['call:hold', { callId: 'call-1', held: true }],
    ['call:hold', { callId: 'call-1', held: false }],
    ['call:mute', { callId: 'call-1', muted: true }],
    ['call:mute', { callId: 'call-1', muted: false }],
    ...Array.from({ length: 12 }, (_, i): [string, ...unknown[]] => ['call:dtmf', { callId: 'call-1', digits: String(i % 10) }]),
    ['call:conference', { callId: 'call-1', unitId: 'u1' }],
    ['call:conference_drop', { callId: 'call-1' }],
    ['call:transfer', { callId: 'call-1', unitId: 'u1' }],
    ['agent:wrapup_done'],
    ['agent:pause', { reason: 'lunch' }],
    ['agent:unpause'],
  ];
  // Fired as fast as a script could, which is faster than a person clicks.
  await Promise.all(agentSteps.map(async ([ev, ...args]) => record(await a.ask(ev, ...args))));
  // Lead: a few syncs after gaps, and a burst of actions on the queue.
  const leadSteps: Array<[string, ...unknown[]]> = [
    ['sync'],
    ['sync'],
    ['sync'],
    ...Array.from({ length: 10 }, (_, i): [string, ...unknown[]] => ['lead:set_priority', { callId: `c${i}`, priority: i }]),
    ['lead:pause_agent', { agentId: agent.id, reason: 'meeting' }],
    ['lead:unpause_agent', { agentId: agent.id }],
  ];
  await Promise.all(leadSteps.map(async ([ev, ...args]) => record(await l.ask(ev, ...args))));
  t.notOk(codes.includes('RATE_LIMITED'), 'nothing was rate limited');
  t.equal(codes.length, agentSteps.length + leadSteps.length);
  t.ok(a.client.connected && l.client.connected);
});
