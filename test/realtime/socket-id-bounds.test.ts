/**
 * `call:dial`'s order id is bounded by what the database can hold: work order ids are 32-bit
 * integers on PostgreSQL, where a larger one fails the order's read (not found on SQLite). The
 * largest id the contract lets through is answered ORDER_NOT_FOUND on either dialect; one above it
 * is refused with VALIDATION_FAILED before the command runs. Real app (SQLite, or PostgreSQL with
 * SUNLINE_TEST_DATABASE=postgres) and real socket.io clients. A shift lead's agent ids have the
 * same bound (user ids).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { DialPayload } from '../../src/contract/index.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { connectConsole } from '../helpers/console-socket.js';

type Ack = { ok: boolean; error?: { code: string; message: string } };
const INT4_MAX = 2 ** 31 - 1;

t.test('the largest order id call:dial takes is one the database answers; a larger one is refused first', async (t) => {
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const cookie = (await loginCookies(app, 'agent-ids', 'agent')).sunline_session;
  const socket = await connectConsole(t, url, cookie);
  const dial = (orderId: number) =>
    (socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack>)('call:dial', { orderId, number: '13800138000' });

  t.ok(DialPayload.safeParse({ orderId: INT4_MAX, number: '13800138000' }).success, 'the contract takes 2^31 - 1');
  await t.rejects(app.orders.get(INT4_MAX), { code: 'ORDER_NOT_FOUND' }, `${app.database.dialect} answers it with a fixed code`);
  t.not((await dial(INT4_MAX)).error?.code, 'VALIDATION_FAILED', '2^31 - 1 reaches the command');
  for (const orderId of [2 ** 31, 2 ** 53 - 1, 1e308])
    t.match(await dial(orderId), { ok: false, error: { code: 'VALIDATION_FAILED', message: /orderId/ } }, `${orderId}`);
});

t.test('a shift lead’s agent ids have the same bound', async (t) => {
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const lead = await connectConsole(t, url, (await loginCookies(app, 'lead-ids', 'shift_lead')).sunline_session!);
  const ask = (event: string, payload: unknown) => (lead.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack>)(event, payload);
  for (const [event, payload] of [
    ['lead:unpause_agent', (agentId: number) => ({ agentId })],
    ['lead:withdraw', (agentId: number) => ({ callId: 'c1', agentId })],
  ] as const) {
    t.not((await ask(event, payload(INT4_MAX))).error?.code, 'VALIDATION_FAILED', `${event}: 2^31 - 1 reaches the command`);
    t.match(await ask(event, payload(INT4_MAX + 1)), { ok: false, error: { code: 'VALIDATION_FAILED', message: /agentId/ } }, `${event}: 2^31`);
  }
});
