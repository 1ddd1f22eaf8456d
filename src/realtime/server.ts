/**
 * The socket.io server for agent consoles and shift-lead wallboards. It owns the socket.io
 * instance (decision 0009 #1) but not the HTTP server: Fastify does, so `close()` leaves it open.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { DomainEvents } from '../events/domain-events.js';
import type { Logger } from '../logging/logger.js';
import type { UsersService } from '../users/index.js';
import { forwardDomainEvents, sendSnapshots } from './broadcast.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import { registerHandlers } from './handlers.js';
import { limitEvents, MAX_SOCKET_PAYLOAD_BYTES } from './event-limits.js';
import { limitConnections } from './connection-limits.js';
import { refuseCallControl } from './call-control-elsewhere.js';
import type { Cluster } from './cluster.js';
import { LeadRoom } from './lead-room.js';
import { watchSessions } from './session-watch.js';
import { WallboardRoom, feedWallboard, type WallboardSource } from './wallboard-room.js';
import { WallboardRelay } from './wallboard-relay.js';
import type { MediaCommands } from '../contract/media-commands.js';
import type { SupervisionCommands, SupervisionState } from '../contract/supervision.js';
import type { QueueStatsSource } from './routes-lead.js';
import { sendMonitoredNotice } from './routes-supervision.js';
import {
  LEADS_ROOM,
  WALLBOARD_ROOM,
  deskRoomsFor,
  unitRoomsFor,
  agentRoom,
  authenticate,
  isAgent,
  isLead,
  originAllowed,
  type RealtimeServer,
  type RealtimeSocket,
  watchesWallboard,
} from './session.js';

export interface RealtimeOptions {
  http: HttpServer;
  users: UsersService;
  commands: ConsoleCommands;
  /** The softphone media service; absent without a mediasoup worker. */
  media?: MediaCommands | null;
  /** Listen / whisper / barge (src/supervision); absent without browser audio or telephony. `setSignals` receives where its state changes go. */
  supervision?:
    (SupervisionCommands & { setSignals(s: SupervisionSignalTargets): void; monitoredCalls(agentId: number): string[]; supervisable(): string[] }) | null;
  /** Today's queue statistics for shift leads (sent on connect and `sync`). */
  stats?: QueueStatsSource | null;
  events: DomainEvents;
  log: Logger;
  /** The units a unit handler oversees besides their own (a county sub-platform's subtree). */
  unitsInScope?: (unitId: string) => readonly string[];
  /** The console's origin when it is served from another origin than the API (development). */
  corsOrigin?: string;
  /** Resolves once earlier commits are on disk; acks of commands wait for it (decision 0006). */
  durable?: () => Promise<void>;
  /** Shift leads get queue changes merged, at most one update per this many ms (SUNLINE_LEAD_UPDATE_MS); 0 (default): each at once. */
  leadUpdateMs?: number;
  /** Unsent bytes above which a lead console counts as fallen behind and is sent a snapshot later (lead-room.ts). */
  leadMaxBacklogBytes?: number;
  /** Lead consoles written to per turn of the event loop (lead-room.ts; default 200). */
  leadChunk?: number;
  /** Each socket's session is checked again this often (session-watch.ts; default 30 s), and at once when sessions end. */
  sessionRecheckMs?: number;
  /** Several nodes: the Redis adapter that shares rooms between them (cluster.ts); absent: one node. */
  cluster?: Pick<Cluster, 'adapter'> | null;
  /** A node of several that does not hold call control: call and agent commands are refused (call-control-elsewhere.ts). */
  callControlElsewhere?: boolean;
  /** The wallboard's figures (src/reports/wallboard-figures.ts); absent: no wallboard room. */
  wallboard?: WallboardSource | null;
  /** The wallboard room's pace (wallboard-room.ts; tests). */
  wallboardRoom?: { intervalMs?: number; refreshMs?: number };
}

/** Where the supervision service's changes go: the lead's own tab, the agent's room. */
export interface SupervisionSignalTargets {
  lead(socketId: string, s: SupervisionState): void;
  agent(agentId: number, m: { callId: string; monitored: boolean }): void;
  supervisable(callIds: string[]): void;
}

export interface Realtime {
  io: RealtimeServer;
  /** Disconnect every socket and stop socket.io; safe to call twice. */
  close(): Promise<void>;
}

export function attachRealtime(opts: RealtimeOptions): Realtime {
  const log = opts.log.child({ component: 'realtime' });
  const { users, commands } = opts;
  let closing = false;

  const io: RealtimeServer = new Server(opts.http, {
    serveClient: false, // the web app bundles socket.io-client
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES, // a larger message closes the connection (event-limits.ts)
    ...(opts.corsOrigin ? { cors: { origin: opts.corsOrigin, credentials: true } } : {}),
    allowRequest: (req, callback) => callback(null, originAllowed(req, opts.corsOrigin)),
    // Several nodes: WebSocket only (the web app never polls), so no load-balancer stickiness is needed:
    // a long-polling session's requests would land on nodes that do not know it (docs/deployment.md).
    ...(opts.cluster ? { adapter: opts.cluster.adapter, transports: ['websocket' as const] } : {}),
  });

  // Several nodes: the one with call control sends the leads' and wall screens' updates to the others (lead-relay.ts).
  const role = opts.cluster ? (opts.callControlElsewhere ? ('follower' as const) : ('leader' as const)) : undefined;
  const leads = new LeadRoom({
    io,
    intervalMs: opts.leadUpdateMs ?? 0,
    snapshot: () => commands.queueSnapshot(),
    log,
    ...(role
      ? {
          cluster: role,
          controls: (agentId: number) => commands.callControls(agentId),
          stats: () => opts.stats?.current() ?? null,
          telephonyUp: () => commands.telephonyUp(),
        }
      : {}),
    ...(opts.leadMaxBacklogBytes !== undefined ? { maxBacklogBytes: opts.leadMaxBacklogBytes } : {}),
    ...(opts.leadChunk !== undefined ? { chunk: opts.leadChunk } : {}),
  });

  const wallboard = opts.wallboard
    ? new WallboardRoom({
        source: opts.wallboard,
        // This node's wall screens; with several nodes the leader's summary also goes to the others' (wallboard-relay.ts).
        send: (summary) => {
          io.local.to(WALLBOARD_ROOM).emit('wallboard:summary', summary);
          wallRelay?.publish(summary);
        },
        // A follower builds none (its queue has no calls); the leader cannot see the others' screens.
        watched: () => (role ? role === 'leader' : (io.of('/').adapter.rooms.get(WALLBOARD_ROOM)?.size ?? 0) > 0),
        log,
        ...opts.wallboardRoom,
      })
    : null;
  const wallRelay = wallboard && role ? new WallboardRelay(io, role, () => wallboard.current()) : null;

  const sync = async (socket: RealtimeSocket): Promise<void> => {
    try {
      await sendSnapshots(socket, commands, opts.stats, leads);
      if (opts.supervision && isAgent(socket.data.user)) await sendMonitoredNotice(socket, socket.data.user.id, commands, opts.supervision);
      if (opts.supervision && isLead(socket.data.user) && !watchesWallboard(socket))
        socket.emit('supervision:audio', { callIds: opts.supervision.supervisable() });
      if (wallboard && watchesWallboard(socket))
        socket.emit('wallboard:summary', (wallRelay?.role === 'follower' ? await wallRelay.summary() : null) ?? wallboard.current());
    } catch (err) {
      log.error({ err, userId: socket.data.user.id }, 'sending snapshots failed');
    }
  };

  io.use(authenticate(users, () => closing));
  io.use(limitConnections());
  io.on('connection', (socket) => {
    const user = socket.data.user;
    // Budgets and listeners first: a client may emit as soon as it sees `connect`.
    limitEvents(socket, log);
    if (opts.callControlElsewhere) refuseCallControl(socket, log);
    registerHandlers(socket, {
      users,
      commands,
      media: opts.media ?? null,
      supervision: opts.supervision ?? null,
      log,
      sync,
      ...(opts.durable ? { durable: opts.durable } : {}),
    });
    if (isAgent(user)) {
      void socket.join(agentRoom(user.id));
      commands.consoleConnected(user.id);
      socket.on('disconnect', () => commands.consoleClosed(user.id));
    }
    // A wall screen gets the summary only; a lead's /wallboard page has no use for the queue's changes.
    const wall = watchesWallboard(socket);
    if (wall && wallboard) void socket.join(WALLBOARD_ROOM);
    if (isLead(user) && !wall) void socket.join(LEADS_ROOM);
    if (user.role === 'unit_handler' && user.unitId) void socket.join(unitRoomsFor(user.unitId, opts.unitsInScope));
    const desk = deskRoomsFor(user, opts.unitsInScope);
    if (desk.length > 0) void socket.join(desk);
    log.info({ userId: user.id, role: user.role, socketId: socket.id }, 'console connected');
    socket.on('disconnect', (reason) => log.info({ userId: user.id, socketId: socket.id, reason }, 'console disconnected'));
    // The tab's softphone session (transports, microphone) ends with its socket.
    if (opts.media)
      socket.on(
        'disconnect',
        () => void opts.media?.close(socket.id).catch((err: unknown) => log.warn({ err, socketId: socket.id }, 'media session close failed')),
      );
    void sync(socket);
  });

  opts.supervision?.setSignals({
    lead: (socketId, s) => io.to(socketId).emit('supervision:state', s),
    agent: (agentId, m) => io.to(agentRoom(agentId)).emit('supervision:monitored', m),
    supervisable: (callIds) => io.to(LEADS_ROOM).emit('supervision:audio', { callIds }),
  });

  const unsubscribe = forwardDomainEvents(io, opts.events, commands, log, leads);
  const unwatch = watchSessions(io, users, log, opts.sessionRecheckMs);
  const unfeed = wallboard && opts.wallboard ? feedWallboard(opts.events, wallboard, opts.wallboard) : () => {};

  let closed: Promise<void> | undefined;
  return {
    io,
    close() {
      closed ??= (async () => {
        closing = true;
        unsubscribe();
        unwatch();
        leads.close();
        unfeed();
        wallboard?.close();
        wallRelay?.close();
        io.local.disconnectSockets(true);
        await Promise.allSettled([...io._nsps.values()].map(async (nsp) => nsp.adapter.close()));
        // Not io.close(): it would also close the HTTP server, which Fastify owns.
        io.engine.close();
        log.info('realtime closed');
      })();
      return closed;
    },
  };
}
