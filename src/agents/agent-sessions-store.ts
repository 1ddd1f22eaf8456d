/**
 * Agents' sessions and their state history as a port (issue 16, decision 0017): the statements
 * AgentSessions (agent-sessions.ts) needs, asynchronous, in one of two dialects
 * (agent-sessions-store-sqlite.ts, agent-sessions-store-pg.ts), held to the same behaviour by one
 * contract suite (test/agents/agent-sessions-store.test.ts) against a real database of each.
 * Which rows a change writes (a history row only when the state or the call changed), and in
 * what order, is AgentSessions' rule, written once.
 */
import type { Dialect } from '../db/async-db.js';
import type { AgentView } from '../contract/index.js';

/** One row of agent_state_events: the agent's new state (an AgentState, or logged_out) and call. */
export interface StateEventRow {
  readonly agentId: number;
  readonly state: AgentView['state'];
  readonly callId: string | null;
  readonly at: number;
}

/** A logged-in agent's session as agent_sessions holds it (never logged_out: a logout deletes the row). */
export type SessionRow = AgentView & { readonly state: Exclude<AgentView['state'], 'logged_out'> };

/** The statements, on one connection or inside one transaction. */
export interface AgentSessionsQueries {
  /** Every logged-in agent's session, by agent id. */
  sessions(): Promise<AgentView[]>;
  /** Inserts the agent's session or replaces it (one row per agent). */
  upsertSession(row: SessionRow): Promise<void>;
  deleteSession(agentId: number): Promise<void>;
  insertStateEvent(row: StateEventRow): Promise<void>;
}

export interface AgentSessionsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: AgentSessionsQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (db/async-db.ts). */
  transaction<T>(fn: (tx: AgentSessionsQueries) => Promise<T>): Promise<T>;
}
