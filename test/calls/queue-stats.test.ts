/**
 * Today's queue statistics against a real SQLite file, with calls written through the real
 * CallsRepository (the same rows the call centre writes): the 15-second boundary, abandons at
 * the front door and in the queue, the Shanghai midnight, per-hotline counts; and the throttled
 * `queue.stats` domain event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { QueueStatsService, queueStatsAt, queueStatsRead } from '../../src/calls/queue-stats.js';
import { CallWrites } from '../../src/calls/call-writes.js';
import { copyToPostgres } from '../../src/db/copy-to-postgres.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { dbReportReader } from '../../src/reports/report-read.js';
import { pgReportReader } from '../../src/reports/report-read-pg.js';
import { startPostgres } from '../helpers/postgres.js';
import { shanghaiDayStart } from '../../src/lib/shanghai-time.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { createLogger } from '../../src/logging/logger.js';
import type { QueueStats } from '../../src/contract/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';

const S = 1000;
const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const MIDNIGHT = Date.parse('2026-11-26T00:00:00+08:00');
const SYSTEM: Actor = { id: 9, role: 'admin', unitId: null };
const log = createLogger({ level: 'silent' });

function setup(t: { teardown(fn: () => unknown): void }): { h: DbHandle; repo: CallsRepository } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-stats-'));
  const h = openDb({ file: path.join(dir, 'stats.db') });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, password_hash) values (9, 'system', 'System', 'admin', 'x');
  `);
  return { h, repo: new CallsRepository(new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW)) };
}

let seq = 0;
/** A call through the repository: entered at `at`, queued `queueAfterMs` later (null: never queued). */
async function enter(repo: CallsRepository, at: number, hotline = '12345', queueAfterMs: number | null = 2 * S) {
  const callId = `call-${++seq}`;
  const created = await repo.createInbound({
    callId,
    channelId: `ch-${seq}`,
    callerPhone: `1380013${String(seq).padStart(4, '0')}`,
    callerName: null,
    dialled: hotline,
    hotline,
    at,
    state: 'entered',
  });
  if (queueAfterMs !== null) repo.queued(callId, at + queueAfterMs);
  await repo.flushed();
  return { callId, orderId: created.orderId, queuedAt: queueAfterMs === null ? null : at + queueAfterMs };
}

t.test('shanghaiDayStart: Shanghai midnight whatever the host time zone', async (t) => {
  t.equal(shanghaiDayStart(NOW), MIDNIGHT);
  t.equal(shanghaiDayStart(MIDNIGHT), MIDNIGHT, 'midnight itself starts the day');
  t.equal(shanghaiDayStart(MIDNIGHT - 1), MIDNIGHT - 86_400_000, 'a millisecond before is yesterday');
  t.equal(new Date(MIDNIGHT).toISOString(), '2026-11-25T16:00:00.000Z');
});

t.test('no calls today: zeros and no rates', async (t) => {
  const { h } = setup(t);
  const s = queueStatsAt(h.db, NOW);
  t.match(s, { at: NOW, dayStart: MIDNIGHT, callsIn: 0, answered: 0, answeredWithin15s: 0, abandonedInQueue: 0, abandonedAtFrontDoor: 0 });
  t.equal(s.answerRate15s, null);
  t.equal(s.abandonRate, null);
  t.equal(s.avgAnswerWaitMs, null);
  t.equal(s.maxAnswerWaitMs, null);
  t.same(s.byHotline, []);
});

t.test('15-second answer rate, abandons, waits, per hotline; yesterday excluded', async (t) => {
  const { h, repo } = setup(t);
  const base = MIDNIGHT + 8 * 3600 * S; // 08:00 today
  // Answered 10 s after joining the queue (the 2 s greeting does not count): within 15 s.
  const a = await enter(repo, base);
  repo.answered(a.callId, a.orderId, 1, a.queuedAt! + 10 * S);
  await repo.flushed();
  // Answered exactly at 15 s: within.
  const b = await enter(repo, base + 60 * S, '12315');
  repo.answered(b.callId, b.orderId, 1, b.queuedAt! + 15 * S);
  await repo.flushed();
  // Answered at 16 s: not within.
  const c = await enter(repo, base + 120 * S, '12315');
  repo.answered(c.callId, c.orderId, 1, c.queuedAt! + 16 * S);
  await repo.flushed();
  // Hung up in the queue after 40 s.
  const d = await enter(repo, base + 180 * S);
  repo.abandoned(d.callId, d.orderId, d.queuedAt! + 40 * S, SYSTEM, 'queue');
  await repo.flushed();
  // Hung up during the greeting (never queued).
  const e = await enter(repo, base + 240 * S, '12345', null);
  repo.abandoned(e.callId, e.orderId, base + 243 * S, SYSTEM, 'front_door');
  await repo.flushed();
  // Still waiting in the queue.
  await enter(repo, NOW - 5 * S, '12333');
  // Yesterday, one second before the Shanghai midnight: answered at 10 s and abandoned; excluded.
  const y1 = await enter(repo, MIDNIGHT - S);
  repo.answered(y1.callId, y1.orderId, 1, y1.queuedAt! + 10 * S);
  await repo.flushed();
  const y2 = await enter(repo, MIDNIGHT - 30 * S);
  repo.abandoned(y2.callId, y2.orderId, MIDNIGHT + 5 * S, SYSTEM, 'queue');
  await repo.flushed();
  // At midnight exactly: today.
  const m = await enter(repo, MIDNIGHT, '12333');
  repo.abandoned(m.callId, m.orderId, m.queuedAt! + 3 * S, SYSTEM, 'queue');
  await repo.flushed();
  // Tomorrow (a clock running ahead) is not today either.
  await enter(repo, MIDNIGHT + 86_400_000 + S);

  const s = queueStatsAt(h.db, NOW);
  t.equal(s.callsIn, 7, 'a, b, c, d, e, the one waiting and the one at midnight');
  t.equal(s.answered, 3);
  t.equal(s.answeredWithin15s, 2, '10 s and 15 s count, 16 s does not');
  t.equal(s.answerRate15s, 2 / 3);
  t.equal(s.abandonedInQueue, 2, 'd and the midnight call');
  t.equal(s.abandonedAtFrontDoor, 1, 'e');
  t.equal(s.abandonRate, 2 / 6, 'abandoned in the queue ÷ entered the queue (front-door abandon left out)');
  t.equal(s.avgAnswerWaitMs, Math.round(((10 + 15 + 16) * S) / 3), 'ASA from the queue join');
  t.equal(s.maxAnswerWaitMs, 16 * S);
  const named = queueStatsAt(h.db, NOW, (n) => (n === '12315' ? { zh: '消费者投诉', en: 'Consumer complaints' } : null));
  t.same(named.byHotline.find((x) => x.hotline === '12315')?.name, { zh: '消费者投诉', en: 'Consumer complaints' }, 'hotline names from numbers.yaml');
  t.equal(named.byHotline.find((x) => x.hotline === '12333')?.name, null, 'a number no longer listed has no name');
  t.same(
    s.byHotline.map((x) => [x.hotline, x.callsIn, x.answered, x.answeredWithin15s, x.abandonedInQueue, x.abandonedAtFrontDoor]),
    [
      ['12345', 3, 1, 1, 1, 1],
      ['12315', 2, 2, 1, 0, 0],
      ['12333', 2, 0, 0, 1, 0],
    ],
    'per hotline, busiest first',
  );

  const yesterday = queueStatsAt(h.db, MIDNIGHT - 1);
  t.equal(yesterday.callsIn, 2, 'yesterday has its own two calls');
  t.equal(yesterday.answeredWithin15s, 1);
  t.equal(yesterday.abandonedInQueue, 1, 'an abandon after midnight belongs to the day the call entered');
  // The same figures from PostgreSQL: the rows copied (sunline db copy-to-postgres), the read run by the PostgreSQL reader.
  const server = await startPostgres(t);
  const url = await server.createDatabase('queue_stats');
  h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await copyToPostgres({ sqliteFile: h.file, url });
  const pgh = await openPostgres({ url, max: 2 });
  t.teardown(() => pgh.close());
  const pg = pgReportReader(postgresAsync(pgh));
  const hotlineName = (n: string) => (n === '12315' ? { zh: '消费者投诉', en: 'Consumer complaints' } : null);
  t.same(await pg.read(() => queueStatsRead(NOW, hotlineName)), named, 'PostgreSQL: today, the same figures');
  t.same(await pg.read(() => queueStatsRead(MIDNIGHT - 1)), yesterday, 'PostgreSQL: yesterday, the same figures');
});

t.test('an answer without a recorded queue join waits from entering', async (t) => {
  const { h, repo } = setup(t);
  const a = await enter(repo, MIDNIGHT + 3600 * S, '12345', null);
  repo.answered(a.callId, a.orderId, 1, MIDNIGHT + 3600 * S + 20 * S);
  await repo.flushed();
  const s = queueStatsAt(h.db, NOW);
  t.equal(s.answered, 1);
  t.equal(s.answeredWithin15s, 0);
  t.equal(s.maxAnswerWaitMs, 20 * S);
});

t.test('the service publishes queue.stats after calls change, at most once per throttle window', async (t) => {
  const { h, repo } = setup(t);
  const events = new DomainEvents();
  const svc = new QueueStatsService({ reads: dbReportReader(h.db), settled: () => repo.flushed(), events, log, now: () => NOW, throttleMs: 300 });
  t.teardown(() => svc.close());
  const got: QueueStats[] = [];
  events.on('queue.stats', (s) => got.push(s));
  t.equal(svc.current().callsIn, 0, 'before any computation: today without calls');
  t.equal((await svc.fresh()).callsIn, 0);

  await enter(repo, NOW - 10 * S);
  events.emit('queue.changed', { at: NOW });
  events.emit('call.updated', { callId: 'x', state: 'answered', agentId: 1, at: NOW });
  await new Promise((r) => setTimeout(r, 50));
  t.equal(got.length, 1, 'a burst becomes one publication');
  t.equal(got[0]!.callsIn, 1, 'computed after the change');

  // Within the window: held back, then one publication with the latest figures.
  await enter(repo, NOW - 5 * S);
  events.emit('queue.changed', { at: NOW });
  await enter(repo, NOW - 4 * S);
  events.emit('queue.changed', { at: NOW });
  await new Promise((r) => setTimeout(r, 100));
  t.equal(got.length, 1, 'not again within the window');
  await new Promise((r) => setTimeout(r, 350));
  t.equal(got.length, 2, 'one more after the window');
  t.equal(got[1]!.callsIn, 3);

  svc.close();
  events.emit('queue.changed', { at: NOW });
  await new Promise((r) => setTimeout(r, 50));
  t.equal(got.length, 2, 'nothing after close');
  t.equal(events.listenerCount('queue.changed'), 0, 'unsubscribed');
});

t.test('at Shanghai midnight the service publishes the new day (counters start again)', async (t) => {
  const { h, repo } = setup(t);
  const clock = { now: MIDNIGHT + 86_400_000 - 100 }; // 23:59:59.900
  await enter(repo, clock.now - 60 * S);
  const events = new DomainEvents();
  const svc = new QueueStatsService({ reads: dbReportReader(h.db), events, log, now: () => clock.now });
  t.teardown(() => svc.close());
  t.equal((await svc.fresh()).callsIn, 1, 'before midnight: today has the call');
  t.equal(svc.current().callsIn, 1, 'kept as the latest');
  const published = new Promise<QueueStats>((resolve) => events.once('queue.stats', resolve));
  setTimeout(() => (clock.now = MIDNIGHT + 86_400_000 + 10), 100);
  const alive = setTimeout(() => undefined, 5000); // the service's timers are unref'd
  t.teardown(() => clearTimeout(alive));
  const s = await published;
  t.equal(s.dayStart, MIDNIGHT + 86_400_000, 'the new day');
  t.equal(s.callsIn, 0, 'starts from zero');
});

t.test('outbound calls (callbacks, 回访) are not calls in: the statistics count inbound calls only', async (t) => {
  const { h, repo } = setup(t);
  const base = MIDNIGHT + 9 * 3600 * S;
  const inbound = await enter(repo, base);
  repo.answered(inbound.callId, inbound.orderId, 1, base + 5 * S);
  await repo.flushed();
  const out = await enter(repo, base + 60 * S, '12345', null);
  h.sqlite.prepare("update calls set direction = 'out', answered_at = ?, agent_id = 1 where id = ?").run(base + 70 * S, out.callId);
  const s = queueStatsAt(h.db, NOW);
  t.match(s, { callsIn: 1, answered: 1, answeredWithin15s: 1 });
  t.equal(s.byHotline.length, 1);
  t.equal(s.byHotline[0]?.callsIn, 1);
});

t.test('a publication waits for the call writes queued before it: the figures include the change announced', async (t) => {
  const { h } = setup(t);
  const writes = new CallWrites({ log });
  const repo = new CallsRepository(new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => NOW), writes);
  const events = new DomainEvents();
  const svc = new QueueStatsService({ reads: dbReportReader(h.db), settled: () => writes.flushed(), events, log, now: () => NOW, throttleMs: 0 });
  t.teardown(() => svc.close());
  // A write that takes its time (a database under load) holds the queue; the call is entered behind it.
  let release!: () => void;
  void writes.write('slow', {}, () => new Promise<void>((r) => (release = r)));
  const entered = enter(repo, NOW - 10 * S);
  const published = new Promise<QueueStats>((resolve) => events.once('queue.stats', resolve));
  events.emit('queue.changed', { at: NOW });
  await new Promise((r) => setTimeout(r, 50));
  release();
  await entered;
  const s = await published;
  t.equal(s.callsIn, 1, 'the call written after the announcement is counted');
  t.equal(svc.current().callsIn, 1);
  t.equal((await svc.fresh()).callsIn, 1, 'fresh() too');
});
