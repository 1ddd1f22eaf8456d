/**
 * Domain events → socket.io rooms (decision 0009 #6), and the snapshots a socket gets on
 * connect, on `sync` and after telephony comes back. Only ids are logged, never phone numbers.
 */
import type { DomainEventMap, DomainEvents } from '../events/domain-events.js';
import type { Logger } from '../logging/logger.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import type { LeadRoom } from './lead-room.js';
import type { QueueStatsSource } from './routes-lead.js';
import { DESK_ROOM, LEADS_ROOM, deskUnitRoom, unitRoom, agentRoom, isAgent, isLead, type RealtimeServer, type RealtimeSocket } from './session.js';

const telephonyStatus = (commands: ConsoleCommands) => ({ telephony: commands.telephonyUp() ? ('up' as const) : ('down' as const), at: Date.now() });

/**
 * Everything this socket is entitled to: status; agents their state and ringing call; leads the
 * queue (and its statistics). An agent's pops read the caller's history first; then everything
 * is sent at once, from the state of that moment.
 */
export async function sendSnapshots(socket: RealtimeSocket, commands: ConsoleCommands, stats?: QueueStatsSource | null, leads?: LeadRoom): Promise<void> {
  const user = socket.data.user;
  const [offer, talking] = isAgent(user) ? await Promise.all([commands.pendingOffer(user.id), commands.callInProgress(user.id)]) : [null, null];
  // A node without call control has no telephony of its own: a lead console gets the leader's
  // status with its snapshot (lead-room.ts), any other console asks for it; never this node's "down".
  if (!leads?.relayed) socket.emit('system:status', telephonyStatus(commands));
  else if (!isLead(user)) void sendLeaderTelephony(socket, leads);
  if (isAgent(user)) {
    socket.emit('agent:state', commands.agentView(user.id));
    if (offer) socket.emit('call:offered', offer);
    // A console opened or reloaded mid-call: the pop, then that it is answered.
    if (talking) {
      socket.emit('call:offered', talking);
      socket.emit('call:update', { callId: talking.callId, state: 'answered', agentId: user.id, at: Date.now() });
    }
    const controls = commands.callControls(user.id);
    if (controls) socket.emit('call:controls', controls);
    const outbound = commands.outboundCall(user.id);
    if (outbound) socket.emit('call:outbound', outbound);
  }
  // Another node holds the calls: the leader's snapshot, controls and figures, in order with its relayed updates (lead-relay.ts).
  if (isLead(user) && leads?.relayed) return leads.sendLeaderState(socket);
  if (isLead(user)) {
    // Changes still pending in the lead room are in this live state already; the next update
    // carries them again, which is harmless: each is the latest value of its key (lead-changes.ts).
    const snapshot = { ...commands.queueSnapshot(), seq: leads?.seq ?? 0 };
    socket.emit('queue:snapshot', snapshot);
    // Held / muted / three-way state of calls in progress, so a lead who opens the page mid-call sees it.
    for (const a of snapshot.agents) {
      const controls = a.callId ? commands.callControls(a.agentId) : null;
      if (controls) socket.emit('call:controls', controls);
    }
  }
  if (isLead(user) && stats) socket.emit('queue:stats', stats.current());
}

async function sendLeaderTelephony(socket: RealtimeSocket, leads: LeadRoom): Promise<void> {
  const up = await leads.leaderTelephony();
  if (socket.connected) socket.emit('system:status', { telephony: up ? 'up' : 'down', at: Date.now() });
}

/** Subscribe to the domain events; returns the unsubscribe function. */
export function forwardDomainEvents(io: RealtimeServer, events: DomainEvents, commands: ConsoleCommands, log: Logger, leads: LeadRoom): () => void {
  // Agents get their own events at once (screen-pop and call state are latency-critical);
  // shift leads get queue changes merged, once per tick (lead-room.ts).
  const handlers: { [K in keyof DomainEventMap]: (...args: DomainEventMap[K]) => void } = {
    'agent.state_changed': (agent) => {
      io.to(agentRoom(agent.agentId)).emit('agent:state', agent);
      leads.queueChanged({ at: Date.now(), agents: [agent] });
    },
    'call.offered': (agentId, pop) => {
      log.debug({ agentId, callId: pop.callId }, 'screen-pop sent');
      io.to(agentRoom(agentId)).emit('call:offered', pop);
    },
    'call.order': (agentId, update) => {
      io.to(agentRoom(agentId)).emit('call:order', update);
    },
    'call.updated': (update) => {
      if (update.agentId !== null) io.to(agentRoom(update.agentId)).emit('call:update', update);
      // Leads show offers and answers through the queue and agent states; an end drops the call's controls.
      if (update.state === 'ended') leads.callEnded(update.callId, update.at);
    },
    'call.controls': (view) => {
      io.to(agentRoom(view.agentId)).emit('call:controls', view);
      // After the changes pending before it (lead-room.ts); agents and leads are different sessions.
      leads.send('call:controls', view);
    },
    'call.outbound': (view) => {
      // Leads see the agent's state `outbound` and, once answered, the call's controls.
      io.to(agentRoom(view.agentId)).emit('call:outbound', view);
    },
    'callback.assigned': (view) => {
      // Leads and admins keep the worklist; the agent given the entry and the one it was taken from see it change.
      const agents = [view.assignee?.agentId, view.previousAgentId].filter((id): id is number => typeof id === 'number');
      io.to([LEADS_ROOM, ...agents.map(agentRoom)]).emit('callback:assigned', view);
    },
    // Desk consoles get a compact note for the orders of their scope (the city's desk every one, a
    // county's the orders its units had or have); they re-read through the scoped API. An order
    // still being taken (a draft: created when a call comes in, taken by the agent, edited) is in
    // no desk queue and no callback worklist: its notes would cost a write per desk console (every
    // shift lead's included) twice a call for nothing; it is heard of once it leaves draft.
    'workorder.applied': (c) => {
      if (c.status === 'draft') return;
      io.to([DESK_ROOM, ...c.unitIds.map(deskUnitRoom)]).emit('desk:changed', { orderId: c.orderId, action: c.action, status: c.status, at: Date.now() });
    },
    'workorder.deadline': (w) => {
      // Shift leads and the city's desk see every warning; the lead unit's handlers (unit portal)
      // and the desk of a county whose subtree holds the unit see their own. A socket in several
      // of these rooms gets it once.
      const rooms = w.leadUnitId ? [LEADS_ROOM, DESK_ROOM, unitRoom(w.leadUnitId), deskUnitRoom(w.leadUnitId)] : [LEADS_ROOM, DESK_ROOM];
      io.to(rooms).emit('workorder:deadline', w);
    },
    'queue.changed': (delta) => {
      leads.queueChanged(delta);
    },
    'queue.stats': (stats) => {
      // Through the lead room's chunked writes: the whole room at once held the loop ~50 ms at 2,000 consoles.
      leads.post('queue:stats', stats);
    },
    'agent.skills_changed': (skills) => {
      io.to(LEADS_ROOM).emit('agent:skills', skills);
    },
    'telephony.status': (status) => {
      io.emit('system:status', status);
      if (status.telephony === 'up') resyncAll(io, commands, leads);
    },
  };

  const subscribed = (Object.keys(handlers) as Array<keyof DomainEventMap>).map((name) => {
    const handler = handlers[name] as (...args: unknown[]) => void;
    // A failure here must not throw into the service that published the event.
    const safe = (...args: unknown[]) => {
      try {
        handler(...args);
      } catch (err) {
        log.error({ err, domainEvent: name }, 'forwarding a domain event failed');
      }
    };
    events.on(name, safe);
    return () => events.off(name, safe);
  });
  return () => subscribed.forEach((off) => off());
}

/**
 * After telephony comes back the in-memory state was re-read from Asterisk: leads get a fresh
 * queue snapshot, each connected agent its state. Emitting per local socket (not per room) keeps
 * this correct when several server processes share rooms through an adapter.
 */
function resyncAll(io: RealtimeServer, commands: ConsoleCommands, leads: LeadRoom): void {
  // The state was re-read, maybe without a change event: what is pending goes out before the snapshots.
  leads.flush();
  leads.resynced();
  let snapshot: ReturnType<ConsoleCommands['queueSnapshot']> | undefined;
  const views = new Map<number, ReturnType<ConsoleCommands['agentView']>>();
  for (const socket of io.of('/').sockets.values()) {
    const user = socket.data.user;
    if (isLead(user) && !leads.relayed) socket.emit('queue:snapshot', (snapshot ??= { ...commands.queueSnapshot(), seq: leads.seq }));
    if (isAgent(user)) {
      let view = views.get(user.id);
      if (!view) views.set(user.id, (view = commands.agentView(user.id)));
      socket.emit('agent:state', view);
    }
  }
}
