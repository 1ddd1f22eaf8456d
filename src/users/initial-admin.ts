/**
 * The first administrator of a new installation (issue 11 item 1), from the environment:
 * SUNLINE_INITIAL_ADMIN_PASSWORD (and SUNLINE_INITIAL_ADMIN_USERNAME) create an administrator
 * only while no enabled one exists, and that account must change the password at its first
 * login (the value sits in a deployment file, readable by whoever deploys). Once an administrator
 * exists the setting does nothing, so it may stay set. The password is never logged.
 * `sunline users add --role admin` is the other way in.
 */
import type { Logger } from '../logging/logger.js';
import type { UsersService } from './users-service.js';

export interface InitialAdmin {
  readonly username: string;
  readonly password: string;
}

export type InitialAdminOutcome = 'created' | 'admin-exists' | 'username-taken';

export async function ensureInitialAdmin(users: UsersService, initial: InitialAdmin, log: Logger): Promise<InitialAdminOutcome> {
  if (await users.hasAdmin()) {
    log.debug('an administrator exists: SUNLINE_INITIAL_ADMIN_PASSWORD not used');
    return 'admin-exists';
  }
  if (await users.byUsername(initial.username)) {
    log.warn(
      { username: initial.username },
      'no administrator, and SUNLINE_INITIAL_ADMIN_USERNAME names an existing account: no initial administrator created',
    );
    return 'username-taken';
  }
  const created = await users.create(
    { username: initial.username, displayName: initial.username, role: 'admin', password: initial.password, mustChangePassword: true },
    { actorId: (await users.systemUser()).id, details: { source: 'SUNLINE_INITIAL_ADMIN_PASSWORD' } },
  );
  log.warn(
    { userId: created.id, username: created.username },
    'initial administrator created from the environment; its password must be changed at first login',
  );
  return 'created';
}
