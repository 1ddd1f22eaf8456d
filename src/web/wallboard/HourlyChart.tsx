/**
 * Today's calls per hour on the wallboard: calls in as bars, answered and abandoned as lines
 * (Apache ECharts; only the parts used are bundled). Updated in place: the chart is created once
 * and given new data with each summary, without animation, so a wall screen does not flicker.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { WallboardHour } from '../../contract/index.js';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface Props {
  hours: WallboardHour[];
  labels: { callsIn: string; answered: string; abandoned: string };
}

export function HourlyChart({ hours, labels }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, 'dark', { renderer: 'canvas' });
    chart.current = c;
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { fontSize: 16 },
      tooltip: { trigger: 'axis' },
      legend: { data: [labels.callsIn, labels.answered, labels.abandoned], textStyle: { fontSize: 18 } },
      grid: { left: 50, right: 20, top: 50, bottom: 30 },
      xAxis: { type: 'category', data: hours.map((h) => `${h.hour}`), axisLabel: { fontSize: 16 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 16 } },
      series: [
        { name: labels.callsIn, type: 'bar', data: hours.map((h) => h.callsIn) },
        { name: labels.answered, type: 'line', data: hours.map((h) => h.answered) },
        { name: labels.abandoned, type: 'line', data: hours.map((h) => h.abandoned) },
      ],
    });
  }, [hours, labels]);

  return <div ref={el} className="wallboard-chart" data-testid="wallboard-chart" />;
}
