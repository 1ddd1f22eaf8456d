/**
 * One figure per breakdown row, this period beside the previous one, as an Apache ECharts bar
 * chart (only the parts used are bundled: bars, grid, tooltip, legend, canvas renderer).
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface Props {
  names: string[];
  current: Array<number | null>;
  previous: Array<number | null>;
  labels: { current: string; previous: string };
  percent: boolean;
}

export function KpiChart({ names, current, previous, labels, percent }: Props) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current);
    const fmt = (v: number) => (percent ? `${(v * 100).toFixed(1)}%` : String(Math.round(v * 10) / 10));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? fmt(v) : '-') },
      legend: { data: [labels.current, labels.previous] },
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: fmt } },
      series: [
        { name: labels.current, type: 'bar', data: current },
        { name: labels.previous, type: 'bar', data: previous },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [names, current, previous, labels, percent]);
  return <div ref={el} className="reports-chart" data-testid="reports-chart" />;
}
