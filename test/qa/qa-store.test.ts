/**
 * The quality-inspection (质检) repository on the async port (issue 16, decision 0017), run on
 * both databases: the same checks against a temp SQLite file and a real PostgreSQL
 * (test/helpers/async-dialects.ts), through QaService and its store as the app uses them: the
 * sampling candidates (JSON of the survey and the callback), the draw's count and idempotence,
 * the samples' insert all or nothing, the worklist's order, the scores and their revisions (also
 * two scorers at once), and the order, call and recording lookups a QA inspector's access rests on.
 */
import { sql } from 'drizzle-orm';
import t from 'tap';
import { pgQaStore, QaService, sqliteQaStore, type QaStore } from '../../src/qa/index.js';
import { QaConfigSchema } from '../../src/qa/qa-config.js';
import { SAMPLES_PER_INSERT } from '../../src/qa/qa-store.js';
import { drawSample } from '../../src/qa/sampling.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const bj = (s: string) => Date.parse(`${s}+08:00`);
const NOW = bj('2026-12-05T10:00:00');
const SEED = 'contract-seed';
const config = QaConfigSchema.parse({
  items: [
    { id: 'greeting', label: { zh: '问候', en: 'Greeting' }, maxPoints: 40 },
    { id: 'answer', label: { zh: '答复', en: 'Answer' }, maxPoints: 60 },
    { id: 'rude', label: { zh: '态度恶劣', en: 'Rude' }, maxPoints: 0, fatal: true },
  ],
  sampling: { perAgentPerDay: 1, lookbackDays: 2, seed: SEED },
});

const storeOf = (d: DialectDb): QaStore => (d.dialect === 'sqlite' ? sqliteQaStore(d.db) : pgQaStore(d.db));

/** Statements that read the same in both dialects, one at a time. */
async function exec(d: DialectDb, statements: string[]): Promise<void> {
  for (const s of statements) {
    if (d.dialect === 'sqlite') d.handle.sqlite.exec(s);
    else await d.db.transaction((c) => c.execute(sql.raw(s)));
  }
}

async function count(d: DialectDb, table: string): Promise<number> {
  if (d.dialect === 'sqlite') return (d.handle.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  const r = await d.db.read((c) => c.execute(sql.raw(`select count(*)::integer as n from ${table}`)));
  return (r.rows[0] as { n: number }).n;
}

async function samples(d: DialectDb): Promise<Array<{ call_id: string; reason: string; day: string }>> {
  const q = 'select call_id, reason, day from qa_samples order by call_id';
  if (d.dialect === 'sqlite') return d.handle.sqlite.prepare(q).all() as Array<{ call_id: string; reason: string; day: string }>;
  return (await d.db.read((c) => c.execute(sql.raw(q)))).rows as Array<{ call_id: string; reason: string; day: string }>;
}

function call(id: string, agent: number | null, at: number, o: { state?: string; out?: number } = {}): string {
  const answered = agent === null ? 'null' : String(at + 5000);
  return `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome, direction, order_id)
    values ('${id}', 'ch-${id}', '13800138000', '12345', '12345', '${o.state ?? 'ended'}', ${agent ?? 'null'}, ${at}, ${answered}, ${at + 60_000}, '${agent === null ? 'abandoned' : 'answered'}', '${o.out === undefined ? 'in' : 'out'}', ${o.out ?? 'null'})`;
}

function order(id: number, callId: string | null): string {
  return `insert into work_orders (id, number, channel, call_id, status, subject, content, co_unit_ids, created_at, updated_at)
    values (${id}, 'HZ-${id}', '12345', ${callId === null ? 'null' : `'${callId}'`}, 'answered_on_spot', '噪音投诉 ${id}', '夜间施工', '[]', ${NOW}, ${NOW})`;
}

function evaluate(orderId: number, at: number, channel: string, result: string): string {
  return `insert into work_order_events (order_id, at, actor_id, actor_role, action, data) values (${orderId}, ${at}, 1, 'agent', 'evaluate', '{"channel":"${channel}","result":"${result}"}')`;
}

function recording(id: string, callId: string, state: string, at: number): string {
  return `insert into recordings (id, call_id, agent_id, hotline, state, channel_id, spool_file, channels, started_at)
    values ('${id}', '${callId}', 2, '12345', '${state}', 'ch', 'sunline/${id}.raw', 2, ${at})`;
}

/** Agents 1 and 2, inspectors 3 and 4, a shift lead 5; calls over three Beijing days with their orders, ratings and recordings. */
async function seed(d: DialectDb): Promise<void> {
  await exec(d, [
    `insert into users (id, username, display_name, role, password_hash) values
      (1, 'a1', 'Agent One', 'agent', 'x'), (2, 'a2', 'Agent Two', 'agent', 'x'),
      (3, 'q1', 'Inspector One', 'qa', 'x'), (4, 'q2', 'Inspector Two', 'qa', 'x'), (5, 'lead', 'Lead', 'shift_lead', 'x')`,
    call('c0', 1, bj('2026-12-02T09:00:00')),
    call('c1', 1, bj('2026-12-03T09:00:00')),
    call('c2', 1, bj('2026-12-03T10:00:00')),
    call('c3', 2, bj('2026-12-03T11:00:00')),
    call('c4', null, bj('2026-12-03T12:00:00')),
    call('c5', 2, bj('2026-12-03T23:30:00'), { state: 'answered' }),
    call('c6', 1, bj('2026-12-04T09:00:00')),
    call('c7', 2, bj('2026-12-04T10:00:00')),
    call('c8', 2, bj('2026-12-04T11:00:00')),
    order(1, 'c7'),
    order(2, 'c8'),
    order(3, 'c4'),
    call('c9', 1, bj('2026-12-05T09:00:00'), { out: 1 }),
    `insert into call_events (call_id, type, at, data) values ('c6', 'survey', ${bj('2026-12-04T09:05:00')}, '{"result":"unsatisfied"}')`,
    `insert into call_events (call_id, type, at, data) values ('c1', 'survey', ${bj('2026-12-03T09:05:00')}, '{"result":"satisfied"}')`,
    `insert into call_events (call_id, type, at, data) values ('c0', 'survey', ${bj('2026-12-02T09:05:00')}, '{"result":"unsatisfied"}')`,
    evaluate(1, bj('2026-12-05T08:00:00'), 'callback', 'unsatisfied'),
    evaluate(1, bj('2026-12-05T08:30:00'), 'callback', 'unsatisfied'),
    evaluate(2, bj('2026-12-05T08:00:00'), 'third_party', 'unsatisfied'),
    recording('r-failed', 'c7', 'failed', bj('2026-12-04T10:00:06')),
    recording('r-stored', 'c7', 'stored', bj('2026-12-04T10:00:07')),
  ]);
}

const qaOf = (store: QaStore) => new QaService({ store, config: () => config, now: () => NOW });
const filled = (form: { version: string }) => ({ points: { greeting: 30, answer: 50 }, fatalErrors: [] as string[], comment: '好', formVersion: form.version });
const lead = { id: 5, role: 'shift_lead' as const };
const q1 = { id: 3, role: 'qa' as const };
const q2 = { id: 4, role: 'qa' as const };
const sortById = <T extends { callId: string }>(rows: T[]) => [...rows].sort((a, b) => a.callId.localeCompare(b.callId));

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'qa-store');

    t.test('the sampling candidates: answered ended calls of a day, unsatisfied surveys and callbacks', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      await store.read(async (q) => {
        t.same(
          sortById(await q.answeredCalls(bj('2026-12-03T00:00:00'), bj('2026-12-04T00:00:00'))),
          [
            { callId: 'c1', agentId: 1 },
            { callId: 'c2', agentId: 1 },
            { callId: 'c3', agentId: 2 },
          ],
          'not the abandoned call, not the call still answered',
        );
        t.same(
          await q.unsatisfiedSince(bj('2026-12-03T00:00:00')),
          [{ callId: 'c6', agentId: 1, enteredAt: bj('2026-12-04T09:00:00') }],
          'the survey rated 不满意 since then (the JSON field), not the satisfied one, not the older one',
        );
        t.same(
          await q.unsatisfiedCallbacksSince(bj('2026-12-03T00:00:00')),
          [{ callId: 'c7', agentId: 2, enteredAt: bj('2026-12-04T10:00:00') }],
          'the call of the order rated 不满意 in a callback, once for two ratings; not the third party’s',
        );
        t.same(await q.unsatisfiedCallbacksSince(bj('2026-12-05T09:00:00')), [], 'not before `since`');
        t.same(await q.drawnDays([]), new Set());
      });
    });

    t.test('the draw: its count, once per day, a rating’s reason kept; the worklist’s order', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const qa = qaOf(store);
      const day3 = drawSample(
        [
          { callId: 'c1', agentId: 1 },
          { callId: 'c2', agentId: 1 },
          { callId: 'c3', agentId: 2 },
        ],
        '2026-12-03',
        SEED,
        1,
      );
      const day4 = drawSample(
        [
          { callId: 'c6', agentId: 1 },
          { callId: 'c7', agentId: 2 },
          { callId: 'c8', agentId: 2 },
        ],
        '2026-12-04',
        SEED,
        1,
      );
      const expected = new Map<string, { reason: string; day: string }>([
        ['c6', { reason: 'unsatisfied', day: '2026-12-04' }],
        ['c7', { reason: 'unsatisfied', day: '2026-12-04' }],
      ]);
      for (const c of day3) if (!expected.has(c.callId)) expected.set(c.callId, { reason: 'random', day: '2026-12-03' });
      for (const c of day4) if (!expected.has(c.callId)) expected.set(c.callId, { reason: 'random', day: '2026-12-04' });

      t.equal(await qa.drawDue(), expected.size, 'the number of calls added');
      t.same(
        await samples(d),
        [...expected].sort(([a], [b]) => a.localeCompare(b)).map(([callId, s]) => ({ call_id: callId, reason: s.reason, day: s.day })),
        'two days drawn, one call per agent per day, the ratings as unsatisfied (also when drawn at random)',
      );
      t.equal(await qa.drawDue(), 0, 'a second draw adds nothing');
      t.equal(await count(d, 'qa_samples'), expected.size);
      t.same(
        await store.read((q) => q.drawnDays(['2026-12-02', '2026-12-03', '2026-12-04'])),
        new Set(['2026-12-03', '2026-12-04']),
        'both days are drawn, also 12-04 whose picks were all on the worklist already as unsatisfied',
      );

      const list = await qa.worklist();
      const rank = (r: { day: string; reason: string; enteredAt: number }) => [r.day, r.reason === 'unsatisfied' ? 1 : 0, -r.enteredAt];
      const sorted = [...list].sort((a, b) => {
        const x = rank(a);
        const y = rank(b);
        for (let i = 0; i < 3; i++) if (x[i]! !== y[i]!) return x[i]! > y[i]! ? -1 : 1;
        return 0;
      });
      t.same(
        list.map((r) => r.callId),
        sorted.map((r) => r.callId),
        'newest day first, unsatisfied first within a day, then by entry',
      );
      t.same(
        list.slice(0, 2).map((r) => [r.callId, r.reason]),
        [
          ['c6', 'unsatisfied'],
          ['c7', 'unsatisfied'],
        ],
      );
      t.match(list[0], { callId: 'c6', agentId: 1, agentName: 'Agent One', hotline: '12345', direction: 'in', enteredAt: bj('2026-12-04T09:00:00') });
      t.equal(list.length, expected.size);

      await qa.score(lead, 'c6', filled(qa.form()));
      t.notOk(
        (await qa.worklist()).some((r) => r.callId === 'c6'),
        'a scored call leaves the worklist',
      );
      t.equal(await count(d, 'qa_samples'), expected.size, 'its sample row stays');
    });

    t.test('a day with calls is drawn once, also when none of its picks was added; a day without any is looked at again', async (t) => {
      const d = await open(t);
      await exec(d, [
        `insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent One', 'agent', 'x')`,
        // 12-04: one answered call, rated 不满意: the day's pick is on the worklist already. 12-03: no call.
        call('only', 1, bj('2026-12-04T09:00:00')),
        `insert into call_events (call_id, type, at, data) values ('only', 'survey', ${bj('2026-12-04T09:05:00')}, '{"result":"unsatisfied"}')`,
      ]);
      const reads: Array<[number, number]> = [];
      const store = storeOf(d);
      const counting: QaStore = {
        dialect: store.dialect,
        read: (fn) =>
          store.read((q) =>
            fn(
              Object.assign(Object.create(q) as typeof q, {
                answeredCalls: (start: number, end: number) => {
                  reads.push([start, end]);
                  return q.answeredCalls(start, end);
                },
              }),
            ),
          ),
        transaction: (fn) => store.transaction(fn),
      };
      const qa = qaOf(counting);
      t.equal(await qa.drawDue(), 1, 'the unsatisfied call');
      t.equal(reads.length, 2, 'both days drawn');
      const after = await samples(d);
      t.same(after, [{ call_id: 'only', reason: 'unsatisfied', day: '2026-12-04' }]);
      reads.length = 0;
      t.equal(await qa.drawDue(), 0);
      t.equal(await qa.drawDue(), 0);
      t.same(
        reads,
        [
          [bj('2026-12-03T00:00:00'), bj('2026-12-04T00:00:00')],
          [bj('2026-12-03T00:00:00'), bj('2026-12-04T00:00:00')],
        ],
        'only the day without a call is read again (12-04 is drawn: its one pick was on the worklist already)',
      );
      t.same(await samples(d), after, 'the same samples');
      t.same(await store.read((q) => q.drawnDays(['2026-12-03', '2026-12-04'])), new Set(['2026-12-04']));
    });

    t.test('two draws at once (two nodes, or a tick and a worklist read) never give an agent more than perAgentPerDay random samples of a day', async (t) => {
      const d = await open(t);
      const day = '2026-12-04';
      // Agent 1 answered two calls that day and a third still running at the first draw's read.
      // The third is picked once it has ended (its id is chosen so that it ranks first).
      const late = Array.from({ length: 50 }, (_, i) => `late-${i}`).find(
        (id) =>
          drawSample(
            ['e1', 'e2', id].map((callId) => ({ callId, agentId: 1 })),
            day,
            SEED,
            1,
          )[0]!.callId === id,
      )!;
      await exec(d, [
        `insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent One', 'agent', 'x')`,
        call('e1', 1, bj('2026-12-04T09:00:00')),
        call('e2', 1, bj('2026-12-04T10:00:00')),
        call(late, 1, bj('2026-12-04T23:50:00'), { state: 'answered' }),
      ]);
      const store = storeOf(d);
      // The first draw: its candidates are read while the call still runs; the call ends before
      // its transaction, which then stays open (uncommitted) until `release`.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inTransaction!: () => void;
      const firstWrote = new Promise<void>((r) => (inTransaction = r));
      const first = qaOf({
        dialect: store.dialect,
        read: (fn) => store.read(fn),
        transaction: async (fn) => {
          await exec(d, [`update calls set state = 'ended' where id = '${late}'`]);
          return store.transaction(async (tx) => {
            const r = await fn(tx);
            inTransaction();
            await held;
            return r;
          });
        },
      });
      // The second draw reads its candidates while the first is not committed: the call has ended.
      let secondRead!: () => void;
      const secondReadDone = new Promise<void>((r) => (secondRead = r));
      const second = qaOf({
        dialect: store.dialect,
        read: (fn) => store.read(fn),
        transaction: (fn) => {
          secondRead();
          return store.transaction(fn);
        },
      });
      const a = first.drawDue();
      await firstWrote;
      const b = second.drawDue();
      await secondReadDone;
      await new Promise((r) => setTimeout(r, 100)); // the second transaction waits (or, unserialised, writes)
      release();
      await Promise.all([a, b]);
      const random = (await samples(d)).filter((r) => r.reason === 'random' && r.day === day);
      t.equal(random.length, 1, `one random sample of agent 1 that day (${random.map((r) => r.call_id).join(', ')})`);
      t.not(random[0]?.call_id, late, 'the first draw’s pick: the call that ended later was not a candidate of the day’s draw');
      t.equal(await qaOf(store).drawDue(), 0, 'a third draw adds nothing');
    });

    t.test('the samples’ insert: all or nothing, over several statements; a call sampled keeps its row', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const n = SAMPLES_PER_INSERT + 100;
      const ids = Array.from({ length: n }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
      const at = bj('2026-12-01T08:00:00');
      const values = ids.map(
        (id, i) => `('${id}', 'ch-${id}', '13800138000', '12345', '12345', 'ended', ${(i % 2) + 1}, ${at + i}, ${at + i + 1}, ${at + i + 2}, 'answered')`,
      );
      await exec(d, [
        `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome) values ${values.join(', ')}`,
      ]);
      const rows = ids.map((callId, i) => ({ callId, agentId: (i % 2) + 1, day: '2026-12-01', reason: 'random' as const }));

      const failed = await store
        .transaction((tx) => tx.insertSamples([...rows, { callId: 'no-such-call', agentId: 1, day: '2026-12-01', reason: 'random' }], NOW))
        .catch((e: unknown) => e);
      t.ok(failed instanceof Error, 'a row of the last statement fails (no such call)');
      t.equal(await count(d, 'qa_samples'), 0, 'and the earlier statements’ rows are gone with it');

      const thrown = await store
        .transaction(async (tx) => {
          t.equal(await tx.insertSamples(rows.slice(0, 10), NOW), 10);
          throw new Error('the function failed');
        })
        .catch((e: unknown) => e);
      t.match(thrown, { message: 'the function failed' });
      t.equal(await count(d, 'qa_samples'), 0, 'rolled back when the function throws');

      t.equal(await store.transaction((tx) => tx.insertSamples([{ ...rows[0]!, reason: 'unsatisfied' }], NOW)), 1);
      t.equal(await store.transaction((tx) => tx.insertSamples([...rows, rows[5]!], NOW)), n - 1, 'the call already sampled and the repeat are not counted');
      t.equal(await count(d, 'qa_samples'), n);
      t.same(await store.read((q) => q.sampleOf(ids[0]!)), { day: '2026-12-01', reason: 'unsatisfied' }, 'the first row of a call stays');
      t.equal(await store.transaction((tx) => tx.insertSamples([], NOW)), 0);
      const figures = await store.read((q) => q.samplesIn(at, at + 10));
      t.equal(figures.length, 10, 'the sampled calls of a period, by entry');
      t.match(
        figures.find((r) => r.agentId === 1),
        { agentName: 'Agent One', enteredAt: at },
      );
    });

    t.test('scores: revisions, current ones, who may edit, two scorers at once', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const qa = qaOf(store);
      await qa.drawDue();
      const form = qa.form();

      await t.rejects(qa.score(q1, 'c9', filled(form)), { code: 'QA_CALL_NOT_FOUND' }, 'an inspector does not reach a call neither sampled nor scored');
      await t.rejects(qa.score(lead, 'c4', filled(form)), { code: 'QA_CALL_NOT_ANSWERED' });
      const first = await qa.score(q1, 'c7', filled(form));
      t.match(first, {
        callId: 'c7',
        revision: 1,
        agentId: 2,
        scorerId: 3,
        orderId: 1,
        recordingId: 'r-stored',
        total: 80,
        fatal: false,
        points: { greeting: 30, answer: 50, rude: 0 },
      });
      await t.rejects(qa.score(lead, 'c7', filled(form)), { code: 'QA_ALREADY_SCORED' });
      await t.rejects(qa.edit(q2, 'c7', { ...filled(form), basedOn: 1 }), { code: 'QA_NOT_YOUR_SCORE' });
      const second = await qa.edit(q1, 'c7', { ...filled(form), points: { greeting: 40, answer: 60 }, fatalErrors: ['rude'], basedOn: 1 });
      t.match(second, { revision: 2, total: 0, fatal: true, fatalErrors: ['rude'] });
      await t.rejects(qa.edit(lead, 'c7', { ...filled(form), basedOn: 1 }), { code: 'QA_STALE_EDIT' });
      await t.rejects(qa.edit(lead, 'c6', { ...filled(form), basedOn: 0 }), { code: 'QA_SCORE_NOT_FOUND' });
      t.same(
        (await store.read((q) => q.history('c7'))).map((s) => [s.revision, s.total]),
        [
          [1, 80],
          [2, 0],
        ],
        'every revision, oldest first',
      );
      t.equal((await store.read((q) => q.current('c7')))?.revision, 2);
      await qa.score(lead, 'c6', filled(form));

      const all = await qa.scores({});
      t.same(
        all.map((s) => [s.callId, s.revision, s.agentName, s.scorerName]),
        [
          ['c7', 2, 'Agent Two', 'Inspector One'],
          ['c6', 1, 'Agent One', 'Lead'],
        ],
        'the current revision of each call, newest call first, with the names',
      );
      t.equal(all[0]!.enteredAt, bj('2026-12-04T10:00:00'));
      t.same(
        (await qa.scoresOfAgent(1)).map((s) => s.callId),
        ['c6'],
      );
      t.same(
        (await qa.scores({ from: bj('2026-12-04T09:30:00'), to: bj('2026-12-05T00:00:00') })).map((s) => s.callId),
        ['c7'],
      );
      const weekly = await qa.weekly(bj('2026-12-01T00:00:00'), bj('2026-12-08T00:00:00'));
      t.ok(weekly.length >= 2, 'the weekly figures read both tables');

      // Two scorers of one call at once: one score, the other told it was scored (not a 500).
      const raced = await Promise.allSettled([qa.score(lead, 'c3', filled(form)), qa.score(lead, 'c3', filled(form)), qa.score(lead, 'c3', filled(form))]);
      t.equal(raced.filter((r) => r.status === 'fulfilled').length, 1, 'one of three concurrent first scores');
      for (const r of raced.filter((x) => x.status === 'rejected')) t.match((r as PromiseRejectedResult).reason, { code: 'QA_ALREADY_SCORED' });
      const edits = await Promise.allSettled([1, 2, 3].map((i) => qa.edit(lead, 'c3', { ...filled(form), comment: `edit ${i}`, basedOn: 1 })));
      t.equal(edits.filter((r) => r.status === 'fulfilled').length, 1, 'one of three concurrent edits of revision 1');
      for (const r of edits.filter((x) => x.status === 'rejected')) t.match((r as PromiseRejectedResult).reason, { code: 'QA_STALE_EDIT' });
      t.same(
        (await store.read((q) => q.history('c3'))).map((s) => s.revision),
        [1, 2],
      );
    });

    t.test('the order and call lookups an inspector’s access rests on', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const qa = qaOf(store);
      await store.read(async (q) => {
        t.same([...(await q.callsOfOrder(1))].sort(), ['c7', 'c9'], 'the call it was taken on and the outbound call made for it');
        t.same(await q.callsOfOrder(999), []);
        t.match(await q.orderOf('c7', null), {
          id: 1,
          number: 'HZ-1',
          status: 'answered_on_spot',
          subject: '噪音投诉 1',
          content: '夜间施工',
          category: null,
          location: null,
        });
        t.match(await q.orderOf('c9', 1), { id: 1 }, 'an outbound call: the order it was made for');
        t.equal(await q.orderOf('c1', null), undefined);
        t.equal(await q.recordingOf('c7'), 'r-stored', 'the stored recording before an earlier failed one');
        t.equal(await q.recordingOf('c1'), null);
        t.match(await q.call('c9'), {
          callId: 'c9',
          agentId: 1,
          agentName: 'Agent One',
          direction: 'out',
          outboundOrderId: 1,
          answeredAt: bj('2026-12-05T09:00:05'),
        });
        t.equal(await q.call('nope'), undefined);
        t.equal(await q.isSampled('c7'), false);
      });
      t.equal(await qa.mayHear('c7'), false, 'nothing sampled yet');
      t.equal(await qa.mayReadOrder(1), false);
      await store.transaction((tx) => tx.insertSamples([{ callId: 'c7', agentId: 2, day: '2026-12-04', reason: 'unsatisfied' }], NOW));
      t.equal(await qa.mayHear('c7'), true, 'sampled');
      t.equal(await qa.mayHear('c9'), false);
      t.equal(await qa.mayReadOrder(1), true, 'an order one of whose calls is sampled');
      t.equal(await qa.mayReadOrder(3), false, 'an order whose call is neither sampled nor scored');
      await qa.score(lead, 'c9', filled(qa.form()));
      t.equal(await qa.mayHear('c9'), true, 'scored (not sampled)');

      const view = await qa.call(q1, 'c7');
      t.match(view, {
        call: { callId: 'c7', agentName: 'Agent Two' },
        order: { id: 1 },
        recordingId: 'r-stored',
        sample: { day: '2026-12-04', reason: 'unsatisfied' },
        scores: [],
      });
      t.notOk('outboundOrderId' in view.call, 'the view has no outboundOrderId');
      await t.rejects(qa.call(q1, 'c1'), { code: 'QA_CALL_NOT_FOUND' }, 'an inspector: not a call off the worklist');
      t.match(await qa.call(lead, 'c1'), { call: { callId: 'c1' }, order: null, recordingId: null, sample: null }, 'a shift lead: any call');
      await t.rejects(qa.call(lead, 'nope'), { code: 'QA_CALL_NOT_FOUND' });
    });
  });
}
