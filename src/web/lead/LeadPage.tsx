import type { User } from '../api.js';

interface Props {
  user: User;
  onSignedOut: () => void;
}

/** The shift-lead view (值班长): the live queue and the actions on it. Being built (issue #4). */
export function LeadPage({ user }: Props) {
  return <main data-testid="lead-page">{user.displayName}</main>;
}
