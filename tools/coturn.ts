/**
 * A private coturn (Debian's `coturn`, /usr/bin/turnserver) for the TURN tests: loopback only,
 * a free port, `use-auth-secret` + `static-auth-secret` (the TURN REST API credentials the server
 * mints), its own config, log and database in a temp dir. Dies with the test process
 * (setpriv --pdeathsig KILL, an 'exit' hook) and at teardown.
 *
 * `allow-loopback-peers` is needed only because mediasoup listens on 127.0.0.1 here; never in
 * production (docs/mediasoup.md has the production config).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const TURNSERVER = '/usr/bin/turnserver';

export interface Coturn {
  readonly port: number;
  readonly secret: string;
  readonly realm: string;
  /** `turn:127.0.0.1:<port>?transport=udp`. */
  readonly url: string;
  /** The log so far. */
  log(): string;
  /** Allocations coturn granted (ALLOCATE success lines) so far. */
  allocations(): number;
  /** Requests coturn refused for their credentials (a 401 to a named user) so far. */
  authFailures(): number;
  /**
   * One allocation with these credentials by coturn's own client (turnutils_uclient, UDP,
   * client-to-client mode): true when coturn granted it.
   */
  allocate(username: string, credential: string): Promise<boolean>;
  stop(): Promise<void>;
}

export const TURN_CLIENT = '/usr/bin/turnutils_uclient';

interface T {
  teardown(fn: () => unknown): void;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const udp = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    udp.close();
    if (tcpFree) return port;
  }
  throw new Error('no free port for coturn');
}

export async function startCoturn(t: T, secret: string, opts: { realm?: string } = {}): Promise<Coturn> {
  if (!fs.existsSync(TURNSERVER)) throw new Error(`no ${TURNSERVER}: apt-get install -y coturn (scripts/setup.sh installs it)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-coturn-'));
  const port = await freePort();
  const realm = opts.realm ?? 'sunline.test';
  const logFile = path.join(dir, 'turn.log');
  // Relay ports: a window above the listening port (coturn scans for free ones itself).
  const minPort = 50000 + (port % 10000);
  const config = [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 200}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'allow-loopback-peers',
    'no-multicast-peers',
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'verbose',
    'simple-log',
    'no-stdout-log',
    `log-file=${logFile}`,
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turn.pid')}`,
  ];
  fs.writeFileSync(path.join(dir, 'turnserver.conf'), `${config.join('\n')}\n`, { mode: 0o600 });
  const proc = spawn('setpriv', ['--pdeathsig', 'KILL', TURNSERVER, '-c', path.join(dir, 'turnserver.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      running.delete(proc);
      resolve();
    }),
  );

  const log = (): string => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const count = (re: RegExp): number => log().match(re)?.length ?? 0;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
  };
  t.teardown(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Ready when both listeners on our port are open.
  const deadline = Date.now() + 10_000;
  const ready = new RegExp(`UDP listener opened on ?: 127\\.0\\.0\\.1:${port}`);
  while (!ready.test(log())) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`turnserver exited (${proc.exitCode ?? proc.signalCode}): ${output}\n${log().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not open 127.0.0.1:${port} in 10 s:\n${log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    secret,
    realm,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    log,
    allocations: () => count(/ALLOCATE processed, success/g),
    // The first 401 of an allocation is the challenge (user <>); one for a named user is a refusal.
    authFailures: () => count(/user <[^>]+>: incoming packet \S+ processed, error 401/g),
    allocate: (username, credential) =>
      new Promise((resolve) => {
        const args = ['-p', String(port), '-u', username, '-w', credential, '-y', '-n', '1', '-m', '1', '-l', '100', '127.0.0.1'];
        execFile(TURN_CLIENT, args, { timeout: 15_000 }, (err, stdout, stderr) => {
          resolve(!err && !/Cannot complete Allocation/.test(`${stdout}${stderr}`));
        });
      }),
    stop,
  };
}
