/** Socket routes of contract/supervision.ts: shift leads and admins only; a server without browser audio or telephony answers SUPERVISION_DISABLED. */
import { SupervisionModePayload, SupervisionStartPayload, type SupervisionClientEvents, type SupervisionCommands } from '../contract/supervision.js';
import { SupervisionError } from '../supervision/errors.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import { bare, withPayload, type HandlerContext, type Route } from './route.js';
import type { RealtimeSocket } from './session.js';

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

/**
 * The agent's notice as it is now, for a console that connects or syncs (a reload, a new socket
 * after a network change): the calls a lead listens to now, and for the call in progress that
 * nobody does — the page may still show a notice whose end was sent while it was away.
 */
export async function sendMonitoredNotice(
  socket: RealtimeSocket,
  agentId: number,
  commands: ConsoleCommands,
  supervision: { monitoredCalls(agentId: number): string[] },
): Promise<void> {
  const talking = await commands.callInProgress(agentId);
  const told = supervision.monitoredCalls(agentId);
  for (const callId of told) socket.emit('supervision:monitored', { callId, monitored: true });
  if (talking && !told.includes(talking.callId)) socket.emit('supervision:monitored', { callId: talking.callId, monitored: false });
}
