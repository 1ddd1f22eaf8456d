/**
 * A console's socket as the web app opens it, for tests and benches that drive Sunline from
 * outside: logs in over HTTP at `url` (a node or the balancer's calls address), connects with the
 * session cookie (WebSocket only), and comes back by itself after a server-side close (a node
 * switching roles, a restart) as the web app's pages do (src/web/connection.ts).
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/contract/index.js';

export type ConsoleClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function consoleAt(t: { teardown(fn: () => unknown): void }, url: string, username: string, password: string): Promise<ConsoleClient> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const socket: ConsoleClient = connectClient(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  // socket.io-client does not reconnect after a server-side close: the web app reconnects then, so does this console.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 200);
  });
  t.teardown(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}
