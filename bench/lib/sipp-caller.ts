/**
 * The bench's callers: tools/sipp.ts placeCall (its scenario, literal waits and outcome
 * words) with ports from a larger, probed pool. The harness gives each test process only 14
 * port slots; the bench keeps ~60 sipp processes alive at once, so every call here gets its own
 * SIP (-p), media (-mp) and control (-cp) ports, outside the kernel's ephemeral range and
 * Asterisk's RTP range, handed out round-robin and probed before use.
 *
 * The sipp processes are started by a launcher process (bench/lib/sipp-child.ts), not by the
 * bench process that hosts the server: see that file for why.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { placeCall, type CallHandle, type CallOptions, type CallResult } from '../../tools/sipp.js';
import { lowerPriority } from './generator-priority.js';

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

/** Starts sipp in this process (the launcher's side). */
export async function placeBenchCallHere(opts: CallOptions): Promise<CallHandle> {
  return placeCall({ ...opts, ports: await nextPorts() });
}

export interface BenchCaller {
  place(opts: CallOptions): CallHandle;
  close(): void;
}

/** Forks the launcher once; each place() asks it for one sipp call. */
export function benchCaller(): BenchCaller {
  const child: ChildProcess = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sipp-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  lowerPriority(child);
  const pending = new Map<number, (r: CallResult) => void>();
  const lost = (message: string): CallResult => ({
    exitCode: null,
    signal: null,
    outcome: 'unknown',
    sipCode: null,
    durationMs: 0,
    errors: message,
    output: '',
  });
  child.on('message', (m: { type: string; id: number; result?: CallResult; message?: string }) => {
    const settle = pending.get(m.id);
    if (!settle) return;
    pending.delete(m.id);
    settle(m.type === 'done' && m.result ? m.result : lost(m.message ?? 'sipp launcher failed'));
  });
  child.once('exit', () => {
    for (const settle of pending.values()) settle(lost('sipp launcher exited'));
    pending.clear();
  });
  let next = 0;
  return {
    place(opts) {
      const id = ++next;
      const done = new Promise<CallResult>((resolve) => pending.set(id, resolve));
      child.send({ type: 'place', id, opts });
      return { done, kill: () => child.connected && child.send({ type: 'kill', id }) };
    },
    close() {
      // The launcher exits on disconnect, and its exit kills the sipps still running.
      if (child.connected) child.disconnect();
    },
  };
}
