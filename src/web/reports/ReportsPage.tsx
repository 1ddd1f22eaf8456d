/**
 * The reports page (统计分析, /reports) for shift leads, admins and dispatchers: the KPIs of a
 * day, week, month or custom range beside the previous period (docs/kpis.md), broken down by one
 * dimension, one figure charted with Apache ECharts, the table as CSV or XLSX; an order figure
 * opens the orders behind it (drill.ts), and the period's hot topics (热点) follow. The server
 * limits what each reader sees (a county dispatcher: its subtree's order figures).
 */
import { useEffect, useMemo, useState } from 'react';
import { HttpError, type User } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import { KpiChart } from './KpiChart.js';
import { DrillList } from './DrillList.js';
import { TrendChart } from './TrendChart.js';
import { HotTopicsPanel } from './HotTopicsPanel.js';
import { AssessmentPanel } from './AssessmentPanel.js';
import { ReportsHeader } from './ReportsHeader.js';
import { drillTarget, type DrillTarget } from './drill.js';
import {
  CALL_FIGURES,
  DIMENSIONS,
  ORDER_FIGURES,
  PERIODS,
  figureOf,
  isRate,
  kpiReport,
  queryString,
  type Figure,
  type KpiReport,
  type ReportQuery,
} from './api.js';
import './reports.css';

/** Today's Beijing date, YYYY-MM-DD. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export function ReportsPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState<ReportQuery>({ period: 'day', date: today(), to: today(), by: 'hotline' });
  const [report, setReport] = useState<KpiReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [figure, setFigure] = useState<Figure>('connectionRate');
  const [drill, setDrill] = useState<{ target: DrillTarget; title: string } | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    kpiReport(q).then(
      (r) => live && setReport(r),
      (err: unknown) => live && setError(err instanceof HttpError ? failureLine(t, 'reports', t('reports.failed'), err) : t('reports.failed')),
    );
    return () => {
      live = false;
    };
  }, [q, t]);

  const shown = useMemo(() => {
    if (!report) return [];
    const figs = [...(report.total.current.calls ? CALL_FIGURES : []), ...(report.total.current.orders ? ORDER_FIGURES : [])];
    return figs as Figure[];
  }, [report]);
  const chartFigure = shown.includes(figure) ? figure : shown[0];
  const name = (row: KpiReport['rows'][number]) => (row.label ? (lang === 'en' ? row.label.en : row.label.zh) : (row.key ?? t('reports.none')));
  const fmt = (f: Figure, v: number | null) =>
    v === null ? '—' : isRate(f) ? `${(v * 100).toFixed(1)}%` : f.endsWith('Ms') ? `${(v / 1000).toFixed(1)}${t('reports.seconds')}` : String(v);
  const chart = useMemo(() => {
    if (!report || !chartFigure) return null;
    const rows = report.rows.length ? report.rows : [{ key: '', label: { zh: t('reports.total'), en: t('reports.total') }, ...report.total }];
    const scale = (v: number | null) => (v !== null && chartFigure.endsWith('Ms') ? v / 1000 : v);
    return {
      names: rows.map(name),
      current: rows.map((r) => scale(figureOf(r.current, chartFigure))),
      previous: rows.map((r) => scale(figureOf(r.previous, chartFigure))),
    };
  }, [report, chartFigure, lang, t]);
  const labels = useMemo(() => ({ current: t('reports.current'), previous: t('reports.previous') }), [t]);
  // A drill-down lists the orders of the period it was opened for: closed when the query changes.
  useEffect(() => setDrill(null), [q]);
  /** A figure's value, a link to the orders behind it when it has a drill-down. */
  const cell = (f: Figure, v: number | null, by: string, row: KpiReport['rows'][number] | null) => {
    const target = v === null || v === 0 ? undefined : drillTarget(f, by, row?.key ?? null);
    if (!target) return fmt(f, v);
    const title = `${t(`reports.k.${f}` as MessageKey)} · ${row ? name(row) : t('reports.total')}`;
    return (
      <button type="button" className="reports-link" data-testid={`drill-${f}`} onClick={() => setDrill({ target, title })}>
        {fmt(f, v)}
      </button>
    );
  };

  return (
    <div className="reports-page" data-testid="reports-page">
      <ReportsHeader title="reports.title" user={user} onSignedOut={onSignedOut} />
      <form className="reports-query" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('reports.period')}{' '}
          <select data-testid="reports-period" value={q.period} onChange={(e) => setQ({ ...q, period: e.target.value as ReportQuery['period'] })}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`reports.period.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.date')}{' '}
          <input data-testid="reports-date" type="date" value={q.date} onChange={(e) => e.target.value && setQ({ ...q, date: e.target.value })} />
        </label>
        {q.period === 'custom' && (
          <label>
            {t('reports.to')} <input data-testid="reports-to" type="date" value={q.to} onChange={(e) => e.target.value && setQ({ ...q, to: e.target.value })} />
          </label>
        )}
        <label>
          {t('reports.by')}{' '}
          <select data-testid="reports-by" value={q.by} onChange={(e) => setQ({ ...q, by: e.target.value as ReportQuery['by'] })}>
            {DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {t(`reports.by.${d}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.figure')}{' '}
          <select data-testid="reports-figure" value={chartFigure ?? ''} onChange={(e) => setFigure(e.target.value as Figure)}>
            {shown.map((f) => (
              <option key={f} value={f}>
                {t(`reports.k.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <span className="reports-export">
          {t('reports.export')}: <a href={`/api/reports/kpis.csv?${queryString(q, { lang: lang === 'en' ? 'en' : 'zh' })}`}>CSV</a>{' '}
          <a data-testid="reports-xlsx" href={`/api/reports/kpis.xlsx?${queryString(q, { lang: lang === 'en' ? 'en' : 'zh' })}`}>
            XLSX
          </a>
        </span>
      </form>
      {error && (
        <p className="reports-error" role="alert">
          {error}
        </p>
      )}
      {!report && !error && <p>{t('reports.loading')}</p>}
      {report && (
        <>
          <p className="reports-range" data-testid="reports-range">
            {t('reports.current')} {report.period.from} ~ {report.period.to} · {t('reports.previous')} {report.previous.from} ~ {report.previous.to}
          </p>
          <section className="reports-cards">
            {shown.map((f) => (
              <div key={f} className="reports-card" data-testid={`card-${f}`}>
                <div className="reports-card-name">{t(`reports.k.${f}` as MessageKey)}</div>
                <div className="reports-card-value">{cell(f, figureOf(report.total.current, f), 'none', null)}</div>
                <div className="reports-card-prev">
                  {t('reports.previous')} {fmt(f, figureOf(report.total.previous, f))}
                </div>
              </div>
            ))}
          </section>
          <TrendChart query={q} />
          {chart && <KpiChart names={chart.names} current={chart.current} previous={chart.previous} labels={labels} percent={isRate(chartFigure!)} />}
          {report.dimension !== 'none' && (
            <table className="reports-table" data-testid="reports-table">
              <thead>
                <tr>
                  <th>{t('reports.name')}</th>
                  {shown.map((f) => (
                    <th key={f}>{t(`reports.k.${f}` as MessageKey)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.rows.length === 0 && (
                  <tr>
                    <td colSpan={shown.length + 1}>{t('reports.empty')}</td>
                  </tr>
                )}
                {report.rows.map((r) => (
                  <tr key={r.key ?? ''} data-testid={`row-${r.key ?? 'none'}`}>
                    <td>{name(r)}</td>
                    {shown.map((f) => (
                      <td key={f}>{cell(f, figureOf(r.current, f), report.dimension, r)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {drill && <DrillList query={q} target={drill.target} role={user.role} title={drill.title} onClose={() => setDrill(null)} />}
          <HotTopicsPanel query={q} onOpen={(word) => setDrill({ target: { kind: 'topic', word }, title: `${t('reports.topics.title')} · ${word}` })} />
          <AssessmentPanel />
        </>
      )}
    </div>
  );
}
