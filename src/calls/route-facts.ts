/**
 * What the route simulator needs from the database now: whether the calling number has open
 * orders (a repeat caller is answered first) and the agents logged in (agent_sessions, written at
 * each state change, so the CLI on the server's database sees what the running server sees) with
 * their skills. The agents and their skills are read through their stores, the open orders
 * through the orders port (decision 0017), on either dialect.
 */
import type { AgentSessionsStore } from '../agents/agent-sessions-store.js';
import type { AgentSkillsSource } from '../agents/skills.js';
import { CLOSED_ORDER_STATUSES } from './calls-repository.js';
import type { SunlineConfig } from '../config/files/index.js';
import type { OrdersStore } from '../workorders/index.js';
import { buildWorkCalendar } from '../workorders/deadlines/calendar-config.js';
import { simulateRoute, type RouteAnswer, type SimAgent } from './route-simulator.js';

/** Where the facts are read: the agents' stores, and the orders port for the open orders. */
export interface RouteFactsSource {
  /** The open-orders count (callers, work_orders), through the orders port (decision 0017). */
  readonly orders: OrdersStore;
  readonly sessions: AgentSessionsStore;
  readonly skills: AgentSkillsSource;
}

/** The agents logged in now (agent_sessions), by agent id, with their skills: through the stores. */
export async function routeAgents(source: Pick<RouteFactsSource, 'sessions' | 'skills'>): Promise<SimAgent[]> {
  const sessions = await source.sessions.read((q) => q.sessions());
  const skills = await source.skills.forAgents(sessions.map((s) => s.agentId));
  return sessions.map(({ agentId, displayName, state, penalty, pauseReason }) => ({
    agentId,
    displayName,
    state,
    penalty,
    pauseReason,
    skills: skills.get(agentId) ?? [],
  }));
}

export async function routeFacts(source: RouteFactsSource, from: string | null): Promise<{ openOrders: number; agents: SimAgent[] }> {
  const openOrders = from ? await source.orders.read((q) => q.orders.openCountOfPhone(from, CLOSED_ORDER_STATUSES)) : 0;
  return { openOrders, agents: await routeAgents(source) };
}

/** The simulator on `config` (the running set or a draft) with the database's facts of now (none without a database). */
export async function simulateWithFacts(
  source: RouteFactsSource | null,
  config: SunlineConfig,
  q: { dialled: string; from: string | null; at: number },
): Promise<RouteAnswer> {
  const built = buildWorkCalendar(config.calendar);
  // A set that loaded has a calendar that builds (the loader checks it).
  if (!built.ok) throw new Error(`calendar.yaml does not build: ${built.problems.map((p) => p.message).join('; ')}`);
  return simulateRoute(config, built.calendar, { ...q, ...(source ? await routeFacts(source, q.from) : { openOrders: 0, agents: [] }) });
}
