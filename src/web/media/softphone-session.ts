/**
 * One WebRTC softphone session of this console tab (mediasoup-client): the router's
 * capabilities, a send and a recv transport, the microphone producer (PCMU), and the caller's
 * audio consumed when the server offers it. Made when the console connects, not per call.
 * The React side (useSoftphone) only watches `status`.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';

type Consumer = types.Consumer;
type Producer = types.Producer;
type Transport = types.Transport;
import type { Socket } from 'socket.io-client';
import { SoftphoneConsumers } from './softphone-consumers.js';
import type { Ack, ClientToServerEvents, MediaConsumeOffer, MediaSession, ServerToClientEvents } from '../../contract/index.js';

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckResult<T> = Parameters<Ack<T>>[0];
/** The softphone's signalling events (src/contract/media.ts). */
type MediaEvent = Extract<keyof ClientToServerEvents, `media:${string}`>;
/** What the event's ack carries, as the contract declares it (`ack?: Ack<T>`): no copy of the server's reply here. */
type AckData<E extends MediaEvent> = Extract<Parameters<ClientToServerEvents[E]>[number], (res: never) => void> extends Ack<infer T> ? T : never;

/** What the agent sees: connecting → ready; failed (ICE/DTLS); mic_denied; unavailable (server without media). */
export type SoftphoneState = 'connecting' | 'ready' | 'failed' | 'mic_denied' | 'unavailable' | 'closed';

export interface SoftphoneStatus {
  state: SoftphoneState;
  /** A consumer of the caller's audio is playing. */
  inCall: boolean;
  detail?: string;
}

export class SignalError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Emits with an ack; resolves with the ack's data as the contract types it, rejects with the server's fixed code. */
function request<E extends MediaEvent>(socket: ConsoleSocket, event: E, payload?: unknown): Promise<AckData<E>> {
  return new Promise((resolve, reject) => {
    const ack = (res: AckResult<AckData<E>>) => (res.ok ? resolve(res.data as AckData<E>) : reject(new SignalError(res.error.code, res.error.message)));
    const emit = socket.emit as unknown as (ev: string, ...args: unknown[]) => void;
    if (payload === undefined) emit.call(socket, event, ack);
    else emit.call(socket, event, payload, ack);
  });
}

export class SoftphoneSession {
  private device: Device | null = null;
  private send: Transport | null = null;
  private recv: Transport | null = null;
  private mic: Producer | null = null;
  private stream: MediaStream | null = null;
  private readonly consumers = new SoftphoneConsumers<Consumer>({
    play: (c) => {
      this.audio.srcObject = c ? new MediaStream([c.track]) : null;
      return c ? this.audio.play().catch(() => undefined) : Promise.resolve(); // autoplay refusal: the track still decodes
    },
    inCall: (on) => this.setStatus({ inCall: on }),
    dropped: (id, err) => {
      if (!this.closed) this.setStatus({ detail: `consume ${id ?? '?'}: ${err instanceof SignalError ? err.code : String(err)}` });
    },
  });
  private warm: Consumer | null = null;
  private closed = false;
  private status: SoftphoneStatus = { state: 'connecting', inCall: false };

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly audio: HTMLAudioElement,
    private readonly onStatus: (s: SoftphoneStatus) => void,
  ) {}

  /** Opens the session; resolves when the microphone is producing (or a clear failure state). */
  async start(): Promise<void> {
    this.setStatus({ state: 'connecting' });
    let session: MediaSession;
    try {
      session = await request(this.socket, 'media:open');
    } catch (err) {
      if (err instanceof SignalError && err.code === 'MEDIA_DISABLED') return this.setStatus({ state: 'unavailable' });
      throw err;
    }
    if (this.closed) return;
    const device = new Device();
    await device.load({ routerRtpCapabilities: session.routerRtpCapabilities as types.RtpCapabilities });
    this.device = device;
    // TURN relays (remote agents behind NAT/firewalls) with this tab's time-limited credential.
    const ice = { iceServers: session.iceServers ?? [], iceTransportPolicy: session.iceTransportPolicy ?? 'all' };
    this.send = device.createSendTransport({ ...(session.send as types.TransportOptions), ...ice });
    this.recv = device.createRecvTransport({ ...(session.recv as types.TransportOptions), ...ice });
    for (const transport of [this.send, this.recv]) {
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        request(this.socket, 'media:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
      transport.on('connectionstatechange', (state) => {
        if (state === 'failed') this.setStatus({ state: 'failed', detail: `${transport.direction}: ICE/DTLS failed` });
        else if (state === 'connected' && this.status.state === 'failed') this.setStatus({ state: 'ready' });
      });
      // Without a single local candidate (relay-only and the TURN relay refused or unreachable)
      // the browser never reports 'failed' by itself: say so once gathering is over.
      let turnError: number | undefined;
      transport.on('icecandidateerror', (e) => {
        turnError = e.errorCode;
      });
      transport.on('icegatheringstatechange', (state) => {
        if (state !== 'complete') return;
        void hasLocalCandidate(transport).then((has) => {
          if (has || this.closed || transport.closed) return;
          const why = turnError ? `TURN error ${turnError}` : 'TURN relay unreachable';
          this.setStatus({ state: 'failed', detail: `${transport.direction}: ICE/DTLS failed: no ICE candidate (${why})` });
        });
      });
    }
    this.send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      request(this.socket, 'media:produce', { transportId: this.send!.id, kind, rtpParameters }).then(callback, errback);
    });

    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false });
    } catch (err) {
      return this.setStatus({ state: 'mic_denied', detail: err instanceof Error ? err.name : String(err) });
    }
    if (this.closed) {
      for (const tr of stream.getTracks()) tr.stop();
      return;
    }
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (!track) return this.setStatus({ state: 'mic_denied', detail: 'no audio track' });
    const pcmu = device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'audio/pcmu');
    this.mic = await this.send.produce({ track, ...(pcmu ? { codec: pcmu } : {}), stopTracks: false });
    // Connect the recv transport now (ICE + DTLS) rather than on the first call's consume.
    const w = await request(this.socket, 'media:warmup');
    if (this.closed) return;
    this.warm = await this.recv.consume({ id: w.consumerId, producerId: w.producerId, kind: w.kind, rtpParameters: w.rtpParameters as types.RtpParameters });
    if (this.status.state === 'connecting') this.setStatus({ state: 'ready' });
  }

  /** The server offers the caller's audio: consume it, play it, then ask the server to resume; a failed offer is dropped alone. */
  async consume(offer: MediaConsumeOffer): Promise<void> {
    const recv = this.recv;
    if (!recv || this.closed) return;
    await this.consumers.consume(
      async () => {
        const c = await recv.consume({
          id: offer.consumerId,
          producerId: offer.producerId,
          kind: offer.kind,
          rtpParameters: offer.rtpParameters as types.RtpParameters,
        });
        if (!this.closed) return c;
        c.close();
        throw new Error('session closed');
      },
      (consumerId) => request(this.socket, 'media:resume', { consumerId }),
    );
  }

  consumerClosed(consumerId: string): void {
    this.consumers.closed(consumerId);
  }

  /** Local teardown (the server closes its side when the socket goes or on `media:close`). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.consumers.closeAll();
    this.warm?.close();
    this.mic?.close();
    this.send?.close();
    this.recv?.close();
    for (const tr of this.stream?.getTracks() ?? []) tr.stop();
    this.audio.srcObject = null;
    this.setStatus({ state: 'closed', inCall: false });
  }

  /** Audio RTP figures of this tab and the ICE path each transport uses (for the tests' debug accessor). */
  async stats(): Promise<{
    state: SoftphoneState;
    inbound: AudioStats | null;
    outbound: AudioStats | null;
    paths: { send: IcePath | null; recv: IcePath | null };
  }> {
    const playing = this.consumers.newest();
    const pick = async (report: Promise<RTCStatsReport> | undefined, type: string): Promise<AudioStats | null> => {
      if (!report) return null;
      for (const s of (await report).values()) {
        const r = s as Record<string, unknown>;
        if (r['type'] === type && (r['kind'] ?? r['mediaType']) === 'audio') {
          return {
            packets: Number(r['packetsReceived'] ?? r['packetsSent'] ?? 0),
            bytes: Number(r['bytesReceived'] ?? r['bytesSent'] ?? 0),
            totalAudioEnergy: Number(r['totalAudioEnergy'] ?? 0),
            audioLevel: Number(r['audioLevel'] ?? 0),
          };
        }
      }
      return null;
    };
    const paths = { send: await icePath(this.send), recv: await icePath(this.recv) };
    return {
      state: this.status.state,
      inbound: await pick(playing?.getStats(), 'inbound-rtp'),
      outbound: await pick(this.mic?.getStats(), 'outbound-rtp'),
      paths,
    };
  }

  private setStatus(s: Partial<SoftphoneStatus>): void {
    this.status = { ...this.status, ...s };
    if (s.state && s.state !== 'failed' && s.detail === undefined) delete this.status.detail;
    this.onStatus(this.status);
  }
}

/** The selected ICE candidate pair of a transport: candidate types (host, srflx, relay) and protocols, no addresses. */
export interface IcePath {
  localType: string;
  remoteType: string;
  protocol: string;
  /** How the local candidate reaches its TURN relay (udp, tcp, tls), for relay candidates. */
  relayProtocol?: string;
}

async function hasLocalCandidate(transport: Transport): Promise<boolean> {
  const report = await transport.getStats().catch(() => null);
  if (!report) return true; // cannot tell: let ICE decide
  return [...report.values()].some((s) => (s as Record<string, unknown>)['type'] === 'local-candidate');
}

async function icePath(transport: Transport | null): Promise<IcePath | null> {
  if (!transport || transport.closed) return null;
  const report = await transport.getStats().catch(() => null);
  if (!report) return null;
  const all = [...report.values()] as Record<string, unknown>[];
  const byId = (id: unknown) => all.find((s) => s['id'] === id);
  const selectedId = all.find((s) => s['type'] === 'transport')?.['selectedCandidatePairId'];
  const pair = byId(selectedId) ?? all.find((s) => s['type'] === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded');
  if (!pair) return null;
  const local = byId(pair['localCandidateId']);
  const remote = byId(pair['remoteCandidateId']);
  if (!local || !remote) return null;
  const relayProtocol = local['relayProtocol'];
  return {
    localType: String(local['candidateType']),
    remoteType: String(remote['candidateType']),
    protocol: String(local['protocol']),
    ...(typeof relayProtocol === 'string' ? { relayProtocol } : {}),
  };
}

export interface AudioStats {
  packets: number;
  bytes: number;
  totalAudioEnergy: number;
  audioLevel: number;
}
