/**
 * The lead's listen / whisper / barge (docs/lead-view.md, Supervision): the lead's own browser
 * audio session (the softphone, opened on the first click so the wallboard does not ask for the
 * microphone before it is needed), the current supervision as the server says it
 * (`supervision:state`), and the commands. A click made while the audio is still connecting is
 * sent once it is ready.
 */
import { useCallback, useEffect, useState, type RefObject } from 'react';
import type { SupervisionEndReason, SupervisionMode, SupervisionState, SupervisionView } from '../../contract/index.js';
import { useSoftphone } from '../media/useSoftphone.js';
import type { AckResult, LeadSocket } from './useLeadSocket.js';

type Send = (event: 'supervision:start' | 'supervision:mode' | 'supervision:stop', payload: unknown, done: (res: AckResult) => void) => void;

export function useSupervision(socketRef: RefObject<LeadSocket | null>, connected: boolean, send: Send, done: (res: AckResult) => void) {
  const [wanted, setWanted] = useState(false);
  const [active, setActive] = useState<SupervisionView | null>(null);
  const [ended, setEnded] = useState<SupervisionEndReason | null>(null);
  const [pending, setPending] = useState<{ callId: string; mode: SupervisionMode } | null>(null);
  const softphone = useSoftphone(socketRef, connected && wanted);

  useEffect(() => {
    const socket = socketRef.current;
    // A dropped connection ends the supervision on the server (the tab's audio went with it).
    if (!connected) setActive(null);
    if (!socket || !connected) return;
    const onState = (s: SupervisionState) => {
      setActive(s.active);
      setEnded(s.active ? null : (s.reason ?? null));
    };
    socket.on('supervision:state', onState);
    return () => void socket.off('supervision:state', onState);
  }, [socketRef, connected]);

  const run = useCallback(
    (callId: string, mode: SupervisionMode) => {
      if (active?.callId === callId) send('supervision:mode', { mode }, done);
      else send('supervision:start', { callId, mode }, done);
    },
    [active, send, done],
  );

  // The click waits for the lead's audio; a softphone that cannot start ends the wait.
  const state = softphone.status.state;
  useEffect(() => {
    if (!pending) return;
    if (state === 'ready') {
      run(pending.callId, pending.mode);
      setPending(null);
    } else if (state === 'mic_denied' || state === 'unavailable' || state === 'failed') {
      setPending(null);
      done({ ok: false, error: { code: 'SUPERVISION_AUDIO_NOT_READY', message: state } });
    }
  }, [pending, state, run, done]);

  const supervise = (callId: string, mode: SupervisionMode) => {
    setWanted(true);
    if (state === 'ready' && wanted) run(callId, mode);
    else setPending({ callId, mode });
  };
  const stop = () => send('supervision:stop', undefined, done);

  return { active, ended, wanted, connecting: pending !== null, softphone, supervise, stop };
}
