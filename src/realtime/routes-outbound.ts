/** Socket routes of contract/outbound.ts: agents only, for themselves. */
import { DialPayload, type OutboundClientEvents } from '../contract/outbound.js';
import { withPayload, type Route } from './route.js';

export const OUTBOUND_ROUTES: Record<keyof OutboundClientEvents, Route> = {
  'call:dial': withPayload('agent', DialPayload, (c, p) => c.commands.dial(c.user.id, p)),
};
