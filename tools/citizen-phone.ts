/**
 * A citizen's phone for outbound-call tests: sipp as a UAS with tools/sipp/citizen.xml on a free
 * local port, and the sandbox's carrier trunk pointed at it, so `PJSIP/<number>@trunk` (the
 * default SUNLINE_OUTBOUND_ENDPOINT) reaches it. The last three digits of the number dialled
 * choose what the phone does: ...486 busy, ...480 rings without answering, else it answers
 * (RTP echoed) and stays until Asterisk hangs up, ...777 answers and hangs up itself after 2 s.
 * With `audioFile` (tools/sipp.ts toneFile) the phone talks instead of echoing: the file looped
 * from the answer on, something a recording can tell from silence. With `dtmf` (a key) the
 * phone presses that key (RFC 4733) every second from the answer until Asterisk hangs up, e.g.
 * to answer the survey after an outbound call; with `dtmfAfterMs` too, from that long after the
 * answer on (a survey still waiting for its key when our server is killed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, type AsteriskSandbox } from './asterisk-sandbox.js';
import { pointTrunkAt } from './unit-phone.js';

const SCENARIO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sipp', 'citizen.xml');

export interface CitizenPhone {
  port: number;
  /** The INVITEs received so far: the number dialled and the caller ID presented (From user). */
  invites(): { number: string; from: string }[];
  kill(): void;
}

/**
 * Starts a citizen phone taking up to `calls` calls and points the sandbox's trunk at it.
 * `timeoutSeconds`: sipp ends the whole run after it (default 300; 0 runs until killed, the demo).
 */
export async function citizenPhone(
  a: AsteriskSandbox,
  calls = 10,
  opts: { audioFile?: string; timeoutSeconds?: number; dtmf?: string; dtmfAfterMs?: number } = {},
): Promise<CitizenPhone> {
  const port = await freeUdpPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-citizen-'));
  const msgFile = path.join(dir, 'messages.log');
  const scenario = opts.dtmf ? pressing(dir, opts.dtmf, opts.dtmfAfterMs ?? 0) : opts.audioFile ? talking(dir, opts.audioFile) : SCENARIO;
  const args = ['--pdeathsig', 'KILL', 'sipp', '-sf', scenario, '-i', a.sip.host, '-p', String(port), '-mp', String(port + 2)];
  if (!opts.audioFile) args.push('-rtp_echo');
  const timeout = opts.timeoutSeconds ?? 300;
  args.push('-m', String(calls), '-nostdin', ...(timeout > 0 ? ['-timeout', `${timeout}s`] : []), '-trace_msg', '-message_file', msgFile);
  const proc: ChildProcess = spawn('setpriv', args, { stdio: 'ignore' });
  process.once('exit', () => proc.kill('SIGKILL'));
  await pointTrunkAt(a, port);
  const text = () => (fs.existsSync(msgFile) ? fs.readFileSync(msgFile, 'utf8') : '');
  return {
    port,
    invites: () => [...text().matchAll(/^INVITE sip:([^@\s]+)@[\s\S]*?^From:[^<]*<sip:([^@>]+)@/gm)].map((m) => ({ number: m[1]!, from: m[2]! })),
    kill: () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of citizen.xml that streams `file` (raw µ-law, looped) once the answer is acknowledged. */
function talking(dir: string, file: string): string {
  const text = fs.readFileSync(SCENARIO, 'utf8');
  const marker = '<recv request="ACK" crlf="true" />';
  if (!text.includes(marker)) throw new Error('tools/sipp/citizen.xml changed: update talking() in tools/citizen-phone.ts');
  const out = path.join(dir, 'citizen-audio.xml');
  fs.writeFileSync(out, text.replace(marker, `${marker}\n  <nop><action><exec rtp_stream="${file},-1,0" /></action></nop>`));
  return out;
}

/**
 * A copy of citizen.xml that presses `digit` every second while answered (sip-tester's RTP
 * capture of the key), the first time `afterMs` after the answer (a BYE meanwhile ends it as usual).
 */
function pressing(dir: string, digit: string, afterMs: number): string {
  if (!/^[0-9*#]$/.test(digit)) throw new Error(`dtmf digit must be 0-9, * or #, not ${JSON.stringify(digit)}`);
  const pcapDir = process.env['SUNLINE_SIPP_PCAP_DIR'] ?? '/usr/share/sip-tester';
  const pcap = path.join(pcapDir, `dtmf_2833_${{ '*': 'star', '#': 'pound' }[digit] ?? digit}.pcap`);
  if (!fs.existsSync(pcap)) throw new Error(`no DTMF capture ${pcap} (install sip-tester or set SUNLINE_SIPP_PCAP_DIR)`);
  const text = fs.readFileSync(SCENARIO, 'utf8');
  const wait = '<recv request="BYE" timeout="120000" />';
  const busy = '<label id="busy" />';
  if (!text.includes(wait) || !text.includes(busy)) throw new Error('tools/sipp/citizen.xml changed: update pressing() in tools/citizen-phone.ts');
  const key = `<label id="key" />\n  <nop><action><exec play_pcap_audio="${pcap}" /></action></nop>\n  <nop next="talk" />\n\n  `;
  const out = path.join(dir, 'citizen-dtmf.xml');
  const first = afterMs > 0 ? `<recv request="BYE" timeout="${Math.round(afterMs)}" ontimeout="talk" next="bye" />\n  ` : '';
  const loop = `${first}<label id="talk" />\n  <recv request="BYE" timeout="1000" ontimeout="key" />${afterMs > 0 ? '\n  <label id="bye" />' : ''}`;
  fs.writeFileSync(out, text.replace(wait, loop).replace(busy, key + busy));
  return out;
}
