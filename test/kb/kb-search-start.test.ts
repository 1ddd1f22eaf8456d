/**
 * The search index's start and change cost (issue 15 item 1, decision 0013 "Start-up"): each
 * published version's words are stored at approval and read at start instead of segmenting; a
 * build of a base without them segments once and writes them back; the build runs in slices
 * between which the event loop runs, searches answer from what is loaded (complete: false) or
 * wait a bounded time; a change afterwards is put into the same index, not rebuilt.
 */
import t from 'tap';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { sqliteKbStore } from '../../src/kb/kb-store-sqlite.js';
import { KbService } from '../../src/kb/kb-service.js';
import { SEGMENTER_VERSION } from '../../src/kb/tokenize.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

const NOW = Date.parse('2026-12-05T10:00:00+08:00');
const admin = { id: 1, role: 'admin' as const, unitId: null, username: 'admin' };

const KB_CONFIG = { synonyms: [['社保', '社会保险']], reviewers: [], staleGraceDays: 14 };

function setup(t: { teardown(fn: () => unknown): void }) {
  const h = openTmpDb(t);
  h.sqlite.exec(`insert into users (id, username, display_name, role, password_hash) values (1, 'admin', 'Admin', 'admin', 'x')`);
  const asyncDb = sqliteAsync(h);
  t.teardown(() => asyncDb.close());
  const kb = new KbService({
    store: sqliteKbStore(asyncDb),
    // One object, as the server's loaded config set is until a reload: a new synonyms list at
    // every call would be a change of synonyms each time, and start a rebuild.
    config: () => KB_CONFIG,
    hotlineExists: () => true,
    areaExists: () => true,
    unitExists: () => true,
    areaLineage: (id) => [id],
    order: () => undefined,
    now: () => NOW,
  });
  return { h, kb };
}

/** `n` published articles written straight into the tables, without stored words (as before migration 0022). */
function insertPublished(h: ReturnType<typeof openTmpDb>, n: number): void {
  const article = h.sqlite.prepare(`insert into kb_articles (id, unit_id, created_at, updated_at) values (?, 'hz-hrss', 0, 0)`);
  const version = h.sqlite.prepare(
    `insert into kb_article_versions (id, article_id, version_no, state, title, body, type, hotlines, categories, areas, keywords, created_at, updated_at, published_at)
     values (?, ?, 1, 'published', ?, ?, 'faq', '["12345"]', '[]', '[]', '[]', 0, 0, 0)`,
  );
  const link = h.sqlite.prepare(`update kb_articles set published_version_id = ? where id = ?`);
  h.sqlite.transaction(() => {
    for (let i = 1; i <= n; i++) {
      article.run(i);
      version.run(i, i, `第${i}号 社会保障卡挂失补办`, `社会保障卡遗失后先挂失，再到银行网点补办。编号${i}。`);
      link.run(i, i);
    }
  })();
}

const storedWords = (h: ReturnType<typeof openTmpDb>, versionId: number) =>
  JSON.parse((h.sqlite.prepare(`select search_words as w from kb_article_versions where id = ?`).get(versionId) as { w: string | null }).w ?? 'null') as {
    v: string;
    t: string[];
    f: number[];
  } | null;

/** The options a service was built with (to build a second one on the same database: a restart). */
const kbOptions = (kb: KbService) => (kb as unknown as { opts: ConstructorParameters<typeof KbService>[0] }).opts;

async function publish(kb: KbService, title: string, body: string): Promise<number> {
  const a = await kb.create(admin, { unitId: 'hz-hrss', title, body, type: 'faq', hotlines: ['12345'], categories: [], areas: [], keywords: [] });
  await kb.submit(admin, a.id);
  return (await kb.approve(admin, a.id, null)).published!.id;
}

t.test('approval stores the version words; a start reads them instead of segmenting', async (t) => {
  const { h, kb } = setup(t);
  const versionId = await publish(kb, '住房公积金提取', '购买自住住房可以提取住房公积金。');
  const words = storedWords(h, versionId);
  t.equal(words?.v, SEGMENTER_VERSION, 'stored at approval, with the segmenter version');
  t.ok(words?.t.includes('公积金'), 'the jieba words');
  t.equal(words?.f[words.t.indexOf('公积金')], 3 + 1, 'title words weigh three, body words one (once in each)');

  // A marker word only the stored words contain: found after a start, so they were read, not re-made.
  words!.t.push('zzmarker');
  words!.f.push(3);
  h.sqlite.prepare(`update kb_article_versions set search_words = ? where id = ?`).run(JSON.stringify(words), versionId);
  const restarted = new KbService(kbOptions(kb));
  t.same(
    (await restarted.find(admin, { q: 'zzmarker', limit: 5 })).items.map((i) => i.versionId),
    [versionId],
    'the stored words are what the index holds',
  );
});

t.test('words of another segmenter version, or none, are segmented by the build and written back', async (t) => {
  const { h, kb } = setup(t);
  insertPublished(h, 3);
  h.sqlite.prepare(`update kb_article_versions set search_words = ? where id = 2`).run(JSON.stringify({ v: 'old', t: ['zzold'], f: [1] }));
  t.same((await kb.find(admin, { q: 'zzold', limit: 5 })).items, [], 'old words are not used');
  t.equal((await kb.find(admin, { q: '社会保障卡', limit: 5 })).items.length, 3, 'every article found');
  for (const id of [1, 2, 3]) t.equal(storedWords(h, id)?.v, SEGMENTER_VERSION, `version ${id} written back`);
});

t.test('the build at start runs in slices: the event loop keeps running, searches answer from what is loaded or wait a bound', async (t) => {
  const { h, kb } = setup(t);
  insertPublished(h, 1500);
  kb.search.start();
  t.equal(kb.search.loading, true);
  const first = await kb.find(admin, { q: '社会保障卡', limit: 50 });
  t.equal(first.complete, false, 'a search during the build says it is incomplete');
  t.ok(first.items.length < 50 || kb.search.loading, 'and answers from what is loaded');
  t.equal(await kb.searchReady(1), false, 'a short bound gives up before the build ends');
  t.same(h.sqlite.prepare(`select count(*) as n from kb_missed_searches`).get(), { n: 0 }, 'a miss while loading is not logged');

  // Timers fire while the build runs (segmenting 1,500 articles at ~12 ms a slice): it does not
  // hold the event loop from start to end. (The longest wait depends on the machine's load.)
  let ticks = 0;
  let longest = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks++;
  }, 1);
  t.equal(await kb.searchReady(60_000), true, 'ready');
  clearInterval(tick);
  t.ok(ticks >= 5, `the event loop ran during the build (${ticks} timer ticks, longest wait ${longest.toFixed(1)} ms)`);
  const done = await kb.find(admin, { q: '社会保障卡 第1499号', limit: 3 });
  t.equal(done.complete, true);
  t.equal(done.items[0]?.articleId, 1499, 'every article is in');
  t.equal(storedWords(h, 1500)?.v, SEGMENTER_VERSION, 'the words segmented by the build are stored');
});

t.test('a change after the build is put into the same index, not rebuilt', async (t) => {
  const { kb } = setup(t);
  await publish(kb, '居住证办理', '办理居住证需要身份证和居住证明。');
  kb.search.start();
  t.equal(await kb.searchReady(10_000), true);
  const engine = (await kb.search.current()).engine;
  const id = await publish(kb, '新生儿医保参保', '新生儿出生后可以参加城乡居民医保。');
  t.same(
    (await kb.find(admin, { q: '新生儿', limit: 3 })).items.map((i) => i.versionId),
    [id],
    'the new article is found',
  );
  t.equal((await kb.search.current()).engine, engine, 'by the same engine');
  t.equal((await kb.search.current()).engine.size, 2);
});
