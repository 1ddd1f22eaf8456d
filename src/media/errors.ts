/** Fixed-code errors of the media service (decision 0009 #5). */
import { defineErrors } from '../errors/index.js';

const MediaErrorBase = defineErrors('MediaError', {
  MEDIA_UNAVAILABLE: [503, 'the media server is restarting; try again'],
  /** The server runs without a mediasoup worker (realtime/routes-media.ts). */
  MEDIA_DISABLED: [503, 'browser audio is not available on this server'],
  MEDIA_SESSION_NOT_FOUND: [409, 'open the media session first'],
  MEDIA_TRANSPORT_NOT_FOUND: [404, 'no such media transport in this session'],
  MEDIA_CONSUMER_NOT_FOUND: [404, 'no such media consumer in this session'],
  MEDIA_NOT_READY: [409, "the agent's browser audio is not connected"],
  MEDIA_REJECTED: [400, 'the media parameters were rejected'],
});

export type MediaErrorCode = keyof typeof MediaErrorBase.catalogue;

/** The message is always the catalogue's; `detail` (mediasoup's words) is for logs only. */
export class MediaError extends MediaErrorBase {
  declare readonly code: MediaErrorCode;
  readonly detail?: string;
  constructor(code: MediaErrorCode, detail?: string) {
    super(code);
    if (detail) this.detail = detail;
  }
}
