/**
 * The agents' routing skills repository as a port (issue 16, decision 0017): the statements
 * AgentSkillsService (skills.ts) needs, asynchronous, in one of two dialects (skills-store-sqlite.ts,
 * skills-store-pg.ts), each checked by the same contract suite (test/agents/skills-store.test.ts)
 * against a real database. The rules (who carries skills, what the audit row says) stay in
 * AgentSkillsService, written once.
 */
import type { Dialect } from '../db/async-db.js';
import type { UserRole } from '../db/schema.js';
import type { NewAuditRow } from '../users/users-store.js';
import type { AgentSkill } from '../contract/index.js';

/** One agent's skill as stored (agent_skills; the same columns in both schema files). */
export interface AgentSkillRow {
  readonly agentId: number;
  readonly skill: string;
  readonly level: number;
}

/** The statements, on one connection or inside one transaction. */
export interface SkillsQueries {
  /**
   * The account's role (undefined: no such account), its row locked until the transaction ends,
   * so that two changes of one agent's skills run one after the other: on PostgreSQL
   * `SELECT … FOR UPDATE` (under READ COMMITTED the second change's delete would otherwise miss
   * the first's new rows, and the agent would keep both sets); on SQLite the writer lock already
   * runs every transaction alone.
   */
  roleForUpdate(userId: number): Promise<UserRole | undefined>;
  /** The skills of these agents, best level first (then by skill). */
  skillsOf(agentIds: readonly number[]): Promise<AgentSkillRow[]>;
  deleteSkillsOf(agentId: number): Promise<void>;
  insertSkills(agentId: number, skills: readonly AgentSkill[]): Promise<void>;
  /** The admin audit row (admin_audit; the users store writes the same shape). */
  insertAudit(row: NewAuditRow): Promise<void>;
}

export interface SkillsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: SkillsQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: SkillsQueries) => Promise<T>): Promise<T>;
}
