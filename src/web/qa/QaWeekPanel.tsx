/**
 * This week's quality inspection figures per agent (本周质检统计) on the /qa page: sampled, scored,
 * average and lowest score, red lines (GET /api/reports/qa; mapping in ./qa-week.ts). Reloaded
 * when `version` changes (after a score is saved).
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { qaWeekly } from './qa-api.js';
import { weekPanelRows, type QaWeekRow } from './qa-week.js';

export function QaWeekPanel({ version }: { version: number }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<QaWeekRow[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    qaWeekly().then(
      (r) => {
        setRows(weekPanelRows(r.rows));
        setFailed(false);
      },
      () => setFailed(true),
    );
  }, [version]);

  return (
    <section className="card qa-week" data-testid="qa-week">
      <h2>{t('qa.week.title')}</h2>
      {failed && <p className="muted">{t('qa.failed')}</p>}
      {rows && rows.length === 0 && <p className="muted">{t('qa.week.empty')}</p>}
      {rows && rows.length > 0 && (
        <table className="qa-table">
          <thead>
            <tr>
              <th>{t('qa.col.agent')}</th>
              <th>{t('qa.week.sampled')}</th>
              <th>{t('qa.week.scored')}</th>
              <th>{t('qa.week.average')}</th>
              <th>{t('qa.week.lowest')}</th>
              <th>{t('qa.week.fatal')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.agentId} data-testid="qa-week-row" data-agent={r.agentId} className={r.alert ? 'qa-week-alert' : ''}>
                <td>{r.agent}</td>
                <td>{r.sampled}</td>
                <td>{r.scored}</td>
                <td>{r.average}</td>
                <td>{r.lowest}</td>
                <td>{r.fatal}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
