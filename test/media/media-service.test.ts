/**
 * The media service against the real mediasoup worker (fast: no Asterisk, no browser). The
 * Asterisk side is a UDP socket standing in for the externalMedia channel; the real-Asterisk
 * and browser tests (call-audio.real.test.ts, test/browser/call-audio.test.ts) cover the rest.
 */
import t, { type Test } from 'tap';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { AgentSessions, type MediaSignal } from '../../src/media/agent-sessions.js';
import { CallAudio } from '../../src/media/call-audio.js';
import { MediaWorker } from '../../src/media/media-worker.js';
import { startMedia } from '../../src/media/index.js';
import type { ExternalMedia } from '../../src/telephony/external-media.js';
import { fakeRtpPeer, mediaEnv, rtpPacket, sleep, workerBin } from '../helpers/media.js';

const log = createLogger({ level: 'silent' });
const MIC_RTP = { codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1 }], encodings: [{ ssrc: 4242 }] };

type Signal = { socketId: string; event: string; payload: unknown };

async function rig(t: Test, retryMs?: number[]) {
  const env = mediaEnv();
  const worker = new MediaWorker(env, log, { initialMs: 50 });
  await worker.start();
  t.teardown(() => worker.close());
  const sessions = new AgentSessions(worker, env, log);
  const signals: Signal[] = [];
  const signal: MediaSignal = (socketId, event, payload) => void signals.push({ socketId, event, payload });
  sessions.setSignal(signal);
  const asterisk = await fakeRtpPeer();
  t.teardown(() => asterisk.close());
  const opened: { bridgeId: string; to: { ip: string; port: number } }[] = [];
  const closed: string[] = [];
  /** How the fake externalMedia behaves next: fail (ARI refused), or answer after a delay. */
  const ari = { fail: false, delayMs: 0 };
  const external = {
    open: async (bridgeId: string, to: { ip: string; port: number }) => {
      if (ari.delayMs) await sleep(ari.delayMs);
      if (ari.fail) throw Object.assign(new Error('bridge gone'), { code: 'ARI_NOT_FOUND', statusCode: 404 });
      opened.push({ bridgeId, to });
      return { channelId: `em-${opened.length}`, asterisk: { ip: '127.0.0.1', port: asterisk.port } };
    },
    close: async (channelId: string) => void closed.push(channelId),
  } as unknown as ExternalMedia;
  const calls = new CallAudio({ worker, sessions, external, env, log, ...(retryMs ? { retryMs } : {}) });
  t.teardown(() => calls.close());
  return { env, worker, sessions, calls, signals, asterisk, opened, closed, ari };
}

async function agentTab(sessions: AgentSessions, socketId: string, agentId: number) {
  const s = await sessions.open(socketId, agentId);
  const mic = await sessions.produce(socketId, { transportId: s.send.id, kind: 'audio', rtpParameters: MIC_RTP });
  return { ...s, mic };
}

const transportCount = async (w: MediaWorker) => (await w.router().dump()).transportIds.length;

t.test('config: media is on with the cached worker, off without telephony or when disabled', async (t) => {
  const on = loadEnv({ MEDIASOUP_WORKER_BIN: workerBin() });
  t.equal(on.media?.workerBin, workerBin());
  t.equal(on.media?.listenIp, '127.0.0.1');
  t.equal(loadEnv({ SUNLINE_TELEPHONY: 'false' }).media, null);
  t.equal(loadEnv({ SUNLINE_MEDIA: 'false' }).media, null);
  const none = loadEnv({ SUNLINE_CACHE_DIR: '/nonexistent-sunline-cache' });
  t.equal(none.media, null);
  t.match(none.mediaOff, /MEDIASOUP_WORKER_BIN is unset/);
  t.throws(() => loadEnv({ SUNLINE_MEDIA_RTC_MIN_PORT: '5000', SUNLINE_MEDIA_RTC_MAX_PORT: '4000', MEDIASOUP_WORKER_BIN: workerBin() }), /RTC_MIN_PORT/);
  t.throws(() => loadEnv({ SUNLINE_MEDIA_LISTEN_IP: 'not-an-ip' }), /SUNLINE_MEDIA_LISTEN_IP/);
});

t.test('startMedia: null (server runs without media) when off or when the worker cannot start', async (t) => {
  t.equal(await startMedia({ env: loadEnv({ SUNLINE_MEDIA: 'false' }), log, ari: () => null }), null);
  const broken = loadEnv({ MEDIASOUP_WORKER_BIN: '/bin/false' });
  t.equal(await startMedia({ env: broken, log, ari: () => null }), null);
  const media = await startMedia({ env: loadEnv({ MEDIASOUP_WORKER_BIN: workerBin() }), log, ari: () => null });
  t.ok(media);
  t.equal(media?.health().ok, true);
  await media?.close();
  t.equal(media?.health().ok, false);
});

t.test('router carries PCMU and PCMA only', async (t) => {
  const { worker } = await rig(t);
  const codecs = worker.router().rtpCapabilities.codecs ?? [];
  t.same(
    codecs.map((c) => `${c.mimeType}/${c.preferredPayloadType}`),
    ['audio/PCMU/0', 'audio/PCMA/8'],
  );
});

t.test('a session: two transports, a microphone, fixed-code refusals; closing frees everything', async (t) => {
  const { worker, sessions } = await rig(t);
  const tab = await agentTab(sessions, 'sock-1', 7);
  t.not(tab.send.id, tab.recv.id);
  t.ok(tab.send.iceCandidates.length > 0);
  t.equal(sessions.forAgent(7)?.socketId, 'sock-1');
  t.equal(await transportCount(worker), 2);

  await t.rejects(sessions.connect('nope', { transportId: tab.send.id, dtlsParameters: {} }), { code: 'MEDIA_SESSION_NOT_FOUND', statusCode: 409 });
  await t.rejects(sessions.connect('sock-1', { transportId: 'x', dtlsParameters: {} }), { code: 'MEDIA_TRANSPORT_NOT_FOUND' });
  await t.rejects(sessions.produce('sock-1', { transportId: tab.recv.id, kind: 'audio', rtpParameters: MIC_RTP }), { code: 'MEDIA_TRANSPORT_NOT_FOUND' });
  await t.rejects(
    sessions.produce('sock-1', {
      transportId: tab.send.id,
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 }], encodings: [{ ssrc: 1 }] },
    }),
    { code: 'MEDIA_REJECTED', statusCode: 400 },
  );
  await t.rejects(sessions.resume('sock-1', 'nope'), { code: 'MEDIA_CONSUMER_NOT_FOUND' });
  const warm = await sessions.warmup('sock-1');
  t.equal(warm.producerId, tab.mic.id, 'warm-up: a paused consumer of the tab’s own microphone');
  t.match(warm.rtpParameters, { codecs: [{ mimeType: 'audio/PCMU' }] });
  await sessions.open('sock-2', 8);
  await t.rejects(sessions.warmup('sock-2'), { code: 'MEDIA_NOT_READY' }, 'no warm-up before the microphone');
  await sessions.close('sock-2');
  t.equal(sessions.forAgent(7)?.mic?.id, tab.mic.id, 'a refused produce leaves the microphone');

  await sessions.close('sock-1');
  await sessions.close('sock-1');
  t.equal(sessions.forAgent(7), null);
  t.equal(await transportCount(worker), 0);
});

t.test('attach: Asterisk audio reaches the agent consumer; mute pauses the voice; detach leaves nothing', async (t) => {
  const { worker, sessions, calls, signals, asterisk, opened, closed } = await rig(t);
  await agentTab(sessions, 'sock-1', 7);
  await calls.attach({ callId: 'c1', agentId: 7, bridgeId: 'b1' });
  await calls.attach({ callId: 'c1', agentId: 7, bridgeId: 'b1' }); // idempotent
  t.equal(opened.length, 1);
  t.equal(opened[0]?.bridgeId, 'b1');
  const offer = signals.find((s) => s.event === 'media:consume');
  t.equal(offer?.socketId, 'sock-1');
  const consumerId = (offer?.payload as { consumerId: string }).consumerId;
  t.match(offer?.payload, { callId: 'c1', kind: 'audio' });
  await sessions.resume('sock-1', consumerId);

  // Asterisk sends from its RTP port to the relay, with its own SSRC (changing mid-call).
  const relay = opened[0]!.to;
  for (let i = 0; i < 25; i++) {
    asterisk.socket.send(rtpPacket(i, i < 12 ? 0xaaaa : 0xbbbb), relay.port, relay.ip);
    await sleep(5);
  }
  await sleep(200);
  const [view] = calls.active();
  t.equal(view?.relay.fromAsterisk, 25, 'relay forwarded every packet');
  const router = worker.router();
  const dump = await router.dump();
  t.equal(dump.transportIds.length, 3, 'send, recv and the call PlainTransport');
  const stats = await calls.stats('c1');
  t.ok((stats?.fromAsterisk.packets ?? 0) >= 20, `mediasoup took Asterisk's packets despite the SSRC change (${stats?.fromAsterisk.packets})`);
  t.equal(await calls.stats('nope'), null);
  const producerIds = Object.keys(dump.mapProducerIdConsumerIds ?? {});
  t.ok(producerIds.length >= 2, 'mic and Asterisk producers');

  await calls.setMuted('c1', true);
  t.equal(calls.active()[0]?.muted, true);
  await calls.setMuted('c1', false);
  t.equal(calls.active()[0]?.muted, false);
  await calls.setMuted('unknown', true); // no audio for that call: nothing to do

  await calls.detach('c1');
  await calls.detach('c1');
  t.same(closed, ['em-1'], 'externalMedia channel hung up once');
  t.same(calls.active(), []);
  t.equal(await transportCount(worker), 2, 'only the session transports remain');
  await sleep(100);
  t.ok(
    signals.some((s) => s.event === 'media:consumer_closed'),
    'the browser is told its consumer ended',
  );
});

t.test('attach without a microphone waits and connects when the tab produces', async (t) => {
  const { sessions, calls, opened } = await rig(t);
  await t.rejects(calls.attach({ callId: 'c2', agentId: 9, bridgeId: 'b2' }), { code: 'MEDIA_NOT_READY' });
  t.same(calls.pending(), ['c2']);
  await calls.setMuted('c2', true);
  await agentTab(sessions, 'sock-9', 9);
  await sleep(300);
  t.same(calls.pending(), []);
  t.equal(opened.length, 1);
  t.equal(calls.active()[0]?.muted, true, 'mute chosen while waiting applies');
});

t.test('the worker dies: a new one starts, tabs are told to reset, the call re-attaches', async (t) => {
  const { worker, sessions, calls, signals, opened, closed } = await rig(t);
  await agentTab(sessions, 'sock-1', 7);
  await calls.attach({ callId: 'c1', agentId: 7, bridgeId: 'b1' });
  const pid = worker.pid();
  t.ok(pid);
  const restarted = new Promise((r) => worker.once('restarted', r));
  process.kill(pid!, 'SIGKILL');
  await restarted;
  t.not(worker.pid(), pid);
  t.match(worker.health(), { ok: true, restarts: 1 });
  t.ok(signals.some((s) => s.event === 'media:reset' && s.socketId === 'sock-1'));
  await sleep(100);
  t.same(closed, ['em-1'], 'the dead call leg is hung up in Asterisk');
  t.same(calls.pending(), ['c1']);
  // The browser opens again on the new router.
  await agentTab(sessions, 'sock-1', 7);
  await sleep(300);
  t.equal(opened.length, 2, 're-attached');
  t.equal(calls.active()[0]?.callId, 'c1');
  t.equal(await transportCount(worker), 3);
});

t.test('MEDIA_UNAVAILABLE while no worker is up', async (t) => {
  const { worker, sessions } = await rig(t);
  await worker.close();
  await t.rejects(sessions.open('s', 1), { code: 'MEDIA_UNAVAILABLE', statusCode: 503 });
});

t.test('a call that ends while its audio is being attached leaves nothing behind', async (t) => {
  const { worker, sessions, calls, opened, closed, ari } = await rig(t);
  await agentTab(sessions, 'sock-1', 7);
  ari.delayMs = 200;
  const attaching = calls.attach({ callId: 'c3', agentId: 7, bridgeId: 'b3' });
  await sleep(50);
  await calls.detach('c3');
  await attaching;
  t.equal(opened.length, 1, 'the externalMedia channel was made');
  t.same(closed, ['em-1'], 'and hung up');
  t.same(calls.active(), []);
  t.same(calls.pending(), []);
  t.equal(await transportCount(worker), 2, 'no PlainTransport left');
});

t.test('a refused attach cleans up, rejects, and is retried when the microphone produces again', async (t) => {
  const { worker, sessions, calls, opened, ari } = await rig(t);
  await agentTab(sessions, 'sock-1', 7);
  ari.fail = true;
  await t.rejects(calls.attach({ callId: 'c4', agentId: 7, bridgeId: 'b4' }), { code: 'ARI_NOT_FOUND' });
  t.equal(await transportCount(worker), 2, 'no PlainTransport left');
  t.same(calls.pending(), ['c4']);
  ari.fail = false;
  await agentTab(sessions, 'sock-1', 7); // e.g. the console reconnected
  await sleep(300);
  t.equal(opened.length, 1);
  t.equal(calls.active()[0]?.callId, 'c4');
});

t.test('a failed attach is tried again on a timer while the tab stays (no silent conversation after one ARI timeout)', async (t) => {
  const { worker, sessions, calls, opened, closed, ari } = await rig(t, [100, 200]);
  await agentTab(sessions, 'sock-1', 7);
  ari.fail = true;
  await t.rejects(calls.attach({ callId: 'c5', agentId: 7, bridgeId: 'b5' }), { code: 'ARI_NOT_FOUND' });
  t.same(calls.pending(), ['c5'], 'waiting after the failure');
  await sleep(150);
  t.same(calls.active(), [], 'the first new try failed too');
  ari.fail = false;
  await sleep(450);
  t.equal(opened.length, 1, 'a later try made the externalMedia channel');
  t.equal(calls.active()[0]?.callId, 'c5', 'the call has its audio without the tab reconnecting');
  t.same(calls.pending(), []);
  await sleep(300);
  t.equal(opened.length, 1, 'no try after the success');
  await calls.detach('c5');
  t.same(closed, ['em-1']);
  t.equal(await transportCount(worker), 2);
});

t.test('the tries stop when the call ends', async (t) => {
  const { sessions, calls, opened, ari } = await rig(t, [100]);
  await agentTab(sessions, 'sock-1', 7);
  ari.fail = true;
  await t.rejects(calls.attach({ callId: 'c6', agentId: 7, bridgeId: 'b6' }), { code: 'ARI_NOT_FOUND' });
  await calls.detach('c6');
  ari.fail = false;
  await sleep(350);
  t.equal(opened.length, 0, 'no externalMedia channel for an ended call');
  t.same(calls.pending(), []);
});
