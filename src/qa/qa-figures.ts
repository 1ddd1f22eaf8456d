/**
 * The QA figures per agent per week (docs/kpis.md "Quality inspection"), pure: a score counts in
 * the Beijing week (Monday to Sunday) its call entered, like every call figure.
 */
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../lib/shanghai-time.js';
import { dateOf } from '../reports/period.js';

export interface AgentWeekFigures {
  readonly agentId: number;
  readonly agentName: string | null;
  /** Monday of the week, YYYY-MM-DD. */
  readonly week: string;
  /** Calls of the week on the worklist (drawn or unsatisfied). */
  readonly sampled: number;
  /** Calls of the week with a score (the current revision each). */
  readonly scored: number;
  /** Mean total of the scored calls, one decimal; null without scores. */
  readonly averageScore: number | null;
  readonly lowestScore: number | null;
  /** Scores with a red line committed (total 0). */
  readonly fatalCount: number;
  /** fatalCount ÷ scored, 4 decimals; null without scores. */
  readonly fatalRate: number | null;
}

/** Monday (YYYY-MM-DD) of the Beijing week containing `ms`. */
export function weekOf(ms: number): string {
  const dayStart = Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
  return dateOf(dayStart - SHANGHAI_OFFSET_MS - weekday * DAY_MS);
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function weeklyFigures(
  samples: ReadonlyArray<{ agentId: number; agentName: string | null; enteredAt: number }>,
  scores: ReadonlyArray<{ agentId: number; agentName: string | null; enteredAt: number; total: number; fatal: boolean }>,
): AgentWeekFigures[] {
  const rows = new Map<string, { agentId: number; agentName: string | null; week: string; sampled: number; totals: number[]; fatal: number }>();
  const row = (agentId: number, agentName: string | null, at: number) => {
    const week = weekOf(at);
    const key = `${week}|${agentId}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { agentId, agentName, week, sampled: 0, totals: [], fatal: 0 }));
    return r;
  };
  for (const s of samples) row(s.agentId, s.agentName, s.enteredAt).sampled++;
  for (const s of scores) {
    const r = row(s.agentId, s.agentName, s.enteredAt);
    r.totals.push(s.total);
    if (s.fatal) r.fatal++;
  }
  return [...rows.values()]
    .sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.agentId - b.agentId))
    .map((r) => {
      const n = r.totals.length;
      return {
        agentId: r.agentId,
        agentName: r.agentName,
        week: r.week,
        sampled: r.sampled,
        scored: n,
        averageScore: n === 0 ? null : round(r.totals.reduce((a, b) => a + b, 0) / n, 1),
        lowestScore: n === 0 ? null : Math.min(...r.totals),
        fatalCount: r.fatal,
        fatalRate: n === 0 ? null : round(r.fatal / n, 4),
      };
    });
}
