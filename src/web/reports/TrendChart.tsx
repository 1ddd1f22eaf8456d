/**
 * The per-day trend of the reports page's period (GET /api/reports/daily, docs/kpis.md "Trend"):
 * calls in and answered, orders accepted (受理) and closed (办结), missed calls (漏接) and those
 * called back (回拨), one line each, as an Apache ECharts line chart. A period longer than the
 * trend's 92 days shows the server's refusal instead.
 */
import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { HttpError } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import { dailyTrend, type DailyTrend, type ReportQuery } from './api.js';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The lines, each a figure of a day: [message key suffix, value]. */
const LINES: Array<[string, (d: DailyTrend['days'][number]) => number | null]> = [
  ['callsIn', (d) => d.calls?.callsIn ?? null],
  ['answered', (d) => d.calls?.answered ?? null],
  ['accepted', (d) => d.orders.accepted],
  ['closed', (d) => d.orders.closed],
  ['missed', (d) => d.orders.missed],
  ['calledBack', (d) => d.orders.calledBack],
];

export function TrendChart({ query }: { query: ReportQuery }) {
  const { t } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const [trend, setTrend] = useState<DailyTrend | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    dailyTrend(query).then(
      (r) => live && setTrend(r),
      (err: unknown) => {
        if (!live) return;
        setTrend(null);
        setError(err instanceof HttpError ? failureLine(t, 'reports', t('reports.failed'), err) : t('reports.failed'));
      },
    );
    return () => {
      live = false;
    };
  }, [query, t]);
  useEffect(() => {
    if (!el.current || !trend) return;
    const chart = echarts.init(el.current);
    // A county dispatcher has no call figures: those lines are left out.
    const lines = LINES.filter(([, v]) => trend.days.some((d) => v(d) !== null));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: lines.map(([k]) => t(`reports.trend.${k}` as MessageKey)) },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: trend.days.map((d) => d.date.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: lines.map(([k, v]) => ({ name: t(`reports.trend.${k}` as MessageKey), type: 'line', data: trend.days.map(v) })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [trend, t]);
  return (
    <section className="reports-trend" data-testid="reports-trend" data-days={trend?.days.length ?? 0}>
      <h2>{t('reports.trend.title')}</h2>
      {error && <p className="reports-error">{error}</p>}
      {!error && <div ref={el} className="reports-chart" data-testid="reports-trend-chart" />}
    </section>
  );
}
