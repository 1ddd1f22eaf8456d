/**
 * Agents' sessions in the database (agent_sessions): every state change of a logged-in agent
 * is written in its own statement, a logout deletes the row. At start the service reads them
 * back, so a restart of the server keeps the agents logged in, in their state, on their call
 * (reconcile then checks each call against Asterisk).
 *
 * Each change of an agent's state or call is also appended to agent_state_events in the same
 * transaction (the history the reports read a call's wrap-up 话后处理 from: docs/kpis.md AHT); a
 * save that changes neither (a penalty) appends nothing.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { agentSessions, agentStateEvents } from '../db/schema.js';
import type { AgentView } from '../contract/index.js';

export class AgentSessionsStore {
  /** Each agent's state and call as last saved (or loaded): a history row is written when either changes. */
  private readonly last = new Map<number, { state: string; callId: string | null }>();

  constructor(private readonly db: Db) {}

  /** The agents logged in when the last process stopped. */
  load(): AgentView[] {
    const views: AgentView[] = this.db.select().from(agentSessions).orderBy(agentSessions.agentId).all();
    for (const v of views) this.last.set(v.agentId, { state: v.state, callId: v.callId });
    return views;
  }

  save(v: AgentView): void {
    const before = this.last.get(v.agentId);
    const changed = before === undefined ? v.state !== 'logged_out' : before.state !== v.state || before.callId !== v.callId;
    this.db.transaction((tx) => {
      if (changed) tx.insert(agentStateEvents).values({ agentId: v.agentId, state: v.state, callId: v.callId, at: v.since }).run();
      if (v.state === 'logged_out') {
        tx.delete(agentSessions).where(eq(agentSessions.agentId, v.agentId)).run();
        return;
      }
      const row = { displayName: v.displayName, state: v.state, since: v.since, pauseReason: v.pauseReason, callId: v.callId, penalty: v.penalty };
      tx.insert(agentSessions)
        .values({ agentId: v.agentId, ...row })
        .onConflictDoUpdate({ target: agentSessions.agentId, set: row })
        .run();
    });
    if (v.state === 'logged_out') this.last.delete(v.agentId);
    else this.last.set(v.agentId, { state: v.state, callId: v.callId });
  }
}
