/**
 * Queue statistics reach shift leads only: `queue:stats` on connect, on `sync` and (throttled)
 * after calls change, through the real app (buildApp, real SQLite file, real socket.io); the
 * REST twin GET /api/queue/stats is for leads and admins.
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import type { ClientToServerEvents, QueueStats, ServerToClientEvents } from '../../src/contract/index.js';
import type { UserRole } from '../../src/db/schema.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { testApp } from '../helpers/app.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function setup(t: { teardown(fn: () => unknown): void }) {
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  let seq = 0;
  const login = async (role: UserRole) => {
    const username = `${role}-${++seq}`;
    await app.users.create({ username, displayName: username, role, password: 'long enough password' });
    return (await app.users.login(username, 'long enough password'))!.token;
  };
  const connect = async (token: string) => {
    const client: Client = connectClient(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: `sunline_session=${token}` },
    });
    t.teardown(() => client.disconnect());
    const stats: QueueStats[] = [];
    client.on('queue:stats', (s) => stats.push(s));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    return { client, stats };
  };
  return { app, url, login, connect };
}

const until = async (what: string, ok: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

t.test('leads get queue:stats on connect, on sync and after calls change; agents never', async (t) => {
  const { app, login, connect } = await setup(t);
  const lead = await connect(await login('shift_lead'));
  const admin = await connect(await login('admin'));
  const agent = await connect(await login('agent'));
  await until('stats on connect', () => lead.stats.length === 1 && admin.stats.length === 1);
  t.match(lead.stats[0], { callsIn: 0, answered: 0, answerRate15s: null, byHotline: [] }, 'today, nothing yet');

  await lead.client.emitWithAck('sync');
  await until('stats on sync', () => lead.stats.length === 2);

  // A call enters (as the call centre records it) and the queue changes: one push, with the call.
  const repo = new CallsRepository(new WorkOrdersService(app.database.stores.orders));
  await repo.createInbound({
    callId: 'c-1',
    channelId: 'ch-1',
    callerPhone: '13800138000',
    callerName: null,
    dialled: '12315',
    hotline: '12315',
    at: Date.now(),
    state: 'entered',
  });
  app.events.emit('queue.changed', { at: Date.now() });
  await until('stats pushed after a change', () => lead.stats.length === 3 && admin.stats.length === 2);
  t.match(
    lead.stats[2],
    { callsIn: 1, byHotline: [{ hotline: '12315', callsIn: 1, name: { zh: String, en: String } }] },
    'with the hotline name from numbers.yaml',
  );

  await agent.client.emitWithAck('sync');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(agent.stats.length, 0, 'an agent never receives queue:stats');
});

t.test('GET /api/queue/stats: leads and admins only', async (t) => {
  const { app, login } = await setup(t);
  const get = (token?: string) => app.http.inject({ method: 'GET', url: '/api/queue/stats', ...(token ? { cookies: { sunline_session: token } } : {}) });
  t.equal((await get()).statusCode, 401, 'no session');
  const forbidden = await get(await login('agent'));
  t.equal(forbidden.statusCode, 403, 'agents may not');
  t.equal(forbidden.json().error.code, 'FORBIDDEN');
  t.equal((await get(await login('unit_handler'))).statusCode, 403, 'unit handlers may not');
  for (const role of ['shift_lead', 'admin'] as const) {
    const res = await get(await login(role));
    t.equal(res.statusCode, 200, role);
    t.match(res.json(), { callsIn: 0, answered: 0, answeredWithin15s: 0, abandonedInQueue: 0, abandonedAtFrontDoor: 0, byHotline: [] });
  }
});
