/**
 * Test callers: SIPp (Debian sip-tester, /usr/bin/sipp) calling an Asterisk sandbox through
 * its carrier trunk, with the scenarios in tools/sipp/.
 *
 * placeCall: each call is one sipp process (-m 1), so each has its own outcome, exit code and logs
 * (the tests). placeCallBatch: many calls from one sipp process at a rate (the benches).
 * Each sipp process leases its SIP, media and control ports from a pool shared by every process
 * on the machine (leaseSlot), so parallel calls and parallel test files do not clash.
 * Every sipp dies with the test process (setpriv --pdeathsig KILL, an 'exit' hook) and has a
 * hard -timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sipp');
const TICK_MS = 100; // the scenarios' polling tick (a <recv> timeout cannot be a variable)

/** How the call ended, from the caller's side. */
export type CallOutcome =
  | 'answered' // 200 OK, stayed holdMs, hung up with BYE
  | 'hungup-by-asterisk' // answered, then Asterisk sent BYE first
  | 'cancelled' // never answered within holdMs: CANCEL, 487
  | 'rejected' // a final error response (sipCode) before answer
  | 'unknown'; // sipp failed, timed out or was killed

export interface CallOptions {
  /** The sandbox's SIP address (AsteriskSandbox.sip). */
  sip: { host: string; port: number };
  /** Dialled number, e.g. '12345'. */
  number: string;
  /** Caller number (From user). Default '13800000000'. */
  callerId?: string;
  /** Caller display name. Default 'Citizen'. */
  callerName?: string;
  /** How long to ring unanswered before CANCEL, or to talk once answered. Default 2000 ms. */
  holdMs?: number;
  /** Scenario file name in tools/sipp/ or an absolute path. Default 'caller.xml'. */
  scenario?: string;
  /** Echo received RTP back to Asterisk (sipp -rtp_echo). Default false. */
  rtpEcho?: boolean;
  /** Hard limit for the sipp process. Default holdMs + 15 s. */
  timeoutMs?: number;
  /** Local SIP, media (4 consecutive) and control ports. Default: this process's slice of the pool. */
  ports?: { sip: number; media: number; ctrl: number };
  /**
   * Press a phone key once answered (RFC 4733 telephone-event from sip-tester's
   * dtmf_2833_<key>.pcap): first `afterMs` after the answer, then every `everyMs` (default
   * 2000) until Asterisk hangs up or holdMs ends. The scenario defaults to 'survey-caller.xml'.
   */
  dtmf?: { digit: string; afterMs: number; everyMs?: number };
  /**
   * Talk once answered: stream this raw G.711 µ-law file (8 kHz, no header) in a loop as PCMU
   * (sipp rtp_stream) until the call ends. Only with the default caller.xml. See toneFile().
   */
  audioFile?: string;
}

/**
 * Writes a raw µ-law file (8 kHz) of `seconds` of a `hz` tone at about -12 dBFS, for
 * CallOptions.audioFile: something a recording or a browser's audio level can tell from silence.
 */
export function toneFile(dir: string, hz = 440, seconds = 2): string {
  const n = 8000 * seconds;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = linearToUlaw(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  const file = path.join(dir, `tone-${hz}.ulaw`);
  fs.writeFileSync(file, out);
  return file;
}

/**
 * Writes a raw µ-law copy of a 16-bit mono 8 kHz PCM WAV (e.g. a recorded voice), for
 * CallOptions.audioFile. Other WAV formats are refused.
 */
export function ulawFromWav(wavFile: string, dir: string): string {
  const buf = fs.readFileSync(wavFile);
  const fmt = buf.indexOf('fmt ');
  const data = buf.indexOf('data');
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || fmt < 0 || data < 0) throw new Error(`${wavFile}: not a WAV file`);
  const [format, channels, rate, bits] = [buf.readUInt16LE(fmt + 8), buf.readUInt16LE(fmt + 10), buf.readUInt32LE(fmt + 12), buf.readUInt16LE(fmt + 22)];
  if (format !== 1 || channels !== 1 || rate !== 8000 || bits !== 16) throw new Error(`${wavFile}: need 16-bit mono 8 kHz PCM`);
  const start = data + 8;
  const end = Math.min(buf.length, start + buf.readUInt32LE(data + 4));
  const out = Buffer.alloc(Math.floor((end - start) / 2));
  for (let i = 0; i < out.length; i++) out[i] = linearToUlaw(buf.readInt16LE(start + 2 * i));
  const file = path.join(dir, `${path.basename(wavFile, '.wav')}.ulaw`);
  fs.writeFileSync(file, out);
  return file;
}

/** G.711 µ-law encoding of one 16-bit sample (ITU-T G.711). */
function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let x = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (x & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (x >> (exponent + 3)) & 0x0f;
  x = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return x;
}

/** Adds a looped rtp_stream of `file` (PCMU) right after the caller's ACK of the answer. */
function withAudio(scenario: string, dir: string, file: string): string {
  const text = fs.readFileSync(scenario, 'utf8');
  const marker = '<nop><action><assign assign_to="ticks" value="0" /></action></nop>';
  if (!text.includes(marker)) throw new Error('tools/sipp/caller.xml changed: update withAudio in tools/sipp.ts');
  const out = path.join(dir, 'caller-audio.xml');
  fs.writeFileSync(out, text.replace(marker, `<nop><action><assign assign_to="ticks" value="0" /><exec rtp_stream="${file},-1,0" /></action></nop>`));
  return out;
}

/** Where Debian's sip-tester keeps its RTP captures (SUNLINE_SIPP_PCAP_DIR overrides). */
const PCAP_DIR = process.env['SUNLINE_SIPP_PCAP_DIR'] ?? '/usr/share/sip-tester';
const PCAP_KEY: Record<string, string> = { '*': 'star', '#': 'pound' };

/** A copy of the scenario with the key's capture filled in (play_pcap_audio takes no variables). */
function withDtmf(scenario: string, dir: string, digit: string): string {
  if (!/^[0-9*#]$/.test(digit)) throw new Error(`dtmf digit must be 0-9, * or #, not ${JSON.stringify(digit)}`);
  const pcap = path.join(PCAP_DIR, `dtmf_2833_${PCAP_KEY[digit] ?? digit}.pcap`);
  if (!fs.existsSync(pcap)) throw new Error(`no DTMF capture ${pcap} (install sip-tester or set SUNLINE_SIPP_PCAP_DIR)`);
  const file = path.join(dir, 'scenario.xml');
  fs.writeFileSync(file, fs.readFileSync(scenario, 'utf8').replaceAll('@DTMF_PCAP@', pcap));
  return file;
}

export interface CallResult {
  /** sipp's exit code: 0 = scenario completed, 1 = call failed, others = sipp error. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  outcome: CallOutcome;
  /** Final SIP status of the INVITE as the caller saw it (200, 487, 603, ...), if known. */
  sipCode: number | null;
  durationMs: number;
  /** sipp's unexpected-message log and the tail of its output, for assertion messages. */
  errors: string;
  output: string;
}

export interface CallHandle {
  readonly done: Promise<CallResult>;
  /** Kills the sipp process (the call then times out on the Asterisk side). */
  kill(): void;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const lock of leased) fs.rmSync(lock, { force: true });
  });
}

/** Starts a call and returns at once; `done` resolves when sipp exits (never rejects). */
/**
 * Local ports for one call. Left to itself, each sipp scans upwards from 5060/6000/8888 and
 * parallel sipps race: "Address already in use", or two sharing a SIP port (SO_REUSEADDR) so
 * one gets the other's BYE. Calls lease one of 700 slots in a pool above the ephemeral range and
 * Asterisk's RTP range, through a lock file per slot shared by every process on the machine
 * (tap runs test files in parallel): a slot is free when its lock file is absent or names a
 * process that is gone. The lease ends when the call's sipp exits.
 */
const SLOTS = 700;
const SLOT_DIR = path.join(os.tmpdir(), 'sunline-sipp-slots');
const leased = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function leaseSlot(): { ports: { sip: number; media: number; ctrl: number }; release(): void } {
  fs.mkdirSync(SLOT_DIR, { recursive: true });
  const start = Math.floor(Math.random() * SLOTS);
  for (let n = 0; n < SLOTS * 2; n++) {
    const i = (start + n) % SLOTS;
    const lock = path.join(SLOT_DIR, String(i));
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lock, 'utf8').trim());
      // A lease left by a process that died: take the slot back (on the second pass only, so a
      // lock file being written right now is not mistaken for a stale one).
      if (n >= SLOTS && owner && !pidAlive(owner)) fs.rmSync(lock, { force: true });
      continue;
    }
    leased.add(lock);
    return {
      ports: { sip: 61000 + i, ctrl: 61700 + i, media: 62400 + i * 4 },
      release() {
        if (leased.delete(lock)) fs.rmSync(lock, { force: true });
      },
    };
  }
  throw new Error(`no free sipp port slot in ${SLOT_DIR} (${SLOTS} in use)`);
}

/**
 * caller.xml waits in 100 ms <recv> steps with <nop>s between them (a <recv> timeout cannot be
 * a variable); a response or BYE landing while the call is on a <nop> counts as unexpected and
 * sipp aborts a call that ended normally — more often the busier the machine. Each call gets a
 * copy whose two waits are single <recv>s with the hold time written in.
 */
function withLiteralWaits(scenario: string, dir: string, holdMs: number): string {
  const ms = String(Math.max(100, Math.round(holdMs)));
  const text = fs
    .readFileSync(scenario, 'utf8')
    .replace('<recv response="200" rtd="true" timeout="100" ontimeout="tick" />', `<recv response="200" rtd="true" timeout="${ms}" ontimeout="cancel" />`)
    .replace('<recv request="BYE" timeout="100" ontimeout="talk-tick" />', `<recv request="BYE" timeout="${ms}" ontimeout="bye" />`);
  if (!text.includes(`timeout="${ms}" ontimeout="cancel"`) || !text.includes(`timeout="${ms}" ontimeout="bye"`)) {
    throw new Error('tools/sipp/caller.xml changed: update withLiteralWaits in tools/sipp.ts');
  }
  const file = path.join(dir, 'caller.xml');
  fs.writeFileSync(file, text);
  return file;
}

export function placeCall(opts: CallOptions): CallHandle {
  installExitHook();
  const lease = opts.ports ? null : leaseSlot();
  const ports = opts.ports ?? lease!.ports;
  const holdMs = opts.holdMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? holdMs + 15_000;
  const scenarioName = opts.scenario ?? (opts.dtmf ? 'survey-caller.xml' : 'caller.xml');
  let scenario = path.isAbsolute(scenarioName) ? scenarioName : path.join(SCENARIOS, scenarioName);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-sipp-'));
  if (opts.dtmf) scenario = withDtmf(scenario, dir, opts.dtmf.digit);
  else if (scenario === path.join(SCENARIOS, 'caller.xml')) scenario = withLiteralWaits(scenario, dir, holdMs);
  if (opts.audioFile) scenario = withAudio(scenario, dir, opts.audioFile);
  const ticks = (ms: number) => String(Math.max(1, Math.ceil(ms / TICK_MS)));
  const files = { log: path.join(dir, 'outcome.log'), err: path.join(dir, 'errors.log'), msg: path.join(dir, 'messages.log') };
  const args = [
    '--pdeathsig',
    'KILL',
    'sipp',
    `${opts.sip.host}:${opts.sip.port}`,
    '-sf',
    scenario,
    '-s',
    opts.number,
    '-key',
    'caller',
    opts.callerId ?? '13800000000',
    '-key',
    'caller_name',
    opts.callerName ?? 'Citizen',
    '-set',
    'hold_ticks',
    String(Math.max(1, Math.ceil(holdMs / TICK_MS))),
    '-i',
    opts.sip.host,
    '-ci',
    '127.0.0.1',
    '-p',
    String(ports.sip),
    '-mp',
    String(ports.media),
    '-cp',
    String(ports.ctrl),
    '-m',
    '1',
    '-l',
    '1',
    '-nostdin',
    '-timeout',
    `${Math.ceil(timeoutMs / 1000)}s`,
    '-timeout_error',
    '-trace_logs',
    '-log_file',
    files.log,
    '-trace_err',
    '-error_file',
    files.err,
    '-trace_msg',
    '-message_file',
    files.msg,
    ...(opts.rtpEcho ? ['-rtp_echo'] : []),
    ...(opts.dtmf ? ['-set', 'dtmf_ticks', ticks(opts.dtmf.afterMs), '-set', 'dtmf_every_ticks', ticks(opts.dtmf.everyMs ?? 2000)] : []),
  ];
  const started = Date.now();
  const sipp = startSipp(args);
  const done = sipp.ended.then(({ exitCode, signal, output }): CallResult => {
    lease?.release();
    const m = /SUNLINE outcome=([\w-]+) code=(\d+)/.exec(readOrEmpty(files.log));
    const outcome = (m?.[1] ?? 'unknown') as CallOutcome;
    const code = m ? Number(m[2]) : NaN;
    const errors = sippErrors(files.err);
    if (process.env['SUNLINE_KEEP_SIPP_LOGS'] !== '1') fs.rmSync(dir, { recursive: true, force: true });
    return {
      exitCode,
      signal,
      outcome,
      sipCode: Number.isFinite(code) && code > 0 ? code : null,
      durationMs: Date.now() - started,
      errors,
      output,
    };
  });
  return { done, kill: sipp.kill };
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** sipp's unexpected-message log without the scenarios' own <recv timeout> jumps. */
function sippErrors(file: string): string {
  return readOrEmpty(file)
    .split('\n')
    .filter((l) => l && !/receive timeout on message .* jumping to label|^The following events occurred:/.test(l))
    .join('\n');
}

/** Runs `setpriv args…` (sipp under --pdeathsig), killed with this process; `ended` never rejects. */
function startSipp(args: string[]): {
  ended: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; output: string }>;
  kill(): void;
} {
  installExitHook();
  const proc = spawn('setpriv', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const ended = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    let finished = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      running.delete(proc);
      resolve({ exitCode, signal, output: output.split('\n').slice(-30).join('\n') });
    };
    proc.once('error', (err) => {
      output += `\nspawn failed: ${err.message}`;
      finish(null, null);
    });
    proc.once('close', finish);
  });
  return {
    ended,
    kill: () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** One call of a batch (see {@link placeCallBatch}). */
export interface BatchCall {
  /** Dialled number, e.g. '12345'. */
  number: string;
  /** Caller number (From user); distinct numbers tell the calls apart in Asterisk and the server. */
  callerId: string;
}

export interface BatchOptions {
  /** The sandbox's SIP address (AsteriskSandbox.sip). */
  sip: { host: string; port: number };
  /** The calls, placed in this order. */
  calls: BatchCall[];
  /** New calls per second, paced by sipp (-r). */
  rate: number;
  /** Caller display name for every call. Default 'Citizen'. */
  callerName?: string;
  /** How long each call rings unanswered before CANCEL, or talks once answered. Default 2000 ms. */
  holdMs?: number;
  /** As CallOptions.audioFile, for every call. */
  audioFile?: string;
  /** Hard limit for the sipp process. Default: the time to place them all + holdMs + 60 s. */
  timeoutMs?: number;
}

export interface BatchCallResult extends BatchCall {
  /** When sipp started the call (its INVITE), ms since the epoch; null if it never did. */
  startedAt: number | null;
  /** When the call's outcome was known; null if it has none (sipp aborted the call or was stopped). */
  endedAt: number | null;
  outcome: CallOutcome;
  sipCode: number | null;
}

export interface BatchResult {
  calls: BatchCallResult[];
  /** sipp's exit code: 0 = every call completed its scenario, 1 = some failed, others = sipp error. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** sipp's unexpected-message log and the tail of its output (for all the calls together). */
  errors: string;
  output: string;
}

export interface BatchHandle {
  readonly done: Promise<BatchResult>;
  /** Kills the sipp process (its calls then time out on the Asterisk side). */
  kill(): void;
}

/**
 * caller.xml for a batch: caller and dialled number from the injection file's fields 0 and 1 (one
 * line per call, in order: sipp's call k takes line k), and a log line when each call starts and
 * when its outcome is known, with the call's number, its caller and sipp's [timestamp]
 * (…\t<epoch seconds.µs>).
 */
function withBatchFields(scenario: string, dir: string): string {
  const text = fs.readFileSync(scenario, 'utf8');
  const stamp = 'SUNLINE call=[call_number] caller=[field0] at=[timestamp]';
  const out = text
    .replaceAll('[caller]', '[field0]')
    .replaceAll('[service]', '[field1]')
    .replaceAll('<log message="SUNLINE outcome=', `<log message="${stamp} outcome=`)
    .replace('<send retrans="500">', `<nop><action><log message="${stamp} start" /></action></nop>\n  <send retrans="500">`);
  if (!out.includes(`${stamp} start`) || !out.includes(`${stamp} outcome=`))
    throw new Error('tools/sipp/caller.xml changed: update withBatchFields in tools/sipp.ts');
  const file = path.join(dir, 'caller-batch.xml');
  fs.writeFileSync(file, out);
  return file;
}

/**
 * Many calls from ONE sipp process (caller.xml; its messages are numbered by [call_number]), at
 * `rate` a second: one process per call loads a small machine more than the system under test
 * does. Each call's outcome and its start and end times come from sipp's <log> lines (the k-th
 * call sipp starts is opts.calls[k - 1]). Like placeCall: leased ports, literal waits, killed with this process, a hard -timeout.
 */
export function placeCallBatch(opts: BatchOptions): BatchHandle {
  if (!opts.calls.length) throw new Error('placeCallBatch: no calls');
  if (!(opts.rate > 0)) throw new Error('placeCallBatch: rate must be > 0');
  installExitHook();
  const lease = leaseSlot();
  const holdMs = opts.holdMs ?? 2000;
  const n = opts.calls.length;
  const timeoutMs = opts.timeoutMs ?? Math.ceil((n / opts.rate) * 1000) + holdMs + 60_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-sipp-batch-'));
  let scenario = withBatchFields(withLiteralWaits(path.join(SCENARIOS, 'caller.xml'), dir, holdMs), dir);
  if (opts.audioFile) scenario = withAudio(scenario, dir, opts.audioFile);
  const csv = path.join(dir, 'calls.csv');
  fs.writeFileSync(csv, ['SEQUENTIAL', ...opts.calls.map((c) => `${c.callerId};${c.number}`)].join('\n') + '\n');
  const files = { log: path.join(dir, 'outcome.log'), err: path.join(dir, 'errors.log') };
  // -r calls per -rp ms: a rate below 1/s as whole calls over a longer period.
  const period = opts.rate >= 1 ? 1000 : Math.round(1000 / opts.rate);
  const perPeriod = opts.rate >= 1 ? opts.rate : 1;
  const { sip, media, ctrl } = lease.ports;
  const args = ['--pdeathsig', 'KILL', 'sipp', `${opts.sip.host}:${opts.sip.port}`, '-sf', scenario, '-inf', csv]
    .concat(['-key', 'caller_name', opts.callerName ?? 'Citizen', '-set', 'hold_ticks', String(Math.max(1, Math.ceil(holdMs / TICK_MS)))])
    .concat(['-i', opts.sip.host, '-ci', '127.0.0.1', '-p', String(sip), '-mp', String(media), '-cp', String(ctrl)])
    .concat(['-r', String(perPeriod), '-rp', String(period), '-m', String(n), '-l', String(n)])
    .concat(['-nostdin', '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error'])
    .concat(['-trace_logs', '-log_file', files.log, '-trace_err', '-error_file', files.err]);
  const started = Date.now();
  const sipp = startSipp(args);
  const done = sipp.ended.then(({ exitCode, signal, output }): BatchResult => {
    lease.release();
    const byCall = new Map<number, { startedAt: number | null; endedAt: number | null; outcome: CallOutcome; sipCode: number | null }>();
    const line = /^SUNLINE call=(\d+) caller=\S* at=.*\t(\d+\.\d+) (?:start|outcome=([\w-]+) code=(\d+))/;
    for (const l of readOrEmpty(files.log).split('\n')) {
      const m = line.exec(l);
      if (!m) continue;
      const at = Math.round(Number(m[2]) * 1000);
      const k = Number(m[1]);
      const r = byCall.get(k) ?? { startedAt: null, endedAt: null, outcome: 'unknown' as CallOutcome, sipCode: null };
      if (m[3] === undefined) r.startedAt = at;
      else {
        r.endedAt = at;
        r.outcome = m[3] as CallOutcome;
        r.sipCode = Number(m[4]) > 0 ? Number(m[4]) : null;
      }
      byCall.set(k, r);
    }
    const errors = sippErrors(files.err);
    if (process.env['SUNLINE_KEEP_SIPP_LOGS'] !== '1') fs.rmSync(dir, { recursive: true, force: true });
    return {
      calls: opts.calls.map((c, i) => ({ ...c, ...(byCall.get(i + 1) ?? { startedAt: null, endedAt: null, outcome: 'unknown', sipCode: null }) })),
      exitCode,
      signal,
      durationMs: Date.now() - started,
      errors: errors.slice(-8000),
      output,
    };
  });
  return { done, kill: sipp.kill };
}

/** Places one call and resolves when it has ended; see {@link placeCall}. */
export function callNumber(opts: CallOptions): Promise<CallResult> {
  return placeCall(opts).done;
}

/** Kills every sipp this process started (for t.teardown). */
export function killAllCalls(): void {
  for (const p of running) p.kill('SIGKILL');
}
