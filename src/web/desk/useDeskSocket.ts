/**
 * The desk's live feed: `desk:changed` notes for the orders of the session's scope (no content:
 * the page re-reads through the scoped API). Notes are gathered for DEBOUNCE_MS and handed over
 * together, so a burst (a batch of intakes, a bulk dispatch) costs one refresh. After a drop or
 * a server restart everything is refreshed (nothing is replayed).
 */
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contract/index.js';
import { CONSOLE_SOCKET, watchConnection } from '../connection.js';

export const DEBOUNCE_MS = 500;

type DeskSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** `changed(ids)`: the orders changed since the last call; null = anything may have changed (reconnect). */
export function useDeskSocket(changed: (orderIds: ReadonlySet<number> | null) => void, onSignedOut: () => void): boolean {
  const [connected, setConnected] = useState(false);
  const latest = useRef(changed);
  latest.current = changed;

  useEffect(() => {
    const socket: DeskSocket = io({ ...CONSOLE_SOCKET });
    let pending = new Set<number>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const ids = pending;
      pending = new Set();
      latest.current(ids);
    };
    const stopWatching = watchConnection(socket, { up: setConnected, back: () => latest.current(null), signedOut: onSignedOut });
    socket.on('desk:changed', (c) => {
      pending.add(c.orderId);
      timer ??= setTimeout(flush, DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      stopWatching();
      socket.disconnect();
    };
  }, [onSignedOut]);

  return connected;
}
