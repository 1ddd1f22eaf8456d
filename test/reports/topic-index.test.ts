/**
 * The hot topics' index (src/reports/topic-index.ts, issue 14 items 4 and 9): on random orders,
 * random later changes (unit, category, text, place, status, confidentiality) and a restart in
 * the middle of catching up, the hot topics and the orders behind each word read from the index
 * equal those computed from the orders' text (HotTopicsService.textTopics, the reference), for
 * random periods, scopes, categories, sorts and limits; the rollups keep no empty rows; a second
 * catch-up changes nothing.
 */
import t from 'tap';
import fc from 'fast-check';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import type { OrgConfig } from '../../src/config/files/schemas/org.js';
import { HotTopicsService } from '../../src/reports/hot-topics.js';
import { TopicIndex } from '../../src/reports/topic-index.js';
import { sqliteTopicIndexStoreOn } from '../../src/reports/topic-index-store-sqlite.js';
import { dbReportReader } from '../../src/reports/report-read.js';
import type { Db } from '../../src/db/connection.js';
import { periodOf, isPeriod, type Period } from '../../src/reports/period.js';
import { bj } from '../helpers/report-fixture.js';

const UNITS = ['u-a', 'u-b', 'u-c'];
const CATEGORIES = ['complaint', 'consultation', 'suggestion'];
const PHRASES = ['餐馆噪音扰民', '公积金提取', '物业公司收费', '路灯不亮', '电梯故障', '供水管道破裂', '学校门口交通拥堵', '共享单车乱停放', '医保报销'];
const PLACES = ['西湖区文三路', '吴兴区爱山街道', '德清县武康街道', '南浔区南浔镇'];
// 28 August to 2 November: whole months (September, October: read from the month rows) and parts of months.
const DAYS = Array.from({ length: 67 }, (_, i) => new Date(Date.UTC(2026, 7, 28 + i)).toISOString().slice(0, 10));

const text = fc.option(
  fc.array(fc.constantFrom(...PHRASES), { minLength: 1, maxLength: 3 }).map((ps) => `市民来电反映${ps.join('，')}`),
  { nil: null, freq: 5 },
);
const fields = fc.record({
  status: fc.constantFrom('draft', 'accepted', 'dispatched', 'closed'),
  confidential: fc.boolean(),
  unit: fc.option(fc.constantFrom(...UNITS), { nil: null }),
  category: fc.option(fc.constantFrom(...CATEGORIES), { nil: null }),
  subject: text,
  content: text,
  location: fc.option(fc.constantFrom(...PLACES), { nil: null }),
});
type Fields = typeof fields extends fc.Arbitrary<infer F> ? F : never;
const order = fc.record({ day: fc.integer({ min: 0, max: DAYS.length - 1 }), hour: fc.integer({ min: 0, max: 23 }), f: fields });
const change = fc.record({ pick: fc.nat(), f: fields });
const query = fc.record({
  from: fc.integer({ min: 0, max: DAYS.length - 1 }),
  days: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 70 }), fc.constant(0)),
  units: fc.option(fc.subarray(UNITS), { nil: undefined }),
  category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
  sort: fc.constantFrom('orders' as const, 'rise' as const),
  limit: fc.integer({ min: 1, max: 30 }),
});

function insert(h: DbHandle, n: number, o: { day: number; hour: number; f: Fields }, now: number): void {
  const at = bj(`${DAYS[o.day]}T${String(o.hour).padStart(2, '0')}:30`);
  h.sqlite
    .prepare(
      `insert into work_orders (number, channel, status, confidential, lead_unit_id, category, subject, content, location, created_at, updated_at)
       values (?, '12345', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(`T-${n}`, o.f.status, o.f.confidential ? 1 : 0, o.f.unit, o.f.category, o.f.subject, o.f.content, o.f.location, at, now);
}

function update(h: DbHandle, id: number, f: Fields, now: number): void {
  h.sqlite
    .prepare(
      `update work_orders set status = ?, confidential = ?, lead_unit_id = ?, category = ?, subject = ?, content = ?, location = ?,
       updated_at = ?, version = version + 1 where id = ?`,
    )
    .run(f.status, f.confidential ? 1 : 0, f.unit, f.category, f.subject, f.content, f.location, now, id);
}

const indexOn = (db: Db) => new TopicIndex(sqliteTopicIndexStoreOn(db));
const serviceOn = (db: Db) => new HotTopicsService({ reads: dbReportReader(db), index: sqliteTopicIndexStoreOn(db), org: () => ({}) as OrgConfig });

/** `days` 0: the calendar month of the day (its previous period is the month before). */
function period(from: number, days: number): Period {
  const p = days === 0 ? periodOf('month', DAYS[from]!) : periodOf('custom', DAYS[from]!, DAYS[Math.min(from + days - 1, DAYS.length - 1)]!);
  if (!isPeriod(p)) throw new Error('bad period');
  return p;
}

t.test('the index gives the hot topics the orders text gives, after changes and a restart', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(order, { minLength: 1, maxLength: 60 }),
      fc.array(change, { maxLength: 25 }),
      fc.array(order, { maxLength: 10 }),
      fc.nat({ max: 60 }),
      fc.array(query, { minLength: 1, maxLength: 4 }),
      async (first, changes, later, partial, queries) => {
        const h = openDb({ file: ':memory:' });
        try {
          let now = bj('2026-11-03T09:00');
          first.forEach((o, i) => insert(h, i, o, (now += 1000)));
          // Part of it indexed, then changes and new orders, then a restart (a new index reads its cursors back) that finishes.
          await indexOn(h.db).catchUp(partial);
          for (const c of changes) update(h, (c.pick % first.length) + 1, c.f, (now += 1000));
          later.forEach((o, i) => insert(h, first.length + i, o, (now += 1000)));
          const index = indexOn(h.db);
          if (!(await index.catchUp())) return false;
          const svc = serviceOn(h.db);
          for (const q of queries) {
            const p = period(q.from, q.days);
            const opts = { sort: q.sort, limit: q.limit, category: q.category };
            const want = await svc.textTopics(q.units, p, opts);
            const got = await svc.indexedTopics(q.units, p, opts);
            t.same(got, want);
            if (JSON.stringify(got) !== JSON.stringify(want)) return false;
            for (const word of [...want.topics.map((x) => x.word), '噪音']) {
              const a = await svc.indexedOrders(q.units, p, word, q.category);
              const b = await svc.textOrders(q.units, p, word, q.category);
              if (JSON.stringify(a) !== JSON.stringify(b)) return t.fail(`orders behind ${word}`, { got: a, want: b });
            }
          }
          const empty = h.sqlite
            .prepare(`select (select count(*) from topic_word_days where orders <= 0) + (select count(*) from topic_place_days where orders <= 0) as n`)
            .get() as {
            n: number;
          };
          if (empty.n !== 0) return t.fail('no empty rollup rows');
          const before = h.sqlite.prepare('select count(*) as n, sum(orders) as s from topic_word_days').get();
          await indexOn(h.db).catchUp();
          return t.same(h.sqlite.prepare('select count(*) as n, sum(orders) as s from topic_word_days').get(), before, 'a second catch-up changes nothing');
        } finally {
          h.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});

t.test('a version already indexed is skipped; a change within the cursor margin is found', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  const f: Fields = { status: 'accepted', confidential: false, unit: 'u-a', category: 'complaint', subject: '餐馆噪音', content: null, location: null };
  insert(h, 0, { day: 0, hour: 9, f }, bj('2026-10-07T10:00'));
  const index = indexOn(h.db);
  t.ok(await index.catchUp());
  const svc = serviceOn(h.db);
  const p = period(0, 1);
  t.match((await svc.indexedTopics(undefined, p)).topics[0], { word: '噪音', orders: 1 });
  // A writer whose clock is a little behind (its updated_at earlier than the last one indexed).
  update(h, 1, { ...f, subject: '公积金提取' }, bj('2026-10-07T09:30'));
  t.ok(await index.catchUp());
  t.same(
    (await svc.indexedTopics(undefined, p)).topics.map((x) => x.word),
    (await svc.textTopics(undefined, p)).topics.map((x) => x.word),
  );
  t.notOk(
    (await svc.indexedTopics(undefined, p)).topics.some((x) => x.word === '噪音'),
    'the old word is gone',
  );
});

t.test("a topic's latest orders and the orders behind it when ids do not follow the days", async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  const f: Fields = { status: 'accepted', confidential: false, unit: 'u-a', category: 'complaint', subject: '餐馆噪音', content: null, location: null };
  // 24 orders about noise over 8 days, written latest day first (ids fall as the days rise), 3 a day.
  let n = 0;
  for (let day = 7; day >= 0; day--) for (let k = 0; k < 3; k++) insert(h, n++, { day, hour: 9 + k, f }, bj('2026-11-03T09:00') + n);
  t.ok(await indexOn(h.db).catchUp());
  const svc = serviceOn(h.db);
  const p = period(0, 8);
  const got = (await svc.indexedTopics(undefined, p)).topics.find((x) => x.word === '噪音');
  t.equal(got?.sample.length, 10);
  t.same(
    got,
    (await svc.textTopics(undefined, p)).topics.find((x) => x.word === '噪音'),
    'the 10 highest ids, wherever their days',
  );
  for (const units of [undefined, ['u-a'], ['u-b']]) t.same(await svc.indexedOrders(units, p, '噪音'), await svc.textOrders(units, p, '噪音'));
});
