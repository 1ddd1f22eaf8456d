/**
 * Codecs of the media path. G.711 only: it is what Asterisk sends and receives, and mediasoup
 * forwards but never transcodes, so a browser that negotiated Opus could not talk to a caller.
 */
import type { RtpCodecCapability, RtpParameters } from 'mediasoup/types';

/** Router codecs: PCMU (µ-law, payload type 0) first, PCMA (A-law, 8) as the alternative. */
export const ROUTER_CODECS: RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, preferredPayloadType: 0 },
  { kind: 'audio', mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, preferredPayloadType: 8 },
];

/** What Asterisk's externalMedia channel (format ulaw) sends: PCMU/8000 with payload type 0. */
export function asteriskRtpParameters(ssrc: number): RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0, rtcpFeedback: [] }],
    encodings: [{ ssrc }],
  };
}

/** What Asterisk accepts from us: PCMU only, so the consumer towards it sends payload type 0. */
export const ASTERISK_RTP_CAPABILITIES = {
  codecs: [{ kind: 'audio' as const, mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, preferredPayloadType: 0, rtcpFeedback: [] }],
  headerExtensions: [],
};
