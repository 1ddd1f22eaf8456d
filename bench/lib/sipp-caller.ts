/**
 * The bench's callers: tools/sipp.ts placeCall (its scenario, literal waits and outcome
 * words) with ports from a larger, probed pool. The harness gives each test process only 14
 * port slots; the bench keeps ~60 sipp processes alive at once, so every call here gets its own
 * SIP (-p), media (-mp) and control (-cp) ports, outside the kernel's ephemeral range and
 * Asterisk's RTP range, handed out round-robin and probed before use.
 */
import { createSocket } from 'node:dgram';
import { placeCall, type CallHandle, type CallOptions } from '../../tools/sipp.js';

const SIP_BASE = 61000;
const CTRL_BASE = 61700;
const MEDIA_BASE = 62400; // 4 ports per call (audio RTP/RTCP, video RTP/RTCP): up to 65199
const SLOTS = 700;
let slot = 0;

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function nextPorts(): Promise<{ sip: number; media: number; ctrl: number }> {
  for (let tries = 0; tries < SLOTS; tries++) {
    const i = slot++ % SLOTS;
    const p = { sip: SIP_BASE + i, media: MEDIA_BASE + i * 4, ctrl: CTRL_BASE + i };
    const free = await Promise.all([p.sip, p.ctrl, p.media, p.media + 1, p.media + 2, p.media + 3].map(udpFree));
    if (free.every(Boolean)) return p;
  }
  throw new Error('no free sipp port slot');
}

export async function placeBenchCall(opts: CallOptions): Promise<CallHandle> {
  return placeCall({ ...opts, ports: await nextPorts() });
}
