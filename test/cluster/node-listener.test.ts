/**
 * The node's one HTTP listener (src/cluster/node-listener.ts) with real Fastify apps, a real
 * socket.io server and real HTTP clients: requests between two apps wait for the next one, a
 * keep-alive connection outlives an app, detach() lets the old app's requests answer first, and
 * the bounds (hold time, held count) answer 503 NOT_READY.
 */
import http from 'node:http';
import t from 'tap';
import Fastify, { type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { NodeListener, type NodeListenerOptions } from '../../src/cluster/node-listener.js';

type Teardown = { teardown(fn: () => unknown): void };

async function listener(t: Teardown, opts: NodeListenerOptions = {}): Promise<{ l: NodeListener; port: number }> {
  const l = new NodeListener(opts);
  const at = await l.listen('127.0.0.1', 0);
  t.teardown(() => l.close());
  return { l, port: at.port };
}

/** A Fastify app answering `{ app: name }` on /who, and /slow after `slowMs`. */
function appNamed(t: Teardown, name: string, slowMs = 300): FastifyInstance {
  const app = Fastify();
  app.get('/who', async () => ({ app: name }));
  app.get('/slow', async () => {
    await new Promise((r) => setTimeout(r, slowMs));
    return { app: name, slow: true };
  });
  t.teardown(() => app.close());
  return app;
}

interface Answer {
  status: number;
  body: string;
  socketPort: number;
  headers: http.IncomingHttpHeaders;
  at: number;
}

function get(port: number, path: string, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res) => {
      let body = '';
      const socketPort = res.socket.localPort ?? -1;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, socketPort, headers: res.headers, at: Date.now() }));
    });
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a request sent before any app waits for the first one, and is answered by it', async (t) => {
  const { l, port } = await listener(t);
  const pending = get(port, '/who');
  await sleep(150);
  t.equal(l.heldCount, 1, 'held while no app is attached');
  await l.attach(appNamed(t, 'A'));
  const a = await pending;
  t.equal(a.status, 200);
  t.same(JSON.parse(a.body), { app: 'A' });
  t.equal(l.heldCount, 0);
});

t.test('one keep-alive connection is served by one app, then by the next', async (t) => {
  const { l, port } = await listener(t);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const a = appNamed(t, 'A');
  await l.attach(a);
  const first = await get(port, '/who', agent);
  t.same(JSON.parse(first.body), { app: 'A' });
  await l.detach();
  await a.close();
  const between = get(port, '/who', agent);
  await sleep(100);
  await l.attach(appNamed(t, 'B'));
  const second = await between;
  t.same(JSON.parse(second.body), { app: 'B' }, 'the request sent between the two apps went to the next');
  const third = await get(port, '/who', agent);
  t.same(JSON.parse(third.body), { app: 'B' });
  t.equal(new Set([first.socketPort, second.socketPort, third.socketPort]).size, 1, 'all on the same connection');
});

t.test('detach() resolves once the requests the app already got have answered; new ones wait for the next app', async (t) => {
  const { l, port } = await listener(t);
  await l.attach(appNamed(t, 'A', 300));
  const slow = get(port, '/slow');
  await sleep(50);
  const detachStarted = Date.now();
  const detached = l.detach().then(() => Date.now());
  const after = get(port, '/who');
  const slowAnswer = await slow;
  const detachedAt = await detached;
  t.same(JSON.parse(slowAnswer.body), { app: 'A', slow: true }, 'the request in progress was answered by the old app');
  t.ok(detachedAt >= slowAnswer.at - 5, 'detach resolved after it answered');
  t.ok(detachedAt - detachStarted >= 200, `it waited (${detachedAt - detachStarted} ms)`);
  await sleep(50);
  t.equal(l.heldCount, 1, 'a request sent after detach waits');
  await l.attach(appNamed(t, 'B'));
  t.same(JSON.parse((await after).body), { app: 'B' });
});

t.test('detach() waits no longer than the grace for a request that does not answer', async (t) => {
  const { l, port } = await listener(t, { graceMs: 200 });
  await l.attach(appNamed(t, 'A', 3_000));
  const slow = get(port, '/slow').catch(() => null);
  await sleep(50);
  const started = Date.now();
  await l.detach();
  const took = Date.now() - started;
  t.ok(took >= 180 && took < 1_500, `resolved after the grace (${took} ms)`);
  await slow;
});

t.test('a request held longer than holdMs gets 503 NOT_READY with Retry-After', async (t) => {
  const { l, port } = await listener(t, { holdMs: 150 });
  const started = Date.now();
  const a = await get(port, '/who');
  t.equal(a.status, 503);
  t.equal(a.headers['retry-after'], '1');
  t.equal((JSON.parse(a.body) as { error: { code: string } }).error.code, 'NOT_READY');
  t.ok(Date.now() - started >= 140, 'after the hold');
  t.equal(l.heldCount, 0);
});

t.test('past maxHeld a request is refused at once; the held ones still reach the next app', async (t) => {
  const { l, port } = await listener(t, { maxHeld: 2 });
  const held = [get(port, '/who'), get(port, '/who')];
  await sleep(100);
  const started = Date.now();
  const third = await get(port, '/who');
  t.equal(third.status, 503, 'the third is refused');
  t.ok(Date.now() - started < 1_000, 'at once');
  await l.attach(appNamed(t, 'A'));
  for (const h of await Promise.all(held)) t.equal(h.status, 200);
});

t.test('a client that gives up while held is forgotten', async (t) => {
  const { l, port } = await listener(t);
  const req = http.get({ host: '127.0.0.1', port, path: '/who' });
  req.on('error', () => undefined);
  await sleep(100);
  t.equal(l.heldCount, 1);
  req.destroy();
  await sleep(100);
  t.equal(l.heldCount, 0);
});

t.test('WebSocket upgrades reach the attached app’s socket.io, also one sent between two apps', async (t) => {
  const { l, port } = await listener(t);
  const a = appNamed(t, 'A');
  const io = new Server(a.server, { transports: ['websocket'] });
  io.on('connection', (s) => s.emit('hello', 'A'));
  t.teardown(() => io.close());
  const client = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  t.teardown(() => client.disconnect());
  const hello = new Promise<string>((resolve) => client.once('hello', resolve));
  await sleep(100);
  t.equal(l.heldCount, 1, 'the upgrade waits for an app');
  await l.attach(a);
  t.equal(await hello, 'A', 'connected once the app was attached');
});

t.test('an upgrade to an app without a WebSocket server is closed, not left open', async (t) => {
  const { l, port } = await listener(t);
  await l.attach(appNamed(t, 'A'));
  const client = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  t.teardown(() => client.disconnect());
  const err = await new Promise<Error>((resolve) => client.once('connect_error', resolve));
  t.ok(err, 'the client is told at once');
});

t.test('close() answers held requests 503, then the address is closed', async (t) => {
  const l = new NodeListener();
  const { port } = await l.listen('127.0.0.1', 0);
  const held = get(port, '/who');
  await sleep(100);
  await l.close();
  t.equal((await held).status, 503);
  await t.rejects(get(port, '/who'), { code: 'ECONNREFUSED' }, 'nothing listens any more');
});
