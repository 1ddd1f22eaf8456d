/** Agents' sessions and state history on SQLite (agent-sessions-store.ts; the async port: db/sqlite-async.ts). */
import { eq } from 'drizzle-orm';
import { agentSessions, agentStateEvents } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import type { AgentView } from '../contract/index.js';
import type { AgentSessionsQueries, AgentSessionsStore, SessionRow, StateEventRow } from './agent-sessions-store.js';

class SqliteAgentSessionsQueries implements AgentSessionsQueries {
  constructor(private readonly conn: SqliteConn) {}

  sessions(): Promise<AgentView[]> {
    return this.conn.run((db) => db.select().from(agentSessions).orderBy(agentSessions.agentId).all());
  }

  upsertSession(v: SessionRow): Promise<void> {
    const row = { displayName: v.displayName, state: v.state, since: v.since, pauseReason: v.pauseReason, callId: v.callId, penalty: v.penalty };
    return this.conn.run((db) => {
      db.insert(agentSessions)
        .values({ agentId: v.agentId, ...row })
        .onConflictDoUpdate({ target: agentSessions.agentId, set: row })
        .run();
    });
  }

  deleteSession(agentId: number): Promise<void> {
    return this.conn.run((db) => {
      db.delete(agentSessions).where(eq(agentSessions.agentId, agentId)).run();
    });
  }

  insertStateEvent(row: StateEventRow): Promise<void> {
    return this.conn.run((db) => {
      db.insert(agentStateEvents).values(row).run();
    });
  }
}

export function sqliteAgentSessionsStore(db: SqliteAsyncDb): AgentSessionsStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteAgentSessionsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteAgentSessionsQueries(tx))),
  };
}
