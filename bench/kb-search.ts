/**
 * bench:kb — the knowledge base's two candidate searches on generated Chinese articles
 * (decision 0013): @node-rs/jieba words with BM25 in memory (what src/kb uses) against SQLite
 * FTS5's trigram tokenizer (what work orders use). Prints build time, memory, query p50/p95 and
 * how many of a set of typical agent queries find their article in the top three.
 *
 *   npx tsx bench/kb-search.ts [-- --articles 100000 --queries 300]
 * Last line: one JSON object.
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { MemoryKbSearch } from '../src/kb/search-index.js';
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
const heap0 = process.memoryUsage().heapUsed;
let t0 = performance.now();
const engine = new MemoryKbSearch(
  new KbTokenizer([
    ['社保', '社会保障', '社会保险'],
    ['公积金', '住房公积金'],
  ]),
);
for (let i = 0; i < N; i++) {
  const a = article(i);
  engine.put({
    articleId: a.id,
    versionId: a.id,
    unitId: 'u',
    type: 'faq',
    title: a.title,
    body: a.body,
    keywords: [],
    hotlines: [['12345', '12333', '12329'][i % 3]!],
    categories: [],
    areas: [],
    effectiveFrom: null,
    expiresOn: null,
  });
}
const jiebaBuild = performance.now() - t0;
const jiebaHeap = process.memoryUsage().heapUsed - heap0;
const jiebaTimes: number[] = [];
let jiebaHits = 0;
queries.forEach(([, , q], i) => {
  const s = performance.now();
  const r = engine.search({ text: q, today: '2026-12-05', limit: 3 }, () => 0);
  jiebaTimes.push(performance.now() - s);
  if (r.hits.some((h) => topicOf(h.doc.articleId) === i % TOPICS.length)) jiebaHits++;
});

// Screen-pop suggestions: no words, one hotline's articles by use (a third of the articles carry
// the hotline). Uncached: as after an answer on any hotline (usageChanged); cached: the next pop.
const suggestTimes: number[] = [];
const suggestCachedTimes: number[] = [];
for (let i = 0; i < Math.min(Q, 100); i++) {
  engine.usageChanged();
  for (const times of [suggestTimes, suggestCachedTimes]) {
    const s = performance.now();
    engine.search({ text: '', today: '2026-12-05', hotline: '12345', limit: 5 }, (id) => id % 17);
    times.push(performance.now() - s);
  }
}

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
  jieba_heap_mb: Math.round(jiebaHeap / 1e6),
  jieba_p50_ms: ms(pct(jiebaTimes, 50)),
  jieba_p95_ms: ms(pct(jiebaTimes, 95)),
  jieba_top3_hit_rate: jiebaHits / Q,
  suggest_p50_ms: ms(pct(suggestTimes, 50)),
  suggest_p95_ms: ms(pct(suggestTimes, 95)),
  suggest_cached_p95_ms: ms(pct(suggestCachedTimes, 95)),
  fts5_build_ms: Math.round(ftsBuild),
  fts5_p50_ms: ms(pct(ftsTimes, 50)),
  fts5_p95_ms: ms(pct(ftsTimes, 95)),
  fts5_top3_hit_rate: ftsHits / Q,
};
console.log(JSON.stringify(result));
