/**
 * An externalMedia channel joins its bridge only once it has entered Stasis. ARI answers the
 * create before the channel's StasisStart, and Asterisk refuses to bridge a channel that is not
 * in Stasis yet (422): on a loaded machine a supervision's lead audio lost that race (CI, stop
 * 26). The ARI client is faked here as an event emitter with the three requests; the real path
 * is test/browser/supervision.test.ts, test/media/call-audio.real.test.ts.
 */
import { EventEmitter } from 'node:events';
import t from 'tap';
import type { AriClient } from '../../src/telephony/ari/index.js';
import { TelephonyError } from '../../src/telephony/errors.js';
import { ExternalMedia } from '../../src/telephony/external-media.js';

interface Fake {
  ari: AriClient;
  log: string[];
  /** The id the last create asked for. */
  created(): string;
  inStasis: Set<string>;
  enterStasis(id: string): void;
}

/** startOnCreate: the StasisStart comes before the create's answer (it may). */
function fakeAri(o: { startOnCreate?: boolean } = {}): Fake {
  const ev = new EventEmitter();
  const log: string[] = [];
  const inStasis = new Set<string>();
  let last = '';
  const enterStasis = (id: string) => {
    inStasis.add(id);
    log.push(`StasisStart ${id}`);
    ev.emit('StasisStart', { channel: { id } });
  };
  const ari = {
    app: 'sunline,other',
    on: (name: string, fn: (...a: unknown[]) => void) => ev.on(name, fn),
    off: (name: string, fn: (...a: unknown[]) => void) => ev.off(name, fn),
    listenerCount: (name: string) => ev.listenerCount(name),
    call: (op: string, p: Record<string, string>) => {
      if (op === 'channels.externalMedia') {
        last = p.channelId!;
        log.push(`create ${p.channelId} app=${p.app} data=${p.data}`);
        if (o.startOnCreate) enterStasis(last);
        return Promise.resolve({ id: p.channelId });
      }
      if (op === 'channels.getChannelVar') return Promise.resolve({ value: p.variable === 'UNICASTRTP_LOCAL_PORT' ? '17000' : '127.0.0.1' });
      return Promise.reject(new Error(`unexpected ${op}`));
    },
    bridges: {
      addChannel: (bridgeId: string, channelId: string) => {
        log.push(`addChannel ${bridgeId} ${channelId}`);
        // Asterisk's answer for a channel not yet in Stasis.
        return inStasis.has(channelId) ? Promise.resolve() : Promise.reject(new TelephonyError('ARI_UNPROCESSABLE'));
      },
    },
    channels: {
      hangup: (channelId: string) => {
        log.push(`hangup ${channelId}`);
        return Promise.resolve();
      },
    },
  } as unknown as AriClient;
  return { ari, log, created: () => last, inStasis, enterStasis };
}

const TO = { ip: '127.0.0.1', port: 40000 };

t.test('a channel whose StasisStart comes after the create answers is bridged after it, not refused', async (t) => {
  const f = fakeAri();
  const media = new ExternalMedia(() => f.ari);
  const opening = media.open('bridge-1', TO, 'call-1');
  // Let the create and both variable reads answer: the channel is not in Stasis yet.
  await new Promise((r) => setTimeout(r, 20));
  t.notOk(
    f.log.some((l) => l.startsWith('addChannel')),
    'nothing is added to the bridge before StasisStart',
  );
  f.enterStasis(f.created());
  const leg = await opening;
  t.match(leg.channelId, /^media-[0-9a-f-]{36}$/, 'the channel is named by us');
  t.same(leg.asterisk, { ip: '127.0.0.1', port: 17000 }, "Asterisk's RTP address");
  t.same(
    f.log.map((l) => l.replace(leg.channelId, 'CH')),
    ['create CH app=sunline data=media', 'StasisStart CH', 'addChannel bridge-1 CH'],
    'create, StasisStart, then bridge; no hang-up',
  );
  t.equal(f.ari.listenerCount('StasisStart'), 0, 'the StasisStart listener is gone');
});

t.test('a StasisStart that arrives before the create answers is not missed', async (t) => {
  const f = fakeAri({ startOnCreate: true });
  const leg = await new ExternalMedia(() => f.ari).open('bridge-2', TO, 'call-2');
  t.same(
    f.log.map((l) => l.replace(leg.channelId, 'CH')),
    ['create CH app=sunline data=media', 'StasisStart CH', 'addChannel bridge-2 CH'],
  );
  t.equal(f.ari.listenerCount('StasisStart'), 0);
});

t.test('a channel that never enters Stasis: the open fails after the timeout and the channel is hung up', async (t) => {
  const f = fakeAri();
  const err = await new ExternalMedia(() => f.ari, 50).open('bridge-3', TO, 'call-3').catch((e: unknown) => e);
  t.match(String(err), /did not enter Stasis within 50 ms/);
  const id = f.created();
  t.same(f.log, [`create ${id} app=sunline data=media`, `hangup ${id}`], 'never bridged, hung up');
  t.equal(f.ari.listenerCount('StasisStart'), 0);
});

t.test('a refused create stops waiting and hangs nothing up', async (t) => {
  const f = fakeAri();
  const ari = f.ari as unknown as { call: (op: string, p: unknown) => Promise<unknown> };
  ari.call = () => Promise.reject(new TelephonyError('ASTERISK_UNAVAILABLE'));
  await t.rejects(new ExternalMedia(() => f.ari).open('bridge-4', TO, 'call-4'), { code: 'ASTERISK_UNAVAILABLE' });
  t.equal(f.ari.listenerCount('StasisStart'), 0, 'no listener left behind');
  t.same(f.log, []);
});

t.test('no ARI connection: ASTERISK_UNAVAILABLE', async (t) => {
  await t.rejects(new ExternalMedia(() => null).open('b', TO, 'c'), { code: 'ASTERISK_UNAVAILABLE' });
});
