/**
 * The shift leads' room: live queue changes go out as one numbered `queue:delta` per tick
 * (`intervalMs`, SUNLINE_LEAD_UPDATE_MS) instead of one message per domain event, so the
 * fan-out costs one write per console per tick however many calls change (issue 18).
 *
 * - The first change after a quiet spell goes out on the next turn of the event loop (changes
 *   published together in one turn share it); while changes keep coming, at most one update
 *   per `intervalMs`. `intervalMs` 0 sends every change at once, in its own update.
 * - Anything else sent to the room (`call:controls`) calls `flush()` first, so consoles see
 *   everything in the order it happened.
 * - A console that falls behind (its socket's unsent backlog above `maxBacklogBytes`) gets no
 *   further updates until it has drained them; then it gets a fresh snapshot, whose `seq` says
 *   which update comes next. Consoles that see a gap in `seq` ask for `sync` themselves.
 */
import type { Logger } from '../logging/logger.js';
import type { QueueDelta, QueueSnapshot } from './contract.js';
import { LeadChanges } from './lead-changes.js';
import { LEADS_ROOM, type RealtimeSocket } from './session.js';
import type { RealtimeServer } from './broadcast.js';

export interface LeadRoomOptions {
  io: RealtimeServer;
  /** ms between updates; 0: every change at once. */
  intervalMs: number;
  /** The live queue, for consoles that fell behind. */
  snapshot: () => QueueSnapshot;
  log: Logger;
  /** Unsent bytes above which a console counts as fallen behind (default 1 MiB). */
  maxBacklogBytes?: number;
  now?: () => number;
}

/** Bytes queued for this socket and not yet handed to the kernel (engine.io buffer + ws buffer). */
export function backlogBytes(socket: RealtimeSocket): number {
  const conn = socket.conn as unknown as { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of conn.writeBuffer ?? []) bytes += typeof p.data === 'string' ? p.data.length : 64;
  return bytes;
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
  private closed = false;

  constructor(private readonly o: LeadRoomOptions) {
    this.now = o.now ?? Date.now;
    this.maxBacklog = o.maxBacklogBytes ?? 1024 * 1024;
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
    // Immediate mode keeps the old cost per change: no per-console check.
    const skip = this.o.intervalMs > 0 ? this.checkBacklogs() : [];
    if (update) {
      this.lastFlush = now;
      (skip.length ? this.o.io.to(LEADS_ROOM).except(skip) : this.o.io.to(LEADS_ROOM)).emit('queue:delta', update);
    }
    if (this.behind.size && !this.timer) this.timer = setTimeout(() => this.flush(), Math.max(this.o.intervalMs, 50));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.o.intervalMs <= 0) return this.flush();
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.o.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /**
   * Marks consoles whose backlog is too big as behind, sends a snapshot to those behind whose
   * backlog is gone; returns the socket ids that must not get this update.
   */
  private checkBacklogs(): string[] {
    const nsp = this.o.io.of('/');
    const ids = nsp.adapter.rooms.get(LEADS_ROOM);
    if (!ids) return [];
    const skip: string[] = [];
    let snapshot: QueueSnapshot | undefined;
    for (const id of ids) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      const backlog = backlogBytes(socket);
      if (this.behind.has(id)) {
        skip.push(id);
        if (backlog > 0) continue;
        this.behind.delete(id);
        // Read after this tick's update was numbered: the snapshot already holds its changes.
        snapshot ??= { ...this.o.snapshot(), seq: this.sent };
        socket.emit('queue:snapshot', snapshot);
        this.o.log.info({ userId: socket.data.user.id, socketId: id }, 'lead console caught up: snapshot sent');
      } else if (backlog > this.maxBacklog) {
        skip.push(id);
        this.behind.add(id);
        this.o.log.warn({ userId: socket.data.user.id, socketId: id, backlog }, 'lead console fell behind: updates held until it drains');
      }
    }
    for (const id of this.behind) if (!ids.has(id)) this.behind.delete(id);
    return skip;
  }
}
