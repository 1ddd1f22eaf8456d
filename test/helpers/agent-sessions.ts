/** Agents' sessions on an open SQLite database, built as src/calls/index.ts builds them (the asynchronous port, decision 0017). */
import pino, { type Logger } from 'pino';
import type { DbHandle } from '../../src/db/connection.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { AgentSessions } from '../../src/agents/agent-sessions.js';
import { sqliteAgentSessionsStore } from '../../src/agents/agent-sessions-store-sqlite.js';

/** Its read-only connection closes with `t`'s teardown. */
export function agentSessionsOn(t: { teardown(fn: () => unknown): void }, handle: DbHandle, log: Logger = pino({ level: 'silent' })): AgentSessions {
  const db = sqliteAsync(handle);
  t.teardown(() => db.close());
  return new AgentSessions(sqliteAgentSessionsStore(db), { log });
}
