/**
 * Agents' routing skills (issue 11 item 2, decision 0015): each agent carries skills with a level
 * (hrss:1, dialect-wu:1, enterprise:2; 1 the best), kept in agent_skills. Administrators (the
 * accounts page) and shift leads (live, from the lead view) replace an agent's set; the offer
 * path reads the database at every offer, so a change acts on the next call without a new login.
 * Every change is written to the admin audit log in its transaction.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { agentSkills, users } from '../db/schema.js';
import { defineErrors } from '../errors/index.js';
import { writeAudit, type AuditNote } from '../users/admin-audit.js';
import type { AgentSkill } from '../contract/index.js';

export class SkillsError extends defineErrors('SkillsError', {
  /** Skills belong to agents (and shift leads who take calls); not to other roles. */
  SKILLS_NOT_AGENT: [409, 'only agents and shift leads carry skills'],
}) {}

/** What the offer path needs: the skills of the agents logged in now. */
export interface AgentSkillsSource {
  forAgents(agentIds: readonly number[]): Map<number, AgentSkill[]>;
}

export class AgentSkillsStore implements AgentSkillsSource {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** One agent's skills, best level first. */
  of(agentId: number): AgentSkill[] {
    return this.forAgents([agentId]).get(agentId) ?? [];
  }

  forAgents(agentIds: readonly number[]): Map<number, AgentSkill[]> {
    const out = new Map<number, AgentSkill[]>();
    if (agentIds.length === 0) return out;
    const rows = this.db
      .select()
      .from(agentSkills)
      .where(inArray(agentSkills.agentId, [...agentIds]))
      .orderBy(agentSkills.level, agentSkills.skill)
      .all();
    for (const r of rows) out.set(r.agentId, [...(out.get(r.agentId) ?? []), { skill: r.skill, level: r.level }]);
    return out;
  }

  /** Replaces the agent's skills (validated by contract/skills.ts AgentSkillsSchema), audited as `user.skills` with the set before and after. */
  set(agentId: number, skills: readonly AgentSkill[], note: AuditNote): AgentSkill[] {
    const role = this.db.select({ role: users.role }).from(users).where(eq(users.id, agentId)).get()?.role;
    if (role !== 'agent' && role !== 'shift_lead') throw new SkillsError('SKILLS_NOT_AGENT', `user ${agentId} is a ${role ?? 'unknown user'}`);
    const before = this.of(agentId);
    this.db.transaction((tx) => {
      tx.delete(agentSkills).where(eq(agentSkills.agentId, agentId)).run();
      if (skills.length > 0)
        tx.insert(agentSkills)
          .values(skills.map((s) => ({ agentId, skill: s.skill, level: s.level })))
          .run();
      writeAudit(tx, this.now(), note, 'user.skills', agentId, { from: formatSkills(before), to: formatSkills(skills) });
    });
    return this.of(agentId);
  }
}

/** "hrss:1, dialect-wu:1" — how people write them. */
export function formatSkills(skills: readonly AgentSkill[]): string {
  return skills.map((s) => `${s.skill}:${s.level}`).join(', ');
}
