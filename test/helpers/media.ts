/** Helpers for media tests: the real mediasoup worker, RTP packets, a fake Asterisk RTP peer. */
import { createSocket, type Socket } from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaEnv } from '../../src/config/env.js';

export function workerBin(): string {
  const bin = process.env['MEDIASOUP_WORKER_BIN'] ?? path.join(process.env['SUNLINE_CACHE_DIR'] ?? '/var/cache/sunline', 'mediasoup-worker-3.16.0');
  if (!fs.existsSync(bin)) throw new Error(`no mediasoup worker at ${bin}: run scripts/mediasoup/build-worker.sh`);
  return bin;
}

export function mediaEnv(): MediaEnv {
  return { workerBin: workerBin(), listenIp: '127.0.0.1', rtpIp: '127.0.0.1', rtcMinPort: 40000, rtcMaxPort: 49999 };
}

/** One RTP packet, PCMU (pt 0), 160 bytes of µ-law payload (20 ms). */
export function rtpPacket(seq: number, ssrc: number, fill = 0x20): Buffer {
  const b = Buffer.alloc(12 + 160);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 160) >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  b.fill(fill, 12);
  return b;
}

/** A UDP socket standing in for Asterisk's RTP end; counts what it receives. */
export async function fakeRtpPeer(): Promise<{ socket: Socket; port: number; received: Buffer[]; close(): void }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, port: socket.address().port, received, close: () => socket.close() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
