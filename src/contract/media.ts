/**
 * Socket events of softphone media signalling (mediasoup transports, producers, consumers). Part of the one typed contract (contract.ts extends these interfaces);
 * payload schemas here are validated by realtime/ before anything runs.
 *
 * Flow (agents only): `media:open` once per console connection → the router's RTP capabilities
 * and a send + a recv WebRTC transport; the browser connects them (`media:connect`, DTLS) and
 * produces its microphone (`media:produce`, PCMU). When a call is answered the server pushes
 * `media:consume` (the caller's audio, paused) and the browser resumes it (`media:resume`) once
 * its consumer is ready. `media:warmup` (after produce) makes the recv transport connect at
 * login instead of on the first call. `media:reset`: the media server restarted; open again.
 */
import { z } from 'zod';
import type { Ack } from './ack.js';
import { boundedJson } from './bounds.js';

/** mediasoup's DTLS parameters (checked for shape; mediasoup checks the rest). */
export const DtlsParametersSchema = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().min(1).max(20), value: z.string().min(1).max(200) }))
    .min(1)
    .max(10),
});

/** mediasoup's RTP parameters of a browser producer (audio); loose (mediasoup reads the rest), so bounded as a whole (a browser's are about 1 kB). */
export const RtpParametersSchema = boundedJson(
  z.looseObject({
    mid: z.string().max(32).optional(),
    codecs: z
      .array(z.looseObject({ mimeType: z.string().min(1).max(50), payloadType: z.number().int().min(0).max(127), clockRate: z.number().int().positive() }))
      .min(1)
      .max(10),
    encodings: z.array(z.looseObject({})).max(10).optional(),
    headerExtensions: z.array(z.looseObject({})).max(20).optional(),
    rtcp: z.looseObject({}).optional(),
  }),
  4096,
);

export const MediaConnectPayload = z.object({ transportId: z.string().min(1).max(100), dtlsParameters: DtlsParametersSchema });
export const MediaProducePayload = z.object({ transportId: z.string().min(1).max(100), kind: z.literal('audio'), rtpParameters: RtpParametersSchema });
export const MediaResumePayload = z.object({ consumerId: z.string().min(1).max(100) });

/** What mediasoup-client's Device.createSendTransport / createRecvTransport need. */
export interface MediaTransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

/** A TURN relay with this console's time-limited credential (RTCIceServer). */
export interface MediaIceServer {
  urls: string[];
  username: string;
  credential: string;
}

/** Answer of `media:open`. */
export interface MediaSession {
  routerRtpCapabilities: unknown;
  send: MediaTransportOptions;
  recv: MediaTransportOptions;
  /** TURN relays for both transports (empty without TURN): remote agents behind NAT/firewalls. */
  iceServers: MediaIceServer[];
  /** 'relay': the browser uses only relayed candidates (SUNLINE_ICE_POLICY). */
  iceTransportPolicy: 'all' | 'relay';
}

/** The caller's audio for this console: consume it on the recv transport, then `media:resume`. */
export interface MediaConsumeOffer {
  callId: string;
  consumerId: string;
  producerId: string;
  kind: 'audio';
  rtpParameters: unknown;
}

export interface MediaServerEvents {
  'media:consume': (offer: MediaConsumeOffer) => void;
  /** The call's audio towards this console ended (hang-up, or the media server restarted). */
  'media:consumer_closed': (p: { consumerId: string; callId: string }) => void;
  /** The media server restarted: every transport is gone; `media:open` again. */
  'media:reset': (p: { reason: 'worker_restarted' }) => void;
}

/** Answer of `media:produce`: the microphone's producer on the server (mediasoup-client's `produce` callback takes it). */
export interface MediaProduced {
  id: string;
}

/** A paused consumer that only makes the recv transport connect (ICE + DTLS) before the first call. */
export interface MediaWarmup {
  consumerId: string;
  producerId: string;
  kind: 'audio';
  rtpParameters: unknown;
}

export interface MediaClientEvents {
  'media:open': (ack?: Ack<MediaSession>) => void;
  /** After the microphone produces: connect the recv transport now, so answering needs no handshake. */
  'media:warmup': (ack?: Ack<MediaWarmup>) => void;
  'media:connect': (p: z.infer<typeof MediaConnectPayload>, ack?: Ack) => void;
  'media:produce': (p: z.infer<typeof MediaProducePayload>, ack?: Ack<MediaProduced>) => void;
  'media:resume': (p: z.infer<typeof MediaResumePayload>, ack?: Ack) => void;
  'media:close': (ack?: Ack) => void;
}
