/** Agents' routing skills (src/http/routes/agent-skills-routes.ts, decision 0015) for the accounts page and the shift-lead page. */
import { useCallback, useEffect, useState } from 'react';
import { call } from './api.js';
import type { AgentSkillsList } from '../contract/http-agents.js';
import type { AgentSkillsView } from '../contract/skills.js';

export type Skill = AgentSkillsView['skills'][number];

/** "hrss:1, dialect-wu:2" ⇄ the API's list; a skill without a level is level 1. The server validates. */
export const formatSkills = (skills: readonly Skill[]): string => skills.map((s) => `${s.skill}:${s.level}`).join(', ');
export function parseSkills(text: string): Skill[] {
  return text
    .split(/[,，\s]+/)
    .filter(Boolean)
    .map((part) => {
      const [skill = '', level] = part.split(/[:：]/);
      return { skill, level: level === undefined ? 1 : Number(level) };
    });
}

export const saveSkills = (agentId: number, text: string) => call<AgentSkillsView>('PUT', `/api/agents/${agentId}/skills`, { skills: parseSkills(text) });

/** Every agent's skills, loaded once per page and after each save; `apply` takes one agent's new set (a save's answer, `agent:skills`). */
export function useAgentSkills(): { of(agentId: number): Skill[]; reload(): Promise<void>; apply(view: AgentSkillsView): void } {
  const [byAgent, setByAgent] = useState<Map<number, Skill[]>>(new Map());
  const reload = useCallback(
    () =>
      call<AgentSkillsList>('GET', '/api/agents/skills').then(
        (r) => setByAgent(new Map(r.agents.map((a) => [a.agentId, a.skills]))),
        () => undefined,
      ),
    [],
  );
  const apply = useCallback((view: AgentSkillsView) => setByAgent((m) => new Map(m).set(view.agentId, view.skills)), []);
  useEffect(() => void reload(), [reload]);
  return { of: (agentId) => byAgent.get(agentId) ?? [], reload, apply };
}
