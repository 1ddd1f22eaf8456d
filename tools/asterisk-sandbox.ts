/**
 * Private, parallel-safe Asterisk 22 instances for telephony tests.
 *
 * Asterisk runs from the Debian sid chroot made by scripts/asterisk/provision.sh. Each instance
 * gets its own folder inside the chroot (ROOT/tmp/sunline-inst-XXXXXX with etc, run, log,
 * spool, db, cache), the project's dialplan/ copied into its etc, and its own HTTP (ARI), AMI
 * and SIP ports, so any number of test files can run their own Asterisk side by side.
 *
 * No orphans: Asterisk is started through `setpriv --pdeathsig KILL`, so the kernel kills it
 * when the test process dies for any reason (even SIGKILL); a process 'exit' hook kills it and
 * removes its folder; and every start removes folders left by dead owners. Asterisk needs no
 * /proc inside the chroot (verified with 22.10.1), so nothing is mounted.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import fs from 'node:fs';
import { createConnection, createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AsteriskSandbox {
  /** Instance id, e.g. sunline-inst-Ab12Cd. */
  readonly name: string;
  /** Chroot root on the host. */
  readonly root: string;
  /** Host path of the instance folder (inside the chroot). */
  readonly instDir: string;
  /** ARI base URL without the /ari suffix, e.g. http://127.0.0.1:41234. */
  readonly ari: { url: string; username: string; password: string; app: string };
  readonly ami: { host: string; port: number; username: string; password: string };
  /** Where the 'trunk' (carrier) sends calls: the instance's UDP transport. */
  readonly sip: { host: string; port: number };
  /** Runs `asterisk -rx command` against this instance and returns its output. */
  cli(command: string): Promise<string>;
  /** Stops and starts the same instance (same ports, same folder); resolves when ARI and AMI answer. */
  restart(): Promise<void>;
  /** Clean stop; idempotent. Leaves no process and no folder behind. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder whose *.conf files are copied into the instance's etc. Default: <repo>/dialplan. */
  dialplanDir?: string;
  /** ARI application name calls are sent to (global ARI_APP). Default: 'sunline'. */
  ariApp?: string;
  /** Copy Asterisk's console output to this process's stderr. */
  logToConsole?: boolean;
  /** How long to wait for ARI and AMI to answer. Default 30000 ms. */
  startTimeoutMs?: number;
  /**
   * http.conf `sessionlimit`: connections Asterisk's HTTP server (ARI REST and the events
   * websocket) serves at once; it closes any beyond without an answer. Default 100, Asterisk's.
   */
  httpSessionLimit?: number;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const INST_PREFIX = 'sunline-inst-';
const OUTPUT_LINES = 200;

/** The provisioned chroot: SUNLINE_ASTERISK_ROOT, else SUNLINE_CACHE_DIR/asterisk-sid-22. */
export function asteriskRoot(): string {
  const explicit = process.env['SUNLINE_ASTERISK_ROOT'];
  if (explicit) return path.resolve(explicit);
  return path.join(process.env['SUNLINE_CACHE_DIR'] ?? '/var/cache/sunline', 'asterisk-sid-22');
}

/** Whether startAsterisk can work here; the reason says how to fix it. */
export function asteriskAvailable(): { ok: true } | { ok: false; reason: string } {
  const root = asteriskRoot();
  const fix = 'run `sudo scripts/asterisk/provision.sh` (or set SUNLINE_ASTERISK_ROOT to a provisioned chroot)';
  if (process.getuid?.() !== 0) return { ok: false, reason: `the Asterisk sandbox needs root (chroot); ${fix} and run the tests as root` };
  if (!fs.existsSync(path.join(root, '.sunline-provisioned'))) {
    return { ok: false, reason: `Asterisk is not provisioned at ${root}: ${fix}` };
  }
  if (!fs.existsSync(path.join(root, 'usr/sbin/asterisk'))) {
    return { ok: false, reason: `no asterisk binary in ${root}: ${fix}` };
  }
  return { ok: true };
}

// ---- process-wide bookkeeping --------------------------------------------------------------

interface Live {
  proc: ChildProcess | undefined;
  hostDir: string;
}
const live = new Set<Live>();
const handedOut = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort when a test crashes or forgets stop(); pdeathsig covers signals.
  process.on('exit', () => {
    for (const l of live) {
      if (l.proc?.pid && l.proc.exitCode === null) {
        try {
          process.kill(l.proc.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      fs.rmSync(l.hostDir, { recursive: true, force: true });
    }
  });
}

/**
 * A running process's start time (clock ticks since boot, /proc/PID/stat field 22), or null
 * if it is gone or a zombie. Pid plus start time identifies a process despite pid reuse.
 */
function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return fields[0] === 'Z' ? null : (fields[19] ?? null);
  } catch {
    return null;
  }
}

/** Removes instance folders whose owning test process is gone (and their Asterisk, if any). */
function removeStaleInstances(root: string): void {
  const tmp = path.join(root, 'tmp');
  for (const entry of fs.readdirSync(tmp)) {
    if (!entry.startsWith(INST_PREFIX)) continue;
    const dir = path.join(tmp, entry);
    let owner: { ownerPid?: number; ownerStart?: string; asteriskPid?: number } = {};
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')) as typeof owner;
    } catch {
      // Being created right now by another process, or broken: only old ones are stale.
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 120_000) continue;
    }
    const ownerStart = owner.ownerPid ? processStart(owner.ownerPid) : null;
    if (ownerStart !== null && ownerStart === owner.ownerStart) continue; // owner still running
    if (owner.asteriskPid && processStart(owner.asteriskPid) !== null) {
      const cmdline = readCmdline(owner.asteriskPid);
      if (cmdline.includes(`/tmp/${entry}/`)) {
        try {
          process.kill(owner.asteriskPid, 'SIGKILL');
        } catch {
          /* raced */
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ownerRecord(): { ownerPid: number; ownerStart: string | null } {
  return { ownerPid: process.pid, ownerStart: processStart(process.pid) };
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

// ---- ports -----------------------------------------------------------------------------------

async function freeTcpPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, HOST, () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** A free UDP port on 127.0.0.1, not handed out before by this process. */
export async function freeUdpPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const sock = createSocket('udp4');
      sock.once('error', reject);
      sock.bind(0, HOST, () => {
        const { port: p } = sock.address();
        sock.close(() => resolve(p));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

// ---- configuration ---------------------------------------------------------------------------

interface Ports {
  http: number;
  ami: number;
  sip: number;
}

/**
 * Our prompts (dialplan/sounds/sunline/*) into the chroot's sounds directory, where Asterisk
 * finds `sound:sunline/…` (language-less path). Copied atomically so parallel starts are safe.
 */
function installSounds(root: string, soundsDir: string): void {
  if (!fs.existsSync(soundsDir)) return;
  const target = path.join(root, 'usr/share/asterisk/sounds');
  for (const sub of fs.readdirSync(soundsDir)) {
    fs.mkdirSync(path.join(target, sub), { recursive: true });
    for (const f of fs.readdirSync(path.join(soundsDir, sub))) {
      const src = path.join(soundsDir, sub, f);
      const dst = path.join(target, sub, f);
      const same = fs.existsSync(dst) && fs.statSync(dst).size === fs.statSync(src).size && fs.readFileSync(dst).equals(fs.readFileSync(src));
      if (same) continue;
      const tmp = `${dst}.${process.pid}.tmp`;
      fs.copyFileSync(src, tmp);
      fs.renameSync(tmp, dst);
    }
  }
}

function writeConfig(
  root: string,
  hostDir: string,
  chrootDir: string,
  o: {
    dialplanDir: string;
    ariApp: string;
    ports: Ports;
    ariUser: string;
    ariPass: string;
    amiUser: string;
    amiPass: string;
    httpSessionLimit: number;
  },
): void {
  const etc = path.join(hostDir, 'etc');
  for (const f of fs.readdirSync(o.dialplanDir)) {
    if (f.endsWith('.conf')) fs.copyFileSync(path.join(o.dialplanDir, f), path.join(etc, f));
  }
  const files: Record<string, string> = {
    'asterisk.conf': `[directories]
astcachedir => ${chrootDir}/cache
astetcdir => ${chrootDir}/etc
astmoddir => /usr/lib/x86_64-linux-gnu/asterisk/modules
astvarlibdir => /var/lib/asterisk
astdbdir => ${chrootDir}/db
astkeydir => /var/lib/asterisk
astdatadir => /usr/share/asterisk
astagidir => /usr/share/asterisk/agi-bin
astspooldir => ${chrootDir}/spool
astrundir => ${chrootDir}/run
astlogdir => ${chrootDir}/log
astsbindir => /usr/sbin
[options]
verbose = 3
defaultlanguage = en
documentation_language = en_US
`,
    'logger.conf': `[general]
dateformat = %F %T.%3q
[logfiles]
console => notice,warning,error,verbose
messages.log => notice,warning,error,verbose
`,
    // As dialplan/snippets/http.conf.sample: the session limit above Sunline's REST pool
    // (SUNLINE_ARI_MAX_CONNECTIONS) and the websocket; idle keep-alive sockets closed after 15 s.
    'http.conf': `[general]
enabled = yes
bindaddr = ${HOST}
bindport = ${o.ports.http}
enablestatic = no
sessionlimit = ${o.httpSessionLimit}
session_keep_alive = 15000
`,
    'ari.conf': `[general]
enabled = yes
pretty = no
allowed_origins = *
[${o.ariUser}]
type = user
read_only = no
password = ${o.ariPass}
password_format = plain
`,
    'manager.conf': `[general]
enabled = yes
webenabled = no
bindaddr = ${HOST}
port = ${o.ports.ami}
displayconnects = no
[${o.amiUser}]
secret = ${o.amiPass}
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = all
`,
    'pjsip-site.conf': `; generated by tools/asterisk-sandbox.ts
[transport-udp](sunline-udp)
bind = ${HOST}:${o.ports.sip}
[carrier-local](trunk-identify)
match = ${HOST}
`,
    'extensions-site.conf': `; generated by tools/asterisk-sandbox.ts (continues [globals])
ARI_APP=${o.ariApp}
`,
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(etc, name), text);
  // Core config files Asterisk always reads: quiet defaults unless the dialplan dir has its own.
  const quiet: Record<string, string> = {
    'cdr.conf': '[general]\nenable = no\n',
    'cel.conf': '[general]\nenable = no\n',
    'ccss.conf': '[general]\n',
    'features.conf': '[general]\n',
    'acl.conf': '; none\n',
    'udptl.conf': '[general]\n',
    'pjproject.conf': '[startup]\ntype = startup\n',
    'stasis.conf': '; defaults\n',
    'websocket_client.conf': '; none\n',
    'res_http_media_cache.conf': '[general]\n',
    'queuerules.conf': '; none\n',
  };
  for (const [name, text] of Object.entries(quiet)) {
    if (!fs.existsSync(path.join(etc, name))) fs.writeFileSync(path.join(etc, name), text);
  }
  // Tones for ringback/congestion: the distribution's file, unchanged.
  const indications = path.join(root, 'etc/asterisk/indications.conf');
  if (fs.existsSync(indications) && !fs.existsSync(path.join(etc, 'indications.conf'))) {
    fs.copyFileSync(indications, path.join(etc, 'indications.conf'));
  }
}

// ---- readiness probes ------------------------------------------------------------------------

async function ariAnswers(url: string, user: string, pass: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ari/asterisk/info`, {
      // Close the probe's socket: a kept-alive one would hold one of a small sessionlimit's slots.
      headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`, connection: 'close' },
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Connects, checks the banner, logs in and off. */
function amiAnswers(port: number, user: string, pass: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: HOST, port });
    let buf = '';
    let loggedIn = false;
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2000);
    sock.on('error', () => done(false));
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      if (!loggedIn && buf.includes('\r\n')) {
        if (!buf.startsWith('Asterisk Call Manager/')) return done(false);
        loggedIn = true;
        buf = buf.slice(buf.indexOf('\r\n') + 2);
        sock.write(`Action: Login\r\nUsername: ${user}\r\nSecret: ${pass}\r\nActionID: probe\r\n\r\n`);
      }
      const end = buf.indexOf('\r\n\r\n');
      if (loggedIn && end >= 0) {
        const ok = /Response: Success/.test(buf.slice(0, end));
        if (ok) sock.write('Action: Logoff\r\n\r\n');
        done(ok);
      }
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    proc.once('exit', onExit);
  });
}

// ---- the instance ----------------------------------------------------------------------------

class Instance implements AsteriskSandbox {
  readonly ari: AsteriskSandbox['ari'];
  readonly ami: AsteriskSandbox['ami'];
  readonly sip: AsteriskSandbox['sip'];
  private readonly entry: Live;
  private readonly output: string[] = [];
  private stopped = false;

  constructor(
    readonly name: string,
    readonly root: string,
    readonly instDir: string,
    private readonly chrootDir: string,
    private ports: Ports,
    creds: { ariUser: string; ariPass: string; amiUser: string; amiPass: string; app: string },
    private readonly opts: { dialplanDir: string; logToConsole: boolean; startTimeoutMs: number; httpSessionLimit: number },
  ) {
    this.ari = { url: `http://${HOST}:${ports.http}`, username: creds.ariUser, password: creds.ariPass, app: creds.app };
    this.ami = { host: HOST, port: ports.ami, username: creds.amiUser, password: creds.amiPass };
    this.sip = { host: HOST, port: ports.sip };
    this.entry = { proc: undefined, hostDir: instDir };
    live.add(this.entry);
  }

  private get confPath(): string {
    return `${this.chrootDir}/etc/asterisk.conf`;
  }

  cli(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'chroot',
        [this.root, '/usr/sbin/asterisk', '-C', this.confPath, '-rx', command],
        { timeout: 15_000, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`asterisk -rx '${command}' failed: ${err.message} ${stderr}${stdout}`.trim()));
          else resolve(stdout);
        },
      );
    });
  }

  /** Spawns Asterisk and waits for ARI, AMI, full boot and the SIP transport. */
  async launch(): Promise<void> {
    const args = ['--pdeathsig', 'KILL', 'chroot', this.root, '/usr/sbin/asterisk', '-C', this.confPath, '-f', '-n'];
    const proc = spawn('setpriv', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: '/root' },
    });
    this.entry.proc = proc;
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      if (this.opts.logToConsole) process.stderr.write(text.replace(/^(?=.)/gm, `[${this.name}] `));
      this.output.push(...text.split('\n').filter(Boolean));
      if (this.output.length > OUTPUT_LINES) this.output.splice(0, this.output.length - OUTPUT_LINES);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    // A forgotten stop() must not keep the test process alive (pdeathsig then kills Asterisk).
    proc.unref();
    (proc.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    this.writeOwner(proc.pid);

    const deadline = Date.now() + this.opts.startTimeoutMs;
    let ariOk = false;
    let amiOk = false;
    while (!(ariOk && amiOk)) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw this.failure(`Asterisk exited during start-up (${proc.exitCode ?? proc.signalCode})`);
      }
      // Asterisk keeps running when a bind fails; give up at once so startAsterisk can retry.
      if (this.portClash()) throw this.failure('a port was taken between allocation and bind');
      if (Date.now() > deadline)
        throw this.failure(`ARI ${ariOk ? 'up' : 'not answering'}, AMI ${amiOk ? 'up' : 'not answering'} after ${this.opts.startTimeoutMs} ms`);
      ariOk ||= await ariAnswers(this.ari.url, this.ari.username, this.ari.password);
      amiOk ||= await amiAnswers(this.ami.port, this.ami.username, this.ami.password);
      if (!(ariOk && amiOk)) await sleep(100);
    }
    await this.cli('core waitfullybooted');
    const transports = await this.cli('pjsip show transports');
    if (!transports.includes(`${HOST}:${this.ports.sip}`)) {
      throw this.failure(`SIP transport not bound to ${HOST}:${this.ports.sip}`);
    }
  }

  private writeOwner(asteriskPid: number | undefined): void {
    fs.writeFileSync(path.join(this.instDir, 'owner.json'), JSON.stringify({ ...ownerRecord(), asteriskPid }));
  }

  /** Output lines (console + messages log) for error messages. */
  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }

  portClash(): boolean {
    return this.output.some((l) => /Address already in use|Unable to bind/i.test(l));
  }

  private failure(what: string): Error {
    return new Error(`Asterisk sandbox ${this.name}: ${what}.\n--- last Asterisk output ---\n${this.tail()}`);
  }

  /** New ports after a bind clash at start (only before anyone saw the old ones). */
  async reassignPorts(dialplanDir: string, ariApp: string): Promise<void> {
    const httpSessionLimit = this.opts.httpSessionLimit;
    this.ports = { http: await freeTcpPort(), ami: await freeTcpPort(), sip: await freeUdpPort() };
    Object.assign(this.ari, { url: `http://${HOST}:${this.ports.http}` });
    Object.assign(this.ami, { port: this.ports.ami });
    Object.assign(this.sip, { port: this.ports.sip });
    writeConfig(this.root, this.instDir, this.chrootDir, {
      dialplanDir,
      ariApp,
      ports: this.ports,
      httpSessionLimit,
      ariUser: this.ari.username,
      ariPass: this.ari.password,
      amiUser: this.ami.username,
      amiPass: this.ami.password,
    });
    this.output.length = 0;
  }

  /** Stops the process, keeping the folder. */
  async halt(): Promise<void> {
    const proc = this.entry.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await this.cli('core stop now').catch(() => undefined);
    if (await waitExit(proc, 5000)) return;
    proc.kill('SIGTERM');
    if (await waitExit(proc, 3000)) return;
    proc.kill('SIGKILL');
    await waitExit(proc, 3000);
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`Asterisk sandbox ${this.name} was stopped`);
    await this.halt();
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.halt();
    fs.rmSync(this.instDir, { recursive: true, force: true });
    live.delete(this.entry);
  }
}

/** Starts a private Asterisk with the project's dialplan; see {@link AsteriskSandbox}. */
export async function startAsterisk(opts: StartOptions = {}): Promise<AsteriskSandbox> {
  const available = asteriskAvailable();
  if (!available.ok) throw new Error(available.reason);
  const root = asteriskRoot();
  installExitHook();
  removeStaleInstances(root);

  const dialplanDir = path.resolve(opts.dialplanDir ?? path.join(REPO, 'dialplan'));
  installSounds(root, path.join(REPO, 'dialplan', 'sounds'));
  const ariApp = opts.ariApp ?? 'sunline';
  const hostDir = fs.mkdtempSync(path.join(root, 'tmp', INST_PREFIX));
  const name = path.basename(hostDir);
  const chrootDir = `/tmp/${name}`;
  fs.writeFileSync(path.join(hostDir, 'owner.json'), JSON.stringify(ownerRecord()));
  for (const sub of ['etc', 'run', 'log', 'db', 'cache', 'spool/recording', 'spool/monitor', 'spool/tmp', 'spool/outgoing']) {
    fs.mkdirSync(path.join(hostDir, sub), { recursive: true });
  }
  const secret = (): string => randomBytes(12).toString('hex');
  const creds = { ariUser: 'sunline', ariPass: secret(), amiUser: 'sunline', amiPass: secret(), app: ariApp };
  const ports: Ports = { http: await freeTcpPort(), ami: await freeTcpPort(), sip: await freeUdpPort() };
  const httpSessionLimit = opts.httpSessionLimit ?? 100;
  writeConfig(root, hostDir, chrootDir, { dialplanDir, ariApp, ports, httpSessionLimit, ...creds });

  const inst = new Instance(name, root, hostDir, chrootDir, ports, creds, {
    dialplanDir,
    logToConsole: opts.logToConsole ?? false,
    startTimeoutMs: opts.startTimeoutMs ?? 30_000,
    httpSessionLimit,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await inst.launch();
      return inst;
    } catch (err) {
      // Another process may grab a port between our probe and Asterisk's bind: new ports, retry.
      const clash = inst.portClash();
      await inst.halt();
      if (!clash || attempt >= 4) {
        await inst.stop();
        throw err;
      }
      await inst.reassignPorts(dialplanDir, ariApp);
    }
  }
}

/** The SUNLINE_* variables that point a Sunline server at this sandbox (for loadEnv). */
export function sandboxEnv(a: Pick<AsteriskSandbox, 'ari' | 'ami'> & Partial<Pick<AsteriskSandbox, 'instDir'>>): Record<string, string> {
  return {
    // MixMonitor writes to astspooldir/monitor, which is <instance>/spool inside the chroot (call recording).
    ...(a.instDir ? { SUNLINE_RECORDING_SPOOL_DIR: path.join(a.instDir, 'spool', 'monitor') } : {}),
    SUNLINE_ARI_URL: a.ari.url,
    SUNLINE_ARI_USER: a.ari.username,
    SUNLINE_ARI_PASSWORD: a.ari.password,
    SUNLINE_ARI_APP: a.ari.app,
    SUNLINE_AMI_HOST: a.ami.host,
    SUNLINE_AMI_PORT: String(a.ami.port),
    SUNLINE_AMI_USER: a.ami.username,
    SUNLINE_AMI_PASSWORD: a.ami.password,
  };
}
