/**
 * Login sessions ended on one node end on every node at once (issue 16 item 2): each node's
 * session cache (users/session-cache.ts) would otherwise serve a session another node logged out,
 * or a disabled user's, for up to its recheck time (5 s) — on PostgreSQL nothing else tells it
 * (on SQLite, data_version drops the whole cache). Each revocation UsersService commits is
 * published on the Redis channel `sunline:sessions:revoked`; every other node drops the entries
 * and has its sockets re-check their sessions at once (a disabled user's console on another node
 * ends now, not at the next periodic check). The message names a token's hash, never the token.
 *
 * A message from Redis is checked before it is applied; a malformed one is ignored (logged).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import type { UsersService } from '../users/users-service.js';
import type { Cluster } from './cluster.js';

export const SESSIONS_CHANNEL = 'sessions:revoked';

const Message = z.discriminatedUnion('kind', [
  z.object({ origin: z.string().max(64), kind: z.literal('session'), tokenHash: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ origin: z.string().max(64), kind: z.literal('user'), userId: z.number().int().positive() }),
]);

/** Wires `users`' revocations to the other nodes and theirs to `users`; resolves once subscribed. Returns the unsubscribe of the local side. */
export async function shareSessionRevocations(
  cluster: Pick<Cluster, 'publish' | 'subscribe'>,
  users: Pick<UsersService, 'onRevoked' | 'applyRevocation'>,
  log: Logger,
): Promise<() => void> {
  const origin = randomUUID();
  await cluster.subscribe(SESSIONS_CHANNEL, (raw) => {
    let parsed: z.infer<typeof Message>;
    try {
      parsed = Message.parse(JSON.parse(raw));
    } catch (err) {
      log.warn({ err }, 'a malformed session revocation from Redis was ignored');
      return;
    }
    if (parsed.origin === origin) return;
    const { origin: _from, ...revocation } = parsed;
    users.applyRevocation(revocation);
  });
  return users.onRevoked((r) => cluster.publish(SESSIONS_CHANNEL, JSON.stringify({ origin, ...r })));
}
