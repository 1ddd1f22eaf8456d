/**
 * A unit's phone for transfer and three-way call tests: sipp's built-in UAS (answers every
 * INVITE, echoes RTP, answers the BYE) on a free local port, and the sandbox's carrier trunk
 * pointed at it (an AOR 'trunk' with that contact, which dialplan/pjsip.conf leaves to the
 * site), so `PJSIP/<number>@trunk` reaches it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeUdpPort, type AsteriskSandbox } from './asterisk-sandbox.js';

export interface UnitPhone {
  port: number;
  /** Request-URI users of the INVITEs the phone received so far (the dialled numbers). */
  dialled(): string[];
  /** Whether sipp has exited. */
  exited(): boolean;
  /** Resolves when sipp has exited (after `calls` calls ended), with its exit code. */
  readonly done: Promise<number | null>;
  kill(): void;
}

/** Adds `[trunk] type=aor contact=sip:127.0.0.1:<port>` to the sandbox and reloads PJSIP. */
export async function pointTrunkAt(a: AsteriskSandbox, port: number): Promise<void> {
  const site = path.join(a.instDir, 'etc', 'pjsip-site.conf');
  fs.appendFileSync(site, `\n; tools/unit-phone.ts: outbound calls to the unit phone\n[trunk]\ntype = aor\ncontact = sip:${a.sip.host}:${port}\n`);
  await a.cli('module reload res_pjsip.so');
  for (let i = 0; i < 50; i++) {
    if ((await a.cli('pjsip show aor trunk')).includes(`sip:${a.sip.host}:${port}`)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('trunk AOR did not load');
}

/**
 * Starts a unit phone answering `calls` calls and points the sandbox's trunk at it. sipp binds
 * its SIP port and, for -rtp_echo, two media ports above it; a free port found by binding and
 * closing can be taken by another process before sipp binds it, and sipp then exits at once. So
 * the phone is started again on other ports when it is gone within its first moments.
 */
export async function unitPhone(a: AsteriskSandbox, calls = 1): Promise<UnitPhone> {
  for (let attempt = 1; ; attempt++) {
    const phone = await startUnitPhone(a.sip.host, calls);
    const exited = await Promise.race([phone.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);
    if (!exited) {
      await pointTrunkAt(a, phone.port);
      return phone;
    }
    phone.kill();
    if (attempt >= 5) throw new Error(`the unit phone (sipp UAS) exited at start ${attempt} times`);
  }
}

async function startUnitPhone(host: string, calls: number): Promise<UnitPhone> {
  const port = await freeUdpPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-unit-'));
  const msgFile = path.join(dir, 'messages.log');
  const proc: ChildProcess = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      'sipp',
      '-sn',
      'uas',
      '-i',
      host,
      '-p',
      String(port),
      '-mp',
      String(port + 2),
      '-rtp_echo',
      '-m',
      String(calls),
      '-nostdin',
      // sipp's -timeout ends the whole run: long enough for a slow full run; teardown kills it.
      '-timeout',
      '600s',
      '-trace_msg',
      '-message_file',
      msgFile,
    ],
    { stdio: 'ignore' },
  );
  const done = new Promise<number | null>((resolve) => {
    proc.once('error', () => resolve(null));
    proc.once('close', (code) => resolve(code));
  });
  process.once('exit', () => proc.kill('SIGKILL'));
  return {
    port,
    dialled: () => {
      const text = fs.existsSync(msgFile) ? fs.readFileSync(msgFile, 'utf8') : '';
      return [...text.matchAll(/^INVITE sip:([^@\s]+)@/gm)].map((m) => m[1]!);
    },
    done,
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    kill: () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
