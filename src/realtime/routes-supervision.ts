/** Socket routes of contract/supervision.ts: shift leads and admins only; a server without browser audio or telephony answers SUPERVISION_DISABLED. */
import { SupervisionModePayload, SupervisionStartPayload, type SupervisionClientEvents, type SupervisionCommands } from '../contract/supervision.js';
import { SupervisionError } from '../supervision/errors.js';
import { bare, withPayload, type HandlerContext, type Route } from './route.js';

function supervision(c: HandlerContext): SupervisionCommands {
  if (!c.supervision) throw new SupervisionError('SUPERVISION_DISABLED');
  return c.supervision;
}

// The audit rows are written synchronously by the service; the acks wait for durability like any command.
export const SUPERVISION_ROUTES: Record<keyof SupervisionClientEvents, Route> = {
  'supervision:start': withPayload('lead', SupervisionStartPayload, (c, p) => supervision(c).start({ userId: c.user.id, socketId: c.socketId }, p)),
  'supervision:mode': withPayload('lead', SupervisionModePayload, (c, p) => supervision(c).setMode(c.socketId, p.mode)),
  'supervision:stop': bare('lead', (c) => supervision(c).stop(c.socketId)),
};
