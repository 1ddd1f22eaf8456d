/**
 * Call recording against a real Asterisk (issue 13 items 1–2): a sipp caller talking (a 440 Hz
 * tone) is answered by an agent; MixMonitor records the caller's channel from the answer to the
 * end; the file lands in SUNLINE_DATA_DIR/recordings as a 2-channel WAV of the call's length
 * (citizen left: the tone; agent right: silence, then music on hold while held), its row with
 * the file's size and sha256; playback with ranges, refusals by scope, and the audit log. A
 * crash of our server mid-call loses nothing: Asterisk keeps writing and the next process
 * stores the whole call.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { placeCall, toneFile } from '../../tools/sipp.js';
import type { AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import type { Sunline } from '../../src/app.js';
import type { ScreenPop } from '../../src/contract/index.js';
import { parseWavHeader, WAV_HEADER_BYTES } from '../../src/recordings/wav.js';
import { ari, command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

type Teardown = { teardown(fn: () => unknown): void };
type Row = { id: string; state: string; call_id: string; duration_ms: number; size_bytes: number; sha256: string; storage_key: string; channels: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dataEnv(t: Teardown, asterisk: AsteriskSandbox): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-rec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // SUNLINE_RECORDING_SPOOL_DIR comes from sandboxEnv: the chroot's <instance>/spool/monitor, where MixMonitor writes.
  return { SUNLINE_DATA_DIR: dir, SPOOL: path.join(asterisk.instDir, 'spool', 'monitor') };
}

async function started(t: Teardown, asterisk: AsteriskSandbox, env: Record<string, string>): Promise<Sunline & { url: string }> {
  const app = await server(t, asterisk, env);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  return app;
}

const recordingOf = (app: Sunline, callId: string) => app.db.sqlite.prepare('select * from recordings where call_id = ?').all(callId) as Row[];

/** RMS of one channel (0 left, 1 right) of 16-bit stereo PCM over [fromMs, toMs). */
function rms(pcm: Buffer, channel: 0 | 1, fromMs: number, toMs: number): number {
  const from = Math.floor((fromMs * 8000) / 1000);
  const to = Math.min(Math.floor((toMs * 8000) / 1000), pcm.length / 4);
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm.readInt16LE(i * 4 + channel * 2) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

async function answered(t: Teardown, asterisk: AsteriskSandbox, app: Sunline & { url: string }, username: string, callerId: string, dir: string) {
  const agent = await consoleFor(t, app, username, 'agent');
  await command(agent.socket, 'agent:login', {});
  const offered = next(agent.socket, 'call:offered');
  const sipp = placeCall({ sip: asterisk.sip, number: '12345', callerId, holdMs: 90_000, audioFile: toneFile(dir, 440, 2) });
  t.teardown(() => sipp.kill());
  const pop = (await offered) as ScreenPop;
  await command(agent.socket, 'call:answer', { callId: pop.callId });
  return { agent, pop };
}

t.test('an answered call is recorded from answer to hang-up as a 2-channel WAV; played back by range, in scope, audited', async (t) => {
  const asterisk = await sandbox(t);
  const env = dataEnv(t, asterisk);
  const app = await started(t, asterisk, env);
  const { agent, pop } = await answered(t, asterisk, app, 'agent-rec', '13700001111', env['SUNLINE_DATA_DIR']!);
  const answeredAt = Date.now();
  const rec = await until('recording row', () => recordingOf(app, pop.callId)[0]);
  t.equal(rec.state, 'recording', 'the row is written when the recording starts');
  await until('MixMonitor writing in the spool', () => fs.existsSync(path.join(env['SPOOL']!, 'sunline', `${rec.id}.raw`)) || undefined);

  await sleep(3000);
  await command(agent.socket, 'call:hold', { callId: pop.callId, held: true });
  await sleep(2500);
  await command(agent.socket, 'call:hold', { callId: pop.callId, held: false });
  await sleep(2000);
  const ended = next(agent.socket, 'call:update', (u) => u.callId === pop.callId && u.state === 'ended');
  await command(agent.socket, 'call:hangup', { callId: pop.callId });
  await ended;
  const talkMs = Date.now() - answeredAt;

  const row = await until('stored', () => recordingOf(app, pop.callId).find((r) => r.state === 'stored'), 30_000);
  t.equal(recordingOf(app, pop.callId).length, 1, 'one recording for the call');
  const file = path.join(env['SUNLINE_DATA_DIR']!, 'recordings', row.storage_key);
  t.match(row.storage_key, /^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]+\.wav$/, 'stored under a dated key in SUNLINE_DATA_DIR/recordings');
  const bytes = fs.readFileSync(file);
  t.equal(bytes.length, row.size_bytes, 'size in the row');
  t.equal(createHash('sha256').update(bytes).digest('hex'), row.sha256, 'sha256 in the row');
  const wav = parseWavHeader(bytes);
  t.same(
    wav && { channels: wav.channels, sampleRate: wav.sampleRate, bits: wav.bitsPerSample },
    { channels: 2, sampleRate: 8000, bits: 16 },
    'a 2-channel WAV',
  );
  t.equal(wav?.dataBytes, bytes.length - WAV_HEADER_BYTES);
  const durationMs = ((bytes.length - WAV_HEADER_BYTES) / 4 / 8000) * 1000;
  t.ok(Math.abs(durationMs - talkMs) < 1500, `about the call's length (${Math.round(durationMs)} ms recorded, ${talkMs} ms talked)`);
  t.ok(Math.abs(row.duration_ms - durationMs) < 2, 'duration in the row');
  t.notOk(fs.existsSync(path.join(env['SPOOL']!, 'sunline', `${row.id}.raw`)), "Asterisk's spool file removed");

  // Channels: the caller's tone on the left; the agent (no browser here) silent on the right
  // except while the caller is held and hears music on hold.
  const pcm = bytes.subarray(WAV_HEADER_BYTES);
  const [citizen, agentSide] = [rms(pcm, 0, 500, 2500), rms(pcm, 1, 500, 2500)];
  t.ok(citizen > 1000, `the citizen's channel carries the caller's audio (rms ${Math.round(citizen)})`);
  t.ok(agentSide < 200, `the agent's channel is silent before the hold (rms ${Math.round(agentSide)})`);

  const lead = await consoleFor(t, app, 'lead-rec', 'shift_lead');
  const list = await fetch(`${app.url}/api/recordings?callId=${pop.callId}`, { headers: { cookie: lead.cookie } });
  t.equal(list.status, 200);
  const items = ((await list.json()) as { items: Array<{ id: string; holds: Array<{ fromMs: number; toMs: number }>; orderId: number }> }).items;
  t.equal(items.length, 1);
  t.equal(items[0]!.orderId, pop.draftOrder.id, "linked to the call's order");
  t.equal(items[0]!.holds.length, 1, 'the hold is marked');
  const hold = items[0]!.holds[0]!;
  t.ok(
    hold.fromMs > 2000 && hold.fromMs < 5000 && hold.toMs - hold.fromMs > 1500 && hold.toMs - hold.fromMs < 4000,
    `hold mark ${hold.fromMs}–${hold.toMs} ms`,
  );
  t.ok(rms(pcm, 1, hold.fromMs + 300, hold.toMs - 300) > 100, 'music on hold on the agent side during the hold mark');
  const byOrder = await fetch(`${app.url}/api/recordings?orderId=${pop.draftOrder.id}`, { headers: { cookie: agent.cookie } });
  t.equal(((await byOrder.json()) as { items: unknown[] }).items.length, 1, "the agent lists their own call's recording by order");

  const url = `${app.url}/api/recordings/${row.id}`;
  const part = await fetch(url, { headers: { cookie: lead.cookie, range: 'bytes=0-99' } });
  t.equal(part.status, 206);
  t.equal(part.headers.get('accept-ranges'), 'bytes');
  t.equal(part.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
  t.same(Buffer.from(await part.arrayBuffer()), bytes.subarray(0, 100), 'the first 100 bytes');
  const tail = await fetch(url, { headers: { cookie: agent.cookie, range: `bytes=${bytes.length - 10}-` } });
  t.equal(tail.status, 206, 'the agent plays their own call');
  t.same(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 10));
  const whole = await fetch(`${url}?download=1`, { headers: { cookie: lead.cookie } });
  t.equal(whole.status, 200);
  t.match(whole.headers.get('content-disposition') ?? '', /^attachment/);
  t.equal(Buffer.from(await whole.arrayBuffer()).length, bytes.length);
  const bad = await fetch(url, { headers: { cookie: lead.cookie, range: `bytes=${bytes.length}-` } });
  t.equal(bad.status, 416);
  t.equal(bad.headers.get('content-range'), `bytes */${bytes.length}`);
  t.equal(((await bad.json()) as { error: { code: string } }).error.code, 'RANGE_NOT_SATISFIABLE');

  const other = await consoleFor(t, app, 'agent-other', 'agent');
  const refused = await fetch(url, { headers: { cookie: other.cookie, range: 'bytes=0-' } });
  t.equal(refused.status, 404, "another agent does not hear someone else's call");
  t.equal(((await refused.json()) as { error: { code: string } }).error.code, 'RECORDING_NOT_FOUND');

  const audit = app.db.sqlite.prepare('select actor_id, action, range from recording_audit where recording_id = ? order by id').all(row.id);
  t.same(
    audit,
    [
      { actor_id: lead.id, action: 'list', range: null },
      { actor_id: agent.id, action: 'list', range: null },
      { actor_id: lead.id, action: 'play', range: 'bytes=0-99' },
      { actor_id: agent.id, action: 'play', range: `bytes=${bytes.length - 10}-` },
      { actor_id: lead.id, action: 'download', range: null },
    ],
    'every list, playback and download audited; a refused range or agent heard nothing and left no row',
  );
});

t.test('a recording being written while our server crashes is stored whole by the next process', async (t) => {
  const asterisk = await sandbox(t);
  const env = dataEnv(t, asterisk);
  const first = await started(t, asterisk, env);
  const { pop } = await answered(t, asterisk, first, 'agent-crash', '13700002222', env['SUNLINE_DATA_DIR']!);
  const answeredAt = Date.now();
  const rec = await until('recording row', () => recordingOf(first, pop.callId)[0]);
  await sleep(2000);
  // A crash: both connections cut before closing, nothing handed over.
  await Promise.all([first.calls.ari!.close(), first.calls.ami!.close()]);
  await first.close();
  await sleep(3000);

  const second = await started(t, asterisk, env);
  await until('the call is live again', () => second.calls.center!.live.get(pop.callId));
  await sleep(1000);
  const callerChannel = second.db.sqlite.prepare('select channel_id from calls where id = ?').get(pop.callId) as { channel_id: string };
  await ari(asterisk, 'DELETE', `/channels/${callerChannel.channel_id}`);
  const talkMs = Date.now() - answeredAt;
  const row = await until('stored by the second process', () => recordingOf(second, pop.callId).find((r) => r.state === 'stored'), 30_000);
  t.equal(row.id, rec.id, 'the same recording');
  t.equal(recordingOf(second, pop.callId).length, 1, 'no second recording for the resumed call');
  const bytes = fs.readFileSync(path.join(env['SUNLINE_DATA_DIR']!, 'recordings', row.storage_key));
  const durationMs = ((bytes.length - WAV_HEADER_BYTES) / 4 / 8000) * 1000;
  t.ok(Math.abs(durationMs - talkMs) < 1500, `the whole call, our downtime included (${Math.round(durationMs)} ms of ${talkMs} ms)`);
  t.equal(createHash('sha256').update(bytes).digest('hex'), row.sha256);
});
