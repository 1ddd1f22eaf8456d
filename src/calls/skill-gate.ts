/**
 * The offer path's side of skill routing (decision 0015): when app_queue rings an agent for a
 * call, whether that agent takes it now or the leg is declined so that app_queue rings the next
 * member at once (skill-routing.ts decides; this reads the call, the agents and their skills).
 * A failure to read the skills offers the call: skills may order offers, never lose one.
 */
import type { AgentSkillsSource } from '../agents/skills.js';
import { overflowSecondsOf } from '../config/files/index.js';
import type { CallContext } from './call-context.js';
import type { LiveCall } from './live-calls.js';
import { offerVerdict, type OfferVerdict } from './skill-routing.js';

export function skillVerdict(
  o: Pick<CallContext, 'config' | 'agents' | 'log' | 'now'>,
  skills: AgentSkillsSource,
  call: Pick<LiveCall, 'callId' | 'hotline' | 'queuedAt'>,
  agentId: number,
): OfferVerdict {
  const overflowMs = overflowSecondsOf(o.config.current().numbers, call.hotline) * 1000;
  // Not yet recorded as joined: app_queue rang before AMI's join arrived, i.e. it joined just now.
  const waitedMs = call.queuedAt === null ? 0 : o.now() - call.queuedAt;
  if (waitedMs >= overflowMs) return { offer: true, why: 'overflow' };
  try {
    const views = o.agents.loggedIn();
    const byAgent = skills.forAgents([...new Set([agentId, ...views.map((v) => v.agentId)])]);
    const agents = views.map((v) => ({ agentId: v.agentId, state: v.state, skills: byAgent.get(v.agentId) ?? [] }));
    const agent = { agentId, state: o.agents.view(agentId).state, skills: byAgent.get(agentId) ?? [] };
    return offerVerdict({ skill: call.hotline.skill, waitedMs, overflowMs, agent, agents });
  } catch (err) {
    o.log.warn({ err, callId: call.callId, agentId }, 'skills not read; offering');
    return { offer: true, why: 'overflow' };
  }
}
