/**
 * No caller stays at the front door without a next step (issue 18). Callers normally leave our
 * Stasis app within a greeting's length (CallCenter.frontDoor: answer, greeting, continue to the
 * queue). When ARI fails under load, a caller could sit there in silence until they hang up.
 * Two things prevent it:
 *  - the front door, when it cannot queue a caller over ARI, sends it on over AMI at once
 *    ({@link FrontDoorWatchdog.sendOn}, Switchboard.rescueToQueue);
 *  - a periodic check finds callers we have had at the front door for longer than the threshold
 *    (SUNLINE_STASIS_WATCHDOG_SECONDS) since their last progress (entered, answered, greeted) —
 *    a front door stuck on a lost event or a request that never came back, or a rescue that
 *    failed — and sends them on the same way.
 *
 * Only our front-door callers (LiveCalls in state `front_door`) are looked at: never survey,
 * agent, unit, direct or media channels. A caller that hung up without us hearing is handed to
 * the hang-up handling; one that already left the front door is left alone.
 */
import type { Logger } from 'pino';
import type { AmiChannel, Switchboard } from '../telephony/switchboard.js';
import type { LiveCall, LiveCalls } from './live-calls.js';

export interface FrontDoorWatchdogOptions {
  live: LiveCalls;
  switchboard: Pick<Switchboard, 'amiChannels' | 'rescueToQueue'>;
  log: Logger;
  /** A front-door caller this long without progress is sent on (ms). */
  thresholdMs: number;
  /** How often to look (ms). Default: a third of the threshold, between 1 and 5 s. */
  intervalMs?: number;
  /** The caller's channel no longer exists: settle the call (CallCenter.channelGone). */
  gone(channelId: string): void;
  now: () => number;
}

export class FrontDoorWatchdog {
  /** Last progress of each front-door call we were told of; absent: its entry time. */
  private readonly progressAt = new Map<string, number>();
  /** Calls being sent on right now (by the front door or by a check). */
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly intervalMs: number;

  constructor(private readonly o: FrontDoorWatchdogOptions) {
    this.intervalMs = o.intervalMs ?? Math.min(5000, Math.max(1000, Math.round(o.thresholdMs / 3)));
  }

  start(): void {
    if (this.timer) return;
    // Unref'd: the watchdog alone must not keep the process alive.
    this.timer = setInterval(() => void this.check(), this.intervalMs).unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The front door got further with this call (answered, greeted): the clock starts again. */
  progress(callId: string): void {
    this.progressAt.set(callId, this.o.now());
  }

  /**
   * Sends a front-door caller on to the queue over AMI, once at a time per call. Resolves what
   * the switchboard found (`sent`, `left`, `gone`), or `busy` when it is already being sent on;
   * rejects when AMI fails too (a later check tries again).
   */
  async sendOn(call: LiveCall, why: 'front_door_failed' | 'no_progress', channels?: Map<string, AmiChannel>): Promise<'sent' | 'left' | 'gone' | 'busy'> {
    if (this.busy.has(call.callId)) return 'busy';
    this.busy.add(call.callId);
    try {
      const result = await this.o.switchboard.rescueToQueue(call.channelId, { callId: call.callId, priority: call.priority }, channels);
      // Whatever came of it, give the call a full threshold before the next look.
      this.progress(call.callId);
      if (result === 'sent') this.o.log.warn({ callId: call.callId, why }, 'caller sent on to the queue over AMI');
      else this.o.log.info({ callId: call.callId, why, result }, 'caller not at the front door any more');
      if (result === 'gone') this.o.gone(call.channelId);
      return result;
    } finally {
      this.busy.delete(call.callId);
    }
  }

  /** One look: front-door callers without progress for the threshold are sent on. Resolves how many were. */
  async check(): Promise<number> {
    if (this.checking) return 0;
    this.checking = true;
    try {
      const now = this.o.now();
      for (const callId of this.progressAt.keys()) {
        if (this.o.live.get(callId)?.state !== 'front_door') this.progressAt.delete(callId);
      }
      const stuck = this.o.live
        .all()
        .filter((c) => c.state === 'front_door' && !this.busy.has(c.callId) && now - (this.progressAt.get(c.callId) ?? c.enteredAt) > this.o.thresholdMs);
      if (stuck.length === 0) return 0;
      const channels = await this.o.switchboard.amiChannels();
      let sent = 0;
      for (const call of stuck) {
        if (this.o.live.get(call.callId)?.state !== 'front_door') continue; // moved on meanwhile
        try {
          if ((await this.sendOn(call, 'no_progress', channels)) === 'sent') sent++;
        } catch (err) {
          this.o.log.error({ err, callId: call.callId }, 'front door watchdog could not send the caller on');
        }
      }
      return sent;
    } catch (err) {
      this.o.log.error({ err }, 'front door watchdog failed');
      return 0;
    } finally {
      this.checking = false;
    }
  }
}
