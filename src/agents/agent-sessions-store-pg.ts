/** Agents' sessions and state history on PostgreSQL (agent-sessions-store.ts; the async port: db/postgres-async.ts). */
import { eq } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { agentSessions, agentStateEvents } from '../db/schema-pg.js';
import type { AgentView } from '../contract/index.js';
import type { AgentSessionsQueries, AgentSessionsStore, SessionRow, StateEventRow } from './agent-sessions-store.js';

class PgAgentSessionsQueries implements AgentSessionsQueries {
  constructor(private readonly db: PgConn) {}

  sessions(): Promise<AgentView[]> {
    return this.db.select().from(agentSessions).orderBy(agentSessions.agentId);
  }

  async upsertSession(v: SessionRow): Promise<void> {
    const row = { displayName: v.displayName, state: v.state, since: v.since, pauseReason: v.pauseReason, callId: v.callId, penalty: v.penalty };
    await this.db
      .insert(agentSessions)
      .values({ agentId: v.agentId, ...row })
      .onConflictDoUpdate({ target: agentSessions.agentId, set: row });
  }

  async deleteSession(agentId: number): Promise<void> {
    await this.db.delete(agentSessions).where(eq(agentSessions.agentId, agentId));
  }

  async insertStateEvent(row: StateEventRow): Promise<void> {
    await this.db.insert(agentStateEvents).values(row);
  }
}

export function pgAgentSessionsStore(db: PostgresAsyncDb): AgentSessionsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgAgentSessionsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgAgentSessionsQueries(tx))),
  };
}
