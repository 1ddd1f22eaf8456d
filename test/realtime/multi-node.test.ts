/**
 * Several nodes (issue 16 item 2), for real: two apps on one SQLite file (WAL), sharing socket.io
 * rooms through a real redis-server (tools/redis.ts). A desk console logged in over HTTP on node B
 * hears an order change saved through node A's API; without SUNLINE_REDIS_URL it does not (the
 * control). A node without call control refuses call commands with CALL_CONTROL_ELSEWHERE, and a
 * node whose Redis does not answer does not start.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { Sunline } from '../../src/app.js';
import type { DeskChange } from '../../src/contract/index.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { call, type Cookies } from '../helpers/desk-api.js';
import { startRedis } from '../../tools/redis.js';

type Ack = { ok: boolean; error?: { code: string } };

/** Two nodes on one data folder; `redisUrl` undefined: each alone (the control). */
async function twoNodes(t: { teardown(fn: () => unknown): void }, redisUrl: string | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-nodes-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  const env = { SUNLINE_DATA_DIR: dir, ...(redisUrl ? { SUNLINE_REDIS_URL: redisUrl } : {}) };
  // Built one after the other: the second finds the migrations applied.
  const a = await testApp(t, { env });
  const b = await testApp(t, { env });
  await b.http.listen({ port: 0, host: '127.0.0.1' });
  return { a, b };
}

const sockets: Socket[] = [];
t.teardown(() => sockets.forEach((s) => s.disconnect()));

/** A console on `app` with the session cookie of a login made over HTTP; resolves once it has its first status. */
async function consoleOn(app: Sunline, cookies: Cookies): Promise<{ socket: Socket; changes: DeskChange[] }> {
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const socket = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: `sunline_session=${cookies.sunline_session}` },
  });
  sockets.push(socket);
  const changes: DeskChange[] = [];
  socket.on('desk:changed', (c: DeskChange) => changes.push(c));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('system:status', () => resolve());
  });
  return { socket, changes };
}

/** The status of an engine.io long-polling handshake on `app`'s port (the socket layer, not Fastify's routes). */
const pollingStatus = async (app: Sunline) =>
  (await fetch(`http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}/socket.io/?EIO=4&transport=polling`)).status;

const ask = (socket: Socket, event: string, ...args: unknown[]) => new Promise<Ack>((resolve) => socket.emit(event, ...args, resolve));

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

/** An agent on node A saves an order through A's API; the city's desk console is on node B. */
async function orderOnAHeardOnB(a: Sunline, b: Sunline) {
  const agent = await loginCookies(a, 'agent-a', 'agent');
  const desk = await consoleOn(b, await loginCookies(b, 'desk-b', 'dispatcher'));
  const made = await call(a, agent, 'POST', '/api/workorders', {
    channel: '12345',
    callerPhone: '13900002222',
    category: 'complaint',
    subject: '噪音扰民',
    content: '夜间施工噪音',
  });
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
  return { desk, orderId: made.body['id'] as number };
}

t.test('with SUNLINE_REDIS_URL a desk console on node B hears an order saved through node A', async (t) => {
  const redis = await startRedis(t);
  const { a, b } = await twoNodes(t, redis.url);
  const { desk, orderId } = await orderOnAHeardOnB(a, b);
  t.ok(await until(() => desk.changes.length >= 1), 'desk:changed arrived on node B');
  t.equal(desk.changes[0]?.orderId, orderId);

  // WebSocket only: a long-polling handshake would need sticky sessions at the load balancer.
  t.equal(await pollingStatus(b), 400, 'long polling refused with several nodes');

  const ready = await b.http.inject({ method: 'GET', url: '/health/ready' });
  t.match(JSON.parse(ready.body), { components: { redis: { ok: true } } }, 'the Redis link is part of readiness');

  // Node B has no call control (SUNLINE_TELEPHONY=false with several nodes): call commands are refused with a fixed code.
  const agentB = await consoleOn(b, await loginCookies(b, 'agent-b', 'agent'));
  t.match(await ask(agentB.socket, 'agent:login', {}), { ok: false, error: { code: 'CALL_CONTROL_ELSEWHERE' } }, 'agent:login');
  t.match(await ask(agentB.socket, 'call:answer', { callId: 'c-1' }), { ok: false, error: { code: 'CALL_CONTROL_ELSEWHERE' } }, 'call:answer');
  t.match(await ask(agentB.socket, 'media:open'), { ok: false, error: { code: 'CALL_CONTROL_ELSEWHERE' } }, 'media:open');
  t.match(await ask(agentB.socket, 'sync'), { ok: true }, 'sync works on any node');
  t.match(await ask(desk.socket, 'agent:login', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'a role that may not send it is still told FORBIDDEN');
  const lead = await consoleOn(b, await loginCookies(b, 'lead-b', 'shift_lead'));
  t.match(
    await ask(lead.socket, 'lead:set_priority', { callId: 'c-1', priority: 5 }),
    { ok: false, error: { code: 'CALL_CONTROL_ELSEWHERE' } },
    'lead:set_priority',
  );

  // The Redis going away shows in readiness (a load balancer takes the node out).
  await redis.stop();
  t.ok(
    await until(() => false, 0).then(async () => {
      for (let i = 0; i < 100; i++) {
        const r = await b.http.inject({ method: 'GET', url: '/health/ready' });
        if (r.statusCode === 503) return true;
        await new Promise((res) => setTimeout(res, 50));
      }
      return false;
    }),
    'not ready without Redis',
  );
});

t.test('control: without SUNLINE_REDIS_URL node B hears nothing of node A, and a node without telephony says Asterisk is unavailable', async (t) => {
  const { a, b } = await twoNodes(t, undefined);
  const { desk } = await orderOnAHeardOnB(a, b);
  t.notOk(await until(() => desk.changes.length >= 1, 1000), 'no desk:changed on node B');
  t.equal(await pollingStatus(b), 200, 'one node alone still accepts long polling');
  const agentB = await consoleOn(b, await loginCookies(b, 'agent-b', 'agent'));
  t.match(await ask(agentB.socket, 'agent:login', {}), { ok: false, error: { code: 'ASTERISK_UNAVAILABLE' } }, 'one node alone keeps its old answer');
});

t.test('a node whose SUNLINE_REDIS_URL does not answer does not start, and says which setting', async (t) => {
  await t.rejects(testApp(t, { env: { SUNLINE_REDIS_URL: 'redis://:secret-pw@127.0.0.1:1' } }), {
    name: 'EnvError',
    message: /SUNLINE_REDIS_URL: no Redis answers at redis:\/\/:\*\*\*@127\.0\.0\.1:1/,
  });
});
