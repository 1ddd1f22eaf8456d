/**
 * The weekly QA figures panel's data (GET /api/reports/qa, docs/kpis.md "Quality inspection"),
 * pure: one row per agent of the week, worst average first (agents without a score last, then by
 * name), each figure as shown — "—" where the figure has no data, the red-line rate in percent.
 */
import type { QaWeekFiguresDto } from '../../contract/qa.js';

export interface QaWeekRow {
  readonly agentId: number;
  readonly agent: string;
  readonly sampled: string;
  readonly scored: string;
  readonly average: string;
  readonly lowest: string;
  readonly fatal: string;
  /** A red line this week: the row is highlighted. */
  readonly alert: boolean;
}

const NONE = '—';

export function weekPanelRows(rows: readonly QaWeekFiguresDto[]): QaWeekRow[] {
  return [...rows]
    .sort((a, b) => {
      if (a.averageScore === null || b.averageScore === null) return a.averageScore === b.averageScore ? byName(a, b) : a.averageScore === null ? 1 : -1;
      return a.averageScore - b.averageScore || byName(a, b);
    })
    .map((r) => ({
      agentId: r.agentId,
      agent: r.agentName ?? `#${r.agentId}`,
      sampled: String(r.sampled),
      scored: String(r.scored),
      average: r.averageScore === null ? NONE : r.averageScore.toFixed(1),
      lowest: r.lowestScore === null ? NONE : String(r.lowestScore),
      fatal: r.fatalRate === null ? NONE : `${r.fatalCount} (${(r.fatalRate * 100).toFixed(1)}%)`,
      alert: r.fatalCount > 0,
    }));
}

const byName = (a: QaWeekFiguresDto, b: QaWeekFiguresDto) => (a.agentName ?? '').localeCompare(b.agentName ?? '', 'zh-CN') || a.agentId - b.agentId;
