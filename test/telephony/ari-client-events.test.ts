/**
 * ARI events websocket against a local `ws` server standing in for Asterisk: typed events,
 * reconnect after the server dies and comes back, resync of channels/bridges, events held back
 * until the resync is delivered, ping timeout detection, and masked debug logs.
 */
import t from 'tap';
import http from 'node:http';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { pino } from 'pino';
import { AriClient, type AriClientEvents, type Channel, type StasisStart } from '../../src/telephony/ari/index.js';

const fast = { initialMs: 20, maxMs: 200 };

/** `once()` with the client's event payload types. */
function next<K extends keyof AriClientEvents>(ari: AriClient, name: K): Promise<AriClientEvents[K]> {
  return once(ari, name) as Promise<AriClientEvents[K]>;
}

/** HTTP + websocket on one port, like Asterisk's http server; `stop()`/`start()` keep the port. */
class FakeAsterisk {
  channels: Partial<Channel>[] = [];
  listDelayMs = 0;
  /** Answer this many channel-list requests with 503 first (ARI not fully up yet). */
  failLists = 0;
  autoPong = true;
  sockets: WebSocket[] = [];
  upgrades: { url: string; auth: string | undefined }[] = [];
  port = 0;
  #http: http.Server | undefined;
  #wss: WebSocketServer | undefined;

  async start(): Promise<void> {
    this.#http = http.createServer((req, res) => {
      const body = req.url === '/ari/channels' ? this.channels : req.url === '/ari/bridges' ? [{ id: 'b1', channels: [] }] : undefined;
      if (req.url === '/ari/channels' && this.failLists > 0) {
        this.failLists--;
        return res.writeHead(503).end();
      }
      setTimeout(() => {
        if (!body) return res.writeHead(404).end('{"message":"nope"}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }, this.listDelayMs);
    });
    this.#wss = new WebSocketServer({ server: this.#http, path: '/ari/events', autoPong: this.autoPong });
    this.#wss.on('connection', (ws, req) => {
      this.upgrades.push({ url: req.url!, auth: req.headers.authorization });
      this.sockets.push(ws);
    });
    await new Promise<void>((r) => this.#http!.listen(this.port, '127.0.0.1', r));
    this.port = (this.#http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.#wss?.clients ?? []) ws.terminate();
    this.#wss?.close();
    this.#http?.closeAllConnections();
    await new Promise<void>((r) => this.#http!.close(() => r()));
    this.sockets = [];
  }

  send(event: object): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ application: 'sunline', timestamp: 'now', ...event }));
  }
}

function channel(id: string, number = '13812345678'): Partial<Channel> {
  return { id, name: `PJSIP/trunk-${id}`, state: 'Ring', caller: { name: '张三', number } };
}

function client(port: number, extra: Partial<ConstructorParameters<typeof AriClient>[0]> = {}) {
  return new AriClient({
    url: `http://127.0.0.1:${port}`,
    username: 'u',
    password: 'p',
    app: 'sunline',
    logger: pino({ level: 'silent' }),
    backoff: fast,
    ...extra,
  });
}

t.test('connects, resyncs, and delivers typed events', async (t) => {
  const ast = new FakeAsterisk();
  ast.channels = [channel('c1')];
  await ast.start();
  t.teardown(() => ast.stop());
  const ari = client(ast.port);
  t.teardown(() => ari.close());
  t.equal(ari.health().state, 'closed');
  const connected = next(ari, 'connected');
  const resynced = next(ari, 'resynced');
  ari.start();
  await connected;
  const [snap] = await resynced;
  t.same(
    snap.channels.map((c) => c.id),
    ['c1'],
  );
  t.same(
    snap.bridges.map((b) => b.id),
    ['b1'],
  );
  t.equal(ast.upgrades[0]?.url, '/ari/events?app=sunline&subscribeAll=false');
  t.equal(ast.upgrades[0]?.auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
  t.match(ari.health(), { ok: true, state: 'open' });

  const typed = new Promise<StasisStart>((resolve) => ari.on('StasisStart', (e) => resolve(e)));
  const all = next(ari, 'event');
  ast.send({ type: 'StasisStart', args: ['12345'], channel: channel('c2') });
  const e = await typed;
  t.equal(e.channel.id, 'c2', 'StasisStart typed: e.channel is a Channel');
  t.same(e.args, ['12345']);
  t.equal((await all)[0].type, 'StasisStart', 'catch-all sees it too');
});

t.test('reconnects forever after Asterisk dies, then re-reads channels and bridges', async (t) => {
  const ast = new FakeAsterisk();
  ast.channels = [channel('c1')];
  await ast.start();
  const ari = client(ast.port);
  t.teardown(async () => {
    await ari.close();
    await ast.stop();
  });
  ari.start();
  await next(ari, 'resynced');

  const down = next(ari, 'disconnected');
  await ast.stop();
  await down;
  t.equal(ari.health().state, 'connecting');
  t.equal(ari.health().ok, false);
  await new Promise((r) => setTimeout(r, 400)); // several refused attempts meanwhile
  t.match(ari.health().lastError, /ECONNREFUSED/);

  ast.channels = [channel('c7'), channel('c8')];
  const reconnected = next(ari, 'connected');
  const resynced = next(ari, 'resynced');
  await ast.start();
  await reconnected;
  const [snap] = await resynced;
  t.same(
    snap.channels.map((c) => c.id),
    ['c7', 'c8'],
    'the snapshot is the new truth',
  );
  t.equal(ari.health().ok, true);
  t.equal(ari.health().lastError, undefined);
});

t.test('events arriving during the resync are delivered after it', async (t) => {
  const ast = new FakeAsterisk();
  ast.listDelayMs = 150;
  await ast.start();
  const ari = client(ast.port);
  t.teardown(async () => {
    await ari.close();
    await ast.stop();
  });
  const order: string[] = [];
  ari.on('resynced', () => order.push('resynced'));
  ari.on('event', (e) => order.push(e.type));
  ari.on('connected', () => setTimeout(() => ast.send({ type: 'StasisEnd', channel: channel('c1') }), 20));
  ari.start();
  await next(ari, 'StasisEnd');
  t.same(order, ['resynced', 'StasisEnd']);
});

t.test('a failed resync is retried with backoff while the socket stays open', async (t) => {
  const ast = new FakeAsterisk();
  ast.failLists = 2;
  ast.channels = [channel('c1')];
  await ast.start();
  const ari = client(ast.port);
  t.teardown(async () => {
    await ari.close();
    await ast.stop();
  });
  let connects = 0;
  ari.on('connected', () => connects++);
  ari.start();
  const [snap] = await next(ari, 'resynced');
  t.same(
    snap.channels.map((c) => c.id),
    ['c1'],
  );
  t.equal(ast.failLists, 0, 'both failures were seen');
  t.equal(connects, 1, 'no reconnect needed for a failed resync');
});

t.test('a throwing subscriber does not break delivery', async (t) => {
  const ast = new FakeAsterisk();
  await ast.start();
  const ari = client(ast.port);
  t.teardown(async () => {
    await ari.close();
    await ast.stop();
  });
  ari.on('ChannelDtmfReceived', () => {
    throw new Error('boom');
  });
  ari.start();
  await next(ari, 'resynced');
  const got = next(ari, 'event');
  ast.send({ type: 'ChannelDtmfReceived', digit: '1', duration_ms: 100, channel: channel('c1') });
  t.equal((await got)[0].type, 'ChannelDtmfReceived');
});

t.test('no pong in time → connection treated as dead and re-opened', async (t) => {
  const ast = new FakeAsterisk();
  ast.autoPong = false; // a half-open connection: the socket stays, nobody answers
  await ast.start();
  const ari = client(ast.port, { pingIntervalMs: 50, pongTimeoutMs: 100 });
  t.teardown(async () => {
    await ari.close();
    await ast.stop();
  });
  ari.start();
  await next(ari, 'connected');
  const [reason] = await next(ari, 'disconnected');
  t.equal(reason, 'ping timeout');
  await next(ari, 'connected');
  t.ok(ast.upgrades.length >= 2, 'reconnected');
});

t.test('close() stops reconnecting', async (t) => {
  const ast = new FakeAsterisk();
  await ast.start();
  const ari = client(ast.port);
  ari.start();
  await next(ari, 'resynced');
  await ari.close();
  t.equal(ari.health().state, 'closed');
  const before = ast.upgrades.length;
  await new Promise((r) => setTimeout(r, 300));
  t.equal(ast.upgrades.length, before, 'no reconnect after a deliberate close');
  await ast.stop();
});

t.test('debug logs carry events with caller numbers masked', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const ast = new FakeAsterisk();
  await ast.start();
  const ari = client(ast.port, { logger: pino({ level: 'debug' }, sink) });
  t.teardown(async () => {
    await ari.close();
    await ast.stop();
  });
  ari.start();
  await next(ari, 'resynced');
  const got = next(ari, 'StasisStart');
  ast.send({ type: 'StasisStart', args: [], channel: channel('c9', '13812345678') });
  await got;
  const log = lines.join('');
  t.match(log, /"msg":"ari event"/);
  t.match(log, /138\*\*\*\*5678/);
  t.notMatch(log, /13812345678/, 'the full number never reaches the log');
  t.notMatch(log, /张三/, 'nor the caller name');
});
