/**
 * bench:hot-topics — the hot topics (热点, src/reports/hot-topics.ts) of a month at a big centre:
 * `--orders` orders in each of two months (default 85,000: about a million a year) with varied
 * subjects, contents and places, then GET /api/reports/hot-topics's computation for the second
 * month beside the first, from the index (src/reports/topic-index.ts): first the catch-up that
 * indexes every order (what a first start on an existing database does in the background), then
 * `--runs` requests (each brings the index up to date first: nothing to do here), the first 3
 * limits and sorts alternating; with `--text` also the on-the-fly computation (the old path) for
 * comparison. Issue 14 item 9's target: p95 ≤ 300 ms.
 *
 *   npx tsx bench/hot-topics.ts [--orders 85000 --runs 20 --text --db FILE]
 * `--db FILE` keeps the database in FILE and reuses it when it exists (no generation; the index caught up).
 * Last line: one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { openDb } from '../src/db/connection.js';
import { OrgSchema } from '../src/config/files/schemas/org.js';
import { HotTopicsService } from '../src/reports/hot-topics.js';
import { TopicIndex } from '../src/reports/topic-index.js';
import { sqliteTopicIndexStoreOn } from '../src/reports/topic-index-store-sqlite.js';
import { dbReportReader } from '../src/reports/report-read.js';
import { periodOf, isPeriod } from '../src/reports/period.js';
import { CATEGORIES, DETAILS, PLACES, SUBJECTS, orderContent } from './lib/order-texts.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '85000' },
    runs: { type: 'string', default: '20' },
    text: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const ORDERS = Number(values.orders);
const RUNS = Number(values.runs);
const LOAD_START = os.loadavg()[0]!;

const dir = values.db ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-topics-'));
const reuse = values.db !== undefined && fs.existsSync(values.db);
const h = openDb({ file: values.db ?? path.join(dir!, 'bench.db'), synchronous: 'normal' });
const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));
const month = periodOf('month', '2026-10-01');
const prevMonth = periodOf('month', '2026-09-01');
if (!isPeriod(month) || !isPeriod(prevMonth)) throw new Error('bad period');

const t0 = performance.now();
const insert = h.sqlite.prepare(
  `insert into work_orders (number, channel, status, lead_unit_id, category, subject, content, location, created_at, updated_at) values (?, '12345', 'closed', ?, ?, ?, ?, ?, ?, ?)`,
);
if (!reuse)
  h.sqlite.transaction(() => {
    let n = 0;
    for (const p of [prevMonth, month]) {
      for (let i = 0; i < ORDERS; i++, n++) {
        const at = p.start + Math.floor(((p.end - p.start) * i) / ORDERS);
        const subject = SUBJECTS[(i * 7 + (p === month ? i % 3 : 0)) % SUBJECTS.length]!;
        const content = orderContent(PLACES[i % PLACES.length]!, subject, DETAILS[i % DETAILS.length]!, i);
        insert.run(
          `HT-${n}`,
          org.units[(i * 11) % org.units.length]!.id,
          CATEGORIES[i % CATEGORIES.length],
          subject,
          content,
          PLACES[(i * 3) % PLACES.length],
          at,
          at,
        );
      }
    }
  })();
const generateMs = performance.now() - t0;

const svc = new HotTopicsService({ reads: dbReportReader(h.db), index: sqliteTopicIndexStoreOn(h.db), org: () => org });
const lead = { role: 'shift_lead', unitId: null };
const c0 = performance.now();
await new TopicIndex(sqliteTopicIndexStoreOn(h.db)).catchUp();
const indexMs = performance.now() - c0;
const first = await svc.topics(lead, month, {});
const p95 = (xs: number[]) => xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const timed = async (run: (i: number) => Promise<unknown>): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await run(i);
    out.push(performance.now() - s);
  }
  return out.sort((a, b) => a - b);
};
const warm = await timed((i) => svc.topics(lead, month, { sort: i % 2 ? 'rise' : 'orders' }));
// A county dispatcher's subtree, and the drill-down behind the top word.
const county = { role: 'dispatcher', unitId: 'dq-12345' };
const scoped = await timed(() => svc.topics(county, month, {}));
const drill = await timed(() => svc.orders(lead, month, first.topics[0]!.word));
const text = values.text ? await timed((i) => svc.textTopics(undefined, month, { sort: i % 2 ? 'rise' : 'orders' })) : [];
h.close();
if (dir) fs.rmSync(dir, { recursive: true, force: true });

const result = {
  bench: 'hot-topics',
  orders_per_month: ORDERS,
  generate_ms: Math.round(generateMs),
  index_ms: Math.round(indexMs),
  warm_p50_ms: Math.round(warm[Math.floor(warm.length / 2)]!),
  warm_p95_ms: Math.round(p95(warm)),
  county_p95_ms: Math.round(p95(scoped)),
  drill_p95_ms: Math.round(p95(drill)),
  ...(text.length ? { text_p50_ms: Math.round(text[Math.floor(text.length / 2)]!), text_p95_ms: Math.round(p95(text)) } : {}),
  top: first.topics.slice(0, 3).map((x) => `${x.word}:${x.orders}`),
  rss_mb: Math.round(process.memoryUsage().rss / 1e6),
  load_start: LOAD_START,
  load_end: os.loadavg()[0],
};
console.log(JSON.stringify(result));
