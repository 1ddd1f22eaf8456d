/**
 * The inbound call path's reads go through the orders port (decision 0017; CallsRepository,
 * call-views.ts, front-door.ts), over a real SQLite file and the fake switchboard:
 * - the screen-pop's caller profile, other calls and open orders are read through the port;
 *   a read that fails, or is slower than SCREEN_POP_READ_DEADLINE_MS, gives a pop without them
 *   at the deadline instead of no pop;
 * - the repeat caller's priority is read through the port while the greeting plays, and the
 *   caller is sent to the queue with it; a read slower than REPEAT_CALLER_READ_DEADLINE_MS does
 *   not hold the caller: it goes on at the deadline with the hotline's priority;
 * - a read comes after the call path's writes queued before it (a call's row is found by its
 *   channel once its queued write is committed, not before).
 * On the synchronous reads (the SQLite handle) the port counts no read and the slow and failing
 * reads change nothing: those checks fail there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { AgentsService } from '../../src/agents/agents-service.js';
import { CallCenter } from '../../src/calls/call-center.js';
import { SCREEN_POP_READ_DEADLINE_MS } from '../../src/calls/call-views.js';
import { CallWrites } from '../../src/calls/call-writes.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { REPEAT_CALLER_BOOST, REPEAT_CALLER_READ_DEADLINE_MS } from '../../src/calls/front-door.js';
import { ConfigStore, hotlineFor } from '../../src/config/files/index.js';
import type { ScreenPop } from '../../src/contract/index.js';
import { openDb } from '../../src/db/connection.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { WorkOrdersService, sqliteOrdersStoreOn, type OrdersStore } from '../../src/workorders/index.js';
import { fakeSwitchboard, type Asterisk } from '../helpers/fake-call-center.js';
import { usersOn } from '../helpers/users.js';

const log = pino({ level: process.env['SUNLINE_TEST_LOG'] ?? 'silent' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The SQLite orders port, its reads counted (and made slow or failing at will), its transactions held at a gate at will. */
function spiedStore(inner: OrdersStore) {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  const s = {
    reads: 0,
    readDelayMs: 0,
    failReads: false,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      gate = null;
      open();
    },
    store: {
      dialect: inner.dialect,
      async read(fn) {
        s.reads++;
        if (s.readDelayMs > 0) await sleep(s.readDelayMs);
        if (s.failReads) throw new Error('the database is unreachable');
        return inner.read(fn);
      },
      async transaction(fn) {
        while (gate) await gate;
        return inner.transaction(fn);
      },
    } as OrdersStore,
  };
  return s;
}

async function rig(t: { teardown(fn: () => unknown): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-call-path-reads-'));
  const handle = openDb({ file: path.join(dir, 'db.sqlite'), synchronous: 'normal' });
  const config = await ConfigStore.open({ dir: 'config', watch: false, log });
  const asterisk: Asterisk = { stasis: [], queue: [], channels: new Set(), outage: new Map(), failSend: new Set(), ops: [], digits: [] };
  const switchboard = fakeSwitchboard(asterisk);
  /** The priority each caller was sent to the queue with, and when. */
  const queued = new Map<string, { priority: number; at: number }>();
  const send = switchboard.sendToQueue.bind(switchboard);
  Object.assign(switchboard, {
    sendToQueue: async (channelId: string, opts: { callId: string; priority: number }) => {
      queued.set(channelId, { priority: opts.priority, at: Date.now() });
      return send(channelId, opts);
    },
  });
  const events = new DomainEvents();
  const agents = new AgentsService({ switchboard, events, log, wrapUpMs: 60_000 });
  const spy = spiedStore(sqliteOrdersStoreOn(handle.db));
  const orders = new WorkOrdersService(spy.store);
  const users = usersOn(t, handle, 3600_000);
  const system = await users.systemUser();
  const writes = new CallWrites({ log });
  const repo = new CallsRepository(orders, writes);
  const center = new CallCenter({ switchboard, agents, events, log, config, repo, systemActor: { id: system.id, role: 'admin', unitId: null } });
  t.teardown(async () => {
    spy.release();
    spy.readDelayMs = 0;
    await writes.flushed();
    center.presence.close();
    center.frontDoorWatchdog.close();
    center.reconciler.close();
    agents.close();
    config.close();
    handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const agent = await users.create({ username: 'agent7', displayName: 'agent 7', role: 'agent', password: 'pw-123456' });
  await agents.login(agent.id, 'agent 7', 0);
  const pops: { at: number; pop: ScreenPop }[] = [];
  events.on('call.offered', (_agentId: number, pop: ScreenPop) => pops.push({ at: Date.now(), pop }));
  const boost = hotlineFor(config.current().numbers, '12345').priorityBoost;
  /** A caller at the front door: resolves once it was sent to the queue (then joined). */
  const caller = async (channelId: string, number: string) => {
    center.inbound({ channelId, callerNumber: number, callerName: '', dialled: '12345' });
    const call = center.live.byCallerChannel(channelId)!;
    for (let i = 0; i < 300 && !asterisk.ops.includes(`queue ${channelId} ${call.callId}`); i++) await sleep(10);
    center.queueJoined(channelId);
    return call;
  };
  /** A call of this number made earlier and ended, its draft left open. */
  const earlier = async (callId: string, number: string, at: number) => {
    await repo.createInbound({
      callId,
      channelId: `ch-${callId}`,
      callerPhone: number,
      callerName: '赵六',
      dialled: '12345',
      hotline: '12345',
      at,
      state: 'entered',
    });
    repo.ended(callId, at + 30_000, 'caller');
    await repo.flushed();
  };
  const ring = (legId: string, callId: string, callerChannelId: string) =>
    center.agentLeg({ channelId: legId, agentId: agent.id, callId, callerChannelId, at: Date.now() });
  const popped = async (n: number, ms = 3_000) => {
    for (let i = 0; i < ms / 10 && pops.length < n; i++) await sleep(10);
  };
  return { asterisk, center, events, repo, writes, spy, queued, pops, boost, caller, earlier, ring, popped };
}

t.test('the screen-pop reads the caller, their other calls and open orders through the orders port', async (t) => {
  const r = await rig(t);
  const before = Date.now() - 3_600_000;
  await r.earlier('c-earlier', '13900003333', before);
  const call = await r.caller('caller', '13900003333');
  await r.writes.flushed();
  const reads = r.spy.reads;
  r.ring('leg-1', call.callId, 'caller');
  await r.popped(1);
  t.equal(r.pops.length, 1, 'popped');
  t.equal(r.spy.reads, reads + 1, 'the pop read once through the port');
  const pop = r.pops[0]!.pop;
  t.match(pop.caller, { id: call.callerId, name: '赵六', callCount: 2, firstSeenAt: before }, 'the caller’s profile');
  t.same(
    pop.recentCalls.map((c) => [c.callId, c.enteredAt]),
    [['c-earlier', before]],
    'the caller’s other calls',
  );
  t.equal(pop.openOrders.length, 1, 'the earlier call’s open order');
  t.not(pop.openOrders[0]!.id, call.orderId, 'not this call’s draft');
  t.same(pop.draftOrder, { id: call.orderId, number: call.orderNumber }, 'this call’s draft');
});

t.test('a pop whose read fails goes without the caller’s history', async (t) => {
  const r = await rig(t);
  await r.earlier('c-earlier', '13900004444', Date.now() - 3_600_000);
  const call = await r.caller('caller', '13900004444');
  await r.writes.flushed();
  r.spy.failReads = true;
  r.ring('leg-1', call.callId, 'caller');
  await r.popped(1);
  t.equal(r.pops.length, 1, 'popped anyway');
  t.match(
    r.pops[0]!.pop,
    { caller: null, recentCalls: [], openOrders: [], draftOrder: { id: call.orderId, number: call.orderNumber } },
    'without the history, with the draft',
  );
});

t.test('a pop whose read is slower than SCREEN_POP_READ_DEADLINE_MS goes at the deadline without the caller’s history', async (t) => {
  const r = await rig(t);
  await r.earlier('c-earlier', '13900004444', Date.now() - 3_600_000);
  const call = await r.caller('caller', '13900004444');
  await r.writes.flushed();
  // A read that would answer 1.5 s after the deadline: a pop that waited for it would come after that (the bounds below leave room for a loaded machine).
  r.spy.readDelayMs = SCREEN_POP_READ_DEADLINE_MS + 1_500;
  const rang = Date.now();
  r.ring('leg-1', call.callId, 'caller');
  await r.popped(1, SCREEN_POP_READ_DEADLINE_MS + 1_300);
  t.equal(r.pops.length, 1, 'popped at the deadline');
  const late = r.pops[0]!;
  t.ok(late.at - rang >= SCREEN_POP_READ_DEADLINE_MS - 20 && late.at - rang < SCREEN_POP_READ_DEADLINE_MS + 1_000, `at the deadline (${late.at - rang} ms)`);
  t.match(late.pop, { callId: call.callId, caller: null, recentCalls: [], openOrders: [] }, 'without the history');
  await sleep(1_600); // the slow read ends before the database closes
});

t.test('the repeat caller’s priority is read through the port while the greeting plays; the caller is queued with it', async (t) => {
  const r = await rig(t);
  const first = await r.caller('caller-1', '13900005555');
  t.equal(r.queued.get('caller-1')?.priority, r.boost, 'a first call: the hotline’s priority');
  t.equal(first.priority, r.boost);
  await r.earlier('c-earlier', '13900006666', Date.now() - 3_600_000);
  const reads = r.spy.reads;
  const repeat = await r.caller('caller-2', '13900006666');
  t.ok(r.spy.reads > reads, 'read through the port');
  t.equal(r.queued.get('caller-2')?.priority, r.boost + REPEAT_CALLER_BOOST, 'a caller with an open order: queued first');
  t.equal(repeat.priority, r.boost + REPEAT_CALLER_BOOST, 'and so shown to the leads');
});

t.test(
  'a repeat-caller read slower than REPEAT_CALLER_READ_DEADLINE_MS does not hold the caller: queued at the deadline with the hotline’s priority',
  async (t) => {
    const r = await rig(t);
    await r.earlier('c-earlier', '13900007777', Date.now() - 3_600_000);
    r.spy.readDelayMs = REPEAT_CALLER_READ_DEADLINE_MS + 1_500;
    const entered = Date.now();
    const call = await r.caller('caller', '13900007777');
    const sent = r.queued.get('caller');
    t.ok(sent, 'sent to the queue');
    t.ok(sent!.at - entered < REPEAT_CALLER_READ_DEADLINE_MS + 1_000, `without waiting for the read (${sent!.at - entered} ms)`);
    t.ok(sent!.at - entered >= REPEAT_CALLER_READ_DEADLINE_MS - 20, 'the front door waited for it up to its deadline');
    t.equal(sent!.priority, r.boost, 'the hotline’s priority');
    await sleep(1_700);
    t.equal(call.priority, r.boost, 'a read answering after the deadline changes nothing');
    t.equal(r.queued.get('caller')!.priority, r.boost);
  },
);

t.test('a read comes after the call path’s writes queued before it', async (t) => {
  const r = await rig(t);
  r.spy.hold();
  const created = r.repo.createInbound({
    callId: 'c-held',
    channelId: 'ch-held',
    callerPhone: '13900008888',
    callerName: null,
    dialled: '12345',
    hotline: '12345',
    at: Date.now(),
    state: 'entered',
  });
  let found: { id: string } | undefined | 'pending' = 'pending';
  const lookup = r.repo.findByChannel('ch-held').then((f) => (found = f));
  await sleep(100);
  t.equal(found, 'pending', 'the lookup waits for the write queued before it');
  r.spy.release();
  await created;
  await lookup;
  t.match(found, { id: 'c-held', state: 'entered' }, 'then finds the call');
  t.same(
    (await r.repo.unfinished()).map((u) => u.callId),
    ['c-held'],
    'a restart’s unfinished calls',
  );
});

t.test('a caller who hangs up while the pop is read: no screen-pop, no "offered" after the end', async (t) => {
  const r = await rig(t);
  const call = await r.caller('caller', '13900009999');
  await r.writes.flushed();
  const updates: string[] = [];
  r.events.on('call.updated', (u: { callId: string; state: string }) => {
    if (u.callId === call.callId) updates.push(u.state);
  });
  r.spy.readDelayMs = 300;
  r.ring('leg-1', call.callId, 'caller');
  await sleep(100);
  r.center.channelGone('caller', 'normal');
  await sleep(600);
  t.equal(r.pops.length, 0, 'the agent is not offered a call that has ended');
  t.equal(updates.at(-1), 'ended', `the call's last update is its end (${updates.join(', ')})`);
  t.notOk(updates.includes('offered'), 'no "offered" published for it');
});
