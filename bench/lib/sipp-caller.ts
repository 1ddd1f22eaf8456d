/**
 * Bench-only variant of test/harness/sipp.ts placeCall, same scenario (test/harness/sipp/
 * caller.xml) and outcome words, but with explicit, distinct local ports per call.
 *
 * Why: with ~50 parallel sipp processes, letting each sipp scan for free ports (5060…, 6000…,
 * 8888…) races. Observed under load: "Unable to bind audio RTP socket … Address already in
 * use" (exit 254), and "Aborting call on an unexpected BYE" — sipp binds its UDP socket with
 * SO_REUSEADDR, so two sipps can end up sharing a SIP port and one receives the other's BYE.
 * Here every call gets its own SIP (-p), media (-mp) and control (-cp) port from fixed pools
 * outside the kernel's ephemeral range and Asterisk's RTP range, handed out round-robin and
 * probed before use.
 *
 * The scenario's talk phase polls for Asterisk's BYE in 100 ms <recv> steps with <nop>s in
 * between; a BYE that lands while the call is on a <nop> is "unexpected" and sipp aborts the
 * call (exit 1, outcome unknown) although it ended normally. That window grows with CPU load.
 * The bench therefore uses a copy of caller.xml whose talk phase is one <recv BYE> with the
 * whole hold time as a literal timeout (a <recv> timeout cannot be a variable).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallHandle, CallOptions, CallOutcome, CallResult } from '../../test/harness/sipp.js';

const SCENARIO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/harness/sipp/caller.xml');
const TICK_MS = 100;
// Above the ephemeral range (32768-60999) and Asterisk's default RTP range (5000-31000).
const SIP_BASE = 61000;
const CTRL_BASE = 61700;
const MEDIA_BASE = 62400; // 4 ports per call (audio RTP/RTCP, video RTP/RTCP): up to 65199
const SLOTS = 700;
let slot = 0;

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const p of running) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(false); });
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

const scenarios = new Map<number, string>();
function scenarioFor(holdMs: number): string {
  let file = scenarios.get(holdMs);
  if (file) return file;
  const text = fs.readFileSync(SCENARIO, 'utf8');
  const loop = '<recv request="BYE" timeout="100" ontimeout="talk-tick" />';
  if (!text.includes(loop)) return SCENARIO; // the harness scenario changed: use it as is
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-scenario-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  file = path.join(dir, 'caller.xml');
  fs.writeFileSync(file, text.replace(loop, `<recv request="BYE" timeout="${Math.round(holdMs)}" ontimeout="bye" />`));
  scenarios.set(holdMs, file);
  return file;
}

export async function placeBenchCall(opts: CallOptions): Promise<CallHandle> {
  const ports = await nextPorts();
  const holdMs = opts.holdMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? holdMs + 15_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-sipp-'));
  const files = { log: path.join(dir, 'outcome.log'), err: path.join(dir, 'errors.log') };
  const args = [
    '--pdeathsig', 'KILL', 'sipp', `${opts.sip.host}:${opts.sip.port}`,
    '-sf', opts.scenario ?? scenarioFor(opts.holdMs ?? 2000),
    '-s', opts.number,
    '-key', 'caller', opts.callerId ?? '13800000000',
    '-key', 'caller_name', opts.callerName ?? 'Citizen',
    '-set', 'hold_ticks', String(Math.max(1, Math.ceil(holdMs / TICK_MS))),
    '-i', opts.sip.host, '-ci', '127.0.0.1',
    '-p', String(ports.sip), '-mp', String(ports.media), '-cp', String(ports.ctrl),
    '-m', '1', '-l', '1',
    '-nostdin',
    '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error',
    '-trace_logs', '-log_file', files.log,
    '-trace_err', '-error_file', files.err,
  ];
  const started = Date.now();
  const proc = spawn('setpriv', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let output = '';
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString('utf8')).slice(-4000); };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const done = new Promise<CallResult>((resolve) => {
    let finished = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      running.delete(proc);
      const read = (f: string): string => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
      const m = /SUNLINE outcome=([\w-]+) code=(\d+)/.exec(read(files.log));
      const code = m ? Number(m[2]) : NaN;
      const errors = read(files.err).split('\n')
        .filter((l) => l && !/receive timeout on message .* jumping to label|^The following events occurred:/.test(l)).join('\n');
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({
        exitCode, signal, outcome: (m?.[1] ?? 'unknown') as CallOutcome,
        sipCode: Number.isFinite(code) && code > 0 ? code : null,
        durationMs: Date.now() - started, errors, output: output.split('\n').slice(-12).join('\n'),
      });
    };
    proc.once('error', (err) => { output += `\nspawn failed: ${err.message}`; finish(null, null); });
    proc.once('close', (c, s) => finish(c, s));
  });
  return { done, kill: () => { if (proc.exitCode === null) proc.kill('SIGKILL'); } };
}
