/** The retention purge with a fake clock: files past retentionDays deleted, rows kept as purged, one audit row each. */
import { Readable } from 'node:stream';
import t from 'tap';
import pino from 'pino';
import { purgeExpired } from '../../src/recordings/index.js';
import { DAY_MS, startDailyPurge } from '../../src/recordings/retention.js';
import { recordingKey } from '../../src/recordings/storage.js';
import { appQuery } from '../helpers/app-database.js';
import { testApp } from '../helpers/app.js';
import { callWithOrder, numeric } from './fixture.js';

/** A jsonb column: text on SQLite, parsed already on PostgreSQL. */
const detailsOf = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;

t.test('recordings older than the retention are deleted and audited; younger ones stay', async (t) => {
  const app = await testApp(t);
  const now = Date.parse('2029-12-05T02:00:00Z');
  const repo = app.recordings.repo;
  const add = async (id: string, ageDays: number, state: 'stored' | 'recording' | 'failed' = 'stored') => {
    const startedAt = now - ageDays * DAY_MS;
    const key = recordingKey(id, startedAt);
    if (state === 'stored') await app.recordings.storage.put(key, Readable.from([Buffer.from('RIFF....')]));
    await repo.insert({
      id,
      callId: (await callWithOrder(app, { state: 'ended' })).callId,
      hotline: '12345',
      state: state === 'stored' ? 'recording' : state,
      channelId: 'c',
      spoolFile: 'sunline/x.raw',
      channels: 2,
      startedAt,
    });
    if (state === 'stored') await repo.stored(id, { storedAt: startedAt, durationMs: 1, sizeBytes: 8, sha256: 'ab', storageKey: key });
    return key;
  };
  const oldKey = await add('old', 1096);
  const keptKey = await add('kept', 1094);
  await add('old-failed', 2000, 'failed');
  await add('old-still-recording', 2000, 'recording');

  const n = await purgeExpired({ repo, storage: app.recordings.storage, retentionDays: () => 1095, log: pino({ level: 'silent' }), now: () => now });
  t.equal(n, 2);
  t.equal(await app.recordings.storage.size(oldKey), null, 'the old file is deleted');
  t.equal(await app.recordings.storage.size(keptKey), 8, 'a younger file stays');
  const states = Object.fromEntries(
    numeric(await appQuery<{ id: string; state: string; purged_at: number | null }>(app, 'select id, state, purged_at from recordings')).map((r) => [
      r.id,
      [r.state, r.purged_at],
    ]),
  );
  t.same(states, { old: ['purged', now], kept: ['stored', null], 'old-failed': ['purged', now], 'old-still-recording': ['recording', null] });
  const audit = await appQuery(app, "select recording_id, actor_id, action, details from recording_audit where action = 'purge' order by id");
  t.same(
    audit.map((a) => [a['recording_id'], a['actor_id'], detailsOf(a['details']).retentionDays]),
    [
      ['old-failed', null, 1095],
      ['old', null, 1095],
    ],
    'one audit row by the system for each',
  );
  t.equal(
    await purgeExpired({ repo, storage: app.recordings.storage, retentionDays: () => 1095, log: pino({ level: 'silent' }), now: () => now }),
    0,
    'nothing twice',
  );
});

t.test('the purge runs by itself on its timer', async (t) => {
  const app = await testApp(t);
  const repo = app.recordings.repo;
  await repo.insert({
    id: 'r',
    callId: (await callWithOrder(app, { state: 'ended' })).callId,
    hotline: '12345',
    state: 'failed',
    channelId: 'c',
    spoolFile: 's',
    channels: 2,
    startedAt: 0,
  });
  const timer = startDailyPurge({ repo, storage: app.recordings.storage, retentionDays: () => 1, log: pino({ level: 'silent' }), firstMs: 10 });
  t.teardown(() => timer.stop());
  for (let i = 0; i < 100 && (await repo.get('r'))?.state !== 'purged'; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal((await repo.get('r'))?.state, 'purged');
});
