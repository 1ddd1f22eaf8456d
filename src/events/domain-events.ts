/**
 * Domain events (decision 0009 #6): services publish them; realtime/ maps them to socket.io
 * rooms. Services never import socket.io.
 */
import { EventEmitter } from 'node:events';
import type {
  AgentSkillsView,
  AgentView,
  CallbackAssignedView,
  CallControlsView,
  CallOrderUpdate,
  CallUpdate,
  DeadlineWarning,
  OutboundCallView,
  QueueDelta,
  QueueStats,
  ScreenPop,
} from '../contract/index.js';

export type { DeadlineWarning };

/**
 * A time limit (限时办结) is about to run out or has run out. Raised once per order, kind and
 * deadline by the deadline scheduler (src/workorders/deadlines/scheduler.ts).
 */

export interface DomainEventMap {
  'agent.state_changed': [agent: AgentView];
  /** An agent's routing skills were replaced (src/http/routes/agent-skills-routes.ts). */
  'agent.skills_changed': [skills: AgentSkillsView];
  /** The screen-pop for one agent; `ringingAt`: the agent leg's StasisStart (the screen-pop latency metric). */
  'call.offered': [agentId: number, pop: ScreenPop, ringingAt?: number];
  /** The draft order of a call whose screen-pop went out without it, for the agent offered it (offers.ts). */
  'call.order': [agentId: number, update: CallOrderUpdate];
  'call.updated': [update: CallUpdate];
  /** The in-call controls of an answered call changed (hold, mute, three-way, transfer). */
  'call.controls': [view: CallControlsView];
  /** An agent's outbound call changed (dialling, ringing, answered, ended; src/calls/outbound.ts). */
  'call.outbound': [view: OutboundCallView];
  /** A callback worklist entry's assignee changed (src/http/routes/callbacks-routes.ts). */
  'callback.assigned': [view: CallbackAssignedView];
  /** A change of the live queue for shift leads. */
  'queue.changed': [delta: QueueDelta];
  /** Today's queue statistics were recomputed (throttled; src/calls/queue-stats.ts). */
  'queue.stats': [stats: QueueStats];
  /** Telephony went down or came back: consoles need a fresh snapshot. */
  'telephony.status': [status: { telephony: 'up' | 'down'; at: number }];
  /** A work order is due soon or overdue (sign-for or handling deadline); emitted once each. */
  'workorder.deadline': [warning: DeadlineWarning];
  /**
   * A committed change of an order, its creation included (action `create`: a new draft or
   * missed call, which no console has seen before); the call centre ends the agent's wrap-up.
   */
  'workorder.applied': [
    change: {
      orderId: number;
      callId: string | null;
      action: string;
      /** Null for a create nobody made (the front door's draft of a call, a missed call). */
      actorId: number | null;
      actorRole: string | null;
      /** The status after the change. */
      status: string;
      /** The units the order was with before or is with after it (the order desk's scoped rooms). */
      unitIds: readonly string[];
    },
  ];
}

export class DomainEvents extends EventEmitter<DomainEventMap> {}
