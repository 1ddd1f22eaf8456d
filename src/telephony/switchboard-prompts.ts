/**
 * Prompts for callers in our Stasis app: play the first sound that exists, or play a question and
 * wait for one DTMF key (the survey). The switchboard feeds it ARI's PlaybackFinished,
 * ChannelDtmfReceived and StasisEnd.
 */
import { randomUUID } from 'node:crypto';
import type { AriClient } from './ari/index.js';
import { isTelephonyError } from './errors.js';

/** One DTMF key, or why none came: no key within the time, or the channel hung up / left. */
export type DigitResult = { digit: string } | { digit: null; reason: 'timeout' | 'gone' };

export class SwitchboardPrompts {
  private readonly playbacks = new Map<string, (ok: boolean) => void>();
  /** Channels waiting in collectDigit for a key. */
  private readonly digitWaiters = new Map<string, (r: DigitResult) => void>();

  constructor(private readonly ari: AriClient) {}

  playbackFinished(playbackId: string, ok: boolean): void {
    this.playbacks.get(playbackId)?.(ok);
  }

  dtmf(channelId: string, digit: string): void {
    this.digitWaiters.get(channelId)?.({ digit });
  }

  /** The channel hung up or left Stasis: a pending collectDigit resolves `gone`. */
  gone(channelId: string): void {
    this.digitWaiters.get(channelId)?.({ digit: null, reason: 'gone' });
  }

  /**
   * Plays the first of `sounds` that exists (a missing prompt fails at once and the next is
   * tried). Resolves false if none played; never waits longer than `timeoutMs` per sound.
   */
  async playFirst(channelId: string, sounds: readonly string[], timeoutMs = 30_000): Promise<boolean> {
    return (await this.play(channelId, sounds, timeoutMs, null)).played;
  }

  /**
   * Like playFirst, but a DTMF key during the sound stops it and is returned (type-ahead: a caller
   * who knows the menu need not hear the greeting out). `digit` null: the sound played out, or
   * none played, or the channel went.
   */
  async playFirstOrKey(channelId: string, sounds: readonly string[], timeoutMs = 30_000): Promise<{ played: boolean; digit: string | null }> {
    const typed: { digit: string | null; stop?: () => void } = { digit: null };
    this.digitWaiters.set(channelId, (r) => {
      if (r.digit === null || typed.digit !== null) return;
      typed.digit = r.digit;
      typed.stop?.();
    });
    try {
      return { ...(await this.play(channelId, sounds, timeoutMs, typed)), digit: typed.digit };
    } finally {
      this.digitWaiters.delete(channelId);
    }
  }

  private async play(
    channelId: string,
    sounds: readonly string[],
    timeoutMs: number,
    typed: { digit: string | null; stop?: () => void } | null,
  ): Promise<{ played: boolean }> {
    for (const sound of sounds) {
      if (typed?.digit != null) return { played: false };
      const playbackId = randomUUID();
      const finished = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), timeoutMs).unref();
        const done = (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        };
        this.playbacks.set(playbackId, done);
        // A key stops the sound; it counts as played (the caller heard it, and chose).
        if (typed)
          typed.stop = () => {
            done(true);
            void this.ari.playbacks.stop(playbackId).catch(() => undefined);
          };
      });
      try {
        await this.ari.channels.play(channelId, `sound:${sound}`, { playbackId });
        if (await finished) return { played: true };
      } finally {
        this.playbacks.delete(playbackId);
        if (typed) typed.stop = undefined;
      }
    }
    return { played: false };
  }

  /**
   * Plays `prompt` and waits for one DTMF key (ChannelDtmfReceived). A key during the prompt
   * counts and stops it (barge-in); after the prompt the caller has `timeoutMs`. A missing prompt
   * still gives the caller `timeoutMs`. Resolves `gone` when the channel hangs up or leaves Stasis.
   */
  async collectDigit(channelId: string, prompt: string, timeoutMs: number): Promise<DigitResult> {
    const playbackId = randomUUID();
    const timers: NodeJS.Timeout[] = [];
    const result = new Promise<DigitResult>((resolve) => {
      this.digitWaiters.set(channelId, resolve);
      // Unref'd: a survey cut short by shutdown must not keep the process alive for minutes.
      const wait = () => timers.push(setTimeout(() => resolve({ digit: null, reason: 'timeout' }), timeoutMs).unref());
      this.playbacks.set(playbackId, wait);
      timers.push(setTimeout(wait, 120_000).unref()); // a lost PlaybackFinished must not hold the caller forever
    });
    try {
      await this.ari.channels.play(channelId, `sound:${prompt}`, { playbackId });
      const r = await result;
      if (r.digit !== null) await this.ari.playbacks.stop(playbackId).catch(() => undefined);
      return r;
    } catch (err) {
      if (isTelephonyError(err) && err.code === 'CHANNEL_GONE') return { digit: null, reason: 'gone' };
      throw err;
    } finally {
      timers.forEach(clearTimeout);
      this.playbacks.delete(playbackId);
      this.digitWaiters.delete(channelId);
    }
  }
}
