/**
 * AriClient against a real Asterisk 22 (tools/asterisk-sandbox.ts) with the project's
 * dialplan, driven by sipp: typed StasisStart for a citizen's call, REST answer/play/bridge/
 * hangup, device states, fixed error codes, and reconnect + resync across an Asterisk restart.
 */
import t from 'tap';
import { once } from 'node:events';
import { pino } from 'pino';
import { startAsterisk } from '../../tools/asterisk-sandbox.js';
import { placeCall } from '../../tools/sipp.js';
import { AriClient, type AriClientEvents, type StasisStart } from '../../src/telephony/ari/index.js';
import { TelephonyError } from '../../src/telephony/errors.js';

function next<K extends keyof AriClientEvents>(ari: AriClient, name: K, ms = 20_000): Promise<AriClientEvents[K]> {
  return once(ari, name, { signal: AbortSignal.timeout(ms) }) as Promise<AriClientEvents[K]>;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof TelephonyError ? e.code : `other: ${String(e)}`),
  );
}

const ast = await startAsterisk();
t.teardown(() => ast.stop());
const ari = new AriClient({ ...ast.ari, logger: pino({ level: 'silent' }), backoff: { initialMs: 100, maxMs: 1000 } });
t.teardown(() => ari.close());
const firstResync = next(ari, 'resynced');
ari.start();
await firstResync;

t.test('info and ping answer from Asterisk 22', async (t) => {
  const info = await ari.asterisk.info();
  t.match(info.system?.version, /^22\./);
  t.equal((await ari.asterisk.ping()).ping, 'pong');
  t.match(ari.health(), { ok: true, state: 'open' });
  t.equal((await ari.applications.get(ast.ari.app)).name, ast.ari.app);
});

t.test('a sipp call to 12315 arrives as a typed StasisStart; answer, play, bridge and hang up over REST', async (t) => {
  const start = next(ari, 'StasisStart');
  const call = placeCall({ sip: ast.sip, number: '12315', callerId: '13800138000', holdMs: 15_000 });
  t.teardown(() => call.kill());
  const [e]: [StasisStart] = await start;
  t.same(e.args, ['inbound', '12315'], 'dialplan passes the dialled number');
  t.equal(e.channel.dialplan.exten, '12315');
  t.equal(e.channel.caller.number, '13800138000');
  t.equal(e.channel.state, 'Ring');
  const id = e.channel.id;

  t.ok(
    (await ari.snapshot()).channels.some((c) => c.id === id),
    'snapshot lists the live call',
  );
  t.equal(await ari.channels.getChannelVar(id, 'SUNLINE_DIALLED'), '12315', 'inherited var read back');
  t.equal(await ari.channels.getChannelVar(id, 'SUNLINE_NOT_SET'), undefined, 'unset variable: 404 quirk → undefined');
  await ari.channels.setChannelVar(id, 'SUNLINE_HOTLINE', '12315');
  t.equal(await ari.channels.getChannelVar(id, 'SUNLINE_HOTLINE'), '12315');

  const up = new Promise<void>((resolve) =>
    ari.on('ChannelStateChange', (s) => {
      if (s.channel.id === id && s.channel.state === 'Up') resolve();
    }),
  );
  await ari.channels.answer(id);
  await up;
  t.equal((await ari.channels.get(id)).state, 'Up');

  const started = next(ari, 'PlaybackStarted');
  const pb = await ari.channels.play(id, 'sound:hello-world', { lang: 'en' });
  t.equal((await started)[0].playback.id, pb.id);
  await ari.playbacks.stop(pb.id).catch((err: unknown) => t.equal((err as TelephonyError).code, 'ARI_NOT_FOUND', 'already finished'));

  const bridge = await ari.bridges.create({ type: 'mixing', name: 'sunline-test' });
  const entered = next(ari, 'ChannelEnteredBridge');
  await ari.bridges.addChannel(bridge.id, id);
  const [en] = await entered;
  t.equal(en.bridge.id, bridge.id);
  t.same((await ari.bridges.get(bridge.id)).channels, [id]);

  const ended = next(ari, 'StasisEnd');
  await ari.channels.hangup(id, { reason: 'normal' });
  t.equal((await ended)[0].channel.id, id);
  await ari.bridges.destroy(bridge.id);
  const result = await call.done;
  t.equal(result.outcome, 'hungup-by-asterisk', 'sipp saw our BYE');
});

t.test('unknown resources map to fixed codes', async (t) => {
  t.equal(await codeOf(ari.channels.answer('no-such-channel')), 'CHANNEL_GONE');
  t.equal(await codeOf(ari.channels.hangup('no-such-channel')), 'CHANNEL_GONE');
  t.equal(await codeOf(ari.bridges.get('no-such-bridge')), 'ARI_NOT_FOUND');
  t.equal(await codeOf(ari.playbacks.stop('no-such-playback')), 'ARI_NOT_FOUND');
  const bridge = await ari.bridges.create({ type: 'mixing' });
  t.equal(await codeOf(ari.bridges.addChannel(bridge.id, 'no-such-channel')), 'CHANNEL_GONE', 'Asterisk says 400 here');
  await ari.bridges.destroy(bridge.id);
  const err = (await ari.channels.get('no-such-channel').catch((x: unknown) => x)) as TelephonyError;
  t.equal(err.statusCode, 404);
  t.equal(err.detail, 'Channel not found');
});

t.test('device states: update, read, list, delete; only Stasis: devices are ours', async (t) => {
  await ari.deviceStates.update('Stasis:agent-7', 'INUSE');
  t.equal((await ari.deviceStates.get('Stasis:agent-7')).state, 'INUSE');
  await ari.deviceStates.update('Stasis:agent-7', 'NOT_INUSE');
  t.ok((await ari.deviceStates.list()).some((d) => d.name === 'Stasis:agent-7' && d.state === 'NOT_INUSE'));
  t.equal(await codeOf(ari.deviceStates.update('PJSIP/trunk', 'INUSE')), 'ARI_CONFLICT', 'non-Stasis device refused');
  await ari.deviceStates.delete('Stasis:agent-7');
});

t.test('Asterisk restart: the client reconnects by itself and resyncs', async (t) => {
  const down = next(ari, 'disconnected', 30_000);
  const up = next(ari, 'connected', 60_000);
  const resynced = next(ari, 'resynced', 60_000);
  await ast.restart();
  await down;
  await up;
  const [snap] = await resynced;
  t.same(snap.channels, [], 'a fresh Asterisk has no channels');
  t.match(ari.health(), { ok: true, state: 'open' });
  t.equal((await ari.asterisk.ping()).ping, 'pong');
  // The app is registered again: a new call still reaches us.
  const start = next(ari, 'StasisStart');
  const call = placeCall({ sip: ast.sip, number: '12345', holdMs: 10_000 });
  t.teardown(() => call.kill());
  const [e] = await start;
  t.same(e.args, ['inbound', '12345']);
  await ari.channels.hangup(e.channel.id);
  await call.done;
});
