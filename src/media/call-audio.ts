/**
 * CallMedia for browser agents: when the agent answers, the call's bridge gets an ARI
 * externalMedia channel whose RTP goes (through an SSRC-fixing relay, rtp-relay.ts) to a
 * per-call mediasoup PlainTransport. The agent's microphone producer is consumed towards
 * Asterisk; Asterisk's audio is produced on the PlainTransport and consumed by the agent's recv
 * WebRTC transport. Calls whose agent has no live microphone (tab reconnecting, worker restart)
 * wait and are attached as soon as the agent's microphone produces again.
 */
import { randomInt } from 'node:crypto';
import type { Consumer, PlainTransport, Producer } from 'mediasoup/types';
import type { CallMedia } from '../calls/call-media.js';
import type { MediaEnv } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { ExternalMedia } from '../telephony/external-media.js';
import type { AgentSessions } from './agent-sessions.js';
import { ASTERISK_RTP_CAPABILITIES, asteriskRtpParameters } from './codecs.js';
import { MediaError } from './errors.js';
import type { MediaWorker } from './media-worker.js';
import { RtpRelay } from './rtp-relay.js';

interface CallRef {
  callId: string;
  agentId: number;
  bridgeId: string;
  muted: boolean;
}

interface CallLeg extends CallRef {
  plain: PlainTransport;
  relay: RtpRelay;
  channelId: string;
  /** The agent's voice towards Asterisk (paused = muted). */
  toAsterisk: Consumer;
  /** The caller's audio as Asterisk sends it. */
  fromAsterisk: Producer;
}

export interface CallAudioView {
  callId: string;
  channelId: string;
  plainTransportId: string;
  relay: RtpRelay['counters'];
  muted: boolean;
}

/** Waits before the 1st, 2nd, … new try of a failed attach; the last repeats while the call lasts. */
const RETRY_MS = [500, 1000, 2000, 5000, 10_000] as const;

export class CallAudio implements CallMedia {
  private readonly legs = new Map<string, CallLeg>();
  /** Answered calls without audio yet: attached when the agent's microphone produces. */
  private readonly waiting = new Map<string, CallRef>();
  /** Attaches in flight; `cancelled` when the call ended meanwhile (detach before the leg existed). */
  private readonly connecting = new Map<string, { cancelled: boolean }>();
  private readonly log: Logger;
  /** Told when the set of calls with audio changes (supervision's lead buttons). */
  private readonly audioListeners = new Set<() => void>();
  /** Failed attaches tried again on a timer (an ARI timeout must not leave a conversation silent). */
  private readonly retries = new Map<string, { attempt: number; timer: NodeJS.Timeout }>();
  private readonly retryMs: readonly number[];

  constructor(
    private readonly o: {
      worker: MediaWorker;
      sessions: AgentSessions;
      external: ExternalMedia;
      env: MediaEnv;
      log: Logger;
      /** Waits before each new try of a failed attach; the last one repeats while the call lasts. */
      retryMs?: readonly number[];
    },
  ) {
    this.retryMs = o.retryMs ?? RETRY_MS;
    this.log = o.log.child({ component: 'media' });
    o.worker.on('died', () => this.workerDied());
    o.sessions.on('mic', (agentId) => this.micReady(agentId));
  }

  async attach(call: { callId: string; agentId: number; bridgeId: string }): Promise<void> {
    const ref: CallRef = { ...call, muted: this.waiting.get(call.callId)?.muted ?? false };
    if (this.legs.has(call.callId)) return;
    if (!this.o.sessions.forAgent(call.agentId)) {
      this.waiting.set(call.callId, ref);
      throw new MediaError('MEDIA_NOT_READY');
    }
    await this.connect(ref);
  }

  async detach(callId: string): Promise<void> {
    this.waiting.delete(callId);
    this.stopRetry(callId);
    const inFlight = this.connecting.get(callId);
    if (inFlight) inFlight.cancelled = true;
    const leg = this.legs.get(callId);
    if (!leg) return;
    await this.teardown(leg);
    this.log.info({ callId }, 'call audio detached');
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    const waiting = this.waiting.get(callId);
    if (waiting) waiting.muted = muted;
    const leg = this.legs.get(callId);
    if (!leg) return;
    leg.muted = muted;
    if (muted) await leg.toAsterisk.pause();
    else await leg.toAsterisk.resume();
  }

  /** The agent and the agent's externalMedia channel of a call with audio now (supervision snoops on it). */
  audioOf(callId: string): { agentId: number; channelId: string } | null {
    const leg = this.legs.get(callId);
    return leg ? { agentId: leg.agentId, channelId: leg.channelId } : null;
  }

  /** The ids of the calls with audio now. */
  withAudio(): string[] {
    return [...this.legs.keys()];
  }

  /** `fn` runs after a call gains or loses its audio; returns the unsubscribe function. */
  onAudioChanged(fn: () => void): () => void {
    this.audioListeners.add(fn);
    return () => this.audioListeners.delete(fn);
  }

  private audioChanged(): void {
    for (const fn of this.audioListeners) {
      try {
        fn();
      } catch (err) {
        this.log.warn({ err }, 'call audio listener failed');
      }
    }
  }

  /** Calls with audio now (tests, health). */
  active(): CallAudioView[] {
    return [...this.legs.values()].map((l) => ({
      callId: l.callId,
      channelId: l.channelId,
      plainTransportId: l.plain.id,
      relay: { ...l.relay.counters },
      muted: l.muted,
    }));
  }

  /** RTP counts of a call's audio (mediasoup's view): what came from Asterisk, what went to it. */
  async stats(callId: string): Promise<{ fromAsterisk: { packets: number; bytes: number }; toAsterisk: { packets: number; bytes: number } } | null> {
    const leg = this.legs.get(callId);
    if (!leg) return null;
    const [inbound, outbound] = await Promise.all([leg.fromAsterisk.getStats(), leg.toAsterisk.getStats()]);
    const sum = (stats: { type: string; packetCount: number; byteCount: number }[], type: string) =>
      stats.filter((x) => x.type === type).reduce((a, x) => ({ packets: a.packets + x.packetCount, bytes: a.bytes + x.byteCount }), { packets: 0, bytes: 0 });
    return { fromAsterisk: sum(inbound, 'inbound-rtp'), toAsterisk: sum(outbound, 'outbound-rtp') };
  }

  /** Calls answered but waiting for the agent's microphone. */
  pending(): string[] {
    return [...this.waiting.keys()];
  }

  async close(): Promise<void> {
    this.waiting.clear();
    for (const callId of [...this.retries.keys()]) this.stopRetry(callId);
    for (const leg of [...this.legs.values()]) await this.teardown(leg);
  }

  private async connect(ref: CallRef): Promise<void> {
    if (this.connecting.has(ref.callId) || this.legs.has(ref.callId)) return;
    const session = this.o.sessions.forAgent(ref.agentId);
    if (!session?.mic) throw new MediaError('MEDIA_NOT_READY');
    const attempt = { cancelled: false };
    this.connecting.set(ref.callId, attempt);
    this.waiting.delete(ref.callId);
    const ssrc = randomInt(1, 0xffffffff);
    const ip = this.o.env.rtpIp;
    let relay: RtpRelay | undefined;
    let plain: PlainTransport | undefined;
    let channelId: string | undefined;
    try {
      const router = this.o.worker.router();
      relay = await RtpRelay.bind(ip, ssrc);
      plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip }, rtcpMux: true, comedia: false });
      const em = await this.o.external.open(ref.bridgeId, { ip: relay.ip, port: relay.port }, ref.callId);
      channelId = em.channelId;
      relay.connect({ ip: plain.tuple.localAddress, port: plain.tuple.localPort }, em.asterisk);
      await plain.connect({ ip: relay.ip, port: relay.port });
      const toAsterisk = await plain.consume({ producerId: session.mic.id, rtpCapabilities: ASTERISK_RTP_CAPABILITIES, paused: ref.muted });
      const fromAsterisk = await plain.produce({ kind: 'audio', rtpParameters: asteriskRtpParameters(ssrc) });
      const leg: CallLeg = { ...ref, plain, relay, channelId, toAsterisk, fromAsterisk };
      if (attempt.cancelled) {
        // The call ended while we were connecting: leave nothing behind.
        await this.teardown(leg);
        return;
      }
      this.legs.set(ref.callId, leg);
      this.audioChanged();
      // The tab's microphone went away (reconnect, closed tab): wait for the next one.
      toAsterisk.on('producerclose', () => void this.requeue(leg));
      await this.o.sessions.offer(session, fromAsterisk.id, ref.callId);
      // Only now: a try that fails at the offer keeps its place in the backoff.
      this.stopRetry(ref.callId);
      this.log.info({ callId: ref.callId, agentId: ref.agentId, channelId }, 'call audio attached');
    } catch (err) {
      if (this.legs.delete(ref.callId)) this.audioChanged();
      plain?.close();
      relay?.close();
      if (channelId) await this.o.external.close(channelId).catch((e: unknown) => this.log.warn({ err: e, channelId }, 'external media hang-up failed'));
      // Tried again when the agent's microphone produces next (e.g. after a media restart), and
      // on a timer meanwhile: a request that failed once (Asterisk slow to answer, a dropped
      // connection) is no reason for a conversation without sound until the call ends.
      if (!attempt.cancelled) {
        this.waiting.set(ref.callId, ref);
        this.scheduleRetry(ref);
      }
      throw err;
    } finally {
      this.connecting.delete(ref.callId);
    }
  }

  private async teardown(leg: CallLeg): Promise<void> {
    if (this.legs.delete(leg.callId)) this.audioChanged();
    if (!leg.plain.closed) leg.plain.close();
    leg.relay.close();
    await this.o.external.close(leg.channelId).catch((err: unknown) => this.log.warn({ err, callId: leg.callId }, 'external media hang-up failed'));
  }

  private async requeue(leg: CallLeg): Promise<void> {
    if (this.legs.get(leg.callId) !== leg) return;
    // Waiting before the hang-up: Asterisk may report the end of what sat on the channel (a
    // supervision's snoop) before the hang-up answers, and the call must not look ended then.
    this.waiting.set(leg.callId, { callId: leg.callId, agentId: leg.agentId, bridgeId: leg.bridgeId, muted: leg.muted });
    await this.teardown(leg);
    this.log.info({ callId: leg.callId, agentId: leg.agentId }, 'call audio waiting for the agent microphone');
    // A newer tab of the same agent may already be producing.
    this.micReady(leg.agentId);
  }

  private scheduleRetry(ref: CallRef): void {
    const attempt = (this.retries.get(ref.callId)?.attempt ?? 0) + 1;
    this.stopRetry(ref.callId);
    const ms = this.retryMs[Math.min(attempt, this.retryMs.length) - 1] ?? 10_000;
    const timer = setTimeout(() => {
      const waiting = this.waiting.get(ref.callId);
      // Attached meanwhile, ended, or waiting for a microphone (micReady tries then).
      if (!waiting || !this.o.sessions.forAgent(waiting.agentId)) return this.stopRetry(ref.callId);
      this.log.info({ callId: ref.callId, agentId: ref.agentId, attempt }, 'call audio attach tried again');
      this.connect(waiting).catch((err: unknown) => this.log.warn({ err, callId: ref.callId, agentId: ref.agentId, attempt }, 'call audio re-attach failed'));
    }, ms);
    timer.unref();
    this.retries.set(ref.callId, { attempt, timer });
  }

  private stopRetry(callId: string): void {
    const r = this.retries.get(callId);
    if (!r) return;
    clearTimeout(r.timer);
    this.retries.delete(callId);
  }

  private workerDied(): void {
    for (const leg of [...this.legs.values()]) void this.requeue(leg);
  }

  private micReady(agentId: number): void {
    if (!this.o.sessions.forAgent(agentId)) return;
    for (const ref of [...this.waiting.values()]) {
      if (ref.agentId !== agentId) continue;
      this.connect(ref).catch((err: unknown) => this.log.warn({ err, callId: ref.callId, agentId }, 'call audio re-attach failed'));
    }
  }
}
