/**
 * The recordings repository on the async port (issue 16, decision 0017), run on both databases:
 * the same checks against a temp SQLite file and a real PostgreSQL (test/helpers/async-dialects.ts),
 * through RecordingsRepository (the rules above the port) and the store: what the recorder reads
 * of a call, one recording being written per call, stored and failed only while being written,
 * the retention's purge and its audit row together (once, also with two purges at once), every
 * access's audit row (a list's all together), the lists' order and the scope lookups.
 */
import { sql } from 'drizzle-orm';
import t from 'tap';
import { pgRecordingsStore, RecordingsRepository, sqliteRecordingsStore, type RecordingsStore } from '../../src/recordings/index.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const storeOf = (d: DialectDb): RecordingsStore => (d.dialect === 'sqlite' ? sqliteRecordingsStore(d.db) : pgRecordingsStore(d.db));

/** Statements that read the same in both dialects, one at a time. */
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

function call(id: string, o: { channel?: string | null; agent?: number | null; state?: string; out?: number; hotline?: string } = {}): string {
  const channel = o.channel === undefined ? `'ch-${id}'` : o.channel === null ? 'null' : `'${o.channel}'`;
  return `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, direction, order_id)
    values ('${id}', ${channel}, '13800138000', '${o.hotline ?? '12345'}', '${o.hotline ?? '12345'}', '${o.state ?? 'answered'}', ${o.agent ?? 'null'}, 1, 2,
    ${o.state === 'ended' ? 3 : 'null'}, '${o.out === undefined ? 'in' : 'out'}', ${o.out ?? 'null'})`;
}

function order(id: number, callId: string | null, lead: string | null, co: string[]): string {
  return `insert into work_orders (id, number, channel, call_id, status, lead_unit_id, co_unit_ids, created_at, updated_at)
    values (${id}, 'HZ-${id}', '12345', ${callId === null ? 'null' : `'${callId}'`}, 'dispatched', ${lead === null ? 'null' : `'${lead}'`}, '${JSON.stringify(co)}', 1, 1)`;
}

const recording = (id: string, callId: string, o: { orderId?: number | null; agentId?: number | null; startedAt?: number } = {}) => ({
  id,
  callId,
  orderId: o.orderId ?? null,
  agentId: o.agentId ?? null,
  hotline: '12345',
  state: 'recording' as const,
  channelId: `ch-${callId}`,
  spoolFile: `sunline/${id}.raw`,
  channels: 2,
  startedAt: o.startedAt ?? 1000,
});

const file = (key: string) => ({ storedAt: 5000, durationMs: 3000, sizeBytes: 96_044, sha256: 'ab'.repeat(32), storageKey: key });

/** Agents 1 and 2; an inbound call with its order, an outbound call made for order 1, a call without a channel, an ended call. */
async function seed(d: DialectDb): Promise<void> {
  await exec(d, [
    `insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent One', 'agent', 'x'), (2, 'a2', 'Agent Two', 'agent', 'x')`,
    call('in1', { agent: 1 }),
    order(1, 'in1', 'u-lead', ['u-co1', 'u-co2']),
    call('out1', { agent: 2, out: 1 }),
    call('nochan', { channel: null }),
    call('ended1', { agent: 1, state: 'ended' }),
    order(2, null, null, []),
    `insert into call_events (call_id, type, at, data) values ('in1', 'held', 10, '{}'), ('in1', 'answered', 11, '{}'), ('in1', 'resumed', 12, '{}'), ('out1', 'held', 13, '{}')`,
  ]);
}

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'recordings-store');

    t.test('what the recorder reads of a call: its channel, hotline, agent and order', async (t) => {
      const d = await open(t);
      await seed(d);
      const repo = new RecordingsRepository(storeOf(d));
      t.same(
        await repo.callToRecord('in1'),
        { callId: 'in1', channelId: 'ch-in1', hotline: '12345', agentId: 1, orderId: 1 },
        'an inbound call: its own order',
      );
      t.same(
        await repo.callToRecord('out1'),
        { callId: 'out1', channelId: 'ch-out1', hotline: '12345', agentId: 2, orderId: 1 },
        'an outbound call: the order it was made for',
      );
      t.equal(await repo.callToRecord('nochan'), undefined, 'no channel: nothing to record');
      t.equal(await repo.callToRecord('missing'), undefined);
      t.same(
        await repo.orderUnits(1),
        { leadUnitId: 'u-lead', coUnitIds: ['u-co1', 'u-co2'], confidential: false },
        'the units a scope check reads (JSON in both)',
      );
      t.same(await repo.orderUnits(2), { leadUnitId: null, coUnitIds: [], confidential: false });
      await exec(d, [`update work_orders set confidential = ${dialect === 'postgres' ? 'true' : '1'} where id = 2`]);
      t.same(await repo.orderUnits(2), { leadUnitId: null, coUnitIds: [], confidential: true }, 'a boolean in both');
      t.equal(await repo.orderUnits(99), undefined);
      t.same(await repo.holdEvents('in1'), [
        { type: 'held', at: 10 },
        { type: 'resumed', at: 12 },
      ]);
    });

    t.test('a recording being written: stored or failed once, only while being written', async (t) => {
      const d = await open(t);
      await seed(d);
      const repo = new RecordingsRepository(storeOf(d));
      await repo.insert(recording('r1', 'in1', { orderId: 1, agentId: 1 }));
      t.equal((await repo.activeFor('in1'))?.id, 'r1');
      t.equal(await repo.activeFor('out1'), undefined);
      t.same(await repo.pendingOfEndedCalls(), [], 'its call has not ended');
      await exec(d, [`update calls set state = 'ended', ended_at = 77 where id = 'in1'`]);
      t.same(
        (await repo.pendingOfEndedCalls()).map((r) => [r.id, r.callEndedAt]),
        [['r1', 77]],
        'a candidate once its call has ended',
      );
      t.equal(await repo.stored('r1', file('k1')), true);
      t.equal(await repo.failed('r1'), false, 'a stored recording does not fail afterwards');
      t.equal(await repo.stored('r1', file('k2')), false, 'nor is it stored twice');
      const r1 = await repo.get('r1');
      t.same([r1?.state, r1?.storageKey, r1?.sizeBytes, r1?.durationMs], ['stored', 'k1', 96_044, 3000]);
      t.equal(await repo.activeFor('in1'), undefined);
      t.same(await repo.pendingOfEndedCalls(), []);

      await repo.insert(recording('r2', 'out1'));
      t.equal(await repo.failed('r2'), true);
      t.equal((await repo.get('r2'))?.state, 'failed');
      await t.rejects(repo.insert(recording('r2', 'out1')), 'an id is written once');
    });

    t.test('the lists: by call, by order, an agent’s newest first', async (t) => {
      const d = await open(t);
      await seed(d);
      const repo = new RecordingsRepository(storeOf(d));
      await repo.insert(recording('b', 'in1', { orderId: 1, agentId: 1, startedAt: 2000 }));
      await repo.insert(recording('a', 'in1', { orderId: 1, agentId: 1, startedAt: 1000 }));
      await repo.insert(recording('c', 'out1', { orderId: 1, agentId: 2, startedAt: 3000 }));
      await repo.insert(recording('d', 'ended1', { agentId: 1, startedAt: 4000 }));
      t.same(
        (await repo.ofCall('in1')).map((r) => r.id),
        ['a', 'b'],
      );
      t.same(
        (await repo.ofOrder(1)).map((r) => r.id),
        ['a', 'b', 'c'],
      );
      t.same(
        (await repo.ofAgent(1, 2)).map((r) => r.id),
        ['d', 'b'],
        'newest first, the limit',
      );
      t.same(await repo.ofOrder(2), []);
    });

    t.test('the retention: expired oldest first; a purge and its audit row together, once', async (t) => {
      const d = await open(t);
      await seed(d);
      const store = storeOf(d);
      const repo = new RecordingsRepository(store);
      await repo.insert(recording('old', 'ended1', { startedAt: 100 }));
      await repo.stored('old', file('k-old'));
      await repo.insert(recording('older-failed', 'ended1', { startedAt: 50 }));
      await repo.failed('older-failed');
      await repo.insert(recording('young', 'ended1', { startedAt: 900 }));
      await repo.stored('young', file('k-young'));
      await repo.insert(recording('writing', 'in1', { startedAt: 10 }));
      t.same(
        (await repo.expired(500, 10)).map((r) => r.id),
        ['older-failed', 'old'],
        'stored or failed, started before, oldest first',
      );
      t.same(
        (await repo.expired(500, 1)).map((r) => r.id),
        ['older-failed'],
        'a batch',
      );

      // A transaction that fails after marking leaves the recording as it was.
      await t.rejects(
        store.transaction(async (tx) => {
          t.equal(await tx.markPurged('old', 777), true);
          throw new Error('storage said no');
        }),
        /storage said no/,
      );
      t.equal((await repo.get('old'))?.state, 'stored', 'rolled back');

      t.equal(await repo.purged('old', 777, { reason: 'retention', retentionDays: 1 }), true);
      t.equal(await repo.purged('old', 778, { reason: 'retention', retentionDays: 1 }), false, 'purged already: no second row');
      t.equal(await repo.purged('writing', 778, {}), false, 'a recording still being written is not purged');
      const old = await repo.get('old');
      t.same([old?.state, old?.purgedAt], ['purged', 777]);
      t.same(
        (await repo.auditOf('old')).map((a) => [a.action, a.actorId, a.at, a.range, a.details]),
        [['purge', null, 777, null, { reason: 'retention', retentionDays: 1 }]],
        'one audit row by the system, its details as JSON',
      );
      t.same(await repo.auditOf('writing'), []);

      // Two purges at once (two nodes' daily purges): one purge, one audit row.
      const both = await Promise.all([repo.purged('older-failed', 800, { node: 'a' }), repo.purged('older-failed', 801, { node: 'b' })]);
      t.same(both.sort(), [false, true], 'one of them purged it');
      t.equal((await repo.auditOf('older-failed')).length, 1, 'and wrote the one audit row');
      t.same(
        (await repo.expired(500, 10)).map((r) => r.id),
        [],
        'nothing left to purge',
      );
    });

    t.test('every access is one audit row, in order, kept', async (t) => {
      const d = await open(t);
      await seed(d);
      const repo = new RecordingsRepository(storeOf(d));
      await repo.insert(recording('r', 'in1'));
      await repo.audit({ at: 1, actorId: 1, action: 'play', recordingId: 'r', range: 'bytes=0-', details: { role: 'agent', status: 206 } });
      await repo.audit({ at: 2, actorId: 2, action: 'download', recordingId: 'r', range: null, details: { role: 'admin', status: 200 } });
      t.same(
        (await repo.auditOf('r')).map((a) => [a.at, a.actorId, a.action, a.range, a.details]),
        [
          [1, 1, 'play', 'bytes=0-', { role: 'agent', status: 206 }],
          [2, 2, 'download', null, { role: 'admin', status: 200 }],
        ],
      );
      await t.rejects(
        repo.audit({ at: 3, actorId: 1, action: 'play', recordingId: 'no-such', range: null, details: {} }),
        'an audit row names a recording that exists',
      );
      t.equal((await rows<{ n: number }>(d, 'select count(*) as n from recording_audit')).map((r) => Number(r.n))[0], 2);
    });

    t.test("a list's audit rows: one per recording, in order, all or none", async (t) => {
      const d = await open(t);
      await seed(d);
      const repo = new RecordingsRepository(storeOf(d));
      await repo.insert(recording('r1', 'in1'));
      await repo.insert(recording('r2', 'out1'));
      const row = (recordingId: string) => ({ at: 7, actorId: 1, action: 'list' as const, recordingId, range: null, details: { role: 'agent', list: 'mine' } });
      await repo.auditAll([]);
      t.same(await rows(d, 'select id from recording_audit'), [], 'an empty list writes nothing');
      await t.rejects(repo.auditAll([row('r1'), row('no-such')]), 'a row naming no recording fails the whole list');
      t.same(await rows(d, 'select id from recording_audit'), [], 'and the rows before it are not kept');
      await repo.auditAll([row('r2'), row('r1')]);
      t.same(
        (await rows<{ recording_id: string; action: string }>(d, 'select recording_id, action from recording_audit order by id')).map((r) => [
          r.recording_id,
          r.action,
        ]),
        [
          ['r2', 'list'],
          ['r1', 'list'],
        ],
        'in the order given',
      );
      t.same(
        (await repo.auditOf('r1')).map((a) => [a.at, a.actorId, a.action, a.range, a.details]),
        [[7, 1, 'list', null, { role: 'agent', list: 'mine' }]],
      );
    });
  });
}
