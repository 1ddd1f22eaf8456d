/**
 * Runs src/server.ts in a child process (through tsx) on a free port and waits until it
 * listens. The child's transpiled code does not map onto tap's coverage of the same files, so
 * it is kept out of coverage (what it runs is covered in-process).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { keepChildLine } from './test-log.js';

const { NODE_V8_COVERAGE: _coverage, ...parentEnv } = process.env;
export const childEnv = { ...parentEnv, _TAPJS_PROCESSINFO_COVERAGE_: '0' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  port: number;
  /** stdout and stderr so far. */
  output(): string;
  /** The exit signal (null after a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
}

/** Starts the server with SUNLINE_* settings on top of the test's environment; SIGKILLed at teardown. */
export async function startServerProcess(t: { teardown(fn: () => unknown): void }, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...childEnv, SUNLINE_HOST: '127.0.0.1', SUNLINE_PORT: String(port), SUNLINE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  // Whole lines into the failure recap's server log (the child's own output says what it did).
  const partial = { stdout: '', stderr: '' };
  const take = (from: keyof typeof partial) => (d: Buffer) => {
    const text = String(d);
    out += text;
    const lines = (partial[from] + text).split('\n');
    partial[from] = lines.pop() ?? '';
    for (const line of lines) if (line) keepChildLine(line, port);
  };
  child.stdout.on('data', take('stdout'));
  child.stderr.on('data', take('stderr'));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // A full run on a loaded 2-core machine has taken over 30 s to start the child (tsx + imports).
  const until = Date.now() + 90_000;
  while (!out.includes('sunline listening')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before listening:\n${out}`);
    if (Date.now() > until) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, output: () => out, exited };
}

/** Resolves once the server at `url` reports its ARI and AMI connected (/health/ready's components). */
export async function telephonyConnected(url: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await fetch(`${url}/health/ready`).catch(() => null);
    const body = (await res?.json().catch(() => null)) as { components?: Record<string, { ok: boolean }> } | null;
    if (body?.components?.['ari']?.ok && body.components['ami']?.ok) return;
    if (Date.now() > end) throw new Error(`timed out waiting for telephony connected at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** startServerProcess, then telephonyConnected: a server process on an Asterisk sandbox, with its `url`. */
export async function startTelephonyProcess(t: { teardown(fn: () => unknown): void }, env: Record<string, string>): Promise<ServerProcess & { url: string }> {
  const s = await startServerProcess(t, env);
  const url = `http://127.0.0.1:${s.port}`;
  await telephonyConnected(url);
  return Object.assign(s, { url });
}
