/**
 * The project's own offline build of mediasoup's C++ worker (scripts/mediasoup/build-worker.sh,
 * docs/mediasoup.md): the cached binary exists, is executable, was built from the repo's patch
 * (which carries the DTLS `operationType & BIO_CB_RETURN` fix), links Debian's libraries, and
 * starts up fully when driven the way mediasoup's Node library drives it.
 *
 * Binary: MEDIASOUP_WORKER_BIN, else ${SUNLINE_CACHE_DIR:-/var/cache/sunline}/mediasoup-worker-3.16.0.
 * A missing binary is a failure, not a skip: run `sudo scripts/mediasoup/build-worker.sh`.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';

const VERSION = '3.16.0';
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const patchName = `mediasoup-${VERSION}-debian12.patch`;
const patchPath = join(repo, 'scripts', 'mediasoup', patchName);
const cacheDir = process.env.SUNLINE_CACHE_DIR || '/var/cache/sunline';
const bin = process.env.MEDIASOUP_WORKER_BIN || join(cacheDir, `mediasoup-worker-${VERSION}`);
const HOWTO = 'run `sudo scripts/mediasoup/build-worker.sh` (see docs/mediasoup.md)';

t.test('the repo patch carries the DTLS fix and the libsrtp2 adapter', async (t) => {
  const patch = readFileSync(patchPath, 'utf8');
  t.match(patch, /^\+\s*long resultOfcallback = \(operationType & BIO_CB_RETURN\)/m, 'DTLS BIO callback fix');
  t.match(patch, /^-\s*long resultOfcallback = \(operationType == BIO_CB_RETURN\)/m, 'replaces the == test');
  t.match(patch, /srtp_remove_stream/, 'libsrtp2 API name');
});

const present = existsSync(bin);
t.ok(present, `mediasoup worker binary exists at ${bin}; if not, ${HOWTO}`);

if (present) {
  t.test('is an executable ELF file', async (t) => {
    t.ok(statSync(bin).isFile(), 'regular file');
    t.doesNotThrow(() => accessSync(bin, constants.X_OK), 'executable');
    t.same([...readFileSync(bin).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], 'ELF magic');
  });

  t.test('was built from the repo patch (build stamp next to the binary)', async (t) => {
    const stamp = `${bin}.patch.sha256`;
    t.ok(existsSync(stamp), `${stamp} exists; if not, ${HOWTO}`);
    if (!existsSync(stamp)) return;
    const sum = createHash('sha256').update(readFileSync(patchPath)).digest('hex');
    t.equal(readFileSync(stamp, 'utf8').trim(), `${sum}  ${patchName}`, `patch changed since the build: ${HOWTO}`);
  });

  t.test("links Debian's system libraries, all resolved", async (t) => {
    const ldd = spawnSync('ldd', [bin], { encoding: 'utf8' });
    t.equal(ldd.status, 0, `ldd ran: ${ldd.stderr}`);
    const out = ldd.stdout;
    t.notMatch(out, /not found/, 'no missing shared library (keep the runtime packages installed)');
    for (const lib of [
      /libsrtp2\.so\.1 => \//,
      /libusrsctp\.so\.2 => \//,
      /libssl\.so\.3 => \//,
      /libcrypto\.so\.3 => \//,
      /libuv\.so\.1 => \//,
      /libabsl_\w+\.so\.\S+ => \//,
    ]) {
      t.match(out, lib, `links ${lib.source.split('\\')[0]}`);
    }
  });

  t.test('without MEDIASOUP_VERSION it refuses to start: exit 41, no signal', async (t) => {
    const r = spawnSync(bin, [], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 10_000 });
    t.equal(r.signal, null, 'not killed by a signal');
    t.equal(r.status, 41, 'mediasoup exit code for missing MEDIASOUP_VERSION');
    t.match(r.stderr, /real father/);
  });

  t.test('driven like mediasoup does: initialises OpenSSL/DTLS, libsrtp2, usrsctp, reports running, exits 0 on channel close', async (t) => {
    const child = spawn(bin, ['--logLevel=warn'], {
      env: { PATH: process.env.PATH ?? '', MEDIASOUP_VERSION: VERSION },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const toWorker = child.stdio[3] as Writable;
    const fromWorker = child.stdio[4] as Readable;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });

    // The first frame the worker writes is the WORKER_RUNNING notification, whose handler id is
    // the worker's pid; frames are a 4-byte little-endian length followed by a flatbuffer.
    const pid = String(child.pid);
    const running = await new Promise<Buffer>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error(`no running notification in 10 s; stderr: ${stderr}`)), 10_000);
      fromWorker.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
          const frame = buf.subarray(4, 4 + buf.readUInt32LE(0));
          buf = buf.subarray(4 + frame.length);
          if (frame.includes(pid)) {
            clearTimeout(timer);
            resolve(frame);
            return;
          }
        }
      });
      void exited.then(({ code, signal }) => reject(new Error(`worker exited early (${code ?? signal}); stderr: ${stderr}`)));
    });
    t.ok(running.length > 0, 'WORKER_RUNNING notification received');

    // Like a dying Node parent: close our end of the channel; the worker closes itself.
    toWorker.end();
    fromWorker.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    t.equal(signal, null, `no crash signal; stderr: ${stderr}`);
    t.equal(code, 0, 'clean exit');
  });
}
