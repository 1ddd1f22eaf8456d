/**
 * The call path, wired: telephony gateways → switchboard → agents + call centre. Returns the
 * console commands for realtime/ and http/, the health checks and what to close.
 */
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { ConfigStore } from '../config/files/index.js';
import type { DomainEvents } from '../events/domain-events.js';
import { AgentSessions } from '../agents/agent-sessions.js';
import type { AgentSessionsStore } from '../agents/agent-sessions-store.js';
import { AgentsService } from '../agents/agents-service.js';
import type { AgentSkillsSource } from '../agents/skills.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import type { AriClient } from '../telephony/ari/index.js';
import type { AmiGateway } from '../telephony/ami/index.js';
import { Switchboard } from '../telephony/switchboard.js';
import type { SessionUser } from '../users/index.js';
import type { WorkOrdersService } from '../workorders/index.js';
import { CallCenter } from './call-center.js';
import type { CallMedia } from './call-media.js';
import { CallsRepository } from './calls-repository.js';
import { consoleCommands } from './console-commands.js';
import { offlineConsole } from './offline-console.js';
import { OutboundRecords } from './outbound-records.js';
import { CallWrites } from './call-writes.js';
import { CallbackSatisfaction } from './callback-satisfied.js';

export { CallCenter } from './call-center.js';
export { CallError } from './errors.js';
export { CallsRepository } from './calls-repository.js';
export type { CallMedia } from './call-media.js';

export interface CallPath {
  commands: ConsoleCommands;
  center: CallCenter | null;
  ari: AriClient | null;
  ami: AmiGateway | null;
  checks: Record<string, () => { ok: boolean; [k: string]: unknown }>;
  /** The agents' session writes waiting in their queue, and those given up on since start (agent-sessions.ts; /metrics). */
  agentSessionWrites(): { queued: number; failed: number };
  /** The call path's writes waiting in their queue, those given up on and those dropped after `fence()` since start (call-writes.ts; /metrics). */
  callWrites(): { queued: number; failed: number; dropped: number };
  /** Resolves once the call path's writes queued so far (call-writes.ts) have ended: readers of what a call event wrote wait for it. */
  writesFlushed(): Promise<void>;
  /**
   * This node lost call control (cluster/call-control-node.ts fences it): the agents' session
   * changes and the calls' writes (call-writes.ts) not yet written, and any made from now on,
   * are dropped (logged), not written after the new leader has taken over. A clean close
   * writes them all.
   */
  fence(): void;
  close(): Promise<void>;
}

export interface CallPathDeps {
  env: Env;
  /** Where the agents' sessions outlive the process (agent_sessions), on the asynchronous port. */
  agentSessions: AgentSessionsStore;
  orders: WorkOrdersService;
  config: ConfigStore;
  /** The platform's own account (UsersService.systemUser), the actor of the call path's automatic changes. */
  systemUser: SessionUser;
  events: DomainEvents;
  log: Logger;
  /** The telephony connections app.ts owns (started after this, closed after this); null: switched off. */
  telephony: { ari: AriClient; ami: AmiGateway } | null;
  media?: CallMedia;
  /** The agents' skills, read at each offer (skill routing, decision 0015). */
  skills: AgentSkillsSource;
}

/** Builds the call path once the agents logged in when the last process stopped are read back. */
export async function buildCallPath(deps: CallPathDeps): Promise<CallPath> {
  const { env, log, events } = deps;
  if (!deps.telephony) {
    const agents = new AgentsService({ switchboard: null, events, log, wrapUpMs: env.wrapUpMs });
    return {
      commands: offlineConsole(agents),
      center: null,
      ari: null,
      ami: null,
      checks: {},
      agentSessionWrites: () => ({ queued: 0, failed: 0 }),
      callWrites: () => ({ queued: 0, failed: 0, dropped: 0 }),
      writesFlushed: () => Promise.resolve(),
      fence: () => undefined,
      close: async () => agents.close(),
    };
  }
  const { ari, ami } = deps.telephony;
  const switchboard = new Switchboard({ ari, ami, log });
  const sessions = new AgentSessions(deps.agentSessions, { log: log.child({ component: 'agent-sessions' }) });
  const restored = await sessions.load();
  const agents = new AgentsService({ switchboard, events, log, wrapUpMs: env.wrapUpMs, store: sessions, restored });
  const system = deps.systemUser;
  // The call path's writes, inbound and outbound, one queue in the order of the events (call-writes.ts).
  const writes = new CallWrites({ log: log.child({ component: 'call-writes' }) });
  const center = new CallCenter({
    switchboard,
    agents,
    events,
    log,
    config: deps.config,
    repo: new CallsRepository(deps.orders, writes),
    systemActor: { id: system.id, role: 'admin', unitId: null },
    ...(deps.media ? { media: deps.media } : {}),
    awayMs: env.agentAwayMs,
    stasisWatchdogMs: env.stasisWatchdogMs,
    skills: deps.skills,
    outbound: { records: new OutboundRecords(deps.orders, writes), settings: env.outbound },
  });
  // A caller answered by an agent needs no callback any more (callback-satisfied.ts).
  const stopCallbackCheck = new CallbackSatisfaction({ orders: deps.orders, actor: center.ctx.systemActor, log, writes }).attach(events);
  return {
    commands: consoleCommands(center),
    center,
    ari,
    ami,
    checks: { ari: () => ({ ...ari.health() }), ami: () => ({ ...ami.health() }), reconcile: () => center.reconciler.health() },
    agentSessionWrites: () => sessions.stats(),
    callWrites: () => writes.stats(),
    writesFlushed: () => writes.flushed(),
    fence: () => {
      sessions.fence();
      writes.fence();
    },
    async close() {
      stopCallbackCheck();
      await center.close();
      agents.close();
      // What the last changes queued is written before the database closes (app.ts closes it after this); dropped when fenced.
      await Promise.all([sessions.flushed(), writes.flushed()]);
    },
  };
}
export { simulateRoute, instantIn, type RouteAnswer, type RouteQuestion, type SimAgent } from './route-simulator.js';
export { routeFacts, simulateWithFacts, type RouteFactsSource } from './route-facts.js';
