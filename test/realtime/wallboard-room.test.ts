/**
 * The wallboard room sends one summary per second at most, whatever the burst of changes
 * (src/realtime/wallboard-room.ts), driven by a fake clock: no real timers, no sleeps.
 */
import t from 'tap';
import { DomainEvents } from '../../src/events/domain-events.js';
import type { QueueStats, WallboardSummary } from '../../src/contract/index.js';
import { WallboardRoom, feedWallboard, type RoomClock, type WallboardSource } from '../../src/realtime/wallboard-room.js';
import { createLogger } from '../../src/logging/logger.js';

/** Timers that fire only when the test advances the clock. */
class FakeClock implements RoomClock {
  t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; every?: number; id: number }> = [];
  private ids = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => this.add(fn, ms);
  setInterval = (fn: () => void, ms: number) => this.add(fn, ms, ms);
  clearTimeout = (id: unknown) => void (this.timers = this.timers.filter((x) => x.id !== id));
  clearInterval = (id: unknown) => this.clearTimeout(id);
  private add(fn: () => void, ms: number, every?: number) {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id, ...(every ? { every } : {}) });
    return id;
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.t = due.at;
      if (due.every) due.at += due.every;
      else this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
    this.t = end;
  }
}

const stats = (callsIn: number): QueueStats =>
  ({ at: 0, dayStart: 0, callsIn, answered: 0, answeredWithin15s: 0, abandonedInQueue: 0, abandonedAtFrontDoor: 0, byHotline: [] }) as unknown as QueueStats;

function setup(o: { watched?: () => boolean } = {}) {
  const clock = new FakeClock();
  let built = 0;
  let callsIn = 0;
  let ordersRead = 0;
  const source: WallboardSource = {
    summary: () => {
      built++;
      return {
        at: clock.now(),
        waiting: built,
        longestWaitSince: null,
        agents: {},
        today: { callsIn } as WallboardSummary['today'],
        orders: { today: ordersRead, overdue: 0 },
        hourly: [],
      };
    },
    callsChanged: (s) => void (callsIn = s.callsIn),
    ordersChanged: () => void ordersRead++,
  };
  const sent: WallboardSummary[] = [];
  const room = new WallboardRoom({ source, send: (s) => sent.push(s), watched: o.watched ?? (() => true), log: createLogger({ level: 'silent' }), clock });
  return { clock, room, sent, source, built: () => built };
}

t.test('a burst of changes gives at most one summary per second; the first after a quiet spell goes at once', async (t) => {
  const { clock, room, sent } = setup();
  // 3.5 s of changes every 5 ms: 700 changes.
  for (let i = 0; i < 700; i++) {
    room.changed();
    clock.advance(5);
  }
  const times = sent.map((s) => s.at);
  t.ok(sent.length >= 3 && sent.length <= 4, `700 changes in 3.5 s: ${sent.length} summaries`);
  t.equal(times[0], 1_000_000, 'the first change goes out at once (next turn)');
  for (let i = 1; i < times.length; i++) t.ok(times[i]! - times[i - 1]! >= 1000, `summary ${i} ≥ 1 s after the one before (${times[i]! - times[i - 1]!} ms)`);
  const before = sent.length;
  clock.advance(1000);
  t.equal(sent.length, before + 1, 'the changes of the last second go out once, after it');
  clock.advance(5000);
  t.equal(sent.length, before + 1, 'quiet: nothing more before the refresh');
});

t.test('the domain events feed the room; a refresh every 10 s without events; nothing built while unwatched', async (t) => {
  let watched = false;
  const { clock, room, sent, built, source } = setup({ watched: () => watched });
  const events = new DomainEvents();
  const unfeed = feedWallboard(events, room, source);
  events.emit('queue.changed', { at: 1 });
  clock.advance(10);
  t.equal(sent.length, 0, 'nobody watches: nothing sent');
  t.equal(built(), 0, 'and nothing built');

  watched = true;
  const first = room.current();
  t.equal(built(), 1, 'a screen that joins gets a summary built for it');
  t.equal(room.current(), first, 'a second screen joining without a change gets the same one');

  events.emit('queue.stats', stats(7));
  events.emit('agent.state_changed', { agentId: 1, displayName: 'a', state: 'available', since: 1, pauseReason: null, callId: null, penalty: 0 });
  events.emit('workorder.applied', { orderId: 1, callId: null, action: 'accept', actorId: 1, actorRole: 'agent', status: 'accepted', unitIds: [] });
  clock.advance(0);
  t.equal(sent.length, 1, 'three events in one turn: one summary');
  t.equal(sent[0]!.today.callsIn, 7, 'with the statistics the event carried');
  t.equal(sent[0]!.orders.today, 1, 'and the orders read again');

  clock.advance(10_000);
  t.equal(sent.length, 2, 'a refresh after 10 s without an event');
  unfeed();
  events.emit('queue.changed', { at: 2 });
  clock.advance(2000);
  t.equal(sent.length, 2, 'unsubscribed: events no longer reach the room');
  room.close();
  clock.advance(20_000);
  t.equal(sent.length, 2, 'closed: no more refreshes');
});

t.test('a summary that fails to build is logged and the room goes on', async (t) => {
  const { clock, room, sent, source } = setup();
  const real = source.summary;
  let fail = true;
  source.summary = () => {
    if (fail) throw new Error('db locked');
    return real();
  };
  room.changed();
  clock.advance(0);
  t.equal(sent.length, 0);
  fail = false;
  room.changed();
  clock.advance(1000);
  t.equal(sent.length, 1, 'the next change is sent');
});

t.test('figures read in the background: when they come back the room sends a summary with them', async (t) => {
  const { clock, room, sent, source } = setup();
  const listeners: Array<() => void> = [];
  const fed: WallboardSource = {
    ...source,
    onRefreshed: (fn) => {
      listeners.push(fn);
      return () => void listeners.splice(listeners.indexOf(fn), 1);
    },
  };
  const unfeed = feedWallboard(new DomainEvents(), room, fed);
  t.equal(listeners.length, 1, 'the room listens');
  listeners[0]!();
  clock.advance(0);
  t.equal(sent.length, 1, 'a read come back: one summary');
  unfeed();
  t.equal(listeners.length, 0, 'unsubscribed with the rest');
});
