import type { Socket } from 'socket.io-client';

/**
 * socket.io-client reconnects by itself after a lost connection, but not after the server
 * closed the socket ('io server disconnect') — which is what our server does when it shuts down
 * for a deploy or a restart. The consoles must come back by themselves then too: connect again
 * shortly; while the server is still away the manager's own backoff takes over, and a refused
 * session (connect_error) stops it. Returns the cleanup for the page's unmount.
 */
export function reconnectAfterServerClose(socket: Pick<Socket, 'on' | 'off' | 'connect' | 'connected'>, delayMs = 1000): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onDisconnect = (reason: string) => {
    if (reason !== 'io server disconnect') return;
    timer = setTimeout(() => {
      if (!socket.connected) socket.connect();
    }, delayMs);
  };
  socket.on('disconnect', onDisconnect);
  return () => {
    clearTimeout(timer);
    socket.off('disconnect', onDisconnect);
  };
}
