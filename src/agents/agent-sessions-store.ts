/**
 * Agents' sessions in the database (agent_sessions): every state change of a logged-in agent
 * is written in its own statement, a logout deletes the row. At start the service reads them
 * back, so a restart of the server keeps the agents logged in, in their state, on their call
 * (reconcile then checks each call against Asterisk).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { agentSessions } from '../db/schema.js';
import type { AgentView } from '../contract/index.js';

export class AgentSessionsStore {
  constructor(private readonly db: Db) {}

  /** The agents logged in when the last process stopped. */
  load(): AgentView[] {
    return this.db.select().from(agentSessions).orderBy(agentSessions.agentId).all();
  }

  save(v: AgentView): void {
    if (v.state === 'logged_out') {
      this.db.delete(agentSessions).where(eq(agentSessions.agentId, v.agentId)).run();
      return;
    }
    const row = { displayName: v.displayName, state: v.state, since: v.since, pauseReason: v.pauseReason, callId: v.callId, penalty: v.penalty };
    this.db
      .insert(agentSessions)
      .values({ agentId: v.agentId, ...row })
      .onConflictDoUpdate({ target: agentSessions.agentId, set: row })
      .run();
  }
}
