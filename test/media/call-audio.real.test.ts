/**
 * Call audio against a real Asterisk + sipp (no browser): answering adds an externalMedia
 * channel to the agent leg's bridge, the caller's voice (a looped tone from sipp) reaches
 * mediasoup and is offered to the agent's console; hang-up leaves no externalMedia channel and
 * no PlainTransport. The browser direction is test/browser/call-audio.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';
import { externalMediaChannels, recordDirection, wavEnergy } from '../helpers/media-asterisk.js';
import type { MediaConsumeOffer, MediaSession, ScreenPop } from '../../src/contract/index.js';

const MIC_RTP = { codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1 }], encodings: [{ ssrc: 4242 }] };

t.test('answer → externalMedia in the bridge, caller audio to the agent session; hang-up tears down', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  t.ok(app.media, 'media service running');
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const health = (await (await fetch(`${app.url}/health/ready`)).json().catch(() => null)) as { components?: Record<string, { ok: boolean }> } | null;
  if (health?.components) t.equal(health.components['media']?.ok, true, 'health reports media');

  const agent = await consoleFor(t, app, 'agent-m', 'agent');
  const dispatcher = await consoleFor(t, app, 'dispatcher-m', 'dispatcher');
  await t.rejects(command(dispatcher.socket, 'media:open'), { code: 'FORBIDDEN' }, 'only agents and leads (supervision) use media');
  await t.rejects(command(agent.socket, 'media:produce', { transportId: 'x', kind: 'video', rtpParameters: {} }), { code: 'VALIDATION_FAILED' });

  const session = await command<MediaSession>(agent.socket, 'media:open');
  await command(agent.socket, 'media:produce', { transportId: session.send.id, kind: 'audio', rtpParameters: MIC_RTP });
  await command(agent.socket, 'agent:login', {});

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-media-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const offered = next(agent.socket, 'call:offered');
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13912345678', holdMs: 12_000, audioFile: toneFile(dir) });
  t.teardown(() => call.kill());
  const pop = (await offered) as ScreenPop;

  const consume = next(agent.socket, 'media:consume', (o) => o.callId === pop.callId);
  await command(agent.socket, 'call:answer', { callId: pop.callId });
  const offer = (await consume) as MediaConsumeOffer;
  t.equal(offer.kind, 'audio');
  t.match(offer.rtpParameters, { codecs: [{ mimeType: 'audio/PCMU' }] }, 'PCMU towards the browser');
  await command(agent.socket, 'media:resume', { consumerId: offer.consumerId });
  await t.rejects(command(agent.socket, 'media:resume', { consumerId: 'nope' }), { code: 'MEDIA_CONSUMER_NOT_FOUND' });

  const [em] = await externalMediaChannels(asterisk);
  t.ok(em, 'an externalMedia channel exists');
  const bridges = await asterisk.cli('bridge show all');
  t.match(bridges, /2 +/, 'agent leg and externalMedia share the bridge');
  const audio = app.media!.calls.active().find((c) => c.callId === pop.callId);
  t.equal(audio?.channelId, em?.id);

  const stats = await until('caller audio in mediasoup', async () => {
    const s = await app.media!.calls.stats(pop.callId);
    return s && s.fromAsterisk.packets > 50 ? s : undefined;
  });
  t.ok(stats.fromAsterisk.packets > 50, `caller RTP reached mediasoup (${stats.fromAsterisk.packets} packets)`);
  const towardsAgent = wavEnergy(await recordDirection(asterisk, em!.id, 'out', 1500));
  t.ok(towardsAgent.rms > 300, `Asterisk sends the caller's tone to the agent side (rms ${towardsAgent.rms.toFixed(0)})`);

  // A re-sync with Asterisk (as after a reconnect) must not take our own externalMedia channel
  // (in Stasis) for a caller left at the front door.
  await app.calls.center!.reconcile();
  t.equal(app.calls.center!.live.all().length, 1, 'reconcile adopted nothing');
  t.equal((await externalMediaChannels(asterisk))[0]?.id, em?.id, 'the externalMedia channel is still there');

  await app.media!.calls.setMuted(pop.callId, true);
  t.equal(app.media!.calls.active()[0]?.muted, true);
  await app.media!.calls.setMuted(pop.callId, false);

  // The caller hangs up: everything of the call's media is gone.
  const closed = next(agent.socket, 'media:consumer_closed', (p) => p.callId === pop.callId, 20_000);
  await call.done;
  await closed;
  await until('externalMedia channel gone', async () => ((await externalMediaChannels(asterisk)).length === 0 ? true : undefined));
  t.same(app.media!.calls.active(), []);
  t.equal((await app.media!.worker.router().dump()).transportIds.length, 2, "only the agent's send/recv transports remain");

  // Logout / closed console: the session goes too.
  agent.socket.disconnect();
  await until('session closed', () => (app.media!.sessions.count === 0 ? true : undefined));
  t.equal((await app.media!.worker.router().dump()).transportIds.length, 0);
});
