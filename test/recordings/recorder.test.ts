/**
 * The recorder with a fake Asterisk (the real one: test/telephony/recording.real.test.ts):
 * which calls are recorded, one recording per call, the stop at the call's end, and the move
 * of a finished spool file into storage — also by a later process, and never of a file still
 * being written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import type { Sunline } from '../../src/app.js';
import { RecordingConfigSchema, type RecordingConfig } from '../../src/config/files/schemas/recording.js';
import { FsRecordingStorage, Recorder } from '../../src/recordings/index.js';
import { parseWavHeader, WAV_HEADER_BYTES } from '../../src/recordings/wav.js';
import type { RecordingTelephony } from '../../src/telephony/mixmonitor.js';
import { appQuery } from '../helpers/app-database.js';
import { testApp } from '../helpers/app.js';
import { callWithOrder, endCall, numeric } from './fixture.js';

class FakeAsterisk implements RecordingTelephony {
  readonly started: Array<{ channelId: string; file: string }> = [];
  readonly stopped: string[] = [];
  failStart = false;
  constructor(private readonly spool: string) {}
  async start(channelId: string, file: string): Promise<void> {
    if (this.failStart) throw new Error('MixMonitor failed');
    this.started.push({ channelId, file });
    fs.mkdirSync(path.dirname(path.join(this.spool, file)), { recursive: true });
    fs.writeFileSync(path.join(this.spool, file), '');
  }
  async stop(channelId: string): Promise<void> {
    this.stopped.push(channelId);
  }
  async channelExists(): Promise<boolean> {
    return false;
  }
  /** Asterisk writes `seconds` of stereo audio (+ a partial frame a crash could leave) and stops. */
  write(file: string, seconds: number, ageMs = 10_000): Buffer {
    const pcm = Buffer.alloc(seconds * 8000 * 4 + 3);
    for (let i = 0; i < pcm.length - 3; i += 2) pcm.writeInt16LE((i * 37) % 20000, i);
    const p = path.join(this.spool, file);
    fs.writeFileSync(p, pcm);
    const old = new Date(Date.now() - ageMs);
    fs.utimesSync(p, old, old);
    return pcm;
  }
}

async function setup(t: { teardown(fn: () => unknown): void }, cfg: Partial<RecordingConfig> = {}) {
  const app: Sunline = await testApp(t);
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-spool-'));
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-store-'));
  t.teardown(() => {
    fs.rmSync(spool, { recursive: true, force: true });
    fs.rmSync(store, { recursive: true, force: true });
  });
  const asterisk = new FakeAsterisk(spool);
  const repo = app.recordings.repo;
  const config = RecordingConfigSchema.parse(cfg);
  const make = () =>
    new Recorder({
      repo,
      telephony: asterisk,
      storage: new FsRecordingStorage(store),
      spoolDir: spool,
      config: () => config,
      events: app.events,
      log: pino({ level: 'silent' }),
      quietMs: 500,
      missingAfterMs: 1000,
    });
  const recorder = make();
  t.teardown(() => recorder.close());
  return { app, asterisk, repo, recorder, make, spool, store };
}

const rows = async (app: Sunline, callId: string) =>
  numeric(await appQuery<Record<string, unknown>>(app, 'select * from recordings where call_id = ?', [callId]));

t.test('an answered call is recorded once; its end stops it and the finished file is stored as a WAV', async (t) => {
  const { app, asterisk, recorder, spool, store } = await setup(t);
  const { callId, orderId, channelId } = await callWithOrder(app, { agentId: null });
  const rec = await recorder.begin(callId);
  t.ok(rec);
  t.same(asterisk.started, [{ channelId, file: `sunline/${rec!.id}.raw` }], "MixMonitor on the caller's channel");
  t.same([rec!.state, rec!.orderId, rec!.hotline, rec!.channels], ['recording', orderId, '12345', 2]);
  t.equal(await recorder.begin(callId), undefined, 'answered again (a resumed call): no second recording');
  t.equal((await rows(app, callId)).length, 1);

  const pcm = asterisk.write(rec!.spoolFile, 3);
  await endCall(app, callId);
  await recorder.end(callId);
  t.same(asterisk.stopped, [channelId], 'stopped at the end of the call');
  await recorder.sweep();
  const [row] = await rows(app, callId);
  t.equal(row!['state'], 'stored');
  const file = fs.readFileSync(path.join(store, row!['storage_key'] as string));
  t.equal(file.length, WAV_HEADER_BYTES + 3 * 8000 * 4, 'whole frames only: the partial one a crash leaves is dropped');
  t.same(file.subarray(WAV_HEADER_BYTES), pcm.subarray(0, 3 * 8000 * 4), 'the audio as Asterisk wrote it');
  t.same(parseWavHeader(file), { channels: 2, sampleRate: 8000, bitsPerSample: 16, dataBytes: 3 * 8000 * 4 });
  t.equal(row!['size_bytes'], file.length);
  t.equal(row!['sha256'], createHash('sha256').update(file).digest('hex'));
  t.equal(row!['duration_ms'], 3000);
  t.notOk(fs.existsSync(path.join(spool, rec!.spoolFile)), 'the spool file is removed');
});

t.test('a hotline recording.yaml leaves out, or recording off, records nothing', async (t) => {
  const off = await setup(t, { disabledHotlines: ['12356'] });
  const { callId } = await callWithOrder(off.app, { hotline: '12356' });
  t.equal(await off.recorder.begin(callId), undefined);
  t.same(off.asterisk.started, []);
  const none = await setup(t, { enabled: false });
  t.equal(await none.recorder.begin((await callWithOrder(none.app)).callId), undefined);
  t.same(none.asterisk.started, []);
});

t.test('the answer and end of a call reach the recorder through the domain events', async (t) => {
  const { app, asterisk, recorder } = await setup(t);
  recorder.start();
  const { callId } = await callWithOrder(app);
  app.events.emit('call.updated', { callId, state: 'answered', agentId: null, at: Date.now() });
  for (let i = 0; i < 50 && asterisk.started.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(asterisk.started.length, 1);
  await endCall(app, callId);
  app.events.emit('call.updated', { callId, state: 'ended', agentId: null, at: Date.now() });
  for (let i = 0; i < 50 && asterisk.stopped.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(asterisk.stopped.length, 1);
});

t.test(
  "an outbound call's answer and end reach the recorder (call.outbound): MixMonitor on the citizen's channel, linked to the order called for",
  async (t) => {
    const { app, asterisk, recorder } = await setup(t);
    recorder.start();
    const { callId, orderId, channelId } = await callWithOrder(app);
    // An outbound call: its order is named on the call (calls.order_id), not the other way round.
    await appQuery(app, `update work_orders set call_id = null where id = ?`, [orderId]);
    await appQuery(app, `update calls set direction = 'out', order_id = ? where id = ?`, [orderId, callId]);
    const view = { callId, agentId: 1, orderId, orderNumber: 'X', number: '13800138000', startedAt: 1, answeredAt: 2, at: 2 };
    app.events.emit('call.outbound', { ...view, state: 'ringing', result: null });
    await new Promise((r) => setTimeout(r, 50));
    t.same(asterisk.started, [], 'nothing recorded while it rings');
    app.events.emit('call.outbound', { ...view, state: 'answered', result: 'answered' });
    for (let i = 0; i < 50 && asterisk.started.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.equal(asterisk.started[0]?.channelId, channelId);
    t.equal((await rows(app, callId))[0]?.['order_id'], orderId, 'linked to the order');
    await endCall(app, callId);
    app.events.emit('call.outbound', { ...view, state: 'ended', result: 'answered', reason: 'agent_hangup' });
    for (let i = 0; i < 50 && asterisk.stopped.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.same(asterisk.stopped, [channelId], 'stopped at the end');
  },
);

t.test('a call that ended while we were away is stopped and stored by the next process; a file still growing waits', async (t) => {
  const { app, asterisk, recorder, make } = await setup(t);
  const { callId, channelId } = await callWithOrder(app);
  const rec = await recorder.begin(callId);
  await recorder.close(); // our process dies mid-call
  await endCall(app, callId); // the next process's reconcile ended the call
  asterisk.write(rec!.spoolFile, 1, 0); // Asterisk still writing a moment ago
  const next = make();
  t.teardown(() => next.close());
  await next.sweep();
  t.same(asterisk.stopped, [channelId], 'the next process stops it');
  t.equal((await rows(app, callId))[0]!['state'], 'recording', 'a file changed within quietMs is left alone');
  asterisk.write(rec!.spoolFile, 2);
  await next.sweep();
  t.equal((await rows(app, callId))[0]!['state'], 'stored');
  t.equal((await rows(app, callId))[0]!['duration_ms'], 2000);
});

t.test('a recording Asterisk could not start, or whose file never appears, is failed', async (t) => {
  const { app, asterisk, recorder, spool } = await setup(t);
  asterisk.failStart = true;
  const a = await callWithOrder(app);
  t.equal((await recorder.begin(a.callId))!.state, 'failed');
  asterisk.failStart = false;
  const b = await callWithOrder(app);
  const rec = await recorder.begin(b.callId);
  fs.rmSync(path.join(spool, rec!.spoolFile));
  await endCall(app, b.callId, Date.now() - 5000);
  await recorder.sweep();
  t.equal((await rows(app, b.callId))[0]!['state'], 'failed');
});
