/**
 * Connection budgets per account (src/realtime/connection-limits.ts): a script opening console
 * connections in a loop is refused TOO_MANY_CONNECTIONS once it holds too many or opened too many
 * in a minute; other accounts are not affected; the console page tries again after
 * retryAfterSeconds. Real socket.io clients against the real server for the concurrent budget;
 * the per-minute window with a fake clock.
 */
import t from 'tap';
import { CONNECTS_PER_MINUTE, MAX_SOCKETS_PER_USER, limitConnections } from '../../src/realtime/connection-limits.js';
import type { RealtimeSocket } from '../../src/realtime/session.js';
import { watchConnection } from '../../src/web/connection.js';
import { rig } from './fixtures.js';

t.test(`an account holds at most ${MAX_SOCKETS_PER_USER} connections; the next is refused, other accounts connect, a closed one frees a place`, async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const held = [];
  for (let i = 0; i < MAX_SOCKETS_PER_USER; i++) held.push(await r.connect(agent.token));
  t.equal(await r.refused(agent.token), 'TOO_MANY_CONNECTIONS');
  const other = await r.user('agent');
  t.ok((await r.connect(other.token)).client.connected, 'another account connects');
  held[0]!.client.disconnect();
  await new Promise((res) => setTimeout(res, 100));
  t.ok((await r.connect(agent.token)).client.connected, 'a place freed by a closed connection');
});

t.test(`an account opens at most ${CONNECTS_PER_MINUTE} connections a minute, with retryAfterSeconds`, async (t) => {
  let now = 1_000_000;
  const limit = limitConnections(undefined, () => now);
  const sockets: { disconnect: () => void }[] = [];
  const handshake = (userId: number) => {
    let closeHandler: () => void = () => undefined;
    const socket = { data: { user: { id: userId } }, once: (_e: string, fn: () => void) => (closeHandler = fn) } as unknown as RealtimeSocket;
    let refused: (Error & { data?: { code: string; retryAfterSeconds: number } }) | undefined;
    limit(socket, (err) => (refused = err));
    if (!refused) sockets.push({ disconnect: closeHandler });
    return refused;
  };
  for (let i = 0; i < CONNECTS_PER_MINUTE; i++) {
    t.equal(handshake(1), undefined);
    sockets.pop()!.disconnect();
    now += 100;
  }
  const refused = handshake(1);
  t.equal(refused?.data?.code, 'TOO_MANY_CONNECTIONS');
  t.equal(refused?.data?.retryAfterSeconds, 54, 'until the first of the minute is a minute old');
  t.equal(handshake(2), undefined, 'another account is not limited');
  now += 54_000;
  t.equal(handshake(1), undefined, 'accepted once the window moved on');
});

t.test('the console page tries a refused handshake again after retryAfterSeconds (NOT_READY after retryMs), but not a refused session', async (t) => {
  const handlers = new Map<string, (arg: unknown) => void>();
  let connects = 0;
  let signedOut = 0;
  const socket = {
    connected: false,
    on: (e: string, fn: (arg: unknown) => void) => handlers.set(e, fn),
    off: () => undefined,
    connect: () => void connects++,
  };
  const stop = watchConnection(socket as never, { up: () => undefined, back: () => undefined, signedOut: () => void signedOut++ }, 30);
  t.teardown(stop);
  const error = (code: string, retryAfterSeconds?: number) =>
    handlers.get('connect_error')!(Object.assign(new Error(code), { data: { code, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) } }));
  error('NOT_READY');
  await new Promise((res) => setTimeout(res, 60));
  t.equal(connects, 1, 'NOT_READY: again after retryMs');
  error('TOO_MANY_CONNECTIONS', 0.05);
  await new Promise((res) => setTimeout(res, 20));
  t.equal(connects, 1, 'not before retryAfterSeconds');
  await new Promise((res) => setTimeout(res, 60));
  t.equal(connects, 2, 'TOO_MANY_CONNECTIONS: again after retryAfterSeconds');
  error('UNAUTHENTICATED');
  await new Promise((res) => setTimeout(res, 60));
  t.equal(connects, 2, 'a refused session is not tried again');
  t.equal(signedOut, 1);
});
