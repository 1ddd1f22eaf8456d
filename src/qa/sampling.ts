/**
 * The random part of the QA worklist (质检抽检), pure: each agent's answered calls of one Beijing
 * day are ranked by sha256(seed | day | call id) and the first `perAgent` are drawn. The draw
 * depends only on the seed, the day and the calls, never on the order they are read in or the
 * time of the request: reading the worklist twice draws the same calls. A day is drawn once it
 * is over (src/qa/qa-service.ts), and what was drawn is stored, so a later change of the seed or
 * sample size only affects days not drawn yet.
 */
import { createHash } from 'node:crypto';

export interface SampleCandidate {
  readonly callId: string;
  readonly agentId: number;
}

const rank = (seed: string, day: string, callId: string) => createHash('sha256').update(`${seed}|${day}|${callId}`).digest('hex');

/** The calls drawn from `calls` (one Beijing `day`), at most `perAgent` per agent, in agent then rank order. */
export function drawSample(calls: readonly SampleCandidate[], day: string, seed: string, perAgent: number): SampleCandidate[] {
  const byAgent = new Map<number, Array<{ c: SampleCandidate; r: string }>>();
  for (const c of calls) {
    const list = byAgent.get(c.agentId) ?? [];
    list.push({ c, r: rank(seed, day, c.callId) });
    byAgent.set(c.agentId, list);
  }
  const out: SampleCandidate[] = [];
  for (const agentId of [...byAgent.keys()].sort((a, b) => a - b)) {
    const ranked = byAgent.get(agentId)!.sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
    out.push(...ranked.slice(0, perAgent).map((x) => x.c));
  }
  return out;
}
