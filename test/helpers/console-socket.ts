/**
 * A console's socket.io connection to a test app, as the browser makes it (WebSocket only, the
 * session cookie), connected before it is returned and closed at the test's end.
 */
import type { Test } from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';

export async function connectConsole(t: Test, url: string, cookie: string): Promise<Socket> {
  const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `sunline_session=${cookie}` } });
  t.teardown(() => void socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
