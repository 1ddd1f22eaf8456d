/** The SSRC-fixing relay between Asterisk's externalMedia channel and mediasoup (plain UDP sockets). */
import t from 'tap';
import { RtpRelay } from '../../src/media/rtp-relay.js';
import { fakeRtpPeer, rtpPacket, sleep } from '../helpers/media.js';

t.test('rewrites Asterisk SSRCs to the fixed one, passes RTP back unchanged, drops RTCP and strangers', async (t) => {
  const relay = await RtpRelay.bind('127.0.0.1', 0x01020304);
  t.teardown(() => relay.close());
  const asterisk = await fakeRtpPeer();
  const mediasoup = await fakeRtpPeer();
  const stranger = await fakeRtpPeer();
  t.teardown(() => {
    asterisk.close();
    mediasoup.close();
    stranger.close();
  });
  asterisk.socket.send(rtpPacket(1, 0xaaaa), relay.port, relay.ip); // before connect: ignored
  await sleep(50);
  relay.connect({ ip: '127.0.0.1', port: mediasoup.port }, { ip: '127.0.0.1', port: asterisk.port });

  asterisk.socket.send(rtpPacket(2, 0xaaaa), relay.port, relay.ip);
  asterisk.socket.send(rtpPacket(3, 0xbbbb), relay.port, relay.ip);
  const rtcp = Buffer.alloc(32);
  rtcp[0] = 0x80;
  rtcp[1] = 200; // sender report
  asterisk.socket.send(rtcp, relay.port, relay.ip);
  mediasoup.socket.send(rtcp, relay.port, relay.ip);
  mediasoup.socket.send(rtpPacket(4, 0xcccc), relay.port, relay.ip);
  stranger.socket.send(rtpPacket(5, 0xdddd), relay.port, relay.ip);
  asterisk.socket.send(Buffer.alloc(4), relay.port, relay.ip); // runt
  await sleep(200);

  t.equal(mediasoup.received.length, 2, 'two RTP packets from Asterisk reached mediasoup');
  t.same(
    mediasoup.received.map((b) => b.readUInt32BE(8)),
    [0x01020304, 0x01020304],
    'with the fixed SSRC',
  );
  t.same(
    mediasoup.received.map((b) => b.readUInt16BE(2)),
    [2, 3],
    'in order, payload untouched',
  );
  t.equal(asterisk.received.length, 1, 'mediasoup RTP reached Asterisk, RTCP did not');
  t.equal(asterisk.received[0]?.readUInt32BE(8), 0xcccc, 'unchanged');
  t.same(relay.counters, { fromAsterisk: 2, toAsterisk: 1 });
  relay.close();
  relay.close();
});
