/**
 * The QA sample (质检抽检, issue 13 item 4) is a function of the seed, the day and the calls:
 * the same whatever order the calls are read in, at most N per agent, and one agent's draw does
 * not move when another agent takes more calls.
 */
import t from 'tap';
import { drawSample, type SampleCandidate } from '../../src/qa/sampling.js';
import { rng } from '../helpers/db-fixtures.js';

const calls = (agentId: number, n: number): SampleCandidate[] => Array.from({ length: n }, (_, i) => ({ callId: `c-${agentId}-${i}`, agentId }));
const shuffled = <T>(xs: readonly T[], seed: number): T[] => {
  const r = rng(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};
const ids = (xs: SampleCandidate[]) => xs.map((c) => c.callId);

t.test('the same calls are drawn whatever order they come in', async (t) => {
  const day = [...calls(1, 30), ...calls(2, 12), ...calls(3, 1)];
  const first = drawSample(day, '2026-12-01', 'seed', 2);
  t.equal(first.length, 5, 'two per agent, the one call of agent 3');
  t.same(
    first.map((c) => c.agentId),
    [1, 1, 2, 2, 3],
  );
  for (const seed of [1, 2, 3, 4, 5]) t.same(ids(drawSample(shuffled(day, seed), '2026-12-01', 'seed', 2)), ids(first), `shuffle ${seed}`);
});

t.test('another seed or day draws other calls; more calls of one agent leave the others alone', async (t) => {
  const day = [...calls(1, 40), ...calls(2, 40)];
  const base = ids(drawSample(day, '2026-12-01', 'seed', 3));
  t.not(ids(drawSample(day, '2026-12-01', 'other', 3)).join(), base.join());
  t.not(ids(drawSample(day, '2026-12-02', 'seed', 3)).join(), base.join());
  const more = ids(drawSample([...day, ...calls(2, 80).slice(40)], '2026-12-01', 'seed', 3));
  t.same(
    more.filter((id) => id.startsWith('c-1-')),
    base.filter((id) => id.startsWith('c-1-')),
  );
  t.same(drawSample(day, '2026-12-01', 'seed', 0), [], 'a sample size of 0 draws nothing');
});

t.test('the draw is spread: over many days every call of an agent is drawn about as often', async (t) => {
  const day = calls(1, 10);
  const hits = new Map<string, number>();
  for (let d = 0; d < 2000; d++) for (const c of drawSample(day, `day-${d}`, 'seed', 2)) hits.set(c.callId, (hits.get(c.callId) ?? 0) + 1);
  const counts = [...hits.values()];
  t.equal(counts.length, 10);
  // Expected 400 each (2000 days × 2 / 10); a biased draw (e.g. always the first calls) fails.
  t.ok(Math.min(...counts) > 300 && Math.max(...counts) < 500, `counts ${counts.join(',')}`);
});
