/**
 * Shift leads get queue changes merged, one numbered `queue:delta` per tick, while agents get
 * their own events at once (real socket.io server and clients; src/realtime/lead-room.ts).
 * SUNLINE_LEAD_UPDATE_MS acts through the real app.
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import { EnvError, loadEnv } from '../../src/config/env.js';
import type { AgentView, ClientToServerEvents, LeadUpdate, QueueSnapshot, QueueStats, ServerToClientEvents, WaitingCaller } from '../../src/contract/index.js';
import { backlogBytes } from '../../src/realtime/lead-room.js';
import { applyLeadUpdate, applySnapshot } from '../../src/web/lead/lead-state.js';
import { testApp } from '../helpers/app.js';
import { rig, view, type Session } from './fixtures.js';

const waiting = (callId: string, stage: WaitingCaller['stage'], pad = ''): WaitingCaller => ({
  callId,
  callerNumber: `1380000${callId}${pad}`,
  hotline: { number: '12345', name: { zh: '热线', en: 'Hotline' }, skill: 'general' },
  enteredAt: 100,
  priority: 0,
  offeredTo: null,
  stage,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deltas = (s: Session) => s.received.filter((x) => x.event === 'queue:delta').map((x) => x.payload as LeadUpdate);
const timeOf = (s: Session, stamps: Map<unknown, number>, event: string, n: number) => stamps.get(s.received.filter((x) => x.event === event)[n - 1]?.payload);

/** Receive times of every payload a session gets (its `received` list keeps no times). */
function stamp(s: Session): Map<unknown, number> {
  const at = new Map<unknown, number>();
  s.client.onAny((_event: string, payload: unknown) => at.set(payload, Date.now()));
  return at;
}

t.test('a burst of changes reaches leads as one merged update per tick; the agent gets its events at once', async (t) => {
  const r = await rig(t, { realtime: { leadUpdateMs: 400 } });
  const [a, lead] = [await r.user('agent'), await r.user('shift_lead')];
  const sa = await r.connect(a.token);
  const sl = await r.connect(lead.token);
  const snap = await sl.nth<QueueSnapshot>('queue:snapshot');
  const agentAt = stamp(sa);
  const leadAt = stamp(sl);

  // One call: greeting, queue, ringing a1, answered — then a second call starts 50 ms later.
  const t0 = Date.now();
  r.events.emit('queue.changed', { at: 1, upsertWaiting: [waiting('x', 'greeting')] });
  r.events.emit('queue.changed', { at: 2, upsertWaiting: [waiting('x', 'queue')] });
  r.events.emit('call.updated', { callId: 'x', state: 'offered', agentId: a.id, at: 3 });
  r.events.emit('agent.state_changed', view(a.id, 'ringing'));
  r.events.emit('queue.changed', { at: 4, upsertWaiting: [waiting('x', 'ringing')] });
  await sleep(50);
  r.events.emit('call.updated', { callId: 'x', state: 'answered', agentId: a.id, at: 5 });
  r.events.emit('agent.state_changed', { ...view(a.id, 'on_call'), callId: 'x' });
  r.events.emit('queue.changed', { at: 6, removeWaiting: ['x'] });
  r.events.emit('queue.changed', { at: 7, upsertWaiting: [waiting('y', 'greeting')] });

  await sa.nth('call:update', 2);
  await sl.nth('queue:delta', 2);
  const [first, second] = deltas(sl);
  t.ok(first!.at >= t0 && second!.at >= first!.at, "each update's at: its newest change's (here the agent's, stamped now)");
  t.same(
    first,
    { seq: 1, at: first!.at, upsertWaiting: [waiting('x', 'ringing')], agents: [view(a.id, 'ringing')] },
    'the first burst, merged: x in its last stage',
  );
  t.same(
    second,
    { seq: 2, at: second!.at, removeWaiting: ['x'], upsertWaiting: [waiting('y', 'greeting')], agents: [{ ...view(a.id, 'on_call'), callId: 'x' }] },
    'the second burst waits for the tick, merged',
  );
  // The first burst went out alone, before the second was published 50 ms later (else one update
  // would hold both): the first change after a quiet spell is not held for the tick. Checked by
  // what the updates hold and in which order they came, not by a wall-clock bound a loaded
  // machine could break.
  t.ok(timeOf(sl, leadAt, 'queue:delta', 2)! - t0 >= 380, `the next one a tick (400 ms) after it (${timeOf(sl, leadAt, 'queue:delta', 2)! - t0} ms)`);
  t.ok(
    timeOf(sa, agentAt, 'call:update', 2)! <= timeOf(sl, leadAt, 'queue:delta', 2)!,
    "the agent's answered update is not held back: it came before the leads' update of the same change, which waited for the tick",
  );
  t.equal(sa.count('agent:state'), 3, 'connect + ringing + on_call, each its own message');

  // The page ends in the state of every change applied one by one: y waiting, a1 on the call.
  let page = applySnapshot({ waiting: [], agents: [], callers: {}, controls: {}, seq: null }, snap);
  for (const d of deltas(sl)) {
    const { gap, ...next } = applyLeadUpdate(page, d);
    t.notOk(gap, `update ${d.seq} follows on`);
    page = next;
  }
  t.same(
    page.waiting.map((w) => [w.callId, w.stage]),
    [['y', 'greeting']],
  );
  t.same(
    page.agents.map((x: AgentView) => [x.agentId, x.state, x.callId]),
    [[a.id, 'on_call', 'x']],
  );
  t.equal(page.callers['x'], '1380000x', "the answered caller's number is remembered");
  await sl.ask('sync');
  t.equal(sl.count('call:update'), 0, 'leads get no call:update');
});

t.test('call:controls to leads goes after the changes pending before it, not ahead of them', async (t) => {
  // A long tick: "not a tick later" below is then far from anything a loaded machine takes.
  const r = await rig(t, { realtime: { leadUpdateMs: 20_000 } });
  const [a, lead] = [await r.user('agent'), await r.user('shift_lead')];
  const sl = await r.connect(lead.token);
  await sl.nth('queue:snapshot');
  r.events.emit('queue.changed', { at: 1, upsertWaiting: [waiting('p', 'queue')] });
  await sl.nth('queue:delta'); // the tick starts: the next change waits up to 20 s
  const t0 = Date.now();
  r.events.emit('call.updated', { callId: 'p', state: 'ended', agentId: a.id, at: 2 });
  r.events.emit('queue.changed', { at: 3, removeWaiting: ['p'] });
  r.events.emit('call.controls', {
    callId: 'q',
    agentId: a.id,
    callerNumber: '139',
    held: true,
    muted: false,
    conference: null,
    transferredTo: null,
    at: 4,
    version: 1,
  });
  await sl.nth('call:controls');
  const order = sl.received
    .filter((x) => x.event !== 'queue:stats')
    .slice(-2)
    .map((x) => x.event);
  t.same(order, ['queue:delta', 'call:controls'], 'the pending update first');
  t.same(deltas(sl)[1], { seq: 2, at: 3, removeWaiting: ['p'], endedCalls: ['p'] });
  t.ok(Date.now() - t0 < 10_000, 'sent with the controls, not a tick (20 s) later');
});

t.test('an update is written a few consoles per turn of the event loop; later messages never overtake it', async (t) => {
  const r = await rig(t, { realtime: { leadUpdateMs: 50, leadChunk: 2 } });
  const a = await r.user('agent');
  const consoles: Session[] = [];
  for (let i = 0; i < 5; i++) consoles.push(await r.connect((await r.user('shift_lead')).token));
  for (const c of consoles) await c.nth('queue:snapshot');
  // Which consoles each emit of the room goes to (socket ids; agent rooms are named agent:<id>).
  const writes: string[][] = [];
  const to = r.rt.io.to.bind(r.rt.io);
  r.rt.io.to = ((room: string | string[]) => {
    const rooms = Array.isArray(room) ? room : [room];
    if (!rooms.some((x) => x.startsWith('agent:'))) writes.push(rooms);
    return to(room);
  }) as typeof r.rt.io.to;
  r.events.emit('queue.changed', { at: 1, upsertWaiting: [waiting('k', 'queue')] });
  r.events.emit('call.controls', {
    callId: 'k',
    agentId: a.id,
    callerNumber: '139',
    held: true,
    muted: false,
    conference: null,
    transferredTo: null,
    at: 2,
    version: 1,
  });
  r.events.emit('queue.changed', { at: 3, removeWaiting: ['k'] });
  for (const c of consoles) await c.nth('queue:delta', 2);
  for (const [i, c] of consoles.entries()) {
    const seen = c.received
      .filter((x) => x.event === 'queue:delta' || x.event === 'call:controls')
      .map((x) => (x.event === 'queue:delta' ? `delta ${(x.payload as LeadUpdate).seq}` : 'controls'));
    t.same(seen, ['delta 1', 'controls', 'delta 2'], `console ${i + 1}: in order`);
  }
  t.ok(
    writes.every((w) => w.length <= 2),
    `at most 2 consoles per write (${writes.map((w) => w.length).join(', ')})`,
  );
  t.equal(
    writes.reduce((n, w) => n + w.length, 0),
    15,
    'three messages × five consoles, each once',
  );
});

t.test('queue:stats is written a few consoles per turn of the event loop too, without an early update', async (t) => {
  // A tick long enough that the stats reach every console before it ends, also on a loaded machine:
  // with 300 ms the tick could end first (the pending change then went out before the stats, or
  // its writes came between theirs), which says nothing about the order checked here.
  const r = await rig(t, { realtime: { leadUpdateMs: 2000, leadChunk: 2 } });
  const consoles: Session[] = [];
  for (let i = 0; i < 5; i++) consoles.push(await r.connect((await r.user('shift_lead')).token));
  for (const c of consoles) await c.nth('queue:snapshot');
  const writes: string[][] = [];
  const to = r.rt.io.to.bind(r.rt.io);
  r.rt.io.to = ((room: string | string[]) => {
    writes.push(Array.isArray(room) ? room : [room]);
    return to(room);
  }) as typeof r.rt.io.to;
  // A change opens a tick; the stats come while the next change waits for it.
  r.events.emit('queue.changed', { at: 1, upsertWaiting: [waiting('s', 'queue')] });
  for (const c of consoles) await c.nth('queue:delta', 1);
  r.events.emit('queue.changed', { at: 2, removeWaiting: ['s'] });
  const stats = { at: 3, dayStart: 0, answerRate15s: null, abandonRate: null, avgAnswerWaitMs: null, maxAnswerWaitMs: null, byHotline: [] };
  const before = writes.length;
  const had = consoles.map((c) => c.count('queue:stats'));
  r.events.emit('queue.stats', stats as unknown as QueueStats);
  for (const [i, c] of consoles.entries()) await c.nth('queue:stats', had[i]! + 1);
  const statsWrites = writes.slice(before, before + 3);
  t.notOk(
    writes.slice(before).some((w) => w.includes('leads')),
    `never the whole leads room at once (${writes
      .slice(before)
      .map((w) => w.join('+'))
      .join(', ')})`,
  );
  t.same(
    statsWrites.map((w) => w.length),
    [2, 2, 1],
    'five consoles, two per write',
  );
  for (const c of consoles) t.equal(deltas(c).length, 1, 'the pending change still waits for its tick');
  for (const c of consoles) await c.nth('queue:delta', 2);
  t.same(
    consoles.map((c) => deltas(c).map((d) => d.seq)),
    consoles.map(() => [1, 2]),
    'then comes as the next update',
  );
});

t.test('a lead console that falls behind gets no updates until it has drained, then a snapshot; updates go on from its seq', async (t) => {
  const r = await rig(t, { realtime: { leadUpdateMs: 5, leadMaxBacklogBytes: 64 * 1024 } });
  const [slow, fine] = [await r.user('shift_lead'), await r.user('shift_lead')];
  const ss = await r.connect(slow.token);
  const sf = await r.connect(fine.token);
  await ss.nth('queue:snapshot');
  await sf.nth('queue:snapshot');
  r.commands.snapshot = { at: 42, waiting: [], agents: [] };
  const serverSocket = [...r.rt.io.of('/').sockets.values()].find((s) => s.data.user.id === slow.id)!;
  // The slow console stops reading: the server's writes back up (kernel buffers, then ws's).
  const tcp = (ss.client.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
  tcp.pause();
  const big = (round: number) => Array.from({ length: 300 }, (_, i) => waiting(`r${round}-${i}`, 'queue', 'x'.repeat(200)));
  let round = 0;
  const deadline = Date.now() + 20_000;
  // Push changes until the server holds more than the limit for it, and a few ticks beyond.
  let beyond = 0;
  while (beyond < 5 && Date.now() < deadline) {
    r.events.emit('queue.changed', { at: ++round, upsertWaiting: big(round), ...(round > 1 ? { removeWaiting: big(round - 1).map((w) => w.callId) } : {}) });
    await sleep(8);
    if (backlogBytes(serverSocket) > 64 * 1024) beyond++;
  }
  t.ok(beyond >= 5, `the server's backlog for the slow console passed the limit (round ${round})`);
  const sentToFine = deltas(sf).length;
  tcp.resume();
  const caughtUp = await new Promise<QueueSnapshot>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no catch-up snapshot')), 15_000);
    const check = () => {
      const snaps = ss.received.filter((x) => x.event === 'queue:snapshot');
      if (snaps.length >= 2) {
        clearTimeout(timer);
        resolve(snaps[1]!.payload as QueueSnapshot);
      } else setTimeout(check, 20);
    };
    check();
  });
  t.equal(caughtUp.at, 42, 'a fresh snapshot');
  const before = deltas(ss);
  t.ok(before.length < Math.max(sentToFine, deltas(sf).length), `fewer updates than the healthy console (${before.length} vs ${deltas(sf).length})`);
  t.same(
    before.map((d) => d.seq),
    before.map((_, i) => i + 1),
    'the updates it got before are consecutive',
  );
  t.ok(caughtUp.seq! >= before.length, `the snapshot carries the seq it covers (${caughtUp.seq})`);
  r.events.emit('queue.changed', { at: 1e6, removeWaiting: ['z'] });
  const next = await ss.nth<LeadUpdate>('queue:delta', before.length + 1);
  t.equal(next.seq, caughtUp.seq! + 1, 'the next update follows the snapshot');
  t.same(
    deltas(sf).map((d) => d.seq),
    deltas(sf).map((_, i) => i + 1),
    'the healthy console got every update, in order',
  );
});

t.test('SUNLINE_LEAD_UPDATE_MS: 150 by default, 0 to 5000, anything else refused', async (t) => {
  t.equal(loadEnv({}).leadUpdateMs, 150);
  t.equal(loadEnv({ SUNLINE_LEAD_UPDATE_MS: '0' }).leadUpdateMs, 0);
  t.equal(loadEnv({ SUNLINE_LEAD_UPDATE_MS: '250' }).leadUpdateMs, 250);
  for (const bad of ['-1', '1.5', 'soon', '5001']) {
    let problems: string[] = [];
    try {
      loadEnv({ SUNLINE_LEAD_UPDATE_MS: bad });
    } catch (e) {
      if (e instanceof EnvError) problems = e.problems;
    }
    t.ok(
      problems.some((p) => p.startsWith('SUNLINE_LEAD_UPDATE_MS')),
      `'${bad}' refused`,
    );
  }
});

/** The real app with this setting; a lead console; six changes in one go, then one more 50 ms later. */
async function appRun(t: { teardown(fn: () => unknown): void }, setting: string, expected: number) {
  const app = await testApp(t, { env: { SUNLINE_LEAD_UPDATE_MS: setting } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'lead', displayName: 'lead', role: 'shift_lead', password: 'long enough password' });
  const token = (await app.users.login('lead', 'long enough password'))!.token;
  const client: Socket<ServerToClientEvents, ClientToServerEvents> = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: `sunline_session=${token}` },
  });
  t.teardown(() => client.disconnect());
  const got: Array<{ d: LeadUpdate; at: number }> = [];
  client.on('queue:delta', (d) => got.push({ d, at: Date.now() }));
  await new Promise<void>((resolve) => client.once('queue:snapshot', () => resolve()));
  const t0 = Date.now();
  for (let i = 1; i <= 6; i++) app.events.emit('queue.changed', { at: i, upsertWaiting: [waiting('w', i % 2 ? 'queue' : 'ringing')] });
  await sleep(50);
  app.events.emit('queue.changed', { at: 7, removeWaiting: ['w'] });
  // Until the updates expected have come (bounded), then a tick and more for any beyond them.
  for (const deadline = Date.now() + 10_000; got.length < expected && Date.now() < deadline;) await sleep(20);
  await sleep(Number(setting) + 300);
  return { got, t0 };
}

t.test('the setting acts: 250 ms merges the burst and holds the next change for the tick; 0 sends each change', async (t) => {
  const merged = await appRun(t, '250', 2);
  t.same(
    merged.got.map((g) => g.d.seq),
    [1, 2],
    'two updates for seven changes',
  );
  t.same(merged.got[1]!.d.removeWaiting, ['w']);
  t.ok(merged.got[1]!.at - merged.t0 >= 230, `the second one a tick after the first (${merged.got[1]!.at - merged.t0} ms)`);
  const each = await appRun(t, '0', 7);
  t.same(
    each.got.map((g) => g.d.seq),
    [1, 2, 3, 4, 5, 6, 7],
    'one update per change',
  );
});
