/** The signed-in user a login session stands for. */
import type { UserRole } from '../db/schema.js';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  unitId: string | null;
}

/** The cookie that carries a login session's token (HTTP and the socket.io handshake alike). */
export const SESSION_COOKIE = 'sunline_session';
