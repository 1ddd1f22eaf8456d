/** Socket routes of contract-media.ts: agents, and leads for their supervision audio (src/supervision); a server without media answers MEDIA_DISABLED. */
import { MediaConnectPayload, MediaProducePayload, MediaResumePayload, type MediaClientEvents } from '../contract/media.js';
import type { MediaCommands } from '../contract/media-commands.js';
import { MediaError } from '../media/errors.js';
import { bare, readOnly, withPayload, type HandlerContext, type Route } from './route.js';

function media(c: HandlerContext): MediaCommands {
  if (!c.media) throw new MediaError('MEDIA_DISABLED');
  return c.media;
}

// WebRTC signalling only: nothing here touches the database.
export const MEDIA_ROUTES: Record<keyof MediaClientEvents, Route> = readOnly({
  'media:open': bare('softphone', (c) => media(c).open(c.socketId, c.user.id)),
  'media:connect': withPayload('softphone', MediaConnectPayload, (c, p) => media(c).connect(c.socketId, p)),
  'media:produce': withPayload('softphone', MediaProducePayload, (c, p) => media(c).produce(c.socketId, p)),
  'media:warmup': bare('softphone', (c) => media(c).warmup(c.socketId)),
  'media:resume': withPayload('softphone', MediaResumePayload, (c, p) => media(c).resume(c.socketId, p.consumerId)),
  'media:close': bare('softphone', (c) => media(c).close(c.socketId)),
});
