/**
 * Hot topics (热点分析) of the reports page's period (GET /api/reports/hot-topics, docs/kpis.md):
 * the words most orders mention, this period beside the previous one as an Apache ECharts bar
 * chart, and a table with the rise, the main categories and places; a word opens its orders.
 */
import { useEffect, useMemo, useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import { categoryLabel } from '../desk/desk-format.js';
import { KpiChart } from './KpiChart.js';
import type { ReportQuery } from './api.js';
import { hotTopics, type HotTopics } from './drill.js';

/** The export's query: the page's period, the sort, the reader's language. */
function topicsExport(q: ReportQuery, sort: string, lang: string): string {
  const p = new URLSearchParams({ period: q.period, date: q.date, sort, limit: '100', lang: lang === 'en' ? 'en' : 'zh' });
  if (q.period === 'custom') p.set('to', q.to);
  return p.toString();
}

interface Props {
  query: ReportQuery;
  onOpen: (word: string) => void;
}

export function HotTopicsPanel({ query, onOpen }: Props) {
  const { t, lang } = useI18n();
  const [sort, setSort] = useState<'orders' | 'rise'>('orders');
  const [topics, setTopics] = useState<HotTopics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    hotTopics(query, sort).then(
      (r) => live && setTopics(r),
      (err: unknown) => live && setError(err instanceof HttpError ? failureLine(t, 'reports', t('reports.failed'), err) : t('reports.failed')),
    );
    return () => {
      live = false;
    };
  }, [query, sort, t]);
  const shown = useMemo(() => topics?.topics.slice(0, 15) ?? [], [topics]);
  const chart = useMemo(() => ({ names: shown.map((x) => x.word), current: shown.map((x) => x.orders), previous: shown.map((x) => x.previous) }), [shown]);
  const labels = useMemo(() => ({ current: t('reports.current'), previous: t('reports.previous') }), [t]);
  const rise = (n: number) => (n > 0 ? `+${n}` : String(n));

  return (
    <section className="reports-topics" data-testid="reports-topics">
      <h2>{t('reports.topics.title')}</h2>
      <label>
        {t('reports.topics.sort')}{' '}
        <select data-testid="reports-topics-sort" value={sort} onChange={(e) => setSort(e.target.value as 'orders' | 'rise')}>
          <option value="orders">{t('reports.topics.sort.orders')}</option>
          <option value="rise">{t('reports.topics.sort.rise')}</option>
        </select>
      </label>
      <span className="reports-export">
        {t('reports.export')}: <a href={`/api/reports/hot-topics.csv?${topicsExport(query, sort, lang)}`}>CSV</a>{' '}
        <a href={`/api/reports/hot-topics.xlsx?${topicsExport(query, sort, lang)}`}>XLSX</a>
      </span>
      {error && <p className="reports-error">{error}</p>}
      {topics && topics.topics.length === 0 && <p>{t('reports.topics.empty')}</p>}
      {topics && topics.topics.length > 0 && (
        <>
          <p className="reports-range">
            {t('reports.topics.read')} {topics.orders}
          </p>
          <KpiChart names={chart.names} current={chart.current} previous={chart.previous} labels={labels} percent={false} />
          <table className="reports-table" data-testid="reports-topics-table">
            <thead>
              <tr>
                <th>{t('reports.topics.word')}</th>
                <th>{t('reports.current')}</th>
                <th>{t('reports.previous')}</th>
                <th>{t('reports.topics.rise')}</th>
                <th>{t('reports.topics.categories')}</th>
                <th>{t('reports.topics.places')}</th>
              </tr>
            </thead>
            <tbody>
              {topics.topics.map((x) => (
                <tr key={x.word} data-testid={`topic-${x.word}`}>
                  <td>
                    <button type="button" className="reports-link" onClick={() => onOpen(x.word)}>
                      {x.word}
                    </button>
                  </td>
                  <td>{x.orders}</td>
                  <td>{x.previous}</td>
                  <td>{x.riseRate === null ? rise(x.rise) : `${rise(x.rise)} (${rise(Math.round(x.riseRate * 100))}%)`}</td>
                  <td>{x.categories.map((c) => `${categoryLabel(t, c.category)} ${c.orders}`).join('、')}</td>
                  <td>{x.places.map((p) => `${p.place} ${p.orders}`).join('、')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
