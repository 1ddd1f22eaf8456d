/**
 * The recorder on the recordings port (decision 0017): the domain events' handlers return at once
 * (no statement runs inside the emit, which is the call path's), a call that ends while its
 * recording is being started still has it stopped (its `end` waits for its `begin`), and a
 * database that fails is logged, not thrown at the emitter. Fake Asterisk, real SQLite port.
 */
import { Writable } from 'node:stream';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { RecordingConfigSchema } from '../../src/config/files/schemas/recording.js';
import { FsRecordingStorage, Recorder, RecordingsRepository, type RecordingsStore } from '../../src/recordings/index.js';
import type { RecordingTelephony } from '../../src/telephony/mixmonitor.js';
import { testApp } from '../helpers/app.js';
import { callWithOrder, endCall } from './fixture.js';

class FakeAsterisk implements RecordingTelephony {
  readonly started: string[] = [];
  readonly stopped: string[] = [];
  async start(channelId: string): Promise<void> {
    this.started.push(channelId);
  }
  async stop(channelId: string): Promise<void> {
    this.stopped.push(channelId);
  }
  async channelExists(): Promise<boolean> {
    return false;
  }
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

async function setup(t: Parameters<typeof testApp>[0], repo?: (app: Awaited<ReturnType<typeof testApp>>) => RecordingsRepository) {
  const app = await testApp(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-rec-order-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const asterisk = new FakeAsterisk();
  const errors: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      errors.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const recorder = new Recorder({
    repo: repo ? repo(app) : app.recordings.repo,
    telephony: asterisk,
    storage: new FsRecordingStorage(dir),
    spoolDir: dir,
    config: () => RecordingConfigSchema.parse({}),
    events: app.events,
    log: pino({ level: 'error' }, sink),
    quietMs: 60_000,
  });
  recorder.start();
  t.teardown(() => recorder.close());
  // The sweep at start is over (nothing pending: no later one): only `end` can stop a recording.
  await new Promise((r) => setTimeout(r, 20));
  await recorder.sweep();
  return { app, asterisk, recorder, errors };
}

const countRows = (app: Awaited<ReturnType<typeof testApp>>, callId: string) =>
  (app.db.sqlite.prepare('select count(*) as n from recordings where call_id = ?').get(callId) as { n: number }).n;

t.test('the answer’s handler returns before any statement runs; the recording follows', async (t) => {
  const { app, asterisk } = await setup(t);
  const { callId, channelId } = await callWithOrder(app);
  app.events.emit('call.updated', { callId, state: 'answered', agentId: null, at: Date.now() });
  t.equal(countRows(app, callId), 0, 'nothing written inside the emit');
  await until(() => asterisk.started.length > 0);
  t.same(asterisk.started, [channelId]);
  t.equal(countRows(app, callId), 1);
});

t.test('a call answered and ended at once: its end waits for the start under way, then stops it', async (t) => {
  const { app, asterisk } = await setup(t);
  const { callId, channelId } = await callWithOrder(app);
  app.events.emit('call.updated', { callId, state: 'answered', agentId: null, at: Date.now() });
  // On SQLite the update runs inside the call (appQuery): no turn of the event loop before the end's emit.
  const ended = endCall(app, callId);
  app.events.emit('call.updated', { callId, state: 'ended', agentId: null, at: Date.now() });
  await ended;
  await until(() => asterisk.stopped.length > 0);
  t.same(asterisk.started, [channelId], 'started');
  t.same(asterisk.stopped, [channelId], 'and stopped, not left running until a later sweep');
});

t.test('a database that fails is logged, not thrown at the emitter', async (t) => {
  const failing = (): RecordingsRepository =>
    new RecordingsRepository({
      dialect: 'sqlite',
      read: () => Promise.reject(new Error('database is gone')),
      transaction: () => Promise.reject(new Error('database is gone')),
    } satisfies RecordingsStore);
  const { app, asterisk, errors } = await setup(t, failing);
  const { callId } = await callWithOrder(app);
  t.doesNotThrow(() => app.events.emit('call.updated', { callId, state: 'answered', agentId: null, at: Date.now() }));
  await until(() => errors.some((e) => e['msg'] === 'recording could not start'));
  t.ok(
    errors.some((e) => e['msg'] === 'recording could not start' && e['callId'] === callId),
    'logged with the call',
  );
  t.same(asterisk.started, [], 'MixMonitor not started without its row');
});
