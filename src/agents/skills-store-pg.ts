/** The agents' skills repository on PostgreSQL (skills-store.ts; the async port: db/postgres-async.ts). */
import { eq, inArray } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { adminAudit, agentSkills, users } from '../db/schema-pg.js';
import type { UserRole } from '../db/schema.js';
import type { NewAuditRow } from '../users/users-store.js';
import type { AgentSkill } from '../contract/index.js';
import type { AgentSkillRow, SkillsQueries, SkillsStore } from './skills-store.js';

class PgSkillsQueries implements SkillsQueries {
  constructor(private readonly db: PgConn) {}

  async roleForUpdate(userId: number): Promise<UserRole | undefined> {
    const [row] = await this.db.select({ role: users.role }).from(users).where(eq(users.id, userId)).for('update');
    return row?.role;
  }

  skillsOf(agentIds: readonly number[]): Promise<AgentSkillRow[]> {
    return this.db
      .select()
      .from(agentSkills)
      .where(inArray(agentSkills.agentId, [...agentIds]))
      .orderBy(agentSkills.level, agentSkills.skill);
  }

  async deleteSkillsOf(agentId: number): Promise<void> {
    await this.db.delete(agentSkills).where(eq(agentSkills.agentId, agentId));
  }

  async insertSkills(agentId: number, skills: readonly AgentSkill[]): Promise<void> {
    await this.db.insert(agentSkills).values(skills.map((s) => ({ agentId, skill: s.skill, level: s.level })));
  }

  async insertAudit(row: NewAuditRow): Promise<void> {
    await this.db.insert(adminAudit).values(row);
  }
}

export function pgSkillsStore(db: PostgresAsyncDb): SkillsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgSkillsQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgSkillsQueries(tx))),
  };
}
