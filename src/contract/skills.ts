/**
 * Agents' routing skills (issue 11 item 2, decision 0015): the HTTP bodies of /api/agents/…/skills
 * and the socket event that tells shift leads of a change.
 */
import { z } from 'zod';

/** One skill of an agent: a numbers.yaml skill tag and a level, 1 the best. */
export const AgentSkillSchema = z
  .object({
    skill: z
      .string()
      .max(32)
      .regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, "-" or "_", starting with a letter, e.g. "hrss"'),
    level: z.int().min(1).max(9),
  })
  .strict();

export type AgentSkill = z.infer<typeof AgentSkillSchema>;

/** An agent's whole set (it replaces the previous one): at most 20, each skill once. */
export const AgentSkillsSchema = z
  .array(AgentSkillSchema)
  .max(20)
  .refine((s) => new Set(s.map((x) => x.skill)).size === s.length, { message: 'a skill appears twice' });

export const AgentSkillsView = z.object({ agentId: z.number(), skills: z.array(AgentSkillSchema) });
export type AgentSkillsView = z.infer<typeof AgentSkillsView>;

export interface SkillsServerEvents {
  /** Shift leads: an agent's skills were changed (by an administrator or a lead); the next offer uses them. */
  'agent:skills': (s: AgentSkillsView) => void;
}
