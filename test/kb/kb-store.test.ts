/**
 * The knowledge base's repository on the async port (issue 16, decision 0017), run on both
 * databases: the same checks against a temp SQLite file and a real PostgreSQL
 * (test/helpers/async-dialects.ts), through KbService and its store as the app uses them: the
 * workflow and its audit rows (one transaction per change), versions and their files, two
 * reviewers or two editors at once (one wins, the other is told), the editors' list filters (JSON
 * in both), facets, stale articles, "answered with" links (once, also two at once), the search
 * index kept in step through the port, an import all or nothing, and the figures.
 */
import { sql } from 'drizzle-orm';
import t from 'tap';
import { KbError } from '../../src/kb/errors.js';
import { KbService, pgKbStore, sqliteKbStore, type KbStore } from '../../src/kb/index.js';
import type { ArticleFieldsInput } from '../../src/kb/article-input.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const bj = (s: string) => Date.parse(`${s}+08:00`);
const NOW = bj('2026-12-05T10:00:00');
const storeOf = (d: DialectDb): KbStore => (d.dialect === 'sqlite' ? sqliteKbStore(d.db) : pgKbStore(d.db));

async function exec(d: DialectDb, statements: string[]): Promise<void> {
  for (const s of statements) {
    if (d.dialect === 'sqlite') d.handle.sqlite.exec(s);
    else await d.db.transaction((c) => c.execute(sql.raw(s)));
  }
}

async function rows<T>(d: DialectDb, q: string): Promise<T[]> {
  if (d.dialect === 'sqlite') return d.handle.sqlite.prepare(q).all() as T[];
  return (await d.db.read((c) => c.execute(sql.raw(q)))).rows as T[];
}

const admin = { id: 1, role: 'admin' as const, unitId: null, username: 'admin' };
const handler = { id: 2, role: 'unit_handler' as const, unitId: 'hz-hrss', username: 'h1' };
const reviewer = { id: 3, role: 'shift_lead' as const, unitId: null, username: 'rev' };
const reviewer2 = { id: 4, role: 'shift_lead' as const, unitId: null, username: 'rev2' };
const agent = { id: 5, role: 'agent' as const, unitId: null, username: 'a1' };

async function seed(d: DialectDb): Promise<void> {
  await exec(d, [
    `insert into users (id, username, display_name, role, unit_id, password_hash) values
      (1, 'admin', 'Admin', 'admin', null, 'x'), (2, 'h1', 'Handler', 'unit_handler', 'hz-hrss', 'x'),
      (3, 'rev', 'Reviewer', 'shift_lead', null, 'x'), (4, 'rev2', 'Reviewer Two', 'shift_lead', null, 'x'), (5, 'a1', 'Agent', 'agent', null, 'x')`,
    // Orders of the period: two by 12345 (one answered on the spot by the lifecycle), one by 12356, a draft, one before the period.
    `insert into work_orders (id, number, channel, status, co_unit_ids, created_at, updated_at, agent_id) values
      (1, 'HZ-1', '12345', 'answered_on_spot', '[]', ${bj('2026-12-04T09:00:00')}, 0, 5),
      (2, 'HZ-2', '12345', 'dispatched', '[]', ${bj('2026-12-04T10:00:00')}, 0, 5),
      (3, 'HZ-3', '12356', 'dispatched', '[]', ${bj('2026-12-05T09:00:00')}, 0, 5),
      (4, 'HZ-4', '12345', 'draft', '[]', ${bj('2026-12-05T09:30:00')}, 0, 5),
      (5, 'HZ-5', '12345', 'dispatched', '[]', ${bj('2026-11-01T09:00:00')}, 0, 5)`,
    `insert into work_order_events (order_id, at, actor_id, actor_role, action, data) values (1, ${bj('2026-12-04T09:01:00')}, 5, 'agent', 'answer_on_spot', '{}')`,
  ]);
}

const orders = new Map([
  [1, { channel: '12345', agentId: 5 }],
  [2, { channel: '12345', agentId: 5 }],
  [3, { channel: '12356', agentId: 5 }],
]);

const kbOf = (store: KbStore) =>
  new KbService({
    store,
    config: () => ({ synonyms: [['社保', '社会保险']], reviewers: ['rev', 'rev2'], staleGraceDays: 14 }),
    hotlineExists: () => true,
    areaExists: () => true,
    unitExists: () => true,
    areaLineage: (id) => (id === 'xihu-lingyin' ? ['xihu-lingyin', 'xihu'] : [id]),
    order: (id) => orders.get(id),
    seesOrder: () => true,
    now: () => NOW,
  });

const fields = (title: string, o: Partial<ArticleFieldsInput> = {}): ArticleFieldsInput => ({
  unitId: 'hz-hrss',
  title,
  body: `${title}的办理方法。`,
  type: 'faq',
  hotlines: ['12345'],
  categories: [],
  areas: [],
  keywords: [],
  ...o,
});

async function published(kb: KbService, title: string, o: Partial<ArticleFieldsInput> = {}) {
  const a = await kb.create(handler, fields(title, o));
  await kb.submit(handler, a.id);
  return kb.approve(reviewer, a.id, '同意');
}

const code = (err: unknown) => (err instanceof KbError ? err.code : String(err));

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'kb-store');

    t.test('the workflow: each change with its audit row; versions; files carried over to a new draft', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const kb = kbOf(store);
      const a = await kb.create(handler, fields('社保卡挂失', { categories: ['社保'] }));
      t.same([a.draft?.state, a.draft?.versionNo, a.published], ['draft', 1, null]);
      await t.rejects(kb.approve(reviewer, a.id, null), { code: 'KB_BAD_STATE' }, 'a draft is not approved before it is submitted');
      await t.rejects(kb.submit(agent, a.id), { code: 'KB_NOT_YOUR_UNIT' });
      await kb.submit(handler, a.id);
      await t.rejects(kb.approve(handler, a.id, null), { code: 'KB_NOT_A_REVIEWER' });
      const v1 = await kb.approve(reviewer, a.id, '同意');
      t.same([v1.published?.state, v1.published?.reviewerId, v1.published?.reviewNote, v1.draft], ['published', 3, '同意', null]);
      t.equal(v1.published?.searchWords?.t.includes('社保卡'), true, 'the words stored at approval');

      // A file of the published version, then an edit: version 2 carries a copy of it.
      const file = await store.transaction((tx) =>
        tx.insertAttachment({
          articleId: a.id,
          versionId: v1.published!.id,
          fileName: 'a.png',
          storedName: 'f'.repeat(32),
          kind: 'image',
          mediaType: 'image/png',
          size: 3,
          sha256: 'ab',
          uploadedBy: 2,
          createdAt: NOW,
        }),
      );
      const v2 = await kb.update(handler, a.id, fields('社保卡挂失补办', { body: `见图 ![](attachment:${file.id})` }), null);
      t.same([v2.draft?.versionNo, v2.published?.id], [2, v1.published!.id]);
      const copies = await store.read((q) => q.attachmentsOf(v2.draft!.id));
      t.equal(copies.length, 1, 'the file carried over');
      t.not(copies[0]!.id, file.id, 'as a row of its own');
      t.equal(v2.draft!.body, `见图 ![](attachment:${copies[0]!.id})`, 'the body follows it to the copy');
      await t.rejects(kb.update(handler, a.id, fields('again'), null), { code: 'KB_STALE_EDIT' }, 'an editor who read no draft is told there is one now');
      await kb.submit(handler, a.id);
      await kb.reject(reviewer, a.id, '请补充');
      await kb.update(handler, a.id, fields('社保卡挂失补办（修订）'), v2.draft!.id);
      await kb.submit(handler, a.id);
      const v3 = await kb.approve(reviewer2, a.id, null);
      t.same([v3.published?.versionNo, v3.published?.title], [2, '社保卡挂失补办（修订）']);
      await kb.withdraw(handler, a.id, '政策调整');
      await t.rejects(kb.withdraw(reviewer, a.id, null), { code: 'KB_BAD_STATE' });
      await t.rejects(kb.get(agent, a.id), { code: 'KB_ARTICLE_NOT_FOUND' }, 'withdrawn: not for agents');

      const h = await kb.history(reviewer, a.id);
      t.same(
        h.versions.map((v) => [v.versionNo, v.state]),
        [
          [2, 'published'],
          [1, 'superseded'],
        ],
      );
      t.same(
        h.audit.map((r) => [r.action, r.actorId, r.note]),
        [
          ['withdraw', 2, '政策调整'],
          ['approve', 4, null],
          ['submit', 2, null],
          ['update', 2, null],
          ['reject', 3, '请补充'],
          ['submit', 2, null],
          ['update', 2, null],
          ['approve', 3, '同意'],
          ['submit', 2, null],
          ['create', 2, null],
        ],
        'every change audited, newest first',
      );
      await t.rejects(kb.history(agent, a.id), { code: 'KB_NOT_YOUR_UNIT' });
      t.equal((await kb.version(agent, v1.published!.id)).title, '社保卡挂失', 'a superseded version stays readable');
    });

    t.test('a change fails as a whole: no version, no audit row', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const kb = kbOf(store);
      const a = await kb.create(handler, fields('居住证'));
      await t.rejects(
        store.transaction(async (tx) => {
          await tx.updateVersion(a.draft!.id, { title: '改了' });
          await tx.insertAudit({ at: NOW, articleId: a.id, versionId: a.draft!.id, actorId: 2, action: 'update' });
          await tx.insertAudit({ at: NOW, articleId: 999, versionId: null, actorId: 2, action: 'update' });
        }),
        'an audit row of no article fails',
      );
      t.equal((await kb.get(handler, a.id)).draft?.title, '居住证', 'the version as it was');
      t.same(
        (await kb.history(handler, a.id)).audit.map((r) => r.action),
        ['create'],
      );
      // An import: one bad file refuses every article.
      const csv = (rowsText: string) => ({ format: 'csv' as const, files: [{ name: 'a.csv', text: `title,body,type\n${rowsText}` }] });
      await t.rejects(kb.import(handler, csv('好的,正文,faq\n坏的,,faq')), { code: 'KB_IMPORT_INVALID' });
      t.equal((await kb.list(reviewer, {}, 50, 0)).length, 1, 'nothing imported');
      const { imported } = await kb.import(handler, csv('甲,正文甲,faq\n乙,正文乙,guide'));
      t.equal(imported.length, 2);
      t.same(
        (await kb.history(handler, imported[1]!)).audit.map((r) => r.action),
        ['import'],
      );
    });

    t.test('two reviewers at once: one approves, the other is told; two editors at once: one new version', async (t) => {
      const d = await open(t);
      await seed(d);
      const kb = kbOf(storeOf(d));
      for (let i = 0; i < 3; i++) {
        const a = await kb.create(handler, fields(`并发${i}`));
        await kb.submit(handler, a.id);
        const outcomes = await Promise.allSettled([kb.approve(reviewer, a.id, null), kb.reject(reviewer2, a.id, '不行')]);
        t.same(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'], `round ${i}: one of them`);
        const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        t.equal(code(refused.reason), 'KB_BAD_STATE', 'the other sees the version moved on');
        const audit = (await kb.history(reviewer, a.id)).audit.map((r) => r.action);
        t.same(audit.filter((x) => x === 'approve' || x === 'reject').length, 1, 'one review audited');

        const p = await published(kb, `并发编辑${i}`);
        const edits = await Promise.allSettled([kb.update(handler, p.id, fields(`编辑甲${i}`), null), kb.update(admin, p.id, fields(`编辑乙${i}`), null)]);
        t.same(edits.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
        t.equal(code((edits.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason), 'KB_STALE_EDIT', 'the second editor is told');
        t.same(
          (await kb.history(reviewer, p.id)).versions.map((v) => v.versionNo),
          [2, 1],
        );
      }
    });

    t.test('the editors’ list, facets and stale articles', async (t) => {
      const d = await open(t);
      await seed(d);
      const kb = kbOf(storeOf(d));
      const a = await published(kb, '灵隐', { categories: ['旅游', '交通'], areas: ['xihu'], type: 'guide', reviewBy: '2026-11-01' });
      const b = await published(kb, '全市', { categories: ['交通'], areas: [], reviewBy: '2026-12-01' });
      const c = await kb.create(admin, fields('滨江', { unitId: 'hz-trans', categories: ['旅游'], areas: ['binjiang'] }));
      const w = await published(kb, '撤回', { categories: ['撤回类'] });
      await kb.withdraw(handler, w.id, null);
      const ids = async (f: Parameters<KbService['list']>[1]) => (await kb.list(reviewer, f, 50, 0)).map((v) => v.id);
      t.same(await ids({}), [w.id, c.id, b.id, a.id], 'newest change first');
      t.same(await ids({ category: '旅游' }), [c.id, a.id]);
      t.same(await ids({ area: 'xihu-lingyin' }), [w.id, b.id, a.id], 'an ancestor’s article, and those without areas, apply');
      t.same(await ids({ type: 'guide' }), [a.id]);
      t.same(await ids({ state: 'draft' }), [c.id]);
      t.same(await ids({ withdrawn: true }), [w.id]);
      t.same(await ids({ unitId: 'hz-trans' }), [c.id]);
      t.same(
        (await kb.list(reviewer, {}, 2, 1)).map((v) => v.id),
        [c.id, b.id],
        'limit and offset',
      );
      t.same((await kb.list(handler, {}, 50, 0)).map((v) => v.id).sort(), [a.id, b.id, w.id].sort(), 'a handler: its own unit');
      const facets = await kb.facets();
      t.same(
        facets.units.map((u) => u.id),
        ['hz-hrss', 'hz-trans'],
      );
      t.same(facets.categories, ['交通', '旅游'].sort(), 'published ones, not withdrawn, in order');
      t.same(
        (await kb.stale(reviewer, undefined)).map((s) => [s.id, s.staleness]),
        [
          [a.id, 'stale_overdue'],
          [b.id, 'stale'],
        ],
      );
      const f = await kb.figures('2026-12-04', '2026-12-05');
      t.same(f.staleByUnit, [{ unitId: 'hz-hrss', stale: 2, overdue: 1 }]);
    });

    t.test('answered with: once per order and article, also two at once; the search counts them', async (t) => {
      const d = await open(t);
      await seed(d);
      const kb = kbOf(storeOf(d));
      const a = await published(kb, '社会保障卡补办', { hotlines: ['12345', '12356'] });
      const b = await published(kb, '社会保障卡挂失', { type: 'policy', hotlines: ['12345', '12356'] });
      const vA = a.published!.id;
      const both = await Promise.all([kb.answer(agent, 1, vA), kb.answer(agent, 1, vA)]);
      t.same(both.map((x) => x.linked).sort(), [false, true], 'two links at once: one row');
      t.same(await kb.answer(agent, 2, vA), { linked: true });
      t.same(await kb.answer(agent, 3, b.published!.id), { linked: true });
      await t.rejects(kb.answer(agent, 9, vA), { code: 'KB_ANSWER_REFUSED' });
      t.same(
        (await kb.answersOf(agent, 1)).map((x) => [x.articleId, x.versionId, x.versionNo, x.title, x.hotline, x.actorId]),
        [[a.id, vA, 1, '社会保障卡补办', '12345', 5]],
      );

      const found = await kb.find(agent, { q: '社会保障卡', hotline: '12345', limit: 5 });
      t.equal(found.complete, true);
      t.same(
        found.items.map((i) => [i.articleId, i.uses]),
        [
          [a.id, 2],
          [b.id, 0],
        ],
        'used twice on 12345: ranked first',
      );
      t.same(
        (await kb.find(agent, { q: '社会保障卡', hotline: '12356', limit: 5 })).items.map((i) => [i.articleId, i.uses]),
        [
          [b.id, 1],
          [a.id, 0],
        ],
      );
      // A change by another node: written straight into the tables, seen by the next search.
      const c = await published(kbOf(storeOf(d)), '社会保障卡年审');
      t.ok(
        (await kb.find(agent, { q: '年审', limit: 5 })).items.some((i) => i.articleId === c.id),
        'caught up from the audit',
      );
      t.same((await kb.find(agent, { q: '不存在的词语', limit: 5 })).items, []);
      await kb.find(agent, { q: '还是不存在', limit: 5, live: true });

      const f = await kb.figures('2026-12-04', '2026-12-05');
      t.same(
        f.onSpot.byHotline,
        [
          { hotline: '12345', orders: 2, onSpot: 2, rate: 1 },
          { hotline: '12356', orders: 1, onSpot: 1, rate: 1 },
        ],
        'the lifecycle’s answer on the spot, or an article; not the draft, not before the period',
      );
      t.same([f.onSpot.orders, f.onSpot.onSpot, f.onSpot.withArticle], [3, 3, 3]);
      t.same(f.onSpot.byType, [
        { type: 'faq', orders: 2, rate: 0.6667 },
        { type: 'policy', orders: 1, rate: 0.3333 },
      ]);
      t.same(
        f.mostUsed.map((m) => [m.articleId, m.uses, m.title, m.lastVersionId]),
        [
          [a.id, 2, '社会保障卡补办', vA],
          [b.id, 1, '社会保障卡挂失', b.published!.id],
        ],
      );
      t.same(
        f.missedSearches.map((m) => [m.query, m.times, m.lastAt]),
        [['不存在的词语', 1, NOW]],
        'a live refinement’s miss is not logged',
      );
    });

    t.test('the index’s words written back through the port', async (t) => {
      const d = await open(t);
      await seed(d);
      const kb = kbOf(storeOf(d));
      const a = await published(kb, '公积金提取');
      await exec(d, [`update kb_article_versions set search_words = null where id = ${a.published!.id}`]);
      const fresh = kbOf(storeOf(d));
      t.equal((await fresh.find(agent, { q: '公积金', limit: 5 })).items[0]?.articleId, a.id);
      const [row] = await rows<{ w: unknown }>(d, `select search_words as w from kb_article_versions where id = ${a.published!.id}`);
      const words = (typeof row!.w === 'string' ? JSON.parse(row!.w) : row!.w) as { t: string[] } | null;
      t.ok(words?.t.includes('公积金'), 'segmented by the build and stored');
    });
  });
}
