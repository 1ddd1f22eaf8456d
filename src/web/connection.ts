import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';

/**
 * Every console's socket options, spread into `io({ ...CONSOLE_SOCKET })` (socket.io's manager
 * writes into the object it is given): WebSocket only (docs/deployment.md "Transport"), and a
 * short reconnection backoff. socket.io-client's default grows to 5 s between tries, so a console that
 * lost its node during a call-control failover (≈ 4 s without a leader, docs/performance.md
 * "Call-control failover") came back 7.7–9.4 s after the kill, its agent hearing nothing for that
 * long; with tries at 0.5, 1, 2, 2 s … (±50 % jitter, so a whole centre does not knock at once) it
 * is back within about 2 s of the new leader.
 */
export const CONSOLE_SOCKET: Partial<ManagerOptions & SocketOptions> = {
  transports: ['websocket'],
  reconnectionDelay: 500,
  reconnectionDelayMax: 2000,
};

type Watched = Pick<Socket, 'on' | 'off' | 'connect' | 'connected'>;

/**
 * One console page's view of its socket: up / down, what to do when it is back after a drop
 * (ask the server again: `sync`, reload a list), and a refused session (signed out).
 *
 * socket.io-client reconnects by itself after a lost connection, but not after the server
 * closed the socket ('io server disconnect') — which is what our server does when it shuts down
 * for a deploy or a restart. The consoles must come back by themselves then too: connect again
 * shortly; while the server is still away the manager's own backoff takes over, and a refused
 * session (connect_error UNAUTHENTICATED) stops it. A handshake refused for a while (NOT_READY:
 * the server is shutting down; TOO_MANY_CONNECTIONS: the account opened too many, with
 * `retryAfterSeconds`) is tried again after that long — socket.io-client does not retry a
 * refusal by itself. Returns the cleanup for the page's unmount.
 */
export function watchConnection(
  socket: Watched,
  on: { up: (connected: boolean) => void; back: () => void; signedOut: () => void },
  retryMs = 1000,
): () => void {
  let connectedBefore = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onConnect = () => {
    on.up(true);
    if (connectedBefore) on.back();
    connectedBefore = true;
  };
  const onDisconnect = (reason: string) => {
    on.up(false);
    if (reason !== 'io server disconnect') return;
    timer = setTimeout(() => {
      if (!socket.connected) socket.connect();
    }, retryMs);
  };
  const onError = (err: Error & { data?: { code?: unknown; retryAfterSeconds?: unknown } }) => {
    on.up(false);
    if (/unauth/i.test(err.message)) return on.signedOut();
    const code = err.data?.code;
    if (code !== 'NOT_READY' && code !== 'TOO_MANY_CONNECTIONS') return;
    const after = typeof err.data?.retryAfterSeconds === 'number' ? err.data.retryAfterSeconds * 1000 : retryMs;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!socket.connected) socket.connect();
    }, after);
  };
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onError);
  return () => {
    clearTimeout(timer);
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onError);
  };
}
