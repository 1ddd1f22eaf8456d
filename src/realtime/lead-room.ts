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
 * - Several nodes (`cluster`): the node that holds the calls ('leader') writes to its own consoles
 *   only and publishes each message once to the other nodes; a 'follower' writes what it hears to
 *   its consoles the same way and takes its consoles' snapshots from the leader (lead-relay.ts).
 */
import type { Logger } from '../logging/logger.js';
import type { CallControlsView, QueueDelta, QueueSnapshot, QueueStats } from '../contract/index.js';
import { LeadChanges } from './lead-changes.js';
import { FollowerFeed, LeaderFeed, type LeadClusterRole, type LeaderState, type RelayedMessage } from './lead-relay.js';
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
  /** Several nodes: this node holds the calls ('leader') or relays the leader's messages ('follower'); absent: one node. */
  cluster?: LeadClusterRole;
  /** The leader's answer to a follower also carries the calls' controls and today's figures. */
  controls?: (agentId: number) => CallControlsView | null;
  stats?: () => QueueStats | null;
  /** The leader's telephony status, for the other nodes' lead consoles. */
  telephonyUp?: () => boolean;
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
  event: 'queue:delta' | 'queue:snapshot' | 'call:controls' | 'queue:stats' | 'system:status';
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
  private readonly leader: LeaderFeed | null = null;
  private readonly follower: FollowerFeed | null = null;
  /** Follower: consoles waiting for the leader's state, the messages heard meanwhile, the request. */
  private awaiting = new Set<string>();
  private heardMeanwhile: RelayedMessage[] = [];
  private asking: Promise<void> | null = null;
  /** Follower: the leader last heard from. */
  private leaderId: string | null = null;

  constructor(private readonly o: LeadRoomOptions) {
    this.now = o.now ?? Date.now;
    this.maxBacklog = o.maxBacklogBytes ?? 1024 * 1024;
    this.chunk = o.chunk ?? 200;
    if (o.cluster === 'leader')
      this.leader = new LeaderFeed(
        o.io,
        () => this.state(),
        () => this.telephonyUp(),
      );
    if (o.cluster === 'follower') this.follower = new FollowerFeed(o.io, (m) => this.heard(m));
  }

  /** A follower's lead consoles take their snapshots from the leader (`sendLeaderState`). */
  get relayed(): boolean {
    return this.follower !== null;
  }

  /**
   * Follower: whether the call-control node's telephony is up, for the status a console gets on
   * connect (this node has no telephony of its own); false when no node answers (none holds the calls).
   */
  async leaderTelephony(): Promise<boolean> {
    return (await this.follower?.leaderTelephony()) ?? false;
  }

  /** The seq a snapshot taken now carries (everything up to it is in the live state it reads). */
  get seq(): number {
    return this.sent;
  }

  queueChanged(delta: QueueDelta): void {
    // A follower holds no calls: its consoles get the leader's changes.
    if (this.follower) return;
    this.changes.add(delta);
    this.schedule();
  }

  callEnded(callId: string, at: number): void {
    if (this.follower) return;
    this.changes.callEnded(callId, at);
    this.schedule();
  }

  /** Sends what is pending now (also checks consoles that fell behind). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    if (this.follower) return this.recheck();
    const now = this.now();
    const update = this.changes.take(this.sent + 1);
    if (update) this.sent = update.seq;
    if (update) this.leader?.publish('queue:delta', update);
    if (this.o.intervalMs <= 0) {
      // Immediate mode keeps the old way: the whole room at once, no per-console check.
      if (update) this.out().to(LEADS_ROOM).emit('queue:delta', update);
      return;
    }
    if (!update && !this.behind.size) return;
    const to = this.recipients();
    if (update) {
      this.lastFlush = now;
      this.enqueue('queue:delta', update, to);
    }
    this.recheckLater();
  }

  /** Sends another message to the leads after everything sent to them before (`call:controls`). */
  send(event: 'call:controls', payload: unknown): void {
    if (this.follower) return;
    this.flush();
    this.leader?.publish(event, payload);
    this.toRoom(event, payload);
  }

  /**
   * A message for the leads that keeps no order against the updates (`queue:stats`): written
   * `chunk` consoles per turn like them, without flushing pending changes early (a flush would
   * cost one more update per console). Immediate mode writes to the whole room at once.
   */
  post(event: 'queue:stats', payload: unknown): void {
    if (this.closed || this.follower) return;
    this.leader?.publish(event, payload);
    this.toRoom(event, payload);
  }

  /** The leader re-read its live state (telephony came back): the other nodes' lead consoles get a fresh snapshot too. */
  resynced(): void {
    this.leader?.publish('resync', null);
  }

  /**
   * A follower's lead console that needs a snapshot (connect, `sync`): the leader's state, sent
   * after what was sent to it before and before what the leader relays after it (lead-relay.ts).
   */
  sendLeaderState(socket: RealtimeSocket): Promise<void> {
    return this.askLeader([socket.id]);
  }

  close(): void {
    this.closed = true;
    this.leader?.close();
    this.follower?.close();
    this.awaiting.clear();
    this.heardMeanwhile = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pumping) clearImmediate(this.pumping);
    this.pumping = null;
    this.sends = [];
  }

  /** Where the room writes: with several nodes, this node's sockets only (the others hear the leader's relay). */
  private out(): Pick<RealtimeServer, 'to'> {
    return this.o.cluster ? this.o.io.local : this.o.io;
  }

  /** A message for the whole room (minus consoles waiting for the leader's state): at once in immediate mode, else in chunks. */
  private toRoom(event: Send['event'], payload: unknown): void {
    if (this.o.intervalMs <= 0) {
      const room = this.out().to(LEADS_ROOM);
      const to = this.awaiting.size ? room.except([...this.awaiting]) : room;
      (to.emit as (e: string, p: unknown) => boolean)(event, payload);
      return;
    }
    this.enqueue(event, payload, this.roomIds());
  }

  private roomIds(): string[] {
    const ids = [...(this.o.io.of('/').adapter.rooms.get(LEADS_ROOM) ?? [])];
    return this.awaiting.size ? ids.filter((id) => !this.awaiting.has(id)) : ids;
  }

  /** The leader's answer to a follower. */
  private state(): Omit<LeaderState, 'from' | 'n'> {
    const snapshot = { ...this.o.snapshot(), seq: this.sent };
    const controls: CallControlsView[] = [];
    for (const a of snapshot.agents) {
      const c = a.callId ? (this.o.controls?.(a.agentId) ?? null) : null;
      if (c) controls.push(c);
    }
    return { snapshot, controls, stats: this.o.stats?.() ?? null, telephony: this.telephonyUp() };
  }

  /** Leader: whether its telephony is up, for the other nodes' consoles (up when not told). */
  private telephonyUp(): boolean {
    return this.o.telephonyUp?.() ?? true;
  }

  /** Follower: a message of the leader's, written to this node's consoles as the leader writes to its own. */
  private heard(m: RelayedMessage): void {
    if (this.closed) return;
    if (this.asking) this.heardMeanwhile.push(m);
    const newLeader = this.leaderId !== null && m.from !== this.leaderId;
    this.leaderId = m.from;
    // A new leader numbers from 1: every console needs its snapshot, which holds this message.
    if (m.event === 'resync' || newLeader) {
      void this.askLeader(this.roomIds());
      return;
    }
    if (m.event !== 'queue:delta' || this.o.intervalMs <= 0) {
      if (m.event === 'queue:delta') this.sent = (m.payload as { seq: number }).seq;
      this.toRoom(m.event, m.payload);
      return;
    }
    this.sent = (m.payload as { seq: number }).seq;
    this.enqueue('queue:delta', m.payload, this.recipients());
    this.recheckLater();
  }

  /**
   * Follower: asks the leader for its state for these consoles (one request for all who wait),
   * then sends each its snapshot, the controls, the figures and what was heard after the answer.
   */
  private askLeader(ids: string[]): Promise<void> {
    for (const id of ids) this.awaiting.add(id);
    this.asking ??= (async () => {
      const state = this.follower ? await this.follower.leaderState() : null;
      if (state) this.leaderId = state.from;
      const waiting = [...this.awaiting].filter((id) => this.o.io.of('/').sockets.has(id));
      const heard = this.heardMeanwhile;
      this.awaiting = new Set();
      this.heardMeanwhile = [];
      this.asking = null;
      if (this.closed || !waiting.length) return;
      if (!state) this.o.log.warn({ consoles: waiting.length }, 'no answer from the call-control node: lead consoles get this node’s own (call-less) queue');
      // The call-control node's status (this node has no telephony; none answering: down).
      this.enqueue('system:status', { telephony: state?.telephony ? 'up' : 'down', at: Date.now() }, waiting);
      this.enqueue('queue:snapshot', state?.snapshot ?? { ...this.o.snapshot(), seq: this.sent }, waiting);
      for (const c of state?.controls ?? []) this.enqueue('call:controls', c, waiting);
      if (state?.stats) this.enqueue('queue:stats', state.stats, waiting);
      for (const m of heard) if (m.event !== 'resync' && m.from === state?.from && m.n > state.n) this.enqueue(m.event, m.payload, waiting);
    })();
    return this.asking;
  }

  /** Consoles that fell behind are checked again while any are. */
  private recheckLater(): void {
    if (this.behind.size && !this.timer) this.timer = setTimeout(() => this.flush(), Math.max(this.o.intervalMs, 50));
  }

  /** Follower: no changes of its own; only the consoles that fell behind are looked at. */
  private recheck(): void {
    if (this.o.intervalMs > 0 && this.behind.size) this.recipients();
    this.recheckLater();
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
      (this.out().to(ids).emit as (e: string, p: unknown) => boolean)(s.event, s.payload);
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
      if (!socket || this.awaiting.has(id)) continue;
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
    if (caughtUp.length && this.follower) void this.askLeader(caughtUp);
    else if (caughtUp.length) this.enqueue('queue:snapshot', { ...this.o.snapshot(), seq: this.sent }, caughtUp);
    return to;
  }
}
