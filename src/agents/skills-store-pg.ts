/** The agents' skills repository on PostgreSQL (skills-store.ts; the async port: db/postgres-async.ts). */
import { eq, inArray } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { adminAudit, agentSkills, users } from '../db/schema-pg.js';
import { skillsOfRows, type AgentSkillRow, type SkillsChange, type SkillsNow, type SkillsQueries, type SkillsStore } from './skills-store.js';

class PgSkillsQueries implements SkillsQueries {
  constructor(private readonly db: PgConn) {}

  skillsOf(agentIds: readonly number[]): Promise<AgentSkillRow[]> {
    return this.db
      .select()
      .from(agentSkills)
      .where(inArray(agentSkills.agentId, [...agentIds]))
      .orderBy(agentSkills.level, agentSkills.skill);
  }

  async replaceSkills(agentId: number, decide: (now: SkillsNow) => SkillsChange): Promise<AgentSkillRow[]> {
    // The account's row locked until the transaction ends: a concurrent change of the same agent waits here.
    const [account] = await this.db.select({ role: users.role }).from(users).where(eq(users.id, agentId)).for('update');
    const change = decide({ role: account?.role, skills: skillsOfRows(await this.skillsOf([agentId])) });
    await this.db.delete(agentSkills).where(eq(agentSkills.agentId, agentId));
    if (change.skills.length > 0) await this.db.insert(agentSkills).values(change.skills.map((s) => ({ agentId, skill: s.skill, level: s.level })));
    await this.db.insert(adminAudit).values(change.audit);
    return this.skillsOf([agentId]);
  }
}

export function pgSkillsStore(db: PostgresAsyncDb): SkillsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgSkillsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgSkillsQueries(tx))),
  };
}
