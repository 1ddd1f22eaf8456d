/**
 * What every module of the call path works with (decision 0009 #15): the switchboard, the agents,
 * the repositories, configuration, domain events, the media, the clock, the log and the live
 * calls — never the whole call centre. call-center.ts builds one and hands it to each module.
 */
import type { Logger } from 'pino';
import type { AgentsService } from '../agents/agents-service.js';
import type { ConfigStore } from '../config/files/index.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { Switchboard } from '../telephony/switchboard.js';
import type { Actor } from '../workorders/lifecycle/index.js';
import type { CallMedia } from './call-media.js';
import type { CallsRepository } from './calls-repository.js';
import type { LiveCalls } from './live-calls.js';

export interface CallContext {
  readonly switchboard: Switchboard;
  readonly agents: AgentsService;
  readonly repo: CallsRepository;
  readonly config: ConfigStore;
  readonly events: DomainEvents;
  /** The platform's own account: the actor of the changes the call path makes to orders. */
  readonly systemActor: Actor;
  /** The agents' browser audio; absent without media (calls still connect in Asterisk). */
  readonly media: CallMedia | undefined;
  readonly live: LiveCalls;
  readonly log: Logger;
  now(): number;
}
