/**
 * The wallboard room (大屏, issue 14 item 5; issue 18 part 2): wall screens get ONE summary of the
 * centre's live figures per second at most, however many calls, agents and orders change — the
 * room's cost is one summary built and one write per screen per second, not per domain event.
 *
 * - A change after a quiet second goes out on the next turn of the event loop (changes published
 *   together share it); while changes keep coming, at most one summary per `intervalMs` (1 s).
 * - Every `refreshMs` (10 s) a summary goes out even without an event: orders pass their deadline
 *   and waits grow with time alone, and the screen sees that the feed is alive.
 * - Nothing is built while no screen watches; a screen that joins gets the latest summary at once.
 *
 * Who joins (session.ts): a `wallboard` account (read-only, joins nothing else), and a shift lead
 * or admin whose page asks for the wallboard view in its handshake (`auth: { view: 'wallboard' }`).
 */
import type { DomainEvents } from '../events/domain-events.js';
import type { Logger } from '../logging/logger.js';
import type { QueueStats, WallboardSummary } from '../contract/index.js';

/** The figures behind a summary (src/reports/wallboard-figures.ts). */
export interface WallboardSource {
  summary(): WallboardSummary;
  /** Today's call figures changed (the throttled `queue.stats` event carries them). */
  callsChanged(stats: QueueStats): void;
  /** Work orders changed: re-count them at the next summary. */
  ordersChanged(): void;
  /** Tells `fn` when figures read in the background have come in (returns the unsubscribe function). */
  onRefreshed?(fn: () => void): () => void;
}

/** Timers, injectable so that a test drives the room with a fake clock. */
export interface RoomClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: RoomClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export interface WallboardRoomOptions {
  source: WallboardSource;
  /** Sends a summary to every screen in the room (one socket.io emit). */
  send: (s: WallboardSummary) => void;
  /** Whether any screen is in the room now. */
  watched: () => boolean;
  log: Logger;
  /** At most one summary per this many ms (default 1000). */
  intervalMs?: number;
  /** A summary at least this often while screens watch (default 10,000). */
  refreshMs?: number;
  clock?: RoomClock;
}

export class WallboardRoom {
  private timer: unknown = null;
  private readonly heartbeat: unknown;
  private lastSent = -Infinity;
  private latest: WallboardSummary | null = null;
  private stale = true;
  private closed = false;
  private readonly clock: RoomClock;
  private readonly intervalMs: number;

  constructor(private readonly o: WallboardRoomOptions) {
    this.clock = o.clock ?? realClock;
    this.intervalMs = o.intervalMs ?? 1000;
    this.heartbeat = this.clock.setInterval(() => this.changed(), o.refreshMs ?? 10_000);
  }

  /** Something shown on the wallboard changed: a summary goes out within `intervalMs`. */
  changed(): void {
    this.stale = true;
    if (this.closed || this.timer !== null) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  /** The summary a screen that just joined (or asked for `sync`) gets: the latest, rebuilt when something changed since. */
  current(): WallboardSummary {
    if (this.stale || !this.latest) {
      this.latest = this.o.source.summary();
      this.stale = false;
    }
    return this.latest;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.clock.clearInterval(this.heartbeat);
    this.timer = null;
  }

  private flush(): void {
    this.timer = null;
    if (this.closed || !this.o.watched()) return;
    try {
      // Rebuilt here even when a joining screen read it meanwhile: the heartbeat's point is a fresh one.
      this.stale = true;
      this.o.send(this.current());
    } catch (err) {
      this.o.log.error({ err }, 'wallboard summary failed');
    }
    this.lastSent = this.clock.now();
  }
}

/** The domain events that change what the wallboard shows; returns the unsubscribe function. */
export function feedWallboard(events: DomainEvents, room: WallboardRoom, source: WallboardSource): () => void {
  const live = () => room.changed();
  const stats = (s: QueueStats) => {
    source.callsChanged(s);
    room.changed();
  };
  const orders = () => {
    source.ordersChanged();
    room.changed();
  };
  events.on('queue.changed', live);
  events.on('agent.state_changed', live);
  events.on('queue.stats', stats);
  events.on('workorder.applied', orders);
  const unrefreshed = source.onRefreshed?.(live);
  return () => {
    unrefreshed?.();
    events.off('queue.changed', live);
    events.off('agent.state_changed', live);
    events.off('queue.stats', stats);
    events.off('workorder.applied', orders);
  };
}
