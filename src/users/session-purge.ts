/**
 * Expired sessions are deleted: a login writes a row that is refused once it expires but was
 * never removed, so the sessions table grew with every login for the life of the install. Once
 * at start and then every `intervalMs` (an hour by default; a failure is logged and retried at
 * the next tick).
 */
import type { Logger } from '../logging/logger.js';
import type { UsersService } from './users-service.js';

export const SESSION_PURGE_MS = 3_600_000;

export function purgeSessionsEvery(users: Pick<UsersService, 'purgeExpiredSessions'>, log: Logger, intervalMs = SESSION_PURGE_MS): () => void {
  const purge = async () => {
    try {
      const removed = await users.purgeExpiredSessions();
      if (removed > 0) log.info({ removed }, 'expired sessions deleted');
    } catch (err) {
      log.error({ err }, 'deleting expired sessions failed');
    }
  };
  void purge();
  const timer = setInterval(() => void purge(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
