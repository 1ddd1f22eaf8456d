/**
 * The call path over a database whose writes take time (decision 0017 step 2, "The writes: the
 * plan", point 3): a real CallCenter, repositories and SQLite file, a fake switchboard, and an
 * orders port whose transactions wait — held at a gate, or delayed before they start as on a
 * database across the network. The call's handlers do not wait for its writes (call-writes.ts):
 * - an offer whose call's draft is not written yet waits for it and pops with its order number;
 *   past DRAFT_WAIT_DEADLINE_MS it pops without (id 0), and the call's later writes still go to
 *   its order;
 * - a caller hanging up before the draft is written abandons that call's order, not another;
 * - the writes of one call are in the order of its events when each transaction takes real time;
 * - a pop that went out without its order (past the deadline) is followed by `call.order` with the
 *   order's id and number once the draft is written, to the agent whose console still holds the
 *   call only (ringing for it, on it, wrapping it up); never after a pop that had its order, nor to
 *   an agent the call has left (ended while ringing, rejected, taken by another agent); a console
 *   re-syncing gets a pop with the order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { AgentsService } from '../../src/agents/agents-service.js';
import { CallCenter } from '../../src/calls/call-center.js';
import { CallWrites } from '../../src/calls/call-writes.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { consoleCommands } from '../../src/calls/console-commands.js';
import { DRAFT_WAIT_DEADLINE_MS } from '../../src/calls/offers.js';
import { ConfigStore } from '../../src/config/files/index.js';
import type { CallOrderUpdate, ScreenPop } from '../../src/contract/index.js';
import { openDb } from '../../src/db/connection.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { WorkOrdersService, sqliteOrdersStoreOn, type OrdersStore } from '../../src/workorders/index.js';
import { fakeSwitchboard, type Asterisk } from '../helpers/fake-call-center.js';
import { usersOn } from '../helpers/users.js';

const log = pino({ level: process.env['SUNLINE_TEST_LOG'] ?? 'silent' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The SQLite orders port with time added: while `hold()`ed, a transaction waits at the gate
 * until `release()`; `delays` (if set) is the wait before each transaction starts, by its rank.
 */
function slowStore(inner: OrdersStore) {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  let started = 0;
  const s = {
    waiting: 0,
    delays: null as ((rank: number) => number) | null,
    /** While true, every transaction fails as a database that is down would. */
    failing: false,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      gate = null;
      open();
    },
    store: {
      dialect: inner.dialect,
      read: (fn) => inner.read(fn),
      async transaction(fn) {
        const rank = started++;
        s.waiting++;
        try {
          while (gate) await gate;
          const ms = s.delays?.(rank) ?? 0;
          if (ms > 0) await sleep(ms);
        } finally {
          s.waiting--;
        }
        if (s.failing) throw new Error('the database is unavailable');
        return inner.transaction(fn);
      },
    } as OrdersStore,
  };
  return s;
}

/** The order updates, each caller summary reduced to its id (its times are the test's). */
const lateOrders = (updates: { agentId: number; update: CallOrderUpdate }[]) =>
  updates.map(({ agentId, update: { caller, ...update } }) => ({ agentId, update, callerId: caller?.id ?? null }));

async function rig(t: { teardown(fn: () => unknown): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-call-path-writes-'));
  const handle = openDb({ file: path.join(dir, 'db.sqlite'), synchronous: 'normal' });
  const config = await ConfigStore.open({ dir: 'config', watch: false, log });
  const asterisk: Asterisk = { stasis: [], queue: [], channels: new Set(), outage: new Map(), failSend: new Set(), ops: [], digits: [] };
  const switchboard = fakeSwitchboard(asterisk);
  // Answering connects the agent leg (not in the shared fake: no other user of it answers).
  Object.assign(switchboard, { connectAgentLeg: async (leg: string) => (asterisk.ops.push(`connect ${leg}`), `bridge-${leg}`) });
  const events = new DomainEvents();
  const agents = new AgentsService({ switchboard, events, log, wrapUpMs: 60_000 });
  const slow = slowStore(sqliteOrdersStoreOn(handle.db));
  const orders = new WorkOrdersService(slow.store);
  const users = usersOn(t, handle, 3600_000);
  const system = await users.systemUser();
  const writes = new CallWrites({ log });
  const repo = new CallsRepository(orders, writes);
  const center = new CallCenter({ switchboard, agents, events, log, config, repo, systemActor: { id: system.id, role: 'admin', unitId: null } });
  t.teardown(async () => {
    slow.release();
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
  // Another agent logged in: the order of a late pop goes to the agent offered the call only.
  const other = await users.create({ username: 'agent8', displayName: 'agent 8', role: 'agent', password: 'pw-123456' });
  await agents.login(other.id, 'agent 8', 0);
  const pops: { at: number; agentId: number; pop: ScreenPop }[] = [];
  events.on('call.offered', (agentId: number, pop: ScreenPop) => pops.push({ at: Date.now(), agentId, pop }));
  const orderUpdates: { agentId: number; update: CallOrderUpdate }[] = [];
  events.on('call.order', (agentId: number, update: CallOrderUpdate) => orderUpdates.push({ agentId, update }));
  const commands = consoleCommands(center);
  const sql = handle.sqlite;
  /** A caller at the front door, greeted and sent to the queue (the fake switchboard: at once). */
  const caller = async (channelId: string, number: string) => {
    center.inbound({ channelId, callerNumber: number, callerName: '', dialled: '12345' });
    const call = center.live.byCallerChannel(channelId)!;
    for (let i = 0; i < 100 && !asterisk.ops.includes(`queue ${channelId} ${call.callId}`); i++) await sleep(10);
    center.queueJoined(channelId);
    return call;
  };
  const ring = (legId: string, callId: string, callerChannelId: string, agentId = agent.id) =>
    center.agentLeg({ channelId: legId, agentId, callId, callerChannelId, at: Date.now() });
  const orderOfCall = (callId: string) =>
    sql.prepare('select id, number, status, agent_id as agentId, version from work_orders where call_id = ?').get(callId) as
      { id: number; number: string; status: string; agentId: number | null; version: number } | undefined;
  const types = (callId: string) =>
    (sql.prepare('select type from call_events where call_id = ? order by id').all(callId) as { type: string }[]).map((e) => e.type);
  /** Waits (up to 2 s) for `n` order updates in all (one follows its draft's write and a read of the caller's history). */
  const ordersSent = async (n: number) => {
    for (let i = 0; i < 200 && orderUpdates.length < n; i++) await sleep(10);
  };
  /** Waits (up to 2 s) for `n` pops in all. */
  const popped = async (n: number) => {
    for (let i = 0; i < 200 && pops.length < n; i++) await sleep(10);
  };
  return {
    asterisk,
    center,
    agents,
    commands,
    orders,
    repo,
    writes,
    slow,
    agent,
    other,
    pops,
    orderUpdates,
    ordersSent,
    sql,
    caller,
    ring,
    popped,
    orderOfCall,
    types,
  };
}

t.test('a call whose draft is slow to write is offered once the draft is written, the pop with its order number', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900001111');
  t.equal(call.drafted, false, 'the call is tracked before its draft is written');
  t.equal(r.orderOfCall(call.callId), undefined, 'nothing written yet');
  r.ring('leg-1', call.callId, 'caller');
  await sleep(200);
  t.same(r.pops, [], 'no screen-pop while the draft is being written');
  t.equal(call.offeredTo, null, 'not offered yet');
  const released = Date.now();
  r.slow.release();
  for (let i = 0; i < 100 && r.pops.length === 0; i++) await sleep(10);
  t.equal(r.pops.length, 1, 'offered once the draft is written');
  t.ok(r.pops[0]!.at - released < DRAFT_WAIT_DEADLINE_MS, 'when it was written, not at the deadline');
  await r.writes.flushed();
  const order = r.orderOfCall(call.callId)!;
  t.match(order, { status: 'draft' });
  t.same(r.pops[0]!.pop.draftOrder, { id: order.id, number: order.number }, "the pop carries the call's order and its number");
  t.match(order.number, /\S/, 'a number, not the empty placeholder');
  t.equal(call.offeredTo, r.agent.id);
  t.same(r.types(call.callId), ['entered', 'greeted', 'queued', 'offered']);
  await sleep(50);
  t.same(r.orderUpdates, [], 'no order update: the pop had the order');
});

t.test('past DRAFT_WAIT_DEADLINE_MS the call is offered without its order; its later writes still go to its order', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900002222');
  const rang = Date.now();
  r.ring('leg-1', call.callId, 'caller');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 250);
  t.same(r.pops, [], 'the offer waits up to the deadline');
  for (let i = 0; i < 100 && r.pops.length === 0; i++) await sleep(10);
  t.equal(r.pops.length, 1, 'offered at the deadline while the draft is still not written');
  t.ok(r.pops[0]!.at - rang >= DRAFT_WAIT_DEADLINE_MS - 20, 'not before the deadline');
  t.same(r.pops[0]!.pop.draftOrder, { id: 0, number: '' }, 'the pop has no order yet');
  // The agent answers before the draft is written: the answer's write waits in the queue for it.
  await r.center.offers.answer(r.agent.id, call.callId);
  t.equal(r.slow.waiting > 0, true, 'the writes are still held');
  r.slow.release();
  await r.writes.flushed();
  const order = r.orderOfCall(call.callId)!;
  t.match(order, { status: 'draft', agentId: r.agent.id }, 'the answer took the call’s own order');
  t.same(
    { orderId: call.orderId, orderNumber: call.orderNumber, drafted: call.drafted },
    { orderId: order.id, orderNumber: order.number, drafted: true },
    'the live call has the ids',
  );
  t.same(r.types(call.callId), ['entered', 'greeted', 'queued', 'offered', 'answered']);
  await r.ordersSent(1);
  t.same(
    lateOrders(r.orderUpdates),
    [
      {
        agentId: r.agent.id,
        update: { callId: call.callId, orderId: order.id, orderNumber: order.number, written: true, recentCalls: [], openOrders: [] },
        callerId: call.callerId,
      },
    ],
    'the agent talking on the call is told its order once written',
  );
  t.same(
    (await r.commands.callInProgress(r.agent.id))?.draftOrder,
    { id: order.id, number: order.number },
    'a console reloaded mid-call gets the pop with the order',
  );
});

t.test('past the deadline the order follows the pop to the agent it rings for only, once written; a re-syncing console gets it', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900006666');
  r.ring('leg-1', call.callId, 'caller');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 100);
  await r.popped(1);
  t.same(
    r.pops.map((p) => [p.agentId, p.pop.draftOrder]),
    [[r.agent.id, { id: 0, number: '' }]],
    'popped at the deadline without the order',
  );
  t.same((await r.commands.pendingOffer(r.agent.id))?.draftOrder, { id: 0, number: '' }, 'a re-sync before the draft: still no order');
  await sleep(100);
  t.same(r.orderUpdates, [], 'nothing while the draft is not written');
  r.slow.release();
  await r.writes.flushed();
  await sleep(10);
  const order = r.orderOfCall(call.callId)!;
  t.match(order.number, /\S/);
  await r.ordersSent(1);
  t.same(
    lateOrders(r.orderUpdates),
    [
      {
        agentId: r.agent.id,
        update: { callId: call.callId, orderId: order.id, orderNumber: order.number, written: true, recentCalls: [], openOrders: [] },
        callerId: call.callerId,
      },
    ],
    'one update with the order, to the agent the call rings for (not the other agent logged in)',
  );
  t.same((await r.commands.pendingOffer(r.agent.id))?.draftOrder, { id: order.id, number: order.number }, 'a re-sync reads the order from the live call');
  t.equal(await r.commands.pendingOffer(r.other.id), null);
});

t.test('past the deadline, answered and ended before the draft is written: the agent wrapping up is told the order', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900007777');
  r.ring('leg-1', call.callId, 'caller');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 100);
  await r.popped(1);
  t.same(r.pops[0]?.pop.draftOrder, { id: 0, number: '' });
  await r.center.offers.answer(r.agent.id, call.callId);
  r.center.channelGone('caller', 'Normal Clearing');
  await sleep(20);
  t.match(r.agents.view(r.agent.id), { state: 'wrap_up', callId: call.callId }, 'wrapping up the call');
  r.slow.release();
  await r.writes.flushed();
  await sleep(10);
  const order = r.orderOfCall(call.callId)!;
  await r.ordersSent(1);
  t.same(
    lateOrders(r.orderUpdates),
    [
      {
        agentId: r.agent.id,
        update: { callId: call.callId, orderId: order.id, orderNumber: order.number, written: true, recentCalls: [], openOrders: [] },
        callerId: call.callerId,
      },
    ],
    'the order to save in wrap-up',
  );
});

t.test('past the deadline, the caller hangs up while it rings: no order update once written', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900008888');
  r.ring('leg-1', call.callId, 'caller');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 100);
  await r.popped(1);
  t.same(r.pops[0]?.pop.draftOrder, { id: 0, number: '' });
  r.center.channelGone('caller', 'Normal Clearing');
  await sleep(20);
  t.match(r.agents.view(r.agent.id), { state: 'available', callId: null }, 'the offer ended with the call');
  r.slow.release();
  await r.writes.flushed();
  await sleep(20);
  t.match(r.orderOfCall(call.callId), { status: 'missed_call' });
  t.same(r.orderUpdates, [], 'the console dropped the pop: nothing to tell');
});

t.test('past the deadline, rejected and offered to another agent: the order goes to neither the agent it left nor one whose pop had it', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900009999');
  r.ring('leg-1', call.callId, 'caller');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 100);
  await r.popped(1);
  t.same(r.pops[0]?.pop.draftOrder, { id: 0, number: '' });
  await r.center.offers.reject(r.agent.id, call.callId);
  r.center.channelGone('leg-1', 'busy'); // the rejected leg's hang-up ends the offer
  await sleep(20);
  t.match(r.agents.view(r.agent.id), { state: 'available', callId: null });
  // app_queue rings the other agent: that offer waits for the draft, written meanwhile.
  r.ring('leg-2', call.callId, 'caller', r.other.id);
  await sleep(100);
  r.slow.release();
  await r.popped(2);
  await r.writes.flushed();
  await sleep(20);
  const order = r.orderOfCall(call.callId)!;
  t.same(
    r.pops[1] && [r.pops[1].agentId, r.pops[1].pop.draftOrder],
    [r.other.id, { id: order.id, number: order.number }],
    "the other agent's pop has the order",
  );
  await r.center.offers.answer(r.other.id, call.callId);
  await sleep(20);
  t.same(r.orderUpdates, [], 'no order update to anyone');
});

t.test('a caller who hangs up before the draft is written abandons the order of that call, not another', async (t) => {
  const r = await rig(t);
  // The same caller has an older open order; another caller waits at the same time.
  const older = await r.orders.createMissedCall({ channel: '12345', callerPhone: '13900003333' });
  r.slow.hold();
  const gone = await r.caller('caller-a', '13900003333');
  const stays = await r.caller('caller-b', '13900004444');
  r.center.channelGone('caller-a', 'Normal Clearing');
  await sleep(20);
  t.equal(r.center.live.get(gone.callId), undefined, 'the call is over at once');
  t.equal(r.orderOfCall(gone.callId), undefined, 'its draft is still not written');
  r.slow.release();
  await r.writes.flushed();
  t.match(r.orderOfCall(gone.callId), { status: 'missed_call' }, 'its own order became a missed call');
  t.match(r.orderOfCall(stays.callId), { status: 'draft' }, "the other caller's order is untouched");
  t.match(await r.orders.get(older.id), { status: 'missed_call', version: older.version }, "the caller's older order is untouched");
  t.match(r.sql.prepare('select state, outcome from calls where id = ?').get(gone.callId), { state: 'ended', outcome: 'abandoned' });
  t.same(r.types(gone.callId), ['entered', 'greeted', 'queued', 'abandoned']);
});

t.test('the writes of one call are in the order of its events on a port whose transactions take real time', async (t) => {
  const r = await rig(t);
  // Each transaction waits before it starts, the earlier ones longest (as round trips vary on a
  // database across the network): written as they come, the later writes would overtake.
  r.slow.delays = (rank) => Math.max(0, 80 - 12 * rank);
  const call = await r.caller('caller', '13900005555');
  r.ring('leg-1', call.callId, 'caller');
  for (let i = 0; i < 200 && r.pops.length === 0; i++) await sleep(5);
  t.equal(r.pops.length, 1);
  await r.center.offers.answer(r.agent.id, call.callId);
  r.center.channelGone('caller', 'Normal Clearing'); // the caller hangs up at once
  await sleep(5);
  t.equal(r.center.live.get(call.callId), undefined);
  await r.writes.flushed();
  t.same(r.types(call.callId), ['entered', 'greeted', 'queued', 'offered', 'answered', 'hung_up'], 'in the order of the events');
  t.match(r.sql.prepare('select state, outcome, agent_id as agentId from calls where id = ?').get(call.callId), {
    state: 'ended',
    outcome: 'answered',
    agentId: r.agent.id,
  });
  t.match(r.orderOfCall(call.callId), { status: 'draft', agentId: r.agent.id });
  t.same(r.writes.stats(), { queued: 0, failed: 0, dropped: 0 }, 'every write written');
});

t.test("past the deadline, a repeat caller's history follows the pop with its order", async (t) => {
  const r = await rig(t);
  // An earlier call from the number, ended: the caller's history has it and its open order.
  const first = await r.caller('caller-1', '13900004444');
  await r.writes.flushed();
  r.center.channelGone('caller-1', 'Normal Clearing');
  await r.writes.flushed();
  r.slow.hold();
  const call = await r.caller('caller-2', '13900004444');
  r.ring('leg-1', call.callId, 'caller-2');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 100);
  await r.popped(1);
  t.match(r.pops[0]?.pop, { draftOrder: { id: 0 }, caller: null, recentCalls: [] }, 'the pop went without the order and without the history');
  r.slow.release();
  await r.writes.flushed();
  await r.ordersSent(1);
  const update = r.orderUpdates[0]?.update;
  t.match(update, { callId: call.callId, written: true, caller: { callCount: 2 } }, 'the order, and the caller seen twice');
  t.same(
    update?.recentCalls.map((c) => c.callId),
    [first.callId],
    'the earlier call',
  );
  t.same(
    update?.openOrders.map((o) => o.id),
    [first.orderId],
    "and its order, still open (a missed-call order): what the agent's pop would have shown",
  );
});

t.test('past the deadline, a draft the database does not take: the agent is told no order will follow', async (t) => {
  const r = await rig(t);
  r.slow.hold();
  const call = await r.caller('caller', '13900005555');
  r.ring('leg-1', call.callId, 'caller');
  await sleep(DRAFT_WAIT_DEADLINE_MS - 100);
  await r.popped(1);
  t.same(r.pops[0]?.pop.draftOrder, { id: 0, number: '' });
  r.slow.failing = true;
  r.slow.release();
  await r.writes.flushed(); // the draft's write, retried, then given up on
  await r.ordersSent(1);
  t.same(
    r.orderUpdates,
    [{ agentId: r.agent.id, update: { callId: call.callId, orderId: 0, orderNumber: '', written: false, caller: null, recentCalls: [], openOrders: [] } }],
    'the console stops waiting for it: the agent makes an order by hand',
  );
  r.slow.failing = false;
});
