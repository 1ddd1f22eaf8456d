/**
 * The monthly unit assessment (承办单位考核, GET /api/reports/assessment, docs/kpis.md) on the
 * reports page: each unit's scorecard in rank order — orders received, signed and handled on
 * time, returns, extensions, satisfaction, supervision, co-handling (协办) — its weighted score,
 * and the units flagged for 约谈 highlighted; the table as CSV or XLSX. The server limits the rows
 * to the reader's scope (a county dispatcher: its subtree's units, with their city-wide rank).
 */
import { useEffect, useState } from 'react';
import { HttpError, call } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import type { Assessment } from '../../contract/http-reports.js';

/** The month before today's (Beijing), YYYY-MM: the default of the assessment. */
export function lastMonth(now = Date.now()): string {
  const d = new Date(now + 8 * 3_600_000);
  const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return prev.toISOString().slice(0, 7);
}

const assessment = (month: string, unit?: string) =>
  call<Assessment>('GET', `/api/reports/assessment?month=${encodeURIComponent(month)}${unit ? `&unit=${encodeURIComponent(unit)}` : ''}`);

/** `unit`: that unit's scorecard only (a unit handler's page: the server refuses any other unit); no export links then. */
export function AssessmentPanel({ unit }: { unit?: string } = {}) {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(lastMonth());
  const [data, setData] = useState<Assessment | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    assessment(month, unit).then(
      (r) => live && setData(r),
      (err: unknown) => live && setError(err instanceof HttpError ? failureLine(t, 'reports', t('reports.failed'), err) : t('reports.failed')),
    );
    return () => {
      live = false;
    };
  }, [month, unit, t]);
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const exportLang = lang === 'en' ? 'en' : 'zh';
  return (
    <section className="reports-assessment" data-testid="reports-assessment">
      <h2>{t('reports.assess.title')}</h2>
      <label>
        {t('reports.assess.month')}{' '}
        <input data-testid="reports-assess-month" type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
      </label>{' '}
      {unit === undefined && (
        <span className="reports-export">
          {t('reports.export')}: <a href={`/api/reports/assessment.csv?month=${month}&lang=${exportLang}`}>CSV</a>{' '}
          <a href={`/api/reports/assessment.xlsx?month=${month}&lang=${exportLang}`}>XLSX</a>
        </span>
      )}
      {error && <p className="reports-error">{error}</p>}
      {data && (
        <table className="reports-table" data-testid="reports-assess-table">
          <thead>
            <tr>
              <th>{t('reports.assess.unit')}</th>
              <th>{t('reports.assess.rank')}</th>
              <th>{t('reports.assess.score')}</th>
              <th>{t('reports.assess.received')}</th>
              <th>{t('reports.k.signOnTimeRate')}</th>
              <th>{t('reports.k.handleOnTimeRate')}</th>
              <th>{t('reports.k.satisfaction')}</th>
              <th>{t('reports.assess.returned')}</th>
              <th>{t('reports.assess.extended')}</th>
              <th>{t('reports.assess.supervised')}</th>
              <th>{t('reports.assess.co')}</th>
              <th>{t('reports.assess.interview')}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.length === 0 && (
              <tr>
                <td colSpan={12}>{t('reports.empty')}</td>
              </tr>
            )}
            {data.rows.map((r) => (
              <tr key={r.unitId} data-testid={`assess-${r.unitId}`} className={r.interview ? 'reports-interview' : undefined}>
                <td>{r.label ? (lang === 'en' ? r.label.en : r.label.zh) : r.unitId}</td>
                <td>{r.rank ?? '—'}</td>
                <td>{r.score ?? '—'}</td>
                <td>{r.received}</td>
                <td>{pct(r.figures.signOnTime)}</td>
                <td>{pct(r.figures.handleOnTime)}</td>
                <td>{pct(r.figures.satisfaction)}</td>
                <td>{r.returned}</td>
                <td>{r.extended}</td>
                <td>{r.supervised}</td>
                <td>
                  {r.coHandling.received}/{r.coHandling.replied}/{r.coHandling.missed}
                </td>
                <td>{r.interview ? t('reports.assess.interviewYes') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (
        <p className="reports-range">
          {t('reports.assess.ranked')} {data.ranked} · {t('reports.assess.coHint')}
        </p>
      )}
    </section>
  );
}
