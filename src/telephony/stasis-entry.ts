/**
 * Waiting for a channel we create over ARI to enter our Stasis application.
 *
 * ARI answers a channel-creating request (externalMedia, snoop) as soon as the channel exists,
 * and the channel enters Stasis on another Asterisk thread a moment later. Until its StasisStart
 * the channel cannot join a bridge: `POST /bridges/{id}/addChannel` answers 422 "Channel not in
 * Stasis application". On a loaded machine the gap is long enough to lose that race, so the
 * caller names the channel itself, starts waiting before it makes the request (the event may
 * arrive before the REST answer) and bridges it once this resolves.
 */
import type { AriClient } from './ari/index.js';

/** The events this needs from the ARI client. */
export type StasisEvents = Pick<AriClient, 'on' | 'off'>;

export interface StasisEntry {
  /** Resolves at the channel's StasisStart; rejects after the timeout. */
  promise: Promise<void>;
  /** Stops waiting (the listener and the timer go); the promise then never settles. */
  cancel(): void;
}

export function awaitStasisStart(ari: StasisEvents, channelId: string, timeoutMs: number): StasisEntry {
  let done: () => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    const onStart = (e: { channel: { id: string } }) => {
      if (e.channel.id !== channelId) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`channel ${channelId} did not enter Stasis within ${timeoutMs} ms`));
    }, timeoutMs);
    done = () => {
      clearTimeout(timer);
      ari.off('StasisStart', onStart);
    };
    ari.on('StasisStart', onStart);
  });
  promise.catch(() => undefined); // awaited by the caller; a cancelled wait is not an unhandled rejection
  return { promise, cancel: () => done() };
}
