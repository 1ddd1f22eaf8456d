/**
 * Answers wait for durability (SUNLINE_DB_SYNC=group): the HTTP hook, the socket acks, the
 * app's wiring and the mode's parsing. Real SQLite files; the fsync is injected where the test
 * must hold or fail it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import t from 'tap';
import { io as connectClient } from 'socket.io-client';
import { openDb } from '../../src/db/connection.js';
import { DurabilityError } from '../../src/db/durability.js';
import { loadEnv } from '../../src/config/env.js';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { installDurableReplies } from '../../src/http/durable-replies.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import { attachRealtime } from '../../src/realtime/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { testApp } from '../helpers/app.js';
import { FakeCommands } from '../realtime/fixtures.js';

const tick = () => new Promise((r) => setTimeout(r, 20));

/** A real database in group mode whose fsyncs the test releases (or fails) one by one. */
function heldDb(t: { teardown(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-durable-replies-'));
  const pending: Array<{ done: () => void; fail: (e: Error) => void }> = [];
  const h = openDb({ file: path.join(dir, 'a.db'), synchronous: 'group', fsync: () => new Promise((done, fail) => pending.push({ done, fail })) });
  t.teardown(() => {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const count = () => (h.sqlite.prepare('select count(*) as n from work_orders').get() as { n: number }).n;
  return { h, pending, count };
}

async function httpRig(t: { teardown(fn: () => void): void }) {
  const db = heldDb(t);
  const http = Fastify();
  installErrorHandler(http);
  installDurableReplies(http, () => db.h.durability.durable());
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(db.h.db));
  http.post('/orders', async (_req, reply) => reply.status(201).send({ id: (await orders.createDraft({ channel: '12345' })).id }));
  http.delete('/orders', async (_req, reply) => reply.status(204).send());
  http.get('/orders', async () => ({ n: db.count() }));
  await http.ready();
  t.teardown(() => void http.close());
  return { ...db, http };
}

t.test('HTTP: a writing request is answered only after the fsync that followed its commit', async (t) => {
  const { http, pending, count } = await httpRig(t);
  let answered = false;
  const res = http.inject({ method: 'POST', url: '/orders' }).then((r) => ((answered = true), r));
  await tick();
  t.equal(count(), 1, 'committed');
  t.equal(pending.length, 1, 'one fsync issued');
  t.notOk(answered, 'not answered while the fsync runs');
  pending[0]!.done();
  const r = await res;
  t.equal(r.statusCode, 201);
  t.same(r.json(), { id: 1 });
  // A body-less answer waits too; reads do not.
  let deleted = false;
  const del = http.inject({ method: 'DELETE', url: '/orders' }).then((r) => ((deleted = true), r));
  await tick();
  t.equal(pending.length, 2);
  t.notOk(deleted, 'the 204 is held');
  pending[1]!.done();
  t.equal((await del).statusCode, 204);
  t.same((await http.inject({ method: 'GET', url: '/orders' })).json(), { n: 1 });
  t.equal(pending.length, 2, 'a GET issues no fsync');
});

t.test('HTTP: concurrent writes share fsyncs', async (t) => {
  const { h, http, pending } = await httpRig(t);
  const replies = Array.from({ length: 12 }, () => http.inject({ method: 'POST', url: '/orders' }));
  // Release fsyncs as they come until every reply is out.
  let done = false;
  const all = Promise.all(replies).finally(() => (done = true));
  while (!done) {
    await tick();
    pending.forEach((p) => p.done());
  }
  t.ok((await all).every((r) => r.statusCode === 201));
  t.ok(h.durability.fsyncs <= 4, `12 requests, ${h.durability.fsyncs} fsyncs`);
});

t.test('HTTP: a failed fsync answers 503 DB_NOT_DURABLE; the change is committed; health fails', async (t) => {
  const { h, http, pending, count } = await httpRig(t);
  const res = http.inject({ method: 'POST', url: '/orders' });
  await tick();
  pending[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  const r = await res;
  t.equal(r.statusCode, 503);
  t.equal(r.json().error.code, 'DB_NOT_DURABLE');
  t.match(r.json().error.message, /saved but could not be confirmed/);
  t.equal(count(), 1, 'the change was committed (not confirmed durable)');
  t.equal(h.health().ok, false);
  const again = await http.inject({ method: 'POST', url: '/orders' });
  t.equal(again.statusCode, 503, 'nothing is confirmed after a failed fsync');
  t.equal(pending.length, 1);
});

t.test('socket: a successful command is acked after durable(); a failure acks DB_NOT_DURABLE; sync does not wait', async (t) => {
  const appTeardowns: Array<() => unknown> = [];
  const app = await testApp({ teardown: (fn) => appTeardowns.push(fn) }, { overrides: { realtime: false } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const held: Array<{ done: () => void; fail: (e: Error) => void }> = [];
  const durable = () => new Promise<void>((done, fail) => held.push({ done, fail }));
  const rt = attachRealtime({ http: app.http.server, users: app.users, commands: new FakeCommands(), events: new DomainEvents(), log: app.log, durable });
  const agent = await app.users.create({ username: 'ag', displayName: 'ag', role: 'agent', password: 'long enough password' });
  const token = (await app.users.login('ag', 'long enough password'))!.token;
  const client = connectClient(`http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: `sunline_session=${encodeURIComponent(token)}` },
  });
  t.teardown(async () => {
    client.disconnect();
    await rt.close();
    for (const fn of appTeardowns) await fn();
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  const ask = (event: string, ...args: unknown[]) =>
    (client.timeout(3000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(event, ...args);
  let acked = false;
  const login = ask('agent:login').then((r) => ((acked = true), r));
  await tick();
  t.equal(held.length, 1);
  t.notOk(acked, 'the ack waits for durable()');
  held[0]!.done();
  t.match(await login, { ok: true, data: { agentId: agent.id } });
  const pause = ask('agent:pause', { reason: 'x' });
  await tick();
  // What Durability rejects with when the fsync fails.
  held[1]!.fail(new DurabilityError(new Error('EIO')));
  t.match(await pause, { ok: false, error: { code: 'DB_NOT_DURABLE' } });
  await ask('sync');
  t.equal(held.length, 2, 'sync writes nothing and does not wait');
});

t.test('the app: SUNLINE_DB_SYNC defaults to group, and a writing request fsyncs the real WAL before answering', async (t) => {
  t.equal(loadEnv({}).dbSync, 'group');
  t.equal(loadEnv({ SUNLINE_DB_SYNC: 'full' }).dbSync, 'full');
  t.equal(loadEnv({ SUNLINE_DB_SYNC: 'normal' }).dbSync, 'normal');
  t.throws(() => loadEnv({ SUNLINE_DB_SYNC: 'fast' }), /SUNLINE_DB_SYNC/);
  const app = await testApp(t);
  t.equal(app.db.durability.mode, 'group');
  t.equal(app.db.sqlite.pragma('synchronous', { simple: true }), 1, 'commits with NORMAL');
  const before = app.db.durability.fsyncs;
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/intake/web',
    headers: { 'x-forwarded-for': '203.0.113.9' },
    payload: { name: '张三', phone: '13800001111', category: 'complaint', subject: '路灯不亮', content: '小区路灯不亮已一周', location: '吴兴区' },
  });
  t.equal(res.statusCode, 201);
  t.equal(app.db.durability.fsyncs, before + 1, 'one fsync before the answer');
  await app.http.inject({ method: 'GET', url: '/health' });
  t.equal(app.db.durability.fsyncs, before + 1);
  const full = await testApp(t, { env: { SUNLINE_DB_SYNC: 'full' } });
  t.equal(full.db.sqlite.pragma('synchronous', { simple: true }), 2);
});
