/** The signed-in user a login session stands for. */
import type { UserRole } from '../db/schema.js';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  unitId: string | null;
}
