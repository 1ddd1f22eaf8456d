/**
 * The agents' routing skills repository as a port (issue 16, decision 0017): the statements
 * AgentSkillsService (skills.ts) needs, asynchronous, in one of two dialects (skills-store-sqlite.ts,
 * skills-store-pg.ts), each checked by the same contract suite (test/agents/skills-store.test.ts)
 * against a real database. The rules (who carries skills, what the audit row says) stay in
 * AgentSkillsService, written once: the store asks it (`decide`) between its reads and its writes.
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

/** What a change of one agent's skills finds: the account's role (undefined: no such account) and its skills, best level first. */
export interface SkillsNow {
  readonly role: UserRole | undefined;
  readonly skills: readonly AgentSkill[];
}

/** What it writes: the new set and the admin audit row (admin_audit; the users store writes the same shape). */
export interface SkillsChange {
  readonly skills: readonly AgentSkill[];
  readonly audit: NewAuditRow;
}

/** The statements, on one connection or inside one transaction. */
export interface SkillsQueries {
  /** The skills of these agents, best level first (then by skill). */
  skillsOf(agentIds: readonly number[]): Promise<AgentSkillRow[]>;
  /**
   * One change of an agent's skills, inside a transaction only: reads the account's role and
   * skills, asks `decide` (which throws to refuse: nothing is written), replaces the skills,
   * writes the audit row; resolves to the skills as stored. The account's row is locked until
   * the transaction ends, so that two changes of one agent run one after the other: on
   * PostgreSQL `SELECT … FOR UPDATE` (under READ COMMITTED the second change's delete would
   * otherwise miss the first's new rows, and the agent would keep both sets); on SQLite the
   * writer lock runs every transaction alone, and all the statements run in one `run()` — no
   * await between them, so no synchronous writer of the call path lands inside the change
   * (decision 0017, "The transition").
   */
  replaceSkills(agentId: number, decide: (now: SkillsNow) => SkillsChange): Promise<AgentSkillRow[]>;
}

export interface SkillsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: SkillsQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: SkillsQueries) => Promise<T>): Promise<T>;
}

/** The rows' skills, without the agent id. */
export const skillsOfRows = (rows: readonly AgentSkillRow[]): AgentSkill[] => rows.map((r) => ({ skill: r.skill, level: r.level }));
