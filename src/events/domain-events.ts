/**
 * Domain events (CONVENTIONS.md #6): services publish them; realtime/ maps them to socket.io
 * rooms. Services never import socket.io.
 */
import { EventEmitter } from 'node:events';
import type { AgentView, CallUpdate, QueueDelta, ScreenPop } from '../realtime/contract.js';

export interface DomainEventMap {
  'agent.state_changed': [agent: AgentView];
  /** The screen-pop for one agent. */
  'call.offered': [agentId: number, pop: ScreenPop];
  'call.updated': [update: CallUpdate];
  /** A change of the live queue for shift leads. */
  'queue.changed': [delta: QueueDelta];
  /** Telephony went down or came back: consoles need a fresh snapshot. */
  'telephony.status': [status: { telephony: 'up' | 'down'; at: number }];
}

export class DomainEvents extends EventEmitter<DomainEventMap> {}
