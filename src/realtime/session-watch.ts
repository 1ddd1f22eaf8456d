/**
 * Sockets whose session ended are closed (issue 9 item 4): a socket is authorised once, at its
 * handshake, and pushes reach it without any further check, so a logout, a disabled account or a
 * changed password must reach the open sockets too. Every connected socket's session is checked
 * again
 * - at once whenever UsersService ends sessions (logout, disable, password or role change), and
 * - within `changePollMs` (1 s) after another process committed to the same database (a session
 *   ended or an account disabled by `sunline users`: SQLite's data_version moves), and
 * - every `intervalMs`, for what neither tells: expiry.
 * A socket whose session is gone, or now stands for another role or unit (its rooms were chosen
 * by them), is disconnected by the server; the console then finds its session refused and shows
 * the login page (web/connection.ts).
 */
import type { Logger } from '../logging/logger.js';
import type { UsersService } from '../users/index.js';
import { sessionToken, type RealtimeServer } from './session.js';

/** The default re-check period: the longest an expired session's socket stays open. */
export const SESSION_RECHECK_MS = 30_000;
/** How often data_version is read (one cheap pragma) to notice another process's commit. */
export const SESSION_CHANGE_POLL_MS = 1000;

export function watchSessions(
  io: RealtimeServer,
  users: UsersService,
  log: Logger,
  intervalMs = SESSION_RECHECK_MS,
  changePollMs = SESSION_CHANGE_POLL_MS,
): () => void {
  const recheckAll = async () => {
    for (const socket of [...io.of('/').sockets.values()]) {
      const was = socket.data.user;
      const token = sessionToken(socket.request);
      const now = token ? await users.userForToken(token) : null;
      if (!socket.connected) continue;
      if (now && now.id === was.id && now.role === was.role && now.unitId === was.unitId) continue;
      log.info({ userId: was.id, socketId: socket.id }, now ? 'socket session changed; disconnecting' : 'socket session ended; disconnecting');
      try {
        socket.disconnect(true);
      } catch (err) {
        log.error({ err, socketId: socket.id }, 'disconnecting an ended session failed');
      }
    }
  };
  const recheck = () => {
    recheckAll().catch((err: unknown) => log.error({ err }, 'checking the sockets’ sessions failed'));
  };
  const timer = setInterval(recheck, intervalMs);
  timer.unref();
  let seen = users.commitsElsewhere();
  const poll = setInterval(() => {
    const now = users.commitsElsewhere();
    if (now === seen) return;
    seen = now;
    recheck();
  }, changePollMs);
  poll.unref();
  const unsubscribe = users.onSessionsEnded(recheck);
  return () => {
    clearInterval(timer);
    clearInterval(poll);
    unsubscribe();
  };
}
