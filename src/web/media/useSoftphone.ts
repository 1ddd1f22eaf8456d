/**
 * The console's softphone: a SoftphoneSession per socket connection, rebuilt after a reconnect
 * and on `media:reset` (the media server restarted); retried while the media server is
 * restarting. Exposes `window.__sunlineMedia.stats()` (audio packet/energy figures, nothing
 * secret) for the browser tests.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contract/index.js';
import { SignalError, SoftphoneSession, type SoftphoneStatus } from './softphone-session.js';

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

declare global {
  interface Window {
    __sunlineMedia?: { stats: () => ReturnType<SoftphoneSession['stats']> | null };
  }
}

const RETRY_MS = 2000;

export function useSoftphone(
  socketRef: RefObject<ConsoleSocket | null>,
  connected: boolean,
): { status: SoftphoneStatus; audioRef: RefObject<HTMLAudioElement> } {
  const [status, setStatus] = useState<SoftphoneStatus>({ state: 'connecting', inCall: false });
  const audioRef = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const socket = socketRef.current;
    const audio = audioRef.current;
    if (!connected || !socket || !audio) return;
    let session: SoftphoneSession | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const build = () => {
      clearTimeout(retry);
      session?.close();
      if (stopped) return;
      const s = new SoftphoneSession(socket, audio, (st) => {
        if (session === s) setStatus(st);
      });
      session = s;
      s.start().catch((err: unknown) => {
        if (session !== s) return;
        setStatus({ state: 'failed', inCall: false, detail: err instanceof SignalError ? err.code : String(err) });
        // The media server may be restarting (MEDIA_UNAVAILABLE): try again shortly.
        retry = setTimeout(build, RETRY_MS);
      });
    };
    // A failed offer is dropped by the session alone (never 'failed' for good: a shift lead's next
    // 监听 would be refused until a reload); the transports' own state says when the audio is down.
    const onConsume = (offer: Parameters<ServerToClientEvents['media:consume']>[0]) => void session?.consume(offer);
    const onClosed = (p: Parameters<ServerToClientEvents['media:consumer_closed']>[0]) => session?.consumerClosed(p.consumerId);
    const onReset = () => build();

    socket.on('media:consume', onConsume);
    socket.on('media:consumer_closed', onClosed);
    socket.on('media:reset', onReset);
    window.__sunlineMedia = { stats: () => session?.stats() ?? null };
    build();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket.off('media:consume', onConsume);
      socket.off('media:consumer_closed', onClosed);
      socket.off('media:reset', onReset);
      session?.close();
      session = null;
      delete window.__sunlineMedia;
    };
  }, [socketRef, connected]);

  return { status, audioRef };
}
