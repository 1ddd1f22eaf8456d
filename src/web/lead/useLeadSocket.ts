/**
 * The shift lead's live state: the queue snapshot kept current by deltas, today's statistics,
 * deadline warnings, connection and telephony status. A reconnect asks for a full `sync`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { CONSOLE_SOCKET, watchConnection } from '../connection.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../contract/index.js';
import { applyControls, applyLeadUpdate, applySnapshot, type LeadState } from './lead-state.js';
import { loadTodayWarnings, mergeWarnings } from './warnings.js';

export { applyDelta, applyLeadUpdate, type LeadState } from './lead-state.js';

export type LeadSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type AckResult = Parameters<Ack>[0];

export function useLeadSocket(onSignedOut: () => void) {
  const socketRef = useRef<LeadSocket | null>(null);
  const [state, setState] = useState<LeadState>({
    connected: false,
    telephonyUp: true,
    waiting: [],
    agents: [],
    stats: null,
    warnings: [],
    callers: {},
    controls: {},
    seq: null,
    supervisable: [],
  });

  useEffect(() => {
    // Same origin: the browser sends the session cookie with the WebSocket handshake.
    const socket: LeadSocket = io({ ...CONSOLE_SOCKET });
    socketRef.current = socket;
    const patch = (p: Partial<LeadState> | ((s: LeadState) => Partial<LeadState>)) => setState((s) => ({ ...s, ...(typeof p === 'function' ? p(s) : p) }));
    // The server sends snapshots on every connect; after a reconnect ask again explicitly.
    const stopWatching = watchConnection(socket, { up: (connected) => patch({ connected }), back: () => socket.emit('sync'), signedOut: onSignedOut });
    socket.on('queue:snapshot', (snap) => patch((s) => applySnapshot(s, snap)));
    socket.on('call:controls', (v) => patch((s) => ({ controls: applyControls(s, v) })));
    socket.on('queue:delta', (d) => {
      // A missed update (seq gap): apply this one and ask for a fresh snapshot.
      let gap = false;
      patch((s) => {
        const { gap: missed, ...next } = applyLeadUpdate(s, d);
        gap = missed;
        return next;
      });
      if (gap) socket.emit('sync');
    });
    socket.on('queue:stats', (stats) => patch({ stats }));
    socket.on('workorder:deadline', (w) => patch((s) => ({ warnings: mergeWarnings(s.warnings, [w]) })));
    // Warnings raised today before the page opened; live ones that arrive meanwhile are kept.
    loadTodayWarnings().then(
      (today) => patch((s) => ({ warnings: mergeWarnings(s.warnings, today) })),
      () => undefined,
    );
    socket.on('system:status', (st) => patch({ telephonyUp: st.telephony === 'up' }));
    socket.on('supervision:audio', (a) => patch({ supervisable: a.callIds }));
    return () => {
      stopWatching();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [onSignedOut]);

  /** Emits a lead command with its ack. */
  const send = useCallback(<E extends keyof ClientToServerEvents>(event: E, payload: unknown, done: (res: AckResult) => void) => {
    const s = socketRef.current;
    if (!s) return;
    (s.emit as unknown as (ev: string, p: unknown, ack: (r: AckResult) => void) => void).call(s, event, payload, done);
  }, []);

  return { ...state, send, socketRef };
}
