import type { User } from '../api.js';

interface Props {
  user: User;
  onSignedOut: () => void;
}

/** The unit portal (承办单位): the unit's inbox of dispatched orders. Being built (issue #5). */
export function UnitPortalPage({ user }: Props) {
  return <main data-testid="unit-portal">{user.displayName}</main>;
}
