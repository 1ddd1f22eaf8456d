/**
 * The hot topics (热点) on the async port (issue 16, decision 0017), run on both databases: the
 * same orders written into a temp SQLite file and a real PostgreSQL (test/helpers/async-dialects.ts),
 * the index caught up through its store (topic-index-store*.ts) and the topics read through the
 * dialect's report reader, as the app wires them. On each database the index gives what the
 * orders' text gives (HotTopicsService.textTopics), for whole months, parts of months, scopes,
 * categories and sorts, before and after the orders change; both databases give the same topics
 * and the same orders behind each word; the rollups keep no empty rows; and two catch-ups at once
 * (two nodes, or the job beside a request) count every order once.
 */
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import type { OrgConfig } from '../../src/config/files/schemas/org.js';
import { HotTopicsService, type HotTopics } from '../../src/reports/hot-topics.js';
import type { DrilledOrders } from '../../src/reports/order-drill.js';
import { isPeriod, periodOf, type Period } from '../../src/reports/period.js';
import { sqliteReportReader } from '../../src/reports/report-read.js';
import { pgReportReader } from '../../src/reports/report-read-pg.js';
import { TopicIndex } from '../../src/reports/topic-index.js';
import type { TopicIndexStore } from '../../src/reports/topic-index-store.js';
import { sqliteTopicIndexStore } from '../../src/reports/topic-index-store-sqlite.js';
import { pgTopicIndexStore } from '../../src/reports/topic-index-store-pg.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';
import { bj } from '../helpers/report-fixture.js';

const UNITS = ['u-a', 'u-b', 'u-c'];
const CATEGORIES = ['complaint', 'consultation', 'suggestion'];
const PHRASES = ['餐馆噪音扰民', '公积金提取', '物业公司收费', '路灯不亮', '电梯故障', '供水管道破裂', '学校门口交通拥堵', '共享单车乱停放', '医保报销'];
const PLACES = ['西湖区文三路', '吴兴区爱山街道', '德清县武康街道', '南浔区南浔镇'];
const STATUSES = ['draft', 'accepted', 'dispatched', 'closed'];
// 28 August to 2 November: whole months (September, October: read from the month rows) and parts of months.
const DAYS = Array.from({ length: 67 }, (_, i) => new Date(Date.UTC(2026, 7, 28 + i)).toISOString().slice(0, 10));

/** A small deterministic generator (the fixture is the same on both databases). */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % n;
  };
}

interface Fields {
  status: string;
  confidential: boolean;
  unit: string | null;
  category: string | null;
  subject: string | null;
  content: string | null;
  location: string | null;
}

function fieldsOf(r: (n: number) => number): Fields {
  const text = () => (r(6) === 0 ? null : `市民来电反映${[PHRASES[r(PHRASES.length)], PHRASES[r(PHRASES.length)]].slice(0, 1 + r(2)).join('，')}`);
  return {
    status: STATUSES[r(STATUSES.length)]!,
    confidential: r(8) === 0,
    unit: r(5) === 0 ? null : UNITS[r(UNITS.length)]!,
    category: r(5) === 0 ? null : CATEGORIES[r(CATEGORIES.length)]!,
    subject: text(),
    content: text(),
    location: r(3) === 0 ? null : PLACES[r(PLACES.length)]!,
  };
}

const lit = (v: string | null) => (v === null ? 'null' : `'${v}'`);

function insertOrder(id: number, day: string, hour: number, f: Fields, now: number): string {
  const at = bj(`${day}T${String(hour).padStart(2, '0')}:30`);
  return `insert into work_orders (id, number, channel, status, confidential, lead_unit_id, category, subject, content, location, created_at, updated_at)
    values (${id}, 'T-${id}', '12345', '${f.status}', ${f.confidential}, ${lit(f.unit)}, ${lit(f.category)}, ${lit(f.subject)}, ${lit(f.content)}, ${lit(f.location)}, ${at}, ${now})`;
}

function updateOrder(id: number, f: Fields, now: number): string {
  return `update work_orders set status = '${f.status}', confidential = ${f.confidential}, lead_unit_id = ${lit(f.unit)}, category = ${lit(f.category)},
    subject = ${lit(f.subject)}, content = ${lit(f.content)}, location = ${lit(f.location)}, updated_at = ${now}, version = version + 1 where id = ${id}`;
}

/** Statements that read the same in both dialects, in one transaction. */
async function exec(d: DialectDb, statements: string[]): Promise<void> {
  if (d.dialect === 'sqlite') d.handle.sqlite.transaction(() => statements.forEach((s) => d.handle.sqlite.exec(s)))();
  else
    await d.db.transaction(async (c) => {
      for (const s of statements) await c.execute(sql.raw(s));
    });
}

async function one(d: DialectDb, q: string): Promise<Record<string, number | null>> {
  if (d.dialect === 'sqlite') return d.handle.sqlite.prepare(q).get() as Record<string, number | null>;
  const r = await d.db.read((c) => c.execute(sql.raw(q)));
  return Object.fromEntries(Object.entries(r.rows[0] as Record<string, unknown>).map(([k, v]) => [k, v === null ? null : Number(v)]));
}

/** The rollups' shape: rows, their sums, empty rows (none allowed), and the orders behind words. */
const rollupState = (d: DialectDb) =>
  one(
    d,
    `select (select count(*) from topic_word_days) as word_rows, (select coalesce(sum(orders), 0) from topic_word_days) as word_sum,
      (select count(*) from topic_place_days) as place_rows, (select coalesce(sum(orders), 0) from topic_place_days) as place_sum,
      (select count(*) from topic_word_days where orders <= 0) + (select count(*) from topic_place_days where orders <= 0) as empty,
      (select count(*) from topic_order_words) as hits, (select count(*) from topic_orders) as indexed`,
  );

const storeOf = (d: DialectDb): TopicIndexStore => (d.dialect === 'sqlite' ? sqliteTopicIndexStore(d.db) : pgTopicIndexStore(d.db));
const serviceOf = (d: DialectDb) =>
  new HotTopicsService({
    reads: d.dialect === 'sqlite' ? sqliteReportReader(d.db) : pgReportReader(d.db),
    index: storeOf(d),
    org: () => ({}) as OrgConfig,
  });

function period(from: string, to?: string): Period {
  const p = to === undefined ? periodOf('month', from) : periodOf('custom', from, to);
  if (!isPeriod(p)) throw new Error('bad period');
  return p;
}

/** Periods: whole months, a month's part, a span over month ends, a day; with scopes, categories and sorts. */
const QUERIES = [
  { p: period('2026-10-01'), units: undefined, category: undefined, sort: 'orders' as const, limit: 30 },
  { p: period('2026-09-15'), units: ['u-a', 'u-b'], category: undefined, sort: 'rise' as const, limit: 30 },
  { p: period('2026-08-28', '2026-11-02'), units: undefined, category: 'complaint', sort: 'orders' as const, limit: 30 },
  { p: period('2026-09-20', '2026-10-10'), units: ['u-c'], category: undefined, sort: 'rise' as const, limit: 5 },
  { p: period('2026-10-05', '2026-10-05'), units: [], category: undefined, sort: 'orders' as const, limit: 10 },
  { p: period('2026-10-05', '2026-10-20'), units: undefined, category: undefined, sort: 'orders' as const, limit: 30 },
];

interface Answers {
  topics: HotTopics[];
  behind: DrilledOrders[];
}

/** Every query from the index, held equal to the text's answer on the same database. */
async function answers(t: Test, d: DialectDb, svc: HotTopicsService): Promise<Answers> {
  const out: Answers = { topics: [], behind: [] };
  for (const q of QUERIES) {
    const opts = { sort: q.sort, limit: q.limit, category: q.category };
    const got = await svc.indexedTopics(q.units, q.p, opts);
    t.same(got, await svc.textTopics(q.units, q.p, opts), `${d.dialect}: ${q.p.from}~${q.p.to} ${q.units?.join(',') ?? 'all'} ${q.category ?? ''} ${q.sort}`);
    out.topics.push(got);
    for (const word of [...got.topics.slice(0, 3).map((x) => x.word), '噪音']) {
      const behind = await svc.indexedOrders(q.units, q.p, word, q.category);
      t.same(behind, await svc.textOrders(q.units, q.p, word, q.category), `${d.dialect}: the orders behind ${word}`);
      out.behind.push(behind);
    }
  }
  return out;
}

const N_ORDERS = 160;
const results: Record<string, { first: Answers; changed: Answers; state: unknown }> = {};

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'topic-index-store');

    t.test('the index gives the topics the text gives, before and after changes; a second catch-up changes nothing', async (t) => {
      const d = await open(t);
      const r = prng(20261207);
      let now = bj('2026-11-03T09:00');
      const orders = Array.from({ length: N_ORDERS }, (_, i) => insertOrder(i + 1, DAYS[r(DAYS.length)]!, r(24), fieldsOf(r), (now += 1000)));
      await exec(d, orders);
      const index = new TopicIndex(storeOf(d));
      // Part of it, then the rest: the cursors are read back from topic_orders.
      t.notOk(await index.catchUp(120), 'orders left after 120');
      t.ok(await new TopicIndex(storeOf(d)).catchUp(), 'caught up');
      const svc = serviceOf(d);
      const first = await answers(t, d, svc);
      t.ok(first.topics[0]!.topics.length > 5, 'October has topics');
      // Changes (text, unit, category, status, confidentiality) and new orders.
      const changes = Array.from({ length: 50 }, () => updateOrder(1 + r(N_ORDERS), fieldsOf(r), (now += 1000)));
      const later = Array.from({ length: 20 }, (_, i) => insertOrder(N_ORDERS + i + 1, DAYS[r(DAYS.length)]!, r(24), fieldsOf(r), (now += 1000)));
      await exec(d, [...changes, ...later]);
      t.ok(await index.catchUp(), 'caught up after the changes');
      const changed = await answers(t, d, svc);
      const state = await rollupState(d);
      t.equal(state.empty, 0, 'no empty rollup rows');
      t.equal(state.indexed, N_ORDERS + 20, 'every order seen once');
      t.ok(await index.catchUp(), 'nothing left');
      t.same(await rollupState(d), state, 'a second catch-up changes nothing');
      results[dialect] = { first, changed, state };
    });

    t.test('two catch-ups at once count every order once', async (t) => {
      const d = await open(t);
      const r = prng(7);
      let now = bj('2026-11-03T09:00');
      // More than two batches (500 orders each), all counted, so that both catch-ups find work at once.
      const orders = Array.from({ length: 1200 }, (_, i) =>
        insertOrder(
          i + 1,
          DAYS[r(DAYS.length)]!,
          r(24),
          { ...fieldsOf(r), status: 'accepted', confidential: false, subject: PHRASES[i % PHRASES.length]! },
          (now += 1000),
        ),
      );
      await exec(d, orders);
      // Two nodes' catch-ups (each its own TopicIndex; on PostgreSQL each batch on its own pooled client).
      const [a, b] = await Promise.all([new TopicIndex(storeOf(d)).catchUp(), new TopicIndex(storeOf(d)).catchUp()]);
      t.ok(a && b, 'both done');
      const state = await rollupState(d);
      t.equal(state.indexed, 1200);
      const svc = serviceOf(d);
      const all = period('2026-08-28', '2026-11-02');
      const got = await svc.indexedTopics(undefined, all, { limit: 100 });
      t.same(got, await svc.textTopics(undefined, all, { limit: 100 }), 'the index equals the text: nothing counted twice');
      // Each order's subject is one phrase: its words' day rows sum to the orders' words, once each.
      const hits = await one(d, 'select count(*) as n from topic_order_words');
      t.equal(Number(state.word_sum), 2 * Number(hits.n), 'day rows and month rows: each hit twice, no more');
      t.equal(state.hits, Number(hits.n));
    });
  });
}

t.test('both databases give the same topics from the same orders', async (t) => {
  const { sqlite, postgres } = results;
  if (!sqlite || !postgres) return t.fail('both dialects ran');
  t.same(postgres.first, sqlite.first, 'the first catch-up');
  t.same(postgres.changed, sqlite.changed, 'after the changes');
  t.same(postgres.state, sqlite.state, 'the same rollup rows');
});
