/**
 * The offer path's side of skill routing (decision 0015): when app_queue rings an agent for a
 * call, whether that agent takes it now or the leg is declined so that app_queue rings the next
 * member at once (skill-routing.ts decides; this reads the call, the agents and their skills).
 * A failure to read the skills offers the call: skills may order offers, never lose one.
 *
 * The skills are read from the database at each offer, asynchronously (decision 0017): on
 * PostgreSQL that is a round trip, and several nodes share the database, so a copy kept in
 * memory would miss a change made through another node. `offerSkills` reads them (nothing to
 * read once the call has waited its overflow); offers.ts awaits it, checks again that the leg,
 * the call and the agent are still as they were, then asks `skillVerdict` synchronously. A read
 * slower than SKILLS_READ_DEADLINE_MS counts as failed: the call is offered.
 */
import type { AgentSkillsSource } from '../agents/skills.js';
import { overflowSecondsOf } from '../config/files/index.js';
import type { AgentSkill } from '../contract/index.js';
import type { CallContext } from './call-context.js';
import type { LiveCall } from './live-calls.js';
import { offerVerdict, type OfferVerdict } from './skill-routing.js';

/** How long an offer waits for the skills before offering without them. */
export const SKILLS_READ_DEADLINE_MS = 1_000;

type GateContext = Pick<CallContext, 'config' | 'agents' | 'log' | 'now'>;
type GateCall = Pick<LiveCall, 'callId' | 'hotline' | 'queuedAt'>;

/** The skills by agent, or null: past the overflow (not needed), or not read (failed, too slow). */
export type OfferSkills = ReadonlyMap<number, readonly AgentSkill[]> | null;

function waited(o: GateContext, call: GateCall): { waitedMs: number; overflowMs: number } {
  const overflowMs = overflowSecondsOf(o.config.current().numbers, call.hotline) * 1000;
  // Not yet recorded as joined: app_queue rang before AMI's join arrived, i.e. it joined just now.
  const waitedMs = call.queuedAt === null ? 0 : o.now() - call.queuedAt;
  return { waitedMs, overflowMs };
}

/** Reads the skills of the rung agent and of every logged-in agent, for `skillVerdict`. */
export async function offerSkills(
  o: GateContext,
  skills: AgentSkillsSource,
  call: GateCall,
  agentId: number,
  deadlineMs = SKILLS_READ_DEADLINE_MS,
): Promise<OfferSkills> {
  const { waitedMs, overflowMs } = waited(o, call);
  if (waitedMs >= overflowMs) return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ids = [...new Set([agentId, ...o.agents.loggedIn().map((v) => v.agentId)])];
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`skills not read within ${deadlineMs} ms`)), deadlineMs);
    });
    return await Promise.race([skills.forAgents(ids), late]);
  } catch (err) {
    o.log.warn({ err, callId: call.callId, agentId }, 'skills not read; offering');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the agent takes the call now, with the agents' states as they are at this moment and
 * the skills `offerSkills` read (an agent logged in since counts as having none).
 */
export function skillVerdict(o: GateContext, byAgent: OfferSkills, call: GateCall, agentId: number): OfferVerdict {
  const { waitedMs, overflowMs } = waited(o, call);
  if (waitedMs >= overflowMs || byAgent === null) return { offer: true, why: 'overflow' };
  const views = o.agents.loggedIn();
  const agents = views.map((v) => ({ agentId: v.agentId, state: v.state, skills: byAgent.get(v.agentId) ?? [] }));
  const agent = { agentId, state: o.agents.view(agentId).state, skills: byAgent.get(agentId) ?? [] };
  return offerVerdict({ skill: call.hotline.skill, waitedMs, overflowMs, agent, agents });
}
