/**
 * The shift leads' room: live queue changes go out as one numbered `queue:delta` per tick
 * (`intervalMs`, SUNLINE_LEAD_UPDATE_MS) instead of one message per domain event, so the
 * fan-out costs one write per console per tick however many calls change (issue 18).
 *
 * - The first change after a quiet spell goes out on the next turn of the event loop (changes
 *   published together in one turn share it); while changes keep coming, at most one update
 *   per `intervalMs`. `intervalMs` 0 sends every change at once, in its own update.
 * - Anything else sent to the room (`call:controls`) calls `flush()` first, so consoles see
 *   everything in the order it happened; `queue:stats` (today's figures, about once a second) has
 *   no order to keep against the changes and goes through the same queue without a flush.
 * - A console that falls behind (its socket's unsent backlog above `maxBacklogBytes`) gets no
 *   further updates until it has drained them; then it gets a fresh snapshot, whose `seq` says
 *   which update comes next. Consoles that see a gap in `seq` ask for `sync` themselves.
 * - One update is written to `chunk` consoles per turn of the event loop (a write is ~16–50 µs
 *   per console: 2,000 at once would hold the loop for 30–100 ms, the calls with it). Whatever
 *   the room sends goes through one queue, so a later message never overtakes an earlier one.
 *   Immediate mode (`intervalMs` 0) writes to the whole room at once, as before.
 */
import type { Logger } from '../logging/logger.js';
import type { QueueDelta, QueueSnapshot } from '../contract/index.js';
import { LeadChanges } from './lead-changes.js';
import { LEADS_ROOM, type RealtimeSocket } from './session.js';
import type { RealtimeServer } from './session.js';

export interface LeadRoomOptions {
  io: RealtimeServer;
  /** ms between updates; 0: every change at once. */
  intervalMs: number;
  /** The live queue, for consoles that fell behind. */
  snapshot: () => QueueSnapshot;
  log: Logger;
  /** Unsent bytes above which a console counts as fallen behind (default 1 MiB). */
  maxBacklogBytes?: number;
  /** Consoles written to per turn of the event loop (default 200). */
  chunk?: number;
  now?: () => number;
}

/** Bytes queued for this socket and not yet handed to the kernel (engine.io buffer + ws buffer). */
export function backlogBytes(socket: RealtimeSocket): number {
  const conn = socket.conn as unknown as { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of conn.writeBuffer ?? []) bytes += typeof p.data === 'string' ? p.data.length : 64;
  return bytes;
}

/** A message for some of the room's consoles, written `chunk` consoles at a time. */
interface Send {
  event: 'queue:delta' | 'queue:snapshot' | 'call:controls' | 'queue:stats';
  payload: unknown;
  ids: string[];
  next: number;
}

export class LeadRoom {
  /** The seq of the last update sent. */
  private sent = 0;
  private changes = new LeadChanges();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = -Infinity;
  /** Consoles that fell behind: they get a snapshot once their backlog is gone. */
  private behind = new Set<string>();
  private readonly now: () => number;
  private readonly maxBacklog: number;
  private readonly chunk: number;
  private closed = false;
  private sends: Send[] = [];
  private pumping: NodeJS.Immediate | null = null;

  constructor(private readonly o: LeadRoomOptions) {
    this.now = o.now ?? Date.now;
    this.maxBacklog = o.maxBacklogBytes ?? 1024 * 1024;
    this.chunk = o.chunk ?? 200;
  }

  /** The seq a snapshot taken now carries (everything up to it is in the live state it reads). */
  get seq(): number {
    return this.sent;
  }

  queueChanged(delta: QueueDelta): void {
    this.changes.add(delta);
    this.schedule();
  }

  callEnded(callId: string, at: number): void {
    this.changes.callEnded(callId, at);
    this.schedule();
  }

  /** Sends what is pending now (also checks consoles that fell behind). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    const now = this.now();
    const update = this.changes.take(this.sent + 1);
    if (update) this.sent = update.seq;
    if (this.o.intervalMs <= 0) {
      // Immediate mode keeps the old way: the whole room at once, no per-console check.
      if (update) this.o.io.to(LEADS_ROOM).emit('queue:delta', update);
      return;
    }
    if (!update && !this.behind.size) return;
    const to = this.recipients();
    if (update) {
      this.lastFlush = now;
      this.enqueue('queue:delta', update, to);
    }
    if (this.behind.size && !this.timer) this.timer = setTimeout(() => this.flush(), Math.max(this.o.intervalMs, 50));
  }

  /** Sends another message to the leads after everything sent to them before (`call:controls`). */
  send(event: 'call:controls', payload: unknown): void {
    this.flush();
    if (this.o.intervalMs <= 0) {
      (this.o.io.to(LEADS_ROOM).emit as (e: string, p: unknown) => boolean)(event, payload);
      return;
    }
    this.enqueue(event, payload, [...(this.o.io.of('/').adapter.rooms.get(LEADS_ROOM) ?? [])]);
  }

  /**
   * A message for the leads that keeps no order against the updates (`queue:stats`): written
   * `chunk` consoles per turn like them, without flushing pending changes early (a flush would
   * cost one more update per console). Immediate mode writes to the whole room at once.
   */
  post(event: 'queue:stats', payload: unknown): void {
    if (this.closed) return;
    if (this.o.intervalMs <= 0) {
      (this.o.io.to(LEADS_ROOM).emit as (e: string, p: unknown) => boolean)(event, payload);
      return;
    }
    this.enqueue(event, payload, [...(this.o.io.of('/').adapter.rooms.get(LEADS_ROOM) ?? [])]);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pumping) clearImmediate(this.pumping);
    this.pumping = null;
    this.sends = [];
  }

  private enqueue(event: Send['event'], payload: unknown, ids: string[]): void {
    if (!ids.length) return;
    this.sends.push({ event, payload, ids, next: 0 });
    this.pump();
  }

  /** Writes up to `chunk` consoles' worth of the queue, then yields to the event loop. */
  private pump(): void {
    this.pumping = null;
    let budget = this.chunk;
    while (budget > 0 && this.sends.length) {
      const s = this.sends[0]!;
      const ids = s.ids.slice(s.next, s.next + budget);
      s.next += ids.length;
      budget -= ids.length;
      // Each console is a room of its own (its socket id); one emit encodes the packet once.
      (this.o.io.to(ids).emit as (e: string, p: unknown) => boolean)(s.event, s.payload);
      if (s.next >= s.ids.length) this.sends.shift();
    }
    if (this.sends.length && !this.closed) this.pumping ??= setImmediate(() => this.pump());
  }

  private schedule(): void {
    if (this.o.intervalMs <= 0) return this.flush();
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.o.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /**
   * The consoles that get this tick's update: not those whose backlog is too big (marked behind)
   * nor those still behind; those behind whose backlog is gone get a snapshot instead.
   */
  private recipients(): string[] {
    const nsp = this.o.io.of('/');
    const ids = nsp.adapter.rooms.get(LEADS_ROOM);
    if (!ids) return [];
    const to: string[] = [];
    const caughtUp: string[] = [];
    for (const id of ids) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      const backlog = backlogBytes(socket);
      if (this.behind.has(id)) {
        if (backlog > 0) continue;
        this.behind.delete(id);
        caughtUp.push(id);
        this.o.log.info({ userId: socket.data.user.id, socketId: id }, 'lead console caught up: snapshot sent');
      } else if (backlog > this.maxBacklog) {
        this.behind.add(id);
        this.o.log.warn({ userId: socket.data.user.id, socketId: id, backlog }, 'lead console fell behind: updates held until it drains');
      } else {
        to.push(id);
      }
    }
    for (const id of this.behind) if (!ids.has(id)) this.behind.delete(id);
    // Read after this tick's update was numbered: the snapshot already holds its changes.
    if (caughtUp.length) this.enqueue('queue:snapshot', { ...this.o.snapshot(), seq: this.sent }, caughtUp);
    return to;
  }
}
