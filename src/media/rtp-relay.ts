/**
 * A tiny UDP relay between Asterisk's externalMedia channel and a mediasoup PlainTransport.
 *
 * Why: a mediasoup producer must be told its SSRC in advance (3.16: "missing ssrc or rid, or
 * rtpParameters.mid"), but Asterisk picks a random SSRC per channel and changes it when the
 * bridge's source changes (hold, transfers). The relay rewrites every Asterisk packet to one
 * fixed SSRC before mediasoup sees it, and passes mediasoup's RTP back to Asterisk unchanged
 * (RTCP is dropped: Asterisk's UnicastRTP does not multiplex RTCP on the RTP port).
 * Asterisk sees one symmetric peer (the relay's port), which its strict RTP check accepts.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

const RTP_HEADER = 12;

/** RTCP packet types 192–223 share the second byte's range with RTP marker+payload types (RFC 5761 §4). */
const isRtcp = (b: Buffer): boolean => b.length >= 2 && b[1]! >= 192 && b[1]! <= 223;

export interface RelayCounters {
  fromAsterisk: number;
  toAsterisk: number;
}

export class RtpRelay {
  readonly counters: RelayCounters = { fromAsterisk: 0, toAsterisk: 0 };
  private mediasoup: { ip: string; port: number } | null = null;
  private asterisk: { ip: string; port: number } | null = null;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly ip: string,
    readonly port: number,
    private readonly ssrc: number,
  ) {
    socket.on('message', (msg, from) => this.onMessage(msg, from));
  }

  /** Binds a relay on `ip` (a free port); `ssrc` is what mediasoup's producer expects. */
  static async bind(ip: string, ssrc: number): Promise<RtpRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, ip, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A late ICMP error (peer gone) must not crash the process.
    socket.on('error', () => undefined);
    return new RtpRelay(socket, ip, socket.address().port, ssrc);
  }

  /** Where mediasoup's PlainTransport listens, and where Asterisk's channel listens. */
  connect(mediasoup: { ip: string; port: number }, asterisk: { ip: string; port: number }): void {
    this.mediasoup = mediasoup;
    this.asterisk = asterisk;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private onMessage(msg: Buffer, from: RemoteInfo): void {
    const ms = this.mediasoup;
    const ast = this.asterisk;
    if (!ms || !ast || msg.length < RTP_HEADER || this.closed) return;
    if (from.port === ms.port && from.address === ms.ip) {
      if (isRtcp(msg)) return;
      this.counters.toAsterisk++;
      this.socket.send(msg, ast.port, ast.ip);
    } else if (from.port === ast.port) {
      // By port only: Asterisk may report its RTP address as 0.0.0.0 or another local address.
      if (isRtcp(msg)) return;
      msg.writeUInt32BE(this.ssrc, 8);
      this.counters.fromAsterisk++;
      this.socket.send(msg, ms.port, ms.ip);
    }
  }
}
