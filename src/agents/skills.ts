/**
 * Agents' routing skills (issue 11 item 2, decision 0015): each agent carries skills with a level
 * (hrss:1, dialect-wu:1, enterprise:2; 1 the best), kept in agent_skills. Administrators (the
 * accounts page) and shift leads (live, from the lead view) replace an agent's set; the offer
 * path reads the database at every offer, so a change acts on the next call without a new login
 * — also a change made through another node of the same database (decision 0017: why there is
 * no in-memory copy). Every change is written to the admin audit log in its transaction.
 *
 * The statements are the store's (skills-store.ts: SQLite and PostgreSQL, decision 0017); the
 * rules are here, once.
 */
import { defineErrors } from '../errors/index.js';
import type { AuditNote } from '../users/admin-audit.js';
import type { AgentSkill } from '../contract/index.js';
import { skillsOfRows, type SkillsStore } from './skills-store.js';

export class SkillsError extends defineErrors('SkillsError', {
  /** Skills belong to agents (and shift leads who take calls); not to other roles. */
  SKILLS_NOT_AGENT: [409, 'only agents and shift leads carry skills'],
}) {}

/** What the offer path needs: the skills of the agents logged in now, read when it asks. */
export interface AgentSkillsSource {
  forAgents(agentIds: readonly number[]): Promise<Map<number, AgentSkill[]>>;
}

export class AgentSkillsService implements AgentSkillsSource {
  constructor(
    private readonly store: SkillsStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** One agent's skills, best level first. */
  async of(agentId: number): Promise<AgentSkill[]> {
    return (await this.forAgents([agentId])).get(agentId) ?? [];
  }

  async forAgents(agentIds: readonly number[]): Promise<Map<number, AgentSkill[]>> {
    if (agentIds.length === 0) return new Map();
    return byAgent(await this.store.read((q) => q.skillsOf(agentIds)));
  }

  /**
   * Replaces the agent's skills (validated by contract/skills.ts AgentSkillsSchema), audited as
   * `user.skills` with the set before and after, in one transaction: the change and its audit
   * row commit together or not at all. Resolves to the set as stored, best level first.
   */
  async set(agentId: number, skills: readonly AgentSkill[], note: AuditNote): Promise<AgentSkill[]> {
    const rows = await this.store.transaction((tx) =>
      tx.replaceSkills(agentId, ({ role, skills: before }) => {
        if (role !== 'agent' && role !== 'shift_lead') throw new SkillsError('SKILLS_NOT_AGENT', `user ${agentId} is a ${role ?? 'unknown user'}`);
        return {
          skills,
          audit: {
            at: this.now(),
            actorId: note.actorId,
            action: 'user.skills',
            targetUserId: agentId,
            details: { ...note.details, from: formatSkills(before), to: formatSkills(skills) },
          },
        };
      }),
    );
    return skillsOfRows(rows);
  }
}

function byAgent(rows: readonly { agentId: number; skill: string; level: number }[]): Map<number, AgentSkill[]> {
  const out = new Map<number, AgentSkill[]>();
  for (const r of rows) {
    const list = out.get(r.agentId);
    if (list) list.push({ skill: r.skill, level: r.level });
    else out.set(r.agentId, [{ skill: r.skill, level: r.level }]);
  }
  return out;
}

/** "hrss:1, dialect-wu:1" — how people write them. */
export function formatSkills(skills: readonly AgentSkill[]): string {
  return skills.map((s) => `${s.skill}:${s.level}`).join(', ');
}
