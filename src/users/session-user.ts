/** The signed-in user a login session stands for. */
import type { UserRole } from '../db/schema.js';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  unitId: string | null;
  /**
   * The password was set by someone else (the first admin from the environment, an administrator's
   * reset): until it is changed, the session may only change it, read itself and log out
   * (http/auth.ts, realtime/session.ts refuse the rest with PASSWORD_CHANGE_REQUIRED).
   */
  mustChangePassword?: boolean;
}

/** The cookie that carries a login session's token (HTTP and the socket.io handshake alike). */
export const SESSION_COOKIE = 'sunline_session';
