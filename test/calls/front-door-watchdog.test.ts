/**
 * The front-door watchdog's rules with a fake switchboard and clock (the real thing is tested
 * against Asterisk in test/telephony/front-door-ari-failures.real.test.ts): which callers it
 * sends on, when, how often, and what it leaves alone.
 */
import t from 'tap';
import { pino } from 'pino';
import { FrontDoorWatchdog } from '../../src/calls/front-door-watchdog.js';
import { LiveCalls, type LiveCall, type LiveState } from '../../src/calls/live-calls.js';
import type { AmiChannel } from '../../src/telephony/switchboard.js';

function call(callId: string, state: LiveState, enteredAt: number): LiveCall {
  return {
    callId,
    channelId: `ch-${callId}`,
    callerNumber: '13900000000',
    callerId: 1,
    dialled: '12345',
    hotline: {} as LiveCall['hotline'],
    enteredAt,
    priority: 3,
    orderId: 1,
    orderNumber: 'HZ-1',
    draft: Promise.resolve({ callerId: 1, orderId: 1, orderNumber: 'HZ-1' }),
    drafted: true,
    state,
    offeredTo: null,
    agentLeg: null,
    directTo: null,
    directLeg: null,
    callerBridgeId: null,
    offeredAt: null,
    bridgeId: null,
    answeredBy: null,
    inQueue: state !== 'front_door',
    queuedAt: state !== 'front_door' ? enteredAt : null,
  };
}

function setup(opts: { result?: 'sent' | 'left' | 'gone'; fail?: number } = {}) {
  let now = 100_000;
  let failures = opts.fail ?? 0;
  const live = new LiveCalls();
  const sent: Array<{ channelId: string; callId: string; priority: number; listed: boolean }> = [];
  const gone: string[] = [];
  let listings = 0;
  let listing = async () => new Map<string, AmiChannel>();
  const switchboard = {
    amiChannels: () => {
      listings++;
      return listing();
    },
    rescueToQueue: async (channelId: string, o: { callId: string; priority: number }, channels?: Map<string, AmiChannel>) => {
      if (failures > 0) {
        failures--;
        throw new Error('AMI down');
      }
      sent.push({ channelId, ...o, listed: channels !== undefined });
      return opts.result ?? 'sent';
    },
  };
  const dog = new FrontDoorWatchdog({ live, switchboard, log: pino({ level: 'silent' }), thresholdMs: 10_000, gone: (id) => gone.push(id), now: () => now });
  const listWith = (fn: () => Promise<Map<string, AmiChannel>>) => (listing = fn);
  return { live, dog, sent, gone, listWith, listings: () => listings, tick: (ms: number) => (now += ms), now: () => now };
}

t.test('a caller at the front door longer than the threshold is sent on, with its call id and priority', async (t) => {
  const s = setup();
  s.live.add(call('a', 'front_door', s.now()));
  s.tick(10_000);
  t.equal(await s.dog.check(), 0, 'not before the threshold');
  t.equal(s.listings(), 0, 'Asterisk is not asked while nobody is late');
  s.tick(1);
  t.equal(await s.dog.check(), 1);
  t.same(s.sent, [{ channelId: 'ch-a', callId: 'a', priority: 3, listed: true }], 'one AMI listing for the whole check');
  t.equal(await s.dog.check(), 0, 'not again at once: it has a threshold to join the queue');
});

t.test('progress (answered, greeted) restarts the clock', async (t) => {
  const s = setup();
  s.live.add(call('a', 'front_door', s.now()));
  s.tick(8000);
  s.dog.progress('a');
  s.tick(8000);
  t.equal(await s.dog.check(), 0);
  s.tick(2001);
  t.equal(await s.dog.check(), 1);
});

t.test('only callers at the front door: queued, offered and answered calls are left alone', async (t) => {
  const s = setup();
  for (const [id, state] of [
    ['q', 'queued'],
    ['o', 'offered'],
    ['x', 'answered'],
  ] as const)
    s.live.add(call(id, state, s.now()));
  s.dog.progress('q'); // a call that moved on is forgotten at the next check
  s.tick(60_000);
  t.equal(await s.dog.check(), 0);
  t.equal(s.listings(), 0);
  t.same(s.sent, []);
});

t.test('a caller that hung up without us hearing is handed to the hang-up handling', async (t) => {
  const s = setup({ result: 'gone' });
  s.live.add(call('a', 'front_door', s.now()));
  s.tick(10_001);
  t.equal(await s.dog.check(), 0);
  t.same(s.gone, ['ch-a']);
});

t.test('a caller that already left the front door is not counted and not touched again', async (t) => {
  const s = setup({ result: 'left' });
  s.live.add(call('a', 'front_door', s.now()));
  s.tick(10_001);
  t.equal(await s.dog.check(), 0);
  t.same(s.gone, []);
});

t.test('when AMI fails too, the next check tries again', async (t) => {
  const s = setup({ fail: 1 });
  s.live.add(call('a', 'front_door', s.now()));
  s.tick(10_001);
  t.equal(await s.dog.check(), 0);
  t.equal(await s.dog.check(), 1);
});

t.test('a caller being sent on by the front door is not sent twice at once', async (t) => {
  const s = setup();
  const c = call('a', 'front_door', s.now());
  s.live.add(c);
  const first = s.dog.sendOn(c, 'front_door_failed');
  t.equal(await s.dog.sendOn(c, 'front_door_failed'), 'busy');
  t.equal(await first, 'sent');
  t.equal(s.sent.length, 1);
});

t.test('a failing listing is logged, not thrown; checks do not overlap', async (t) => {
  const s = setup();
  s.live.add(call('a', 'front_door', s.now()));
  s.tick(10_001);
  let release: () => void = () => undefined;
  s.listWith(() => new Promise((resolve) => (release = () => resolve(new Map()))));
  const running = s.dog.check();
  t.equal(await s.dog.check(), 0, 'a second check while one runs does nothing');
  release();
  t.equal(await running, 1);
  s.listWith(() => Promise.reject(new Error('AMI down')));
  s.tick(10_001);
  t.equal(await s.dog.check(), 0);
});

t.test('start() looks periodically until close()', async (t) => {
  const s = setup();
  const dog = new FrontDoorWatchdog({
    live: s.live,
    log: pino({ level: 'silent' }),
    thresholdMs: 30,
    intervalMs: 20,
    gone: () => undefined,
    now: Date.now,
    switchboard: { amiChannels: async () => new Map(), rescueToQueue: async () => 'sent' },
  });
  s.live.add(call('a', 'front_door', Date.now()));
  let checks = 0;
  const check = dog.check.bind(dog);
  dog.check = () => {
    checks++;
    return check();
  };
  dog.start();
  dog.start(); // once
  await new Promise((r) => setTimeout(r, 150));
  dog.close();
  const seen = checks;
  t.ok(seen >= 3, `checked ${seen} times`);
  await new Promise((r) => setTimeout(r, 80));
  t.equal(checks, seen, 'no check after close()');
});
