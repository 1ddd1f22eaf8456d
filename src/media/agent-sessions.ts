/**
 * Agents' browser sessions: per console tab one send and one recv WebRTC transport and the
 * microphone producer, made when the console connects (not per call, so answering is instant).
 * Implements the MediaCommands realtime/ calls; pushes `media:*` events through MediaSignals.
 */
import { EventEmitter } from 'node:events';
import type { Consumer, DtlsParameters, Producer, Router, RtpParameters, WebRtcTransport } from 'mediasoup/types';
import type { Logger } from '../logging/logger.js';
import type { MediaProduced, MediaServerEvents, MediaSession, MediaTransportOptions, MediaWarmup } from '../contract/media.js';
import type { MediaCommands } from '../contract/media-commands.js';
import type { MediaEnv } from '../config/env.js';
import { MediaError } from './errors.js';
import { iceServersFor } from './turn-credentials.js';
import type { MediaWorker } from './media-worker.js';

/** How the media service reaches one console tab (wired to socket.io by buildApp). */
export type MediaSignal = <E extends keyof MediaServerEvents>(socketId: string, event: E, payload: Parameters<MediaServerEvents[E]>[0]) => void;

export interface AgentSession {
  readonly socketId: string;
  readonly agentId: number;
  readonly send: WebRtcTransport;
  readonly recv: WebRtcTransport;
  mic: Producer | null;
  readonly consumers: Map<string, Consumer>;
}

export interface AgentSessionsEvents {
  /** A tab's microphone is producing: calls of this agent waiting for audio can attach. */
  mic: [agentId: number];
}

export class AgentSessions extends EventEmitter<AgentSessionsEvents> implements MediaCommands {
  private readonly sessions = new Map<string, AgentSession>();
  /** Tabs whose session died with the worker: told to open again once a new one is up. */
  private orphans = new Set<string>();
  private signal: MediaSignal = () => undefined;
  private readonly log: Logger;

  constructor(
    private readonly worker: MediaWorker,
    private readonly env: MediaEnv,
    log: Logger,
  ) {
    super();
    this.log = log.child({ component: 'media' });
    worker.on('died', () => this.workerDied());
    worker.on('restarted', () => this.workerRestarted());
  }

  /** Where `media:*` events go; set once realtime is attached. */
  setSignal(signal: MediaSignal): void {
    this.signal = signal;
  }

  get count(): number {
    return this.sessions.size;
  }

  async open(socketId: string, agentId: number): Promise<MediaSession> {
    await this.close(socketId); // a re-open (reconnect, reset) starts clean
    const router = this.worker.router();
    const [send, recv] = await Promise.all([this.transport(router, socketId), this.transport(router, socketId)]);
    const session: AgentSession = { socketId, agentId, send, recv, mic: null, consumers: new Map() };
    this.sessions.set(socketId, session);
    this.log.info({ agentId, socketId }, 'media session opened');
    // Minted per tab and never logged: the relay credential of this console until it expires.
    const iceServers = iceServersFor(this.env.ice, `agent-${agentId}`);
    return {
      routerRtpCapabilities: router.rtpCapabilities,
      send: describe(send),
      recv: describe(recv),
      iceServers,
      iceTransportPolicy: this.env.ice?.policy ?? 'all',
    };
  }

  async connect(socketId: string, p: { transportId: string; dtlsParameters: unknown }): Promise<void> {
    const s = this.session(socketId);
    const t = [s.send, s.recv].find((x) => x.id === p.transportId);
    if (!t) throw new MediaError('MEDIA_TRANSPORT_NOT_FOUND');
    await rejected(t.connect({ dtlsParameters: p.dtlsParameters as DtlsParameters }));
  }

  async produce(socketId: string, p: { transportId: string; kind: 'audio'; rtpParameters: unknown }): Promise<MediaProduced> {
    const s = this.session(socketId);
    if (p.transportId !== s.send.id) throw new MediaError('MEDIA_TRANSPORT_NOT_FOUND');
    const producer = await rejected(s.send.produce({ kind: p.kind, rtpParameters: p.rtpParameters as RtpParameters }));
    s.mic?.close();
    s.mic = producer;
    this.log.info({ agentId: s.agentId, socketId, codec: producer.rtpParameters.codecs[0]?.mimeType }, 'agent microphone producing');
    this.emit('mic', s.agentId);
    return { id: producer.id };
  }

  async warmup(socketId: string): Promise<MediaWarmup> {
    const s = this.session(socketId);
    if (!s.mic || s.mic.closed) throw new MediaError('MEDIA_NOT_READY');
    // Paused and never resumed: no RTP flows; it only gives the recv transport a reason to connect.
    const c = await s.recv.consume({ producerId: s.mic.id, rtpCapabilities: this.worker.router().rtpCapabilities, paused: true });
    return { consumerId: c.id, producerId: s.mic.id, kind: 'audio', rtpParameters: c.rtpParameters };
  }

  async resume(socketId: string, consumerId: string): Promise<void> {
    const consumer = this.session(socketId).consumers.get(consumerId);
    if (!consumer) throw new MediaError('MEDIA_CONSUMER_NOT_FOUND');
    await consumer.resume();
  }

  close(socketId: string): Promise<void> {
    this.orphans.delete(socketId);
    const s = this.sessions.get(socketId);
    if (!s) return Promise.resolve();
    this.sessions.delete(socketId);
    // Closing a transport closes its producers and consumers (and consumers of the mic elsewhere).
    s.send.close();
    s.recv.close();
    this.log.info({ agentId: s.agentId, socketId }, 'media session closed');
    return Promise.resolve();
  }

  /** The tab's session, if it is open (a shift lead's supervision audio, src/supervision). */
  bySocket(socketId: string): AgentSession | null {
    return this.sessions.get(socketId) ?? null;
  }

  /** The agent's newest tab whose microphone is producing, if any. */
  forAgent(agentId: number): AgentSession | null {
    let found: AgentSession | null = null;
    for (const s of this.sessions.values()) if (s.agentId === agentId && s.mic && !s.mic.closed) found = s;
    return found;
  }

  /** Sends `producerId` (the caller's audio) to the tab, paused until the browser resumes it. */
  async offer(session: AgentSession, producerId: string, callId: string): Promise<Consumer> {
    const router = this.worker.router();
    const caps = router.rtpCapabilities;
    const consumer = await session.recv.consume({ producerId, rtpCapabilities: caps, paused: true });
    session.consumers.set(consumer.id, consumer);
    const forget = () => {
      if (!session.consumers.delete(consumer.id)) return;
      this.signal(session.socketId, 'media:consumer_closed', { consumerId: consumer.id, callId });
    };
    consumer.on('producerclose', forget);
    consumer.on('transportclose', () => session.consumers.delete(consumer.id));
    consumer.observer.on('close', forget);
    this.signal(session.socketId, 'media:consume', { callId, consumerId: consumer.id, producerId, kind: 'audio', rtpParameters: consumer.rtpParameters });
    return consumer;
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.close(id);
  }

  private session(socketId: string): AgentSession {
    const s = this.sessions.get(socketId);
    if (!s) throw new MediaError('MEDIA_SESSION_NOT_FOUND');
    return s;
  }

  private async transport(router: Router, socketId: string): Promise<WebRtcTransport> {
    const announced = this.env.announcedIp ? { announcedAddress: this.env.announcedIp } : {};
    const t = await router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: this.env.listenIp, ...announced },
        { protocol: 'tcp', ip: this.env.listenIp, ...announced },
      ],
      preferUdp: true,
    });
    t.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.log.warn({ socketId, transportId: t.id, state }, 'media transport DTLS ended');
    });
    return t;
  }

  /** Every transport died with the worker: drop the sessions until a new worker is up. */
  private workerDied(): void {
    for (const socketId of this.sessions.keys()) this.orphans.add(socketId);
    this.sessions.clear();
  }

  /** Tell each tab that lost its session to open again (on the new router). */
  private workerRestarted(): void {
    const tabs = this.orphans;
    this.orphans = new Set();
    for (const socketId of tabs) this.signal(socketId, 'media:reset', { reason: 'worker_restarted' });
  }

  /** The tab is gone for good (socket disconnected): nothing to reset. */
  forget(socketId: string): void {
    this.orphans.delete(socketId);
  }
}

function describe(t: WebRtcTransport): MediaTransportOptions {
  return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
}

/** mediasoup's refusal of bad parameters becomes a 400 with a fixed code. */
async function rejected<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    // mediasoup throws TypeError (malformed) or UnsupportedError (e.g. a codec the router lacks).
    if (err instanceof TypeError || (err instanceof Error && err.name === 'UnsupportedError')) throw new MediaError('MEDIA_REJECTED', err.message);
    throw err;
  }
}
