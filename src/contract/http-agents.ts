/**
 * The agents' settings API's responses: the pause reasons the consoles offer
 * (src/http/routes/pause-reasons-routes.ts) and agents' skills and queue penalty
 * (agent-skills-routes.ts). The routes reply through these schemas (and OpenAPI describes them);
 * the web app infers its types from them (`import type`). Each schema's type has the schema's name.
 */
import { z } from 'zod';
import { AgentSkillsView } from './skills.js';

/** A pause reason of config/agents.yaml: the code a pause sends (and the server stores) and its label per language. */
export const PauseReason = z.object({ code: z.string(), label: z.object({ zh: z.string(), en: z.string() }) });
export type PauseReason = z.output<typeof PauseReason>;

/** GET /api/agents/pause-reasons. */
export const PauseReasons = z.object({ reasons: z.array(PauseReason) });
export type PauseReasons = z.output<typeof PauseReasons>;

/** GET /api/agents/skills: every agent's and shift lead's skills (PUT /api/agents/:id/skills replies with one AgentSkillsView). */
export const AgentSkillsList = z.object({ agents: z.array(AgentSkillsView) });
export type AgentSkillsList = z.output<typeof AgentSkillsList>;

/** PUT /api/agents/:id/penalty: the logged-in agent's queue penalty now. */
export const AgentPenalty = z.object({ agentId: z.number(), penalty: z.number() });
export type AgentPenalty = z.output<typeof AgentPenalty>;
