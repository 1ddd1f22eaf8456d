/** The hot topics (hot-topics.ts) as an export table (exports.ts): one line per word, Chinese headers by default. */
import type { ExportLanguage } from './export-columns.js';
import type { ExportTable } from './exports.js';
import type { HotTopic, HotTopics } from './hot-topics.js';
import { CATEGORY_LABELS } from './reports-service.js';

export function hotTopicsTable(h: HotTopics, lang: ExportLanguage): ExportTable<HotTopic> {
  const list = (items: Array<{ name: string | null; orders: number }>) => items.map((i) => `${i.name ?? '-'} ${i.orders}`).join('; ');
  return {
    title: lang === 'zh' ? `热点分析 ${h.period.from}~${h.period.to}` : `Hot topics ${h.period.from}~${h.period.to}`,
    columns: [
      { zh: '热词', en: 'Word', kind: 'text', value: (r) => r.word },
      { zh: '本期工单量', en: 'Orders', kind: 'count', value: (r) => r.orders },
      { zh: '上期工单量', en: 'Previous period', kind: 'count', value: (r) => r.previous },
      { zh: '升降', en: 'Change', kind: 'count', value: (r) => r.rise },
      { zh: '升降幅度', en: 'Change rate', kind: 'rate', value: (r) => r.riseRate },
      {
        zh: '主要类别',
        en: 'Main categories',
        kind: 'text',
        value: (r) =>
          list(r.categories.map((c) => ({ name: c.category === null ? null : (CATEGORY_LABELS[c.category]?.[lang] ?? c.category), orders: c.orders }))),
      },
      { zh: '主要地点', en: 'Main places', kind: 'text', value: (r) => list(r.places.map((p) => ({ name: p.place, orders: p.orders }))) },
    ],
    rows: h.topics,
  };
}
