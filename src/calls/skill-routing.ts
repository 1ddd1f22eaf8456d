/**
 * Skill-based routing in the one 12345 queue (issue 11 item 2, decision 0015): which agents may
 * take a call while it is young. Pure — the offer path (offers.ts) asks it when app_queue rings
 * an agent, the route simulator asks it for every logged-in agent.
 *
 * The call carries its hotline's skill (numbers.yaml `skill`); an agent carries skills with a
 * level, 1 the best. Until the call has waited `overflowSeconds` in the queue:
 * - an agent without the skill is declined while some agent who has it is logged in and not
 *   paused (free, ringing, on a call, in wrap-up: expected back soon);
 * - an agent with the skill is declined only while a *free* agent with a better level exists
 *   (app_queue rings that one next, at once);
 * - nobody logged in has the skill (e.g. `general`, which no agent carries): anyone takes it.
 * From `overflowSeconds` on, any free agent takes it: nobody waits because of skills.
 */
import type { AgentSkill, AgentStateName } from '../contract/index.js';

/** A numbers.yaml skill tag (e.g. `hrss`, `dialect-wu`) and a level, 1 (the best) … 9. */
export type { AgentSkill } from '../contract/index.js';

export interface RoutingAgent {
  readonly agentId: number;
  readonly state: AgentStateName;
  readonly skills: readonly AgentSkill[];
}

export type OfferVerdict =
  | { readonly offer: true; readonly why: 'skilled' | 'overflow' | 'no_skilled_agent' }
  | { readonly offer: false; readonly why: 'skilled_agent_free' | 'reserved_for_skill'; readonly overflowInMs: number };

/** The agent's level in `skill`, or null when it lacks it. */
export function skillLevel(skills: readonly AgentSkill[], skill: string): number | null {
  return skills.find((s) => s.skill === skill)?.level ?? null;
}

/** Agents who count as "will take skilled calls soon": logged in and not paused. */
function standing(a: RoutingAgent): boolean {
  return a.state !== 'logged_out' && a.state !== 'paused';
}

/**
 * Whether the agent `agentId`, rung by app_queue for a call of `skill` that has waited `waitedMs`
 * in the queue, takes it now. `agents`: every logged-in agent (the rung one included or not).
 */
export function offerVerdict(q: {
  readonly skill: string;
  readonly waitedMs: number;
  readonly overflowMs: number;
  readonly agent: RoutingAgent;
  readonly agents: readonly RoutingAgent[];
}): OfferVerdict {
  if (q.waitedMs >= q.overflowMs) return { offer: true, why: 'overflow' };
  const overflowInMs = q.overflowMs - q.waitedMs;
  const mine = skillLevel(q.agent.skills, q.skill);
  const others = q.agents.filter((a) => a.agentId !== q.agent.agentId && standing(a));
  if (mine === null) {
    const skilled = others.some((a) => skillLevel(a.skills, q.skill) !== null);
    return skilled ? { offer: false, why: 'reserved_for_skill', overflowInMs } : { offer: true, why: 'no_skilled_agent' };
  }
  const better = others.some((a) => a.state === 'available' && (skillLevel(a.skills, q.skill) ?? Infinity) < mine);
  return better ? { offer: false, why: 'skilled_agent_free', overflowInMs } : { offer: true, why: 'skilled' };
}

/** When an agent would be offered a call of `skill`: at once (`first`, by level) or only after the overflow. */
export function offerTier(skill: string, agent: RoutingAgent, agents: readonly RoutingAgent[]): { tier: 'first' | 'after_overflow'; level: number | null } {
  const level = skillLevel(agent.skills, skill);
  if (level !== null) return { tier: 'first', level };
  const skilled = agents.some((a) => a.agentId !== agent.agentId && standing(a) && skillLevel(a.skills, skill) !== null);
  return { tier: skilled ? 'after_overflow' : 'first', level: null };
}
