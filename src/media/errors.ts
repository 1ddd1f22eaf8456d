/** Fixed-code errors of the media service (CONVENTIONS.md #5). */
const MEDIA_ERRORS = {
  MEDIA_UNAVAILABLE: [503, 'the media server is restarting; try again'],
  MEDIA_SESSION_NOT_FOUND: [409, 'open the media session first'],
  MEDIA_TRANSPORT_NOT_FOUND: [404, 'no such media transport in this session'],
  MEDIA_CONSUMER_NOT_FOUND: [404, 'no such media consumer in this session'],
  MEDIA_NOT_READY: [409, "the agent's browser audio is not connected"],
  MEDIA_REJECTED: [400, 'the media parameters were rejected'],
} as const satisfies Record<string, readonly [number, string]>;

export type MediaErrorCode = keyof typeof MEDIA_ERRORS;

export class MediaError extends Error {
  readonly statusCode: number;
  constructor(readonly code: MediaErrorCode, detail?: string) {
    super(MEDIA_ERRORS[code][1]);
    this.name = 'MediaError';
    this.statusCode = MEDIA_ERRORS[code][0];
    if (detail) this.detail = detail;
  }
  detail?: string;
}
