/**
 * ARI REST's connection pool and retries against a local HTTP server that misbehaves like an
 * overloaded Asterisk: it closes connections without an answer (its session limit), or never
 * answers. Repeatable requests are retried, others never; the pool never opens more sockets than
 * SUNLINE_ARI_MAX_CONNECTIONS and closes idle ones first.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import t from 'tap';
import { pino } from 'pino';
import { loadEnv } from '../../src/config/env.js';
import { AriClient } from '../../src/telephony/ari/index.js';
import { isRepeatable } from '../../src/telephony/ari/retry-policy.js';
import { TelephonyError } from '../../src/telephony/errors.js';

interface Options {
  /** Destroy the socket of the first `cut` requests instead of answering. */
  cut?: number;
  /** Never answer. */
  hang?: boolean;
  /** Answer after this long. */
  delayMs?: number;
}

async function flakyAri(o: Options = {}) {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;
  let opened = 0;
  let closed = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url!.split('?')[0]}`);
      if (o.hang) return;
      if (seen.length <= (o.cut ?? 0)) {
        req.socket.destroy(); // as Asterisk beyond its sessionlimit: no answer at all
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'), o.delayMs ?? 0);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    opened++;
    maxOpen = Math.max(maxOpen, ++open);
    s.on('close', () => {
      sockets.delete(s);
      open--;
      closed++;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stats: () => ({ open, maxOpen, opened, closed }),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const log = pino({ level: 'silent' });
function client(url: string, extra: Partial<ConstructorParameters<typeof AriClient>[0]> = {}) {
  return new AriClient({
    url,
    username: 'u',
    password: 'p',
    app: 'sunline',
    logger: log,
    requestTimeoutMs: 1000,
    requestRetryBackoff: { initialMs: 5, maxMs: 20 },
    ...extra,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof TelephonyError ? `${e.code} ${e.detail ?? ''}`.trim() : `other: ${String(e)}`;
  }
}

t.test('a GET whose connection Asterisk closes without an answer is sent again', async (t) => {
  const srv = await flakyAri({ cut: 2 });
  t.teardown(srv.close);
  const ari = client(srv.url);
  t.teardown(() => ari.close());
  t.same(await ari.channels.list(), []);
  t.same(srv.seen, ['GET /ari/channels', 'GET /ari/channels', 'GET /ari/channels']);
});

t.test("the front door's POSTs that are safe twice are retried: answer, variables, continue", async (t) => {
  const calls: Array<[string, (ari: AriClient) => Promise<unknown>]> = [
    ['POST /ari/channels/c1/answer', (ari) => ari.channels.answer('c1')],
    ['POST /ari/channels/c1/variable', (ari) => ari.channels.setChannelVar('c1', '__SUNLINE_CALL_ID', 'x')],
    ['POST /ari/channels/c1/continue', (ari) => ari.channels.continueInDialplan('c1', { context: 'sunline-queue', extension: '12345', priority: 1 })],
  ];
  for (const [request, send] of calls) {
    const srv = await flakyAri({ cut: 1 });
    t.teardown(srv.close);
    const ari = client(srv.url);
    t.teardown(() => ari.close());
    await send(ari);
    t.same(srv.seen, [request, request], `${request}: cut once, sent again`);
  }
});

t.test('a POST that starts something (originate, play) is never sent twice', async (t) => {
  const srv = await flakyAri({ cut: 1 });
  t.teardown(srv.close);
  const ari = client(srv.url);
  t.teardown(() => ari.close());
  t.match(await codeOf(ari.channels.originate({ endpoint: 'Local/agent-1@agents', app: 'sunline' })), /^ASTERISK_UNAVAILABLE (UND_ERR_SOCKET|ECONNRESET)$/);
  t.same(srv.seen, ['POST /ari/channels']);
  t.notOk(isRepeatable('channels.play', 'POST'));
  t.notOk(isRepeatable('bridges.create', 'POST'));
  t.ok(isRepeatable('channels.hangup', 'DELETE'));
});

t.test('retries are bounded: after the last one the fixed code comes back', async (t) => {
  const srv = await flakyAri({ cut: 100 });
  t.teardown(srv.close);
  const ari = client(srv.url, { requestRetries: 2 });
  t.teardown(() => ari.close());
  t.match(await codeOf(ari.channels.list()), /^ASTERISK_UNAVAILABLE /);
  t.equal(srv.seen.length, 3, 'the first try and two retries');
});

t.test('a request that times out is not retried: it may still be running', async (t) => {
  const srv = await flakyAri({ hang: true });
  t.teardown(srv.close);
  const ari = client(srv.url, { requestTimeoutMs: 150 });
  t.teardown(() => ari.close());
  t.equal(await codeOf(ari.channels.list()), 'ASTERISK_TIMEOUT ARI request timed out');
  t.equal(srv.seen.length, 1);
});

t.test('close() during the backoff ends the request at once', async (t) => {
  const srv = await flakyAri({ cut: 100 });
  t.teardown(srv.close);
  const ari = client(srv.url, { requestRetryBackoff: { initialMs: 5000, maxMs: 5000, jitter: 0 } });
  const pending = codeOf(ari.channels.list());
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await ari.close();
  t.equal(await pending, 'ASTERISK_UNAVAILABLE ARI client closed');
  t.ok(Date.now() - started < 1000);
});

t.test('SUNLINE_ARI_MAX_CONNECTIONS bounds the sockets open to Asterisk, however many requests are in flight', async (t) => {
  const env = loadEnv({ SUNLINE_ARI_MAX_CONNECTIONS: '3' }, '/tmp');
  t.equal(env.ari.maxConnections, 3);
  t.equal(loadEnv({}, '/tmp').ari.maxConnections, 20, 'default 20');
  t.throws(() => loadEnv({ SUNLINE_ARI_MAX_CONNECTIONS: '0' }, '/tmp'), /SUNLINE_ARI_MAX_CONNECTIONS/);
  const srv = await flakyAri({ delayMs: 30 });
  t.teardown(srv.close);
  const ari = new AriClient({ ...env.ari, url: srv.url, logger: log });
  t.teardown(() => ari.close());
  await Promise.all(Array.from({ length: 30 }, () => ari.channels.list()));
  t.equal(srv.seen.length, 30);
  t.equal(srv.stats().maxOpen, 3, 'three sockets, reused');
  t.equal(srv.stats().opened, 3);
});

t.test('idle sockets are closed by us after the keep-alive time, before Asterisk would', async (t) => {
  const srv = await flakyAri();
  t.teardown(srv.close);
  // The default (5 s, under Asterisk's session_keep_alive of 15 s) with a short one for the test.
  const { AriRest, ARI_REST_DEFAULTS } = await import('../../src/telephony/ari/rest.js');
  t.equal(ARI_REST_DEFAULTS.keepAliveMs, 5000);
  const rest = new AriRest({ url: srv.url, username: 'u', password: 'p', logger: log, keepAliveMs: 200 });
  t.teardown(() => rest.close());
  await rest.call('channels.list');
  t.equal(srv.stats().open, 1, 'kept alive after the answer');
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(srv.stats().open, 0, 'closed once idle');
});

t.test('an ARI URL with a path prefix (http.conf prefix) keeps it', async (t) => {
  const srv = await flakyAri();
  t.teardown(srv.close);
  const ari = client(`${srv.url}/asterisk/ari/`);
  t.teardown(() => ari.close());
  await ari.channels.list();
  t.same(srv.seen, ['GET /asterisk/ari/channels']);
});
