/**
 * The /qa page's weekly panel (issue 13 item 4): GET /api/reports/qa's rows mapped to what the
 * panel shows — worst average first, agents without scores last, "—" without data, the red-line
 * rate in percent and such rows highlighted — and its messages in both languages.
 */
import t from 'tap';
import type { QaWeekFiguresDto } from '../../src/contract/qa.js';
import { en, zh } from '../../src/web/messages/qa.js';
import { weekPanelRows } from '../../src/web/qa/qa-week.js';

const row = (agentId: number, agentName: string | null, f: Partial<QaWeekFiguresDto> = {}): QaWeekFiguresDto => ({
  agentId,
  agentName,
  week: '2026-11-30',
  sampled: 2,
  scored: 0,
  averageScore: null,
  lowestScore: null,
  fatalCount: 0,
  fatalRate: null,
  ...f,
});

t.test('rows: worst average first, no scores last, figures as shown', async (t) => {
  const rows = weekPanelRows([
    row(1, '赵坐席', { scored: 2, averageScore: 91.5, lowestScore: 88, fatalRate: 0 }),
    row(2, null, { sampled: 3 }),
    row(3, '钱坐席', { scored: 4, averageScore: 60, lowestScore: 0, fatalCount: 1, fatalRate: 0.25 }),
    row(4, '孙坐席', { sampled: 0, scored: 1, averageScore: 95, lowestScore: 95, fatalRate: 0 }),
  ]);
  t.same(
    rows.map((r) => r.agentId),
    [3, 1, 4, 2],
  );
  t.same(rows[0], { agentId: 3, agent: '钱坐席', sampled: '2', scored: '4', average: '60.0', lowest: '0', fatal: '1 (25.0%)', alert: true });
  t.same(rows[1], { agentId: 1, agent: '赵坐席', sampled: '2', scored: '2', average: '91.5', lowest: '88', fatal: '0 (0.0%)', alert: false });
  t.same(rows[3], { agentId: 2, agent: '#2', sampled: '3', scored: '0', average: '—', lowest: '—', fatal: '—', alert: false }, 'no scores: no figures');
  t.same(weekPanelRows([]), []);
});

t.test('the panel’s messages exist in both languages', async (t) => {
  for (const k of [
    'qa.kb',
    'qa.week.title',
    'qa.week.empty',
    'qa.week.sampled',
    'qa.week.scored',
    'qa.week.average',
    'qa.week.lowest',
    'qa.week.fatal',
  ] as const) {
    t.ok(zh[k] && en[k] && zh[k] !== en[k], k);
  }
});
