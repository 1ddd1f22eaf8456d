/**
 * The softphone media service, wired: the mediasoup worker (its one owner), agents' browser
 * sessions (MediaCommands for realtime/) and the calls' audio (CallMedia for the call centre).
 * Without a worker binary, or if the worker cannot start, the server runs without media.
 */
import type { Env } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { AriClient } from '../telephony/ari/index.js';
import { ExternalMedia } from '../telephony/external-media.js';
import { AgentSessions, type MediaSignal } from './agent-sessions.js';
import { CallAudio } from './call-audio.js';
import { MediaWorker, type MediaWorkerHealth } from './media-worker.js';

export { MediaError } from './errors.js';
export type { MediaSignal } from './agent-sessions.js';

export interface Media {
  readonly worker: MediaWorker;
  readonly sessions: AgentSessions;
  readonly calls: CallAudio;
  health(): MediaWorkerHealth;
  setSignal(signal: MediaSignal): void;
  close(): Promise<void>;
}

/**
 * Starts the media service, or returns null (with one clear log line) when media is off.
 * `ari` is read at each call: the ARI client is made later, by the call path.
 */
export async function startMedia(deps: { env: Env; log: Logger; ari: () => AriClient | null }): Promise<Media | null> {
  const { env, log } = deps;
  if (!env.media) {
    log.warn({ reason: env.mediaOff }, 'browser audio disabled');
    return null;
  }
  const worker = new MediaWorker(env.media, log);
  try {
    await worker.start();
  } catch (err) {
    log.error({ err, workerBin: env.media.workerBin }, 'browser audio disabled: the mediasoup worker did not start');
    await worker.close();
    return null;
  }
  const sessions = new AgentSessions(worker, env.media, log);
  const calls = new CallAudio({ worker, sessions, external: new ExternalMedia(deps.ari), env: env.media, log });
  return {
    worker,
    sessions,
    calls,
    health: () => worker.health(),
    setSignal: (signal) => sessions.setSignal(signal),
    async close() {
      await calls.close();
      await sessions.closeAll();
      await worker.close();
    },
  };
}
