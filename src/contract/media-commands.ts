/**
 * What agent consoles may ask of the media service (src/media): the browser's WebRTC session.
 * Implemented by the media service; realtime/ only calls it. Null when media is disabled.
 * Sessions are per console tab (`socketId`); the agent id always comes from the login session.
 */
import type { z } from 'zod';
import type { MediaConnectPayload, MediaProducePayload, MediaProduced, MediaSession, MediaWarmup } from './media.js';

export interface MediaCommands {
  /** Opens (or re-opens) this tab's WebRTC session: router capabilities + send/recv transports. */
  open(socketId: string, agentId: number): Promise<MediaSession>;
  connect(socketId: string, p: z.infer<typeof MediaConnectPayload>): Promise<void>;
  /** The tab's microphone; answered calls hear it. */
  produce(socketId: string, p: z.infer<typeof MediaProducePayload>): Promise<MediaProduced>;
  resume(socketId: string, consumerId: string): Promise<void>;
  /** A paused consumer of the tab's own microphone on its recv transport (never resumed). */
  warmup(socketId: string): Promise<MediaWarmup>;
  /** Closes the tab's session (console closed, logout, socket gone). Idempotent. */
  close(socketId: string): Promise<void>;
}
