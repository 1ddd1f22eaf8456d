/**
 * bench:kb — the knowledge base's two candidate searches on generated Chinese articles
 * (decision 0013): @node-rs/jieba words with BM25 in memory (what src/kb uses) against SQLite
 * FTS5's trigram tokenizer (what work orders use). Prints build time, memory, query p50/p95 and
 * how many of a set of typical agent queries find their article in the top three.
 *
 *   npx tsx bench/kb-search.ts [-- --articles 100000 --queries 300]
 * Also the start and change cost of the index as the server runs it (issue 15 item 1): a build
 * from the stored words (kb_article_versions.search_words) against one that segments, the
 * background build of KbSearchCache over a real SQLite file (time to complete, the longest the
 * event loop waited, searches answered meanwhile), and suggestions right after a change.
 * Last line: one JSON object.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { KbSearchWords } from '../src/db/schema.js';
import { openDb } from '../src/db/connection.js';
import { sqliteAsync } from '../src/db/sqlite-async.js';
import { sqliteKbStore } from '../src/kb/kb-store-sqlite.js';
import { KbSearchCache } from '../src/kb/search-cache.js';
import { MemoryKbSearch, type KbSearchDoc } from '../src/kb/search-index.js';
import { KbTokenizer } from '../src/kb/tokenize.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '10000' }, queries: { type: 'string', default: '300' } } });
const N = Number(values.articles);
const Q = Number(values.queries);

// Topics with how agents ask about them: [title words, body, the agent's query (2-character words included)].
const TOPICS: Array<[string, string, string]> = [
  ['住房公积金提取', '购买自住住房可以提取住房公积金，需身份证和购房合同。', '公积金提取'],
  ['社会保障卡挂失补办', '社会保障卡遗失后先挂失，再到银行网点补办。', '社保卡丢了'],
  ['医保异地就医备案', '异地长期居住可以办理异地就医备案，直接结算。', '医保备案'],
  ['出租车拒载投诉', '出租汽车拒载绕路可以投诉，五个工作日内处理。', '拒载'],
  ['网购七日无理由退货', '网络购买商品七日内可以无理由退货。', '退货'],
  ['新生儿疫苗接种', '新生儿出生后接种乙肝疫苗和卡介苗。', '疫苗'],
  ['人才落户政策', '大专以上学历凭毕业证书办理户口迁入。', '落户'],
  ['基本养老金领取', '达到退休年龄缴费满十五年按月领取养老金。', '养老金'],
  ['夜间施工噪音', '夜间建筑施工噪音扰民由综合执法部门处理。', '噪音'],
  ['商标注册申请', '注册商标通过网上服务系统提交申请。', '商标'],
];
const PLACES = ['吴兴区', '南浔区', '德清县', '长兴县', '安吉县', '爱山街道', '织里镇', '南浔镇'];
const FILLER = '办理时间为工作日上午九点至下午五点，节假日除外，具体以窗口公告为准，可通过浙里办查询进度。';

function article(i: number) {
  const [title, body] = TOPICS[i % TOPICS.length]!;
  const place = PLACES[(i * 7) % PLACES.length]!;
  return { id: i + 1, title: `${place}${title}（第${i}号）`, body: `${place}：${body}${FILLER}` };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const ms = (n: number) => Math.round(n * 100) / 100;
const queries = Array.from({ length: Q }, (_, i) => TOPICS[i % TOPICS.length]!);
const topicOf = (id: number) => (id - 1) % TOPICS.length;

// 1. jieba + BM25 in memory.
const SYNONYMS = [
  ['社保', '社会保障', '社会保险'],
  ['公积金', '住房公积金'],
];
const HOTLINES = ['12345', '12333', '12329'];
const doc = (i: number): KbSearchDoc => {
  const a = article(i);
  return {
    articleId: a.id,
    versionId: a.id,
    unitId: 'u',
    type: 'faq',
    title: a.title,
    body: a.body,
    keywords: [],
    hotlines: [HOTLINES[i % 3]!],
    categories: [],
    areas: [],
    effectiveFrom: null,
    expiresOn: null,
  };
};
const heap0 = process.memoryUsage().heapUsed;
/** CPU milliseconds of this process so far (user + system): on a shared, loaded machine a query's wall time is mostly waiting for a core. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return Math.round((u.user + u.system) / 1000);
};
let t0 = performance.now();
let cpu0 = process.cpuUsage();
const engine = new MemoryKbSearch(new KbTokenizer(SYNONYMS));
/** Each version's words as search_words stores them (JSON). */
const stored: string[] = [];
for (let i = 0; i < N; i++) stored.push(JSON.stringify(engine.put(doc(i))));
const jiebaBuild = performance.now() - t0;
const jiebaBuildCpu = cpuMs(cpu0);
const jiebaHeap = process.memoryUsage().heapUsed - heap0;

// The same index from the stored words (what a start does now): JSON parsed, synonyms scanned, no segmenting.
t0 = performance.now();
cpu0 = process.cpuUsage();
const fromWords = new MemoryKbSearch(new KbTokenizer(SYNONYMS));
for (let i = 0; i < N; i++) fromWords.put(doc(i), JSON.parse(stored[i]!) as KbSearchWords);
const storedBuild = performance.now() - t0;
const storedBuildCpu = cpuMs(cpu0);
const jiebaTimes: number[] = [];
const jiebaCpu: number[] = [];
let jiebaHits = 0;
queries.forEach(([, , q], i) => {
  const s = performance.now();
  const c = cpuNow();
  const r = engine.search({ text: q, today: '2026-12-05', limit: 3 }, () => 0);
  jiebaTimes.push(performance.now() - s);
  jiebaCpu.push(cpuNow() - c);
  if (r.hits.some((h) => topicOf(h.doc.articleId) === i % TOPICS.length)) jiebaHits++;
});

// Screen-pop suggestions: no words, one hotline's articles by use (a third of the articles carry
// the hotline). Uncached: as after an answer on any hotline (usageChanged); cached: the next pop.
// Usage as a busy centre has it: 2,000 articles answered with on each hotline (ids of the hotline).
const usedIds = new Map(HOTLINES.map((h, k) => [h, Array.from({ length: 2000 }, (_, j) => ((j * 3 * 17 + k) % N) + 1).filter((id) => (id - 1) % 3 === k)]));
const uses = (id: number) => (id * 7919) % 23;
const usageOf = (id: number, h: string | undefined) => (h === undefined || HOTLINES[(id - 1) % 3] === h ? uses(id) : 0);
const usedOn = (h: string | undefined) => (h === undefined ? [...usedIds.values()].flat() : (usedIds.get(h) ?? []));
const suggestTimes: number[] = [];
const suggestCachedTimes: number[] = [];
const suggestAfterChange: number[] = [];
const suggestCpu: number[] = [];
const suggestAfterChangeCpu: number[] = [];
for (let i = 0; i < Math.min(Q, 100); i++) {
  engine.usageChanged();
  for (const times of [suggestTimes, suggestCachedTimes]) {
    const s = performance.now();
    const c = cpuNow();
    engine.search({ text: '', today: '2026-12-05', hotline: '12345', limit: 5 }, usageOf, usedOn);
    times.push(performance.now() - s);
    if (times === suggestTimes) suggestCpu.push(cpuNow() - c);
  }
  // An article published: put into the index (its words stored), then the next pop.
  const s = performance.now();
  const c = cpuNow();
  engine.put(doc(i), JSON.parse(stored[i]!) as KbSearchWords);
  engine.search({ text: '', today: '2026-12-05', hotline: HOTLINES[i % 3], limit: 5 }, usageOf, usedOn);
  suggestAfterChange.push(performance.now() - s);
  suggestAfterChangeCpu.push(cpuNow() - c);
}

// The server's start: KbSearchCache's background build over a SQLite file holding the stored words.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-'));
const h = openDb({ file: path.join(dir, 'kb.db'), synchronous: 'normal' });
const insArticle = h.sqlite.prepare(`insert into kb_articles (id, unit_id, published_version_id, created_at, updated_at) values (?, 'u', ?, 0, 0)`);
const insVersion = h.sqlite.prepare(
  `insert into kb_article_versions (id, article_id, version_no, state, title, body, type, hotlines, categories, areas, keywords, created_at, updated_at, published_at, search_words)
   values (?, ?, 1, 'published', ?, ?, 'faq', ?, '[]', '[]', '[]', 0, 0, 0, ?)`,
);
h.sqlite.pragma('foreign_keys = off');
h.sqlite.transaction(() => {
  for (let i = 0; i < N; i++) {
    const d = doc(i);
    insVersion.run(d.versionId, d.articleId, d.title, d.body, JSON.stringify(d.hotlines), stored[i]!);
    insArticle.run(d.articleId, d.versionId);
  }
})();
h.sqlite.pragma('foreign_keys = on');
const asyncDb = sqliteAsync(h);
const cache = new KbSearchCache(sqliteKbStore(asyncDb), () => SYNONYMS);
const loop = monitorEventLoopDelay({ resolution: 1 });
const duringTimes: number[] = [];
loop.enable();
t0 = performance.now();
cpu0 = process.cpuUsage();
cache.start();
// Agents searching while it loads: one search every 50 ms, answered from what is loaded.
const during = setInterval(async () => {
  const s = performance.now();
  const { engine: e } = await cache.current();
  e.search({ text: '社保卡丢了', today: '2026-12-05', limit: 5 }, cache.usageOf, cache.usedOn);
  duringTimes.push(performance.now() - s);
}, 50);
await cache.ready(600_000);
const startMs = performance.now() - t0;
const startCpu = cpuMs(cpu0);
clearInterval(during);
loop.disable();
const startLoopMaxMs = loop.max / 1e6;
const startLoopP99Ms = loop.percentile(99) / 1e6;
const startTimes: number[] = [];
const startCpu95: number[] = [];
for (const [, , q] of queries) {
  const s = performance.now();
  const c = cpuNow();
  (await cache.current()).engine.search({ text: q, today: '2026-12-05', limit: 3 }, cache.usageOf, cache.usedOn);
  startTimes.push(performance.now() - s);
  startCpu95.push(cpuNow() - c);
}
await asyncDb.close();
h.close();
fs.rmSync(dir, { recursive: true, force: true });

// 2. SQLite FTS5 trigram (in memory), ranked by bm25(); terms under 3 characters cannot use the index: LIKE.
const db = new Database(':memory:');
db.exec(
  `create table a (id integer primary key, title text, body text); create virtual table a_fts using fts5(title, body, content='a', content_rowid='id', tokenize='trigram');`,
);
t0 = performance.now();
const ins = db.prepare('insert into a (id, title, body) values (?, ?, ?)');
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const a = article(i);
    ins.run(a.id, a.title, a.body);
  }
})();
db.exec(`insert into a_fts(a_fts) values ('rebuild')`);
const ftsBuild = performance.now() - t0;
const match = db.prepare(`select rowid as id from a_fts where a_fts match ? order by bm25(a_fts, 3.0, 1.0) limit 3`);
const like = db.prepare(`select id from a where title like ? or body like ? limit 3`);
const ftsTimes: number[] = [];
let ftsHits = 0;
queries.forEach(([, , q], i) => {
  const s = performance.now();
  const rows = ([...q].length >= 3 ? match.all(`"${q}"`) : like.all(`%${q}%`, `%${q}%`)) as Array<{ id: number }>;
  ftsTimes.push(performance.now() - s);
  if (rows.some((r) => topicOf(r.id) === i % TOPICS.length)) ftsHits++;
});

const result = {
  articles: N,
  queries: Q,
  jieba_build_ms: Math.round(jiebaBuild),
  jieba_build_cpu_ms: jiebaBuildCpu,
  jieba_build_from_stored_words_ms: Math.round(storedBuild),
  jieba_build_from_stored_words_cpu_ms: storedBuildCpu,
  jieba_heap_mb: Math.round(jiebaHeap / 1e6),
  jieba_p50_ms: ms(pct(jiebaTimes, 50)),
  jieba_p95_ms: ms(pct(jiebaTimes, 95)),
  jieba_cpu_p50_ms: ms(pct(jiebaCpu, 50)),
  jieba_cpu_p95_ms: ms(pct(jiebaCpu, 95)),
  jieba_top3_hit_rate: jiebaHits / Q,
  suggest_p50_ms: ms(pct(suggestTimes, 50)),
  suggest_p95_ms: ms(pct(suggestTimes, 95)),
  suggest_cached_p95_ms: ms(pct(suggestCachedTimes, 95)),
  suggest_after_change_p50_ms: ms(pct(suggestAfterChange, 50)),
  suggest_after_change_p95_ms: ms(pct(suggestAfterChange, 95)),
  suggest_cpu_p95_ms: ms(pct(suggestCpu, 95)),
  suggest_after_change_cpu_p95_ms: ms(pct(suggestAfterChangeCpu, 95)),
  start_background_ms: Math.round(startMs),
  start_background_cpu_ms: startCpu,
  load_average: os.loadavg().map((l) => Math.round(l * 10) / 10),
  start_event_loop_max_ms: ms(startLoopMaxMs),
  start_event_loop_p99_ms: ms(startLoopP99Ms),
  start_searches_while_loading: duringTimes.length,
  start_search_while_loading_p95_ms: ms(pct(duringTimes.length ? duringTimes : [0], 95)),
  after_start_p50_ms: ms(pct(startTimes, 50)),
  after_start_p95_ms: ms(pct(startTimes, 95)),
  after_start_cpu_p95_ms: ms(pct(startCpu95, 95)),
  fts5_build_ms: Math.round(ftsBuild),
  fts5_p50_ms: ms(pct(ftsTimes, 50)),
  fts5_p95_ms: ms(pct(ftsTimes, 95)),
  fts5_top3_hit_rate: ftsHits / Q,
};
console.log(JSON.stringify(result));
