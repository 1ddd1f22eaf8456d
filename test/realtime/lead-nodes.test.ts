/**
 * Shift leads and wall screens on several nodes (issue 16 item 2; src/realtime/lead-relay.ts,
 * wallboard-relay.ts), for real: a real redis-server (tools/redis.ts) between two nodes on one
 * SQLite file.
 *
 * - The leader: an app's socket.io server with the Redis adapter and call control (fake console
 *   commands hold its queue; the test publishes its domain events), the lead tick at its default.
 * - The follower: a whole app with SUNLINE_REDIS_URL and no telephony, as a second node runs.
 *
 * A lead console on each node: every update the leader sends reaches both, the same and in the
 * same order; a lead console connecting to the follower gets the leader's snapshot, controls and
 * figures, not the follower's call-less queue. A wall screen on the follower gets the leader's
 * summaries.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { CallControlsView, LeadUpdate, QueueSnapshot, QueueStats, WaitingCaller, WallboardSummary } from '../../src/contract/index.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { connectCluster } from '../../src/realtime/cluster.js';
import { attachRealtime } from '../../src/realtime/index.js';
import { backlogBytes } from '../../src/realtime/lead-room.js';
import type { RealtimeServer } from '../../src/realtime/session.js';
import type { Sunline } from '../../src/app.js';
import { startRedis } from '../../tools/redis.js';
import { testApp } from '../helpers/app.js';
import { FakeCommands, view, waitingCaller } from './fixtures.js';

const waiting = (callId: string, stage: WaitingCaller['stage']): WaitingCaller => waitingCaller(callId, { stage });

const stats = (callsIn: number): QueueStats => ({
  callsIn,
  answered: 0,
  answeredWithin15s: 0,
  abandonedInQueue: 0,
  abandonedAtFrontDoor: 0,
  at: 1,
  dayStart: 0,
  answerRate15s: null,
  abandonRate: null,
  avgAnswerWaitMs: null,
  maxAnswerWaitMs: null,
  byHotline: [],
});

const summary = (waitingNow: number): WallboardSummary => ({
  at: 1,
  waiting: waitingNow,
  longestWaitSince: null,
  agents: {},
  today: { callsIn: 0, answered: 0, answerRate15s: null, abandonRate: null, avgAnswerWaitMs: null },
  orders: { today: 0, overdue: 0 },
  hourly: [],
});

/** Waits for `cond`, at most `ms` (a bound for a test that would otherwise hang, not a figure). */
async function until(cond: () => boolean, ms = 20_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

interface Console {
  socket: Socket;
  got: Array<{ event: string; payload: unknown }>;
  of<T>(event: string): T[];
}

async function consoleOn(app: Sunline, token: string, opts: { wallboard?: boolean } = {}): Promise<Console> {
  const socket = connectClient(`http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: `sunline_session=${encodeURIComponent(token)}` },
    ...(opts.wallboard ? { auth: { view: 'wallboard' } } : {}),
  });
  const got: Console['got'] = [];
  socket.onAny((event: string, payload: unknown) => got.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, got, of: <T>(event: string) => got.filter((g) => g.event === event).map((g) => g.payload as T) };
}

/** The telephony statuses a console got (`system:status`), once it has one (an empty list if none came). */
async function statusesOf(c: Console): Promise<string[]> {
  await until(() => c.of('system:status').length >= 1);
  return c.of<{ telephony: string }>('system:status').map((s) => s.telephony);
}

/** The leader (socket.io on an app, fake call control) and a follower app, on one data folder and one Redis. */
/** `second`: the second node as a socket.io server on an app (lead room settings of its own) instead of a whole app. */
async function twoNodes(
  t: { teardown(fn: () => unknown): void },
  opts: { tick?: number; second?: { leadUpdateMs: number; leadMaxBacklogBytes: number } } = {},
) {
  const redis = await startRedis(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-lead-nodes-'));
  const teardowns: Array<() => unknown> = [];
  t.teardown(async () => {
    for (const fn of teardowns.reverse()) await fn();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  let figures = stats(0);
  // The leader's summary from the start: its 10 s heartbeat may relay one before a test looks.
  let wall = summary(3);
  const wallboard = { summary: () => wall, callsChanged: () => undefined, ordersChanged: () => undefined };
  /** A node with call control (a second one: the lease moved to it). */
  const startLeader = async () => {
    const app = await testApp({ teardown: (fn) => teardowns.push(fn) }, { env: { SUNLINE_DATA_DIR: dir }, overrides: { realtime: false } });
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const cluster = await connectCluster(redis.url, app.log);
    const events = new DomainEvents();
    const commands = new FakeCommands();
    const rt = attachRealtime({
      http: app.http.server,
      users: app.users,
      commands,
      events,
      log: app.log,
      leadUpdateMs: opts.tick ?? app.env.leadUpdateMs,
      stats: { current: () => figures, fresh: () => Promise.resolve(figures) },
      wallboard,
      wallboardRoom: { intervalMs: 0 },
      cluster,
    });
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= rt.close().then(async () => cluster.close()));
    teardowns.push(stop);
    return { app, events, commands, stop };
  };
  const first = await startLeader();
  const leaderApp = first.app;
  const { events, commands } = first;
  const followerEnv = { SUNLINE_DATA_DIR: dir, ...(opts.second ? {} : { SUNLINE_REDIS_URL: redis.url }) };
  const follower = await testApp({ teardown: (fn) => teardowns.push(fn) }, { env: followerEnv, ...(opts.second ? { overrides: { realtime: false } } : {}) });
  await follower.http.listen({ port: 0, host: '127.0.0.1' });
  let followerIo: RealtimeServer | null = null;
  if (opts.second) {
    const cluster = await connectCluster(redis.url, follower.log);
    const rt = attachRealtime({
      http: follower.http.server,
      users: follower.users,
      commands: new FakeCommands(),
      events: new DomainEvents(),
      log: follower.log,
      ...opts.second,
      cluster,
      callControlElsewhere: true,
    });
    followerIo = rt.io;
    teardowns.push(async () => {
      await rt.close();
      await cluster.close();
    });
  }
  const sockets: Socket[] = [];
  teardowns.push(() => sockets.forEach((s) => s.disconnect()));
  let n = 0;
  const user = async (role: 'shift_lead' | 'wallboard') => {
    const username = `${role}${++n}`;
    await leaderApp.users.create({ username, displayName: username, role, password: 'long enough password' });
    return (await leaderApp.users.login(username, 'long enough password'))!.token;
  };
  const connect = async (app: Sunline, token: string, opts: { wallboard?: boolean } = {}) => {
    const c = await consoleOn(app, token, opts);
    sockets.push(c.socket);
    return c;
  };
  return {
    redisUrl: redis.url,
    leader: leaderApp,
    stopLeader: first.stop,
    startLeader,
    follower,
    followerIo,
    events,
    commands,
    user,
    connect,
    setStats: (s: QueueStats) => (figures = s),
    setSummary: (s: WallboardSummary) => (wall = s),
  };
}

t.test('tick on: lead consoles on both nodes get the same updates in the same order, and the leader’s snapshot', async (t) => {
  const n = await twoNodes(t);
  t.equal(n.follower.env.leadUpdateMs, 150, 'the default tick on both nodes');
  // The leader's queue before anyone connects: one caller waiting, one agent on a call with controls.
  const controls: CallControlsView = {
    callId: 'c0',
    agentId: 7,
    callerNumber: '13900000000',
    held: true,
    muted: false,
    conference: null,
    transferredTo: null,
    at: 1,
    version: 3,
  };
  n.commands.snapshot = { at: 5, waiting: [waiting('w0', 'queue')], agents: [{ ...view(7, 'on_call'), callId: 'c0' }] };
  n.commands.controls.set(7, controls);
  n.setStats(stats(42));

  const token = await n.user('shift_lead');
  const onLeader = await n.connect(n.leader, token);
  const onFollower = await n.connect(n.follower, token);
  t.ok(await until(() => onLeader.of('queue:snapshot').length === 1 && onFollower.of('queue:snapshot').length === 1), 'a snapshot on each node');
  t.same(onFollower.of<QueueSnapshot>('queue:snapshot')[0], { ...n.commands.snapshot, seq: 0 }, "the follower's lead gets the leader's queue and seq");
  t.same(onFollower.of('call:controls'), [controls], "and the leader's call controls");
  t.same(onFollower.of('queue:stats'), [stats(42)], "and the leader's figures");
  t.same(await statusesOf(onFollower), ['up'], "and the leader's telephony status, never the second node's own (it has none)");

  // Changes on the call-control node, one burst per tick (each waits for the leader's own console).
  const bursts: Array<() => void> = [
    () => n.events.emit('queue.changed', { at: 10, upsertWaiting: [waiting('w1', 'greeting')] }),
    () => {
      n.events.emit('queue.changed', { at: 11, upsertWaiting: [waiting('w1', 'queue')] });
      n.events.emit('agent.state_changed', view(8, 'ringing'));
      n.events.emit('queue.changed', { at: 12, removeWaiting: ['w0'] });
    },
    () => n.events.emit('call.updated', { callId: 'c0', state: 'ended', agentId: 7, at: 13 }),
    () => n.events.emit('queue.stats', stats(43)),
    () => n.events.emit('call.controls', { ...controls, held: false, version: 4 }),
    () => n.events.emit('queue.changed', { at: 14, removeWaiting: ['w1'] }),
  ];
  const relayed = (c: Console) => c.got.filter((g) => ['queue:delta', 'queue:stats', 'call:controls'].includes(g.event));
  const before = { leader: relayed(onLeader).length, follower: relayed(onFollower).length };
  let expected = 0;
  for (const burst of bursts) {
    burst();
    expected += 1;
    t.ok(await until(() => relayed(onLeader).length - before.leader >= expected), `the leader's console got message ${expected}`);
  }
  t.ok(await until(() => relayed(onFollower).length - before.follower >= expected), "the follower's console got as many");
  const leaderGot = relayed(onLeader).slice(before.leader);
  const followerGot = relayed(onFollower).slice(before.follower);
  t.same(
    leaderGot.map((g) => g.event),
    ['queue:delta', 'queue:delta', 'queue:delta', 'queue:stats', 'call:controls', 'queue:delta'],
  );
  t.same(followerGot, leaderGot, 'the same messages, the same contents, the same order on both nodes');
  t.same(
    followerGot.filter((g) => g.event === 'queue:delta').map((g) => (g.payload as LeadUpdate).seq),
    [1, 2, 3, 4],
    'numbered by the leader',
  );

  // A second lead console, on the follower, after the changes: the leader's state and seq.
  n.commands.snapshot = { at: 20, waiting: [], agents: [view(8, 'ringing')] };
  n.commands.controls.clear();
  const late = await n.connect(n.follower, token);
  t.ok(await until(() => late.of('queue:snapshot').length === 1), 'a snapshot');
  t.same(late.of('queue:snapshot'), [{ ...n.commands.snapshot, seq: 4 }], "the leader's queue as it is now, with the seq of its last update");
  t.same(late.of('queue:stats'), [stats(42)], "the leader's figures as its stats source has them");

  // `sync` on the follower asks the leader again; the next change follows it as seq 5 on every console.
  await new Promise((resolve) => late.socket.emit('sync', resolve));
  t.ok(await until(() => late.of('queue:snapshot').length === 2), 'sync: a second snapshot');
  n.events.emit('queue.changed', { at: 21, upsertWaiting: [waiting('w2', 'queue')] });
  t.ok(await until(() => [onLeader, onFollower, late].every((c) => c.of<LeadUpdate>('queue:delta').some((d) => d.seq === 5))), 'seq 5 everywhere');
  t.same(late.of<LeadUpdate>('queue:delta'), [onLeader.of<LeadUpdate>('queue:delta').at(-1)], 'the late console got only what came after its snapshot');
});

t.test('a wall screen on the second node gets the leader’s summaries', async (t) => {
  const n = await twoNodes(t);
  const screen = await n.connect(n.follower, await n.user('wallboard'));
  t.ok(await until(() => screen.of('wallboard:summary').length >= 1), 'a summary on connect');
  t.same(screen.of('wallboard:summary')[0], summary(3), "the leader's summary, not the follower's call-less one");
  n.setSummary(summary(5));
  n.events.emit('queue.changed', { at: 1, upsertWaiting: [waiting('w9', 'queue')] });
  t.ok(await until(() => screen.of<WallboardSummary>('wallboard:summary').some((s) => s.waiting === 5)), 'the next summary the leader built');
  t.same(await statusesOf(screen), ['up'], "the leader's telephony status, not the second node's (it has none)");
  n.commands.up = false;
  const later = await n.connect(n.follower, await n.user('wallboard'));
  t.same(await statusesOf(later), ['down'], "the leader's status as it is now");
  n.commands.up = true;
  await n.stopLeader();
  const alone = await n.connect(n.follower, await n.user('wallboard'));
  t.same(await statusesOf(alone), ['down'], 'down: no node holds the calls');
});

t.test('when call control moves, the lead consoles on the other node get the new leader’s snapshot before its updates', async (t) => {
  const n = await twoNodes(t);
  const token = await n.user('shift_lead');
  const lead = await n.connect(n.follower, token);
  t.ok(await until(() => lead.of('queue:snapshot').length === 1), 'a snapshot');
  n.events.emit('queue.changed', { at: 1, upsertWaiting: [waiting('a1', 'queue')] });
  t.ok(await until(() => lead.of('queue:delta').length === 1), 'the first leader’s update');
  n.events.emit('queue.changed', { at: 2, upsertWaiting: [waiting('a2', 'queue')] });
  t.ok(await until(() => lead.of('queue:delta').length === 2), 'and its second: the page is at seq 2');

  await n.stopLeader();
  const next = await n.startLeader();
  next.commands.snapshot = { at: 3, waiting: [waiting('b1', 'queue')], agents: [] };
  next.events.emit('queue.changed', { at: 3, upsertWaiting: [waiting('b1', 'queue')] });
  t.ok(await until(() => lead.of('queue:snapshot').length === 2), 'a fresh snapshot once the new leader is heard');
  t.same(lead.of('queue:snapshot')[1], { ...next.commands.snapshot, seq: 1 }, 'the new leader’s queue, numbered from its own first update');
  t.equal(lead.of('queue:delta').length, 2, 'its update 1 is in that snapshot, not sent as well');
  next.events.emit('queue.changed', { at: 4, removeWaiting: ['b1'] });
  t.ok(await until(() => lead.of('queue:delta').length === 3), 'the next update follows');
  t.same(lead.of<LeadUpdate>('queue:delta')[2], { seq: 2, at: 4, removeWaiting: ['b1'] }, 'seq 2 of the new leader, which the page applies');
});

t.test('a lead console on the second node that fell behind gets the leader’s snapshot once it has drained, then the updates after it', async (t) => {
  const n = await twoNodes(t, { tick: 5, second: { leadUpdateMs: 5, leadMaxBacklogBytes: 64 * 1024 } });
  const token = await n.user('shift_lead');
  const slow = await n.connect(n.follower, token);
  const fine = await n.connect(n.follower, token);
  t.ok(await until(() => slow.of('queue:snapshot').length === 1 && fine.of('queue:snapshot').length === 1), 'a snapshot each');
  n.commands.snapshot = { at: 42, waiting: [], agents: [] };
  const serverSocket = n.followerIo!.of('/').sockets.get(slow.socket.id!)!;
  // The slow console stops reading: the second node's writes to it back up.
  const tcp = (slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
  tcp.pause();
  const big = (round: number) => Array.from({ length: 300 }, (_, i) => waiting(`r${round}-${i}`.padEnd(200, 'x'), 'queue'));
  let round = 0;
  let beyond = 0;
  const deadline = Date.now() + 20_000;
  while (beyond < 5 && Date.now() < deadline) {
    n.events.emit('queue.changed', { at: ++round, upsertWaiting: big(round), ...(round > 1 ? { removeWaiting: big(round - 1).map((w) => w.callId) } : {}) });
    await new Promise((r) => setTimeout(r, 8));
    if (backlogBytes(serverSocket) > 64 * 1024) beyond++;
  }
  t.ok(beyond >= 5, `the second node's backlog for the slow console passed the limit (round ${round})`);
  tcp.resume();
  t.ok(await until(() => slow.of('queue:snapshot').length === 2), 'a snapshot once it drained');
  const caughtUp = slow.of<QueueSnapshot & { seq: number }>('queue:snapshot')[1]!;
  t.equal(caughtUp.at, 42, "the leader's queue, not the second node's");
  const seqs = fine.of<LeadUpdate>('queue:delta').map((d) => d.seq);
  t.same(
    seqs,
    seqs.map((_, i) => i + 1),
    'the healthy console on the same node got every update, in order',
  );
  n.events.emit('queue.changed', { at: 1e6, removeWaiting: ['z'] });
  t.ok(await until(() => slow.of<LeadUpdate>('queue:delta').some((d) => d.seq > caughtUp.seq)), 'updates go on');
  const index = slow.got.findIndex((g) => g.payload === caughtUp);
  const after = slow.got.slice(index + 1).filter((g) => g.event === 'queue:delta');
  t.equal((after[0]!.payload as LeadUpdate).seq, caughtUp.seq + 1, 'the first update after the snapshot is the next one');
});

t.test('a third node that never answers does not hold the second node’s lead consoles for the adapter’s timeout', async (t) => {
  const n = await twoNodes(t, { second: { leadUpdateMs: 150, leadMaxBacklogBytes: 64 * 1024 } });
  // A node on the same Redis with no Sunline listeners (an older version, a stalled process): the
  // adapter's ack waits for its answer too, until its 5 s timeout.
  const silentCluster = await connectCluster(n.redisUrl, n.follower.log);
  const silent = new Server({ adapter: silentCluster.adapter });
  t.teardown(async () => {
    // No HTTP server under it (socket.io's close() needs one): its adapter unsubscribes.
    await silent.of('/').adapter.close();
    await silentCluster.close();
  });
  const adapter = n.followerIo!.of('/').adapter as unknown as { serverCount(): Promise<number>; requests: Map<string, unknown> };
  const counted = async () => (await adapter.serverCount()) === 3;
  for (let i = 0; i < 100 && !(await counted()); i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(await counted(), 'three nodes on the adapter’s channel');
  n.commands.snapshot = { at: 9, waiting: [waiting('s1', 'queue')], agents: [] };
  const lead = await n.connect(n.follower, await n.user('shift_lead'));
  t.ok(await until(() => lead.of('queue:snapshot').length === 1), 'a snapshot');
  t.ok(adapter.requests.size >= 1, 'it came while the silent node’s answer was still awaited (the ack’s request pending)');
  t.same(lead.of('queue:snapshot')[0], { ...n.commands.snapshot, seq: 0 }, 'the leader’s queue, answered at once');
  t.same(await statusesOf(lead), ['up'], 'and the leader’s telephony');
});
