/**
 * Time-limited TURN credentials (the "TURN REST API" scheme coturn checks with
 * `use-auth-secret` + `static-auth-secret`): username `<expiry-unix>:<userId>`, credential
 * base64(HMAC-SHA1(secret, username)). Each console gets its own when it opens its media
 * session; the shared secret never leaves the server, and what the browser gets stops working
 * at the expiry. Never log the result.
 */
import { createHmac } from 'node:crypto';
import type { IceEnv } from '../config/env.js';
import type { MediaIceServer } from '../contract/media.js';

export interface TurnCredential {
  readonly username: string;
  readonly credential: string;
  /** Unix seconds after which the relay refuses the credential. */
  readonly expiresAt: number;
}

export function mintTurnCredential(secret: string, userId: string, ttlSeconds: number, nowMs = Date.now()): TurnCredential {
  // coturn splits the username at the first ':' (the expiry), so the user part may not make it ambiguous.
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(userId)) throw new TypeError(`TURN user id '${userId}' must be 1-64 of [A-Za-z0-9._@-]`);
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/** What the browser's transports get: the relays with a fresh credential (none without TURN). */
export function iceServersFor(ice: IceEnv | undefined, userId: string, nowMs = Date.now()): MediaIceServer[] {
  if (!ice?.turn) return [];
  const { username, credential } = mintTurnCredential(ice.turn.secret, userId, ice.turn.ttlSeconds, nowMs);
  return [{ urls: [...ice.turn.urls], username, credential }];
}
