/**
 * The shift lead's live state: the queue snapshot kept current by deltas, today's statistics,
 * deadline warnings, connection and telephony status. A reconnect asks for a full `sync`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { watchConnection } from '../connection.js';
import type { Ack, AgentView, CallControlsView, ClientToServerEvents, DeadlineWarning, QueueDelta, QueueStats, ServerToClientEvents, WaitingCaller } from '../../realtime/contract.js';
import { loadTodayWarnings, mergeWarnings } from './warnings.js';

export type LeadSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type AckResult = Parameters<Ack>[0];

/** Remembered caller numbers (the oldest are forgotten first). */
const MAX_CALLERS = 500;

function remember(known: Record<string, string>, waiting: WaitingCaller[]): Record<string, string> {
  const next = { ...known };
  for (const w of waiting) next[w.callId] = w.callerNumber;
  const ids = Object.keys(next);
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_CALLERS))) delete next[id];
  return next;
}

export interface LeadState {
  connected: boolean;
  telephonyUp: boolean;
  waiting: WaitingCaller[];
  agents: AgentView[];
  stats: QueueStats | null;
  warnings: DeadlineWarning[];
  /** Caller numbers of calls seen waiting, so an agent's current call can be named after it leaves the queue. */
  callers: Record<string, string>;
  /** Live in-call controls (hold, mute, three-way) by call id; dropped when the call ends. */
  controls: Record<string, CallControlsView>;
}

/** Keeps only the controls of calls some agent is still on (after a snapshot). */
function pruneControls(controls: Record<string, CallControlsView>, agents: AgentView[]): Record<string, CallControlsView> {
  const live = new Set(agents.flatMap((a) => (a.callId ? [a.callId] : [])));
  return Object.fromEntries(Object.entries(controls).filter(([id]) => live.has(id)));
}

function withoutCall(controls: Record<string, CallControlsView>, callId: string): Record<string, CallControlsView> {
  if (!(callId in controls)) return controls;
  const next = { ...controls };
  delete next[callId];
  return next;
}

const byEntry = (a: WaitingCaller, b: WaitingCaller) => b.priority - a.priority || a.enteredAt - b.enteredAt;
const byName = (a: AgentView, b: AgentView) => a.displayName.localeCompare(b.displayName, 'zh-CN') || a.agentId - b.agentId;

/** Applies a queue delta: callers upserted or removed, agents upserted (logged-out ones leave). */
export function applyDelta(s: Pick<LeadState, 'waiting' | 'agents'>, d: QueueDelta): Pick<LeadState, 'waiting' | 'agents'> {
  let waiting = s.waiting;
  if (d.removeWaiting?.length) waiting = waiting.filter((w) => !d.removeWaiting!.includes(w.callId));
  for (const w of d.upsertWaiting ?? []) waiting = [...waiting.filter((x) => x.callId !== w.callId), w];
  let agents = s.agents;
  for (const a of d.agents ?? []) {
    agents = agents.filter((x) => x.agentId !== a.agentId);
    if (a.state !== 'logged_out') agents = [...agents, a];
  }
  return { waiting: [...waiting].sort(byEntry), agents: [...agents].sort(byName) };
}

export function useLeadSocket(onSignedOut: () => void) {
  const socketRef = useRef<LeadSocket | null>(null);
  const [state, setState] = useState<LeadState>({ connected: false, telephonyUp: true, waiting: [], agents: [], stats: null, warnings: [], callers: {}, controls: {} });

  useEffect(() => {
    // Same origin: the browser sends the session cookie with the WebSocket handshake.
    const socket: LeadSocket = io({ transports: ['websocket'] });
    socketRef.current = socket;
    const patch = (p: Partial<LeadState> | ((s: LeadState) => Partial<LeadState>)) => setState((s) => ({ ...s, ...(typeof p === 'function' ? p(s) : p) }));
    // The server sends snapshots on every connect; after a reconnect ask again explicitly.
    const stopWatching = watchConnection(socket, { up: (connected) => patch({ connected }), back: () => socket.emit('sync'), signedOut: onSignedOut });
    socket.on('queue:snapshot', (snap) =>
      patch((s) => ({
        ...applyDelta({ waiting: [], agents: [] }, { at: snap.at, upsertWaiting: snap.waiting, agents: snap.agents }),
        callers: remember(s.callers, snap.waiting),
        controls: pruneControls(s.controls, snap.agents),
      })),
    );
    socket.on('call:controls', (v) =>
      patch((s) => ({ controls: v.transferredTo ? withoutCall(s.controls, v.callId) : { ...s.controls, [v.callId]: v } })),
    );
    socket.on('call:update', (u) => {
      if (u.state === 'ended') patch((s) => ({ controls: withoutCall(s.controls, u.callId) }));
    });
    socket.on('queue:delta', (d) => patch((s) => ({ ...applyDelta(s, d), callers: remember(s.callers, d.upsertWaiting ?? []) })));
    socket.on('queue:stats', (stats) => patch({ stats }));
    socket.on('workorder:deadline', (w) => patch((s) => ({ warnings: mergeWarnings(s.warnings, [w]) })));
    // Warnings raised today before the page opened; live ones that arrive meanwhile are kept.
    loadTodayWarnings().then(
      (today) => patch((s) => ({ warnings: mergeWarnings(s.warnings, today) })),
      () => undefined,
    );
    socket.on('system:status', (st) => patch({ telephonyUp: st.telephony === 'up' }));
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

  return { ...state, send };
}
